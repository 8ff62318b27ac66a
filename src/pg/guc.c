/*
 * guc.c: the pgface.* settings.
 */
#include "pgface_pg.h"
#include "face_embedding.h"

#include <limits.h>

#include "utils/guc.h"

/* DefineCustom*Variable sets each to its boot value, pgface_default_pipeline_options()'s, at load.
 */
char *pgface_model_dir_setting = NULL;
int pgface_max_image_pixels = PGFACE_DEFAULT_MAX_IMAGE_PIXELS;
int pgface_max_image_kb = PGFACE_DEFAULT_MAX_IMAGE_KB;
int pgface_detector_input_size = 416;
double pgface_detector_score_threshold = 0.5;
int pgface_alignment_setting = PGFACE_ALIGN_DLIB;
bool pgface_mirror_average = true;
char *pgface_model_setting = NULL;
int pgface_landmarks_setting = PGFACE_LANDMARKS_FACEAPI;
char *pgface_shape_predictor_file = NULL;

static const struct config_enum_entry landmark_options[] = {
    {"faceapi", PGFACE_LANDMARKS_FACEAPI, false},
    {"dlib", PGFACE_LANDMARKS_DLIB, false},
    {"mean", PGFACE_LANDMARKS_MEAN, false},
    {NULL, 0, false},
};

static const struct config_enum_entry alignment_options[] = {
    {"dlib", PGFACE_ALIGN_DLIB, false},
    {"faceapi", PGFACE_ALIGN_FACEAPI, false},
    {NULL, 0, false},
};

/* face-api's detector needs a multiple of 32; say so at SET time, not at the next embed(). */
static bool
check_detector_input_size(int *newval, void **extra, GucSource source)
{
	(void) extra;
	(void) source;
	if (*newval % 32 == 0)
		return true;
	GUC_check_errdetail("pgface.detector_input_size must be a multiple of 32.");
	return false;
}

/* A model name is checked at SET time against the registry, and the error lists the names. */
static bool
check_model(char **newval, void **extra, GucSource source)
{

	(void) extra;
	(void) source;
	if (*newval != NULL && pgface_model_by_name(*newval) != NULL)
		return true;
	GUC_check_errdetail("Registered recognition models: %s.", face_registered_model_names());
	return false;
}

/* The model pgface.model names; the check hook has made sure it is registered. */
const pgface_recognition_model *
pgface_current_model(void)
{
	const pgface_recognition_model *model =
	    pgface_model_setting != NULL ? pgface_model_by_name(pgface_model_setting) : NULL;

	return model != NULL ? model : pgface_model_default();
}

pgface_pipeline_options
pgface_current_pipeline_options(void)
{
	pgface_pipeline_options options = {.max_image_pixels = pgface_max_image_pixels,
	                                   .detector_input_size = pgface_detector_input_size,
	                                   .detector_threshold = pgface_detector_score_threshold,
	                                   .alignment = (pgface_alignment) pgface_alignment_setting,
	                                   .max_image_bytes = (size_t) pgface_max_image_kb * 1024,
	                                   .mirror_average = pgface_mirror_average,
	                                   .model = pgface_current_model(),
	                                   .landmarks =
	                                       (pgface_landmark_source) pgface_landmarks_setting};
	return options;
}

void
pgface_define_gucs(void)
{
	/* The pipeline's own defaults, so SQL and the CLI start from the same settings. */
	const pgface_pipeline_options defaults = pgface_default_pipeline_options();

	/* Superuser-only: it decides which files the server maps and runs. */
	DefineCustomStringVariable("pgface.model_dir",
	                           "Directory holding pgface's model files (.pgfm).",
	                           "Empty means the directory \"make install\" fills: SHAREDIR/pgface.",
	                           &pgface_model_dir_setting, "", PGC_SUSET, 0, NULL, NULL, NULL);

	/* The limits are superuser-only too: a role that may call embed() cannot lift its caps. */
	DefineCustomIntVariable(
	    "pgface.max_image_pixels", "Largest image, in pixels, that pgface will decode.",
	    "Checked from the image header before decoding, so an oversized image costs nothing.",
	    &pgface_max_image_pixels, (int) defaults.max_image_pixels, 1, INT_MAX, PGC_SUSET, 0, NULL,
	    NULL, NULL);

	DefineCustomIntVariable(
	    "pgface.max_image_bytes", "Longest image file that pgface will read.",
	    "Checked before the first byte is decoded. 100MB by default; at most 1GB, PostgreSQL's "
	    "limit for one value.",
	    &pgface_max_image_kb, (int) (defaults.max_image_bytes / 1024), 1, 1024 * 1024, PGC_SUSET,
	    GUC_UNIT_KB, NULL, NULL, NULL);

	DefineCustomIntVariable(
	    "pgface.detector_input_size", "Side of the square the face detector looks at, in pixels.",
	    "A multiple of 32. face-api's default, 416, finds faces of ordinary size; embed() also "
	    "tries smaller sizes, which find faces that fill the photo.",
	    &pgface_detector_input_size, defaults.detector_input_size, 32, 1024, PGC_USERSET, 0,
	    check_detector_input_size, NULL, NULL);

	DefineCustomRealVariable("pgface.detector_score_threshold",
	                         "Lowest score at which the face detector reports a face.",
	                         "face-api's default is 0.5.", &pgface_detector_score_threshold,
	                         defaults.detector_threshold, 0.01, 0.99, PGC_USERSET, 0, NULL, NULL,
	                         NULL);

	DefineCustomEnumVariable(
	    "pgface.alignment", "How a detected face is turned into the recognition net's chip.",
	    "dlib: the similarity transform onto dlib's mean face, as the net was trained; "
	    "faceapi: face-api's upright square around the eyes and mouth.",
	    &pgface_alignment_setting, defaults.alignment, alignment_options, PGC_USERSET, 0, NULL,
	    NULL, NULL);

	DefineCustomBoolVariable(
	    "pgface.mirror_average",
	    "With the dlib alignment, embed the face chip and its mirror image and take the mean.",
	    "One more pass of the recognition net per face. Turning it off changes every embedding "
	    "(by about 0.09): keep one setting for the embeddings that are compared with each other.",
	    &pgface_mirror_average, defaults.mirror_average, PGC_USERSET, 0, NULL, NULL, NULL);

	DefineCustomStringVariable(
	    "pgface.model", "Recognition model that embed() and faces() run.",
	    "Embeddings of different models are never compared; this build registers the models "
	    "pgface_info() lists.",
	    &pgface_model_setting, defaults.model->name, PGC_USERSET, 0, check_model, NULL, NULL);

	DefineCustomEnumVariable(
	    "pgface.landmarks", "Which 68 landmarks a detected face is aligned by.",
	    "faceapi: face-api's landmark net; dlib: dlib's own shape predictor (Debian's "
	    "libdlib-data, pgface.shape_predictor_file); mean: the mean of the two.",
	    &pgface_landmarks_setting, defaults.landmarks, landmark_options, PGC_USERSET, 0, NULL, NULL,
	    NULL);

	/* Superuser-only, as pgface.model_dir: it decides which file the server reads. */
	DefineCustomStringVariable(
	    "pgface.shape_predictor_file", "dlib's 68-point shape predictor, for pgface.landmarks.",
	    "Read once per session, only when pgface.landmarks uses it.", &pgface_shape_predictor_file,
	    PGFACE_DLIB_SHAPE_PREDICTOR_FILE, PGC_SUSET, 0, NULL, NULL, NULL);

	MarkGUCPrefixReserved("pgface");
}
