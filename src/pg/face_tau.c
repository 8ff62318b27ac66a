/*
 * face_tau.c: face_tau(far, gallery [, probe]), the threshold for open-set identification.
 */
#include "face_embedding.h"

#include <math.h>

#include "face/embedding_statistics.h"

PG_FUNCTION_INFO_V1(face_tau);
PG_FUNCTION_INFO_V1(face_tau_for_probe);

/*
 * tau = 0.6 is a 1:1 verification threshold; a probe compared with a whole
 * gallery has as many chances to hit a stranger as the gallery has faces.
 * This gives users the tau for the stranger acceptance they can live with,
 * from the impostor distances the model ships with.
 */
static float8
open_set_tau(float8 far, int64 gallery, const pgface_recognition_model *model)
{
	if (!(far > 0.0 && far < 1.0))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("face_tau: far must lie strictly between 0 and 1, not %g", far),
		                errhint("far is the share of strangers that may be accepted, "
		                        "for example 0.01.")));
	if (gallery < 1)
		ereport(ERROR,
		        (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		         errmsg("face_tau: gallery must be at least 1, not " INT64_FORMAT, gallery),
		         errhint("gallery is the number of enrolled faces a probe is compared with.")));
	if (model == NULL || model->statistics == NULL)
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
		                errmsg("face_tau: no impostor distances were measured for model \"%s\"",
		                       model != NULL ? model->name : "unknown")));
	return pgface_open_set_tau(model->statistics, far, (double) gallery);
}

/* Without a probe: the default model, the one the tag-less text form and embed() mean. */
Datum
face_tau(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(
	    open_set_tau(PG_GETARG_FLOAT8(0), PG_GETARG_INT64(1), face_embedding_default_model()));
}

/* The probe says which model's impostor distances apply; its values do not matter. */
Datum
face_tau_for_probe(PG_FUNCTION_ARGS)
{
	FaceEmbedding *probe = PG_GETARG_FACE_EMBEDDING_P(2);

	PG_RETURN_FLOAT8(
	    open_set_tau(PG_GETARG_FLOAT8(0), PG_GETARG_INT64(1), pgface_model_lookup(probe->model)));
}
