/*
 * face_tau.c: face_tau(far, gallery), the threshold for open-set identification.
 */
#include "face_embedding.h"

#include <math.h>

#include "face/embedding_statistics.h"

PG_FUNCTION_INFO_V1(face_tau);

/*
 * tau = 0.6 is a 1:1 verification threshold; a probe compared with a whole
 * gallery has as many chances to hit a stranger as the gallery has faces.
 * This gives users the tau for the stranger acceptance they can live with,
 * from the impostor distances the model ships with.
 */
Datum
face_tau(PG_FUNCTION_ARGS)
{
	float8 far = PG_GETARG_FLOAT8(0);
	int64 gallery = PG_GETARG_INT64(1);

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
	PG_RETURN_FLOAT8(pgface_open_set_tau(pgface_embedding_statistics_lookup(PGFACE_MODEL_DEFAULT),
	                                     far, (double) gallery));
}
