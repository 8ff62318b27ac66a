/*
 * models.c: opening the model directory.
 */
#include "face/models.h"

#include <stdio.h>
#include <string.h>

/* Maps one model file of dir and lets bind point a net at it; a failure names the file. */
static pgface_code
open_model(const char *dir, const char *file, pgface_model_file *model,
           pgface_code (*bind)(const pgface_model_file *, void *, pgface_status *), void *net,
           pgface_status *status)
{
	char path[4096];
	char reason[sizeof(status->message)];

	if ((size_t) snprintf(path, sizeof(path), "%s/%s", dir, file) >= sizeof(path))
		return pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT, "model directory path too long");
	if (pgface_model_open(path, model, status) != PGFACE_OK)
		return status->code;
	if (bind(model, net, status) == PGFACE_OK)
		return PGFACE_OK;
	snprintf(reason, sizeof(reason), "%s", status->message);
	return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT,
	                   "model file \"%s\" does not fit the net: %s", path, reason);
}

static pgface_code
bind_recognition(const pgface_model_file *model, void *net, pgface_status *status)
{
	return pgface_recognition_net_bind(model, net, status);
}

static pgface_code
bind_detector(const pgface_model_file *model, void *net, pgface_status *status)
{
	return pgface_detector_bind(model, net, status);
}

static pgface_code
bind_landmarks(const pgface_model_file *model, void *net, pgface_status *status)
{
	return pgface_landmark_net_bind(model, net, status);
}

pgface_code
pgface_models_open(const char *dir, pgface_models *models, pgface_status *status)
{
	memset(models, 0, sizeof(*models));
	if (open_model(dir, PGFACE_RECOGNITION_MODEL_FILE, &models->recognition_file, bind_recognition,
	               &models->recognition, status) ||
	    open_model(dir, PGFACE_DETECTOR_MODEL_FILE, &models->detector_file, bind_detector,
	               &models->detector, status) ||
	    open_model(dir, PGFACE_LANDMARK_MODEL_FILE, &models->landmark_file, bind_landmarks,
	               &models->landmarks, status))
	{
		pgface_models_close(models);
		return status->code;
	}
	return PGFACE_OK;
}

void
pgface_models_close(pgface_models *models)
{
	pgface_model_close(&models->recognition_file);
	pgface_model_close(&models->detector_file);
	pgface_model_close(&models->landmark_file);
	memset(models, 0, sizeof(*models));
}
