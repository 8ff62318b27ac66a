/*
 * face_quality.c: face_quality(photo) -> the quality of the face embed() would use, and
 * face_quality_check(photo, ...) -> true, or an error that says what is wrong with it, for
 * refusing a poor enrolment photo in a CHECK constraint.
 */
#include "pgface_pg.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"

PG_FUNCTION_INFO_V1(pgface_quality_of_photo);
PG_FUNCTION_INFO_V1(pgface_quality_check);

/* A measure as float8, NULL when it could not be measured (a pose that did not fit). */
static void
measure_datum(double value, Datum *datum, bool *null)
{
	*null = !isfinite(value);
	*datum = Float8GetDatum(*null ? 0.0 : value);
}

void
pgface_quality_columns(const pgface_face_quality *quality, Datum *values, bool *nulls)
{
	const double measures[PGFACE_QUALITY_COLUMNS] = {
	    quality->score,      quality->eye_distance, quality->yaw,
	    quality->pitch,      quality->roll,         quality->sharpness,
	    quality->brightness, quality->contrast,     quality->blockiness};

	for (int i = 0; i < PGFACE_QUALITY_COLUMNS; i++)
		measure_datum(measures[i], &values[i], &nulls[i]);
}

/* embed()'s face of the photo, or the error embed() would raise (P0002 for no face). */
static void
photo_face_quality(bytea *photo, pgface_face_quality *quality)
{
	const pgface_pipeline_options options = pgface_current_pipeline_options();
	pgface_status status = {0};
	pgface_face face;

	face.embedding = palloc(sizeof(float) * options.model->dims);
	if (pgface_photo_face(pgface_backend_models(), (const unsigned char *) VARDATA_ANY(photo),
	                      VARSIZE_ANY_EXHDR(photo), &options, &face, &status) != PGFACE_OK)
		pgface_report_core_error(&status);
	*quality = face.quality;
	pfree(face.embedding);
}

Datum
pgface_quality_of_photo(PG_FUNCTION_ARGS)
{
	pgface_face_quality quality;
	TupleDesc tupdesc;
	Datum values[PGFACE_QUALITY_COLUMNS + 1];
	bool nulls[PGFACE_QUALITY_COLUMNS + 1];

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE ||
	    tupdesc->natts != PGFACE_QUALITY_COLUMNS + 1)
		ereport(ERROR,
		        (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
		         errmsg("face_quality() must return its %d columns", PGFACE_QUALITY_COLUMNS + 1)));
	photo_face_quality(PG_GETARG_BYTEA_PP(0), &quality);
	pgface_quality_columns(&quality, values, nulls);
	measure_datum(quality.detector_score, &values[PGFACE_QUALITY_COLUMNS],
	              &nulls[PGFACE_QUALITY_COLUMNS]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/* An argument that may be NULL (that check skipped); NaN means the same. */
static double
optional_limit(FunctionCallInfo fcinfo, int argument)
{
	return PG_ARGISNULL(argument) ? NAN : PG_GETARG_FLOAT8(argument);
}

PGFACE_NORETURN_BEFORE static void refuse(const pgface_face_quality *quality, const char *problem,
                                          const char *hint) PGFACE_NORETURN_AFTER;

/* Refuses the photo: 23514 like any CHECK, with what is wrong and every measure. */
static void
refuse(const pgface_face_quality *quality, const char *problem, const char *hint)
{
	ereport(ERROR,
	        (errcode(ERRCODE_CHECK_VIOLATION), errmsg("pgface: %s", problem),
	         errdetail("The face measures %.0f px between the eyes, yaw %.0f, pitch %.0f and roll "
	                   "%.0f degrees, sharpness %.3f, brightness %.0f, contrast %.0f, blockiness "
	                   "%.2f, detector score %.2f, quality score %.3f.",
	                   quality->eye_distance, quality->yaw, quality->pitch, quality->roll,
	                   quality->sharpness, quality->brightness, quality->contrast,
	                   quality->blockiness, quality->detector_score, quality->score),
	         errhint("%s", hint)));
}

/*
 * The checks in the order a photographer would fix them: a face too small first (every
 * other measure is poor on a small face), then the pose, the focus, the light, the
 * compression, and last the combined score. A limit passed as NULL is not checked.
 */
Datum
pgface_quality_check(PG_FUNCTION_ARGS)
{
	double min_eye_distance = optional_limit(fcinfo, 1);
	double max_yaw = optional_limit(fcinfo, 2);
	double max_pitch = optional_limit(fcinfo, 3);
	double min_sharpness = optional_limit(fcinfo, 4);
	double min_brightness = optional_limit(fcinfo, 5);
	double max_brightness = optional_limit(fcinfo, 6);
	double max_blockiness = optional_limit(fcinfo, 7);
	double min_score = optional_limit(fcinfo, 8);
	pgface_face_quality q;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL(); /* a CHECK passes on NULL, as for any other column */
	photo_face_quality(PG_GETARG_BYTEA_PP(0), &q);
	if (q.eye_distance < min_eye_distance)
		refuse(&q,
		       psprintf("face too small: %.0f px between the eyes, needs %.0f", q.eye_distance,
		                min_eye_distance),
		       "Take the photo closer, or at a higher resolution.");
	if (isnan(q.yaw) && !(isnan(max_yaw) && isnan(max_pitch)))
		refuse(&q, "the face's pose could not be measured from its landmarks",
		       "Enrol a photo of the face seen from the front.");
	if (!(fabs(q.yaw) <= max_yaw) && !isnan(max_yaw))
		refuse(
		    &q,
		    psprintf("face turned aside: %.0f degrees of yaw, at most %.0f", fabs(q.yaw), max_yaw),
		    "The person should face the camera.");
	if (!(fabs(q.pitch) <= max_pitch) && !isnan(max_pitch))
		refuse(&q,
		       psprintf("face tilted %s: %.0f degrees of pitch, at most %.0f",
		                q.pitch > 0 ? "down" : "up", fabs(q.pitch), max_pitch),
		       "The camera should be at the height of the person's eyes.");
	if (q.sharpness < min_sharpness)
		refuse(&q, psprintf("face blurred: sharpness %.3f, needs %.3f", q.sharpness, min_sharpness),
		       "Hold the camera still and focus on the face.");
	if (q.brightness < min_brightness)
		refuse(&q,
		       psprintf("face too dark: brightness %.0f, needs %.0f", q.brightness, min_brightness),
		       "Light the face from the front.");
	if (q.brightness > max_brightness)
		refuse(&q,
		       psprintf("face overexposed: brightness %.0f, at most %.0f", q.brightness,
		                max_brightness),
		       "Avoid direct flash or sunlight on the face.");
	if (q.blockiness > max_blockiness)
		refuse(&q,
		       psprintf("photo compressed too much: JPEG blockiness %.2f, at most %.2f",
		                q.blockiness, max_blockiness),
		       "Enrol the camera's original file, not a recompressed copy.");
	if (isnan(q.score) && !isnan(min_score))
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
		                errmsg("pgface: model \"%s\" has no calibrated quality score",
		                       pgface_current_pipeline_options().model->name),
		                errhint("Check the components instead of min_score.")));
	if (!(q.score >= min_score) && !isnan(min_score))
		refuse(&q, psprintf("face quality too low: score %.3f, needs %.3f", q.score, min_score),
		       "The detail says which measures are poor; see face_quality().");
	PG_RETURN_BOOL(true);
}
