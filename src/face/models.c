/*
 * models.c: opening the model directory.
 */
#include "face/models.h"

#include <stdio.h>
#include <string.h>

pgface_code
pgface_models_open(const char *dir, pgface_models *models, pgface_status *status)
{
	char path[4096];

	memset(models, 0, sizeof(*models));
	if ((size_t) snprintf(path, sizeof(path), "%s/%s", dir, PGFACE_RECOGNITION_MODEL_FILE) >=
	    sizeof(path))
		return pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT, "model directory path too long");
	if (pgface_model_open(path, &models->recognition_file, status) != PGFACE_OK)
		return status->code;
	if (pgface_recognition_net_bind(&models->recognition_file, &models->recognition, status) !=
	    PGFACE_OK)
	{
		char reason[sizeof(status->message)];
		snprintf(reason, sizeof(reason), "%s", status->message);
		pgface_models_close(models);
		return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT,
		                   "model file \"%s\" does not fit the net: %s", path, reason);
	}
	return PGFACE_OK;
}

void
pgface_models_close(pgface_models *models)
{
	pgface_model_close(&models->recognition_file);
	memset(models, 0, sizeof(*models));
}
