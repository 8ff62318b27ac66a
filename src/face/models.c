/*
 * models.c: opening the model directory.
 */
#include "face/models.h"

#include <stdio.h>
#include <string.h>

#include "common/runtime.h"

/* Maps one net's file of dir and binds the net to it; a failure names the file. */
static pgface_code
open_net(const char *dir, const pgface_net_binding *binding, pgface_bound_net *bound,
         pgface_status *status)
{
	char path[4096];
	char reason[sizeof(status->message)];

	bound->binding = binding;
	if ((size_t) snprintf(path, sizeof(path), "%s/%s", dir, binding->file) >= sizeof(path))
		return pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT, "model directory path too long");
	bound->net = pgface_alloc_zeroed(1, binding->net_size);
	if (bound->net == NULL)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for the net of \"%s\"",
		                   path);
	if (pgface_model_open(path, &bound->file, status) != PGFACE_OK)
		return status->code;
	if (binding->bind(&bound->file, bound->net, status) == PGFACE_OK)
		return PGFACE_OK;
	snprintf(reason, sizeof(reason), "%s", status->message);
	return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT,
	                   "model file \"%s\" does not fit the net: %s", path, reason);
}

/* Unmaps one net; a net that never got its file is only freed. */
static void
close_net(pgface_bound_net *bound)
{
	pgface_model_close(&bound->file);
	if (bound->net != NULL)
		pgface_free(bound->net);
	memset(bound, 0, sizeof(*bound));
}

/* The recognition models first: a user's model directory most often lacks, or has a damaged, one of
 * those. */
pgface_code
pgface_models_open(const char *dir, pgface_models *models, pgface_status *status)
{
	memset(models, 0, sizeof(*models));
	for (int i = 0; i < pgface_model_count(); i++)
	{
		models->recognition_count = i + 1; /* so that close reaches a half-opened one */
		if (open_net(dir, &pgface_model_at(i)->net, &models->recognition[i], status))
		{
			pgface_models_close(models);
			return status->code;
		}
	}
	if (open_net(dir, &pgface_detector_binding, &models->detector, status) ||
	    open_net(dir, &pgface_landmark_net_binding, &models->landmarks, status))
	{
		pgface_models_close(models);
		return status->code;
	}
	return PGFACE_OK;
}

/* Read whole before it is attached, so that a failure or a cancel leaves models unchanged. */
pgface_code
pgface_models_open_shape_predictor(pgface_models *models, const char *path, pgface_status *status)
{
	pgface_shape_predictor *predictor;

	if (models->shape_predictor != NULL)
		return PGFACE_OK;
	predictor = pgface_alloc_zeroed(1, sizeof(*predictor));
	if (predictor == NULL)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for the shape predictor");
	if (pgface_shape_predictor_load(path, predictor, status) != PGFACE_OK)
	{
		pgface_free(predictor);
		return status->code;
	}
	models->shape_predictor = predictor;
	return PGFACE_OK;
}

void
pgface_models_close(pgface_models *models)
{
	if (models->shape_predictor != NULL)
	{
		pgface_shape_predictor_free(models->shape_predictor);
		pgface_free(models->shape_predictor);
	}
	close_net(&models->detector);
	close_net(&models->landmarks);
	for (int i = 0; i < models->recognition_count; i++)
		close_net(&models->recognition[i]);
	memset(models, 0, sizeof(*models));
}

const pgface_detector *
pgface_models_detector(const pgface_models *models)
{
	return models->detector.net;
}

const pgface_landmark_net *
pgface_models_landmarks(const pgface_models *models)
{
	return models->landmarks.net;
}

/* Registry order is the slots' order; a model the registry does not hold has no net. */
const void *
pgface_models_recognition(const pgface_models *models, const pgface_recognition_model *model)
{
	for (int i = 0; i < models->recognition_count; i++)
		if (pgface_model_at(i) == model)
			return models->recognition[i].net;
	return NULL;
}
