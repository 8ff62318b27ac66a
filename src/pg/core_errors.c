/*
 * core_errors.c: one place that decides which SQLSTATE each core failure gets.
 */
#include "pgface_pg.h"

void
pgface_report_core_error(const pgface_status *status)
{
	switch (status->code)
	{
		case PGFACE_ERR_NO_MEMORY:
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("pgface: %s", status->message)));
			break;
		case PGFACE_ERR_MODEL_MISSING:
			ereport(ERROR, (errcode(ERRCODE_UNDEFINED_FILE), errmsg("pgface: %s", status->message),
			                errhint("Install the models with \"make install\", or point "
			                        "pgface.model_dir at a directory that holds them.")));
			break;
		case PGFACE_ERR_MODEL_CORRUPT:
			ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("pgface: %s", status->message),
			                errhint("Reinstall the models with \"make install\".")));
			break;
		case PGFACE_ERR_IMAGE_EMPTY:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			                errmsg("pgface: %s", status->message)));
			break;
		case PGFACE_ERR_IMAGE_FORMAT:
			ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			                errmsg("pgface: %s", status->message)));
			break;
		case PGFACE_ERR_IMAGE_CORRUPT:
			ereport(ERROR, (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			                errmsg("pgface: %s", status->message)));
			break;
		case PGFACE_ERR_IMAGE_TOO_LARGE:
			ereport(ERROR,
			        (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED), errmsg("pgface: %s", status->message),
			         errhint("Raise pgface.max_image_pixels, or send a smaller image.")));
			break;
		case PGFACE_ERR_INPUT_TOO_LARGE:
			ereport(ERROR,
			        (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED), errmsg("pgface: %s", status->message),
			         errhint("Raise pgface.max_image_bytes, or send a smaller file.")));
			break;
		case PGFACE_ERR_INVALID_ARGUMENT:
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			                errmsg("pgface: %s", status->message)));
			break;
		case PGFACE_ERR_NO_FACE:
			ereport(ERROR,
			        (errcode(ERRCODE_NO_DATA_FOUND), errmsg("pgface: %s", status->message),
			         errhint("faces(photo) lists every face found, and returns no row when there "
			                 "is none; embed(photo, detect => false) takes the whole image as "
			                 "the face.")));
			break;
		case PGFACE_OK:
			break;
	}
	elog(ERROR, "pgface: unexpected core status %d: %s", (int) status->code, status->message);
	pg_unreachable();
}
