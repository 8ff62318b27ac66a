/*
 * pgface.c: the pgface command-line tool. It runs the same C core as the
 * extension on image files and prints one JSON object per file.
 *
 *   pgface embed [--chip] [--alignment dlib|faceapi] [--mirror-average on|off] [--models DIR]
 *                FILE...
 *   pgface detect [--models DIR] FILE...
 *   pgface quality [--models DIR] FILE...
 *   pgface draw [--models DIR] FILE -o OUT.png
 *   pgface compare [--tau T] A B
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/embedding.h"
#include "face/pipeline.h"
#include "img/image.h"
#include "nn/blas.h"
#include "nn/gemm.h"

#include "draw.h"
#include "io.h"

/* Where make install puts the models: the Makefile passes it, from pg_config's sharedir. */
#ifndef PGFACE_DEFAULT_MODEL_DIR
#error "PGFACE_DEFAULT_MODEL_DIR is not set: build the CLI with make, which sets it"
#endif

static void
usage(FILE *out)
{
	fprintf(out,
	        "usage: pgface COMMAND [OPTIONS] FILE...\n"
	        "\n"
	        "commands:\n"
	        "  embed FILE...      the embedding of each photo's most prominent face (the\n"
	        "                     best-scoring face covering the centre, else the best-\n"
	        "                     scoring); one {\"file\", \"embedding\"} JSON object per line\n"
	        "  detect FILE...     every face: {\"file\", \"faces\": [{\"score\", \"box\": [x, y,\n"
	        "                     width, height], \"landmarks\": [[x, y] x 68], \"embedding\"}]}\n"
	        "  quality FILE...    the face embed would use, with its quality: {\"file\",\n"
	        "                     \"quality\": {...}, \"box\", \"landmarks\", \"embedding\"}\n"
	        "  compare A B        {\"a\", \"b\", \"distance\", \"tau\", \"same_person\"}\n"
	        "  draw FILE -o OUT   the photo as PNG with every face's box, landmarks, number\n"
	        "                     and quality, embed's face marked; {\"file\", \"out\",\n"
	        "                     \"faces\", \"embed_face\", \"embed_box\"}\n"
	        "\n"
	        "options:\n"
	        "  --chip             embed/compare: the whole image is the face chip (no detection)\n"
	        "  -o, --output FILE  draw: the PNG to write\n"
	        "  --alignment A      dlib (default: dlib's similarity transform onto its mean face)\n"
	        "                     or faceapi (face-api's square around the eyes and mouth)\n"
	        "  --mirror-average on|off\n"
	        "                     dlib alignment: average with the mirrored chip's\n"
	        "                     embedding (default on; pgface.mirror_average)\n"
	        "  --landmarks L      faceapi (default: face-api's landmark net), dlib (dlib's\n"
	        "                     shape predictor) or mean (of the two); pgface.landmarks\n"
	        "  --shape-predictor FILE\n"
	        "                     dlib's model (default " PGFACE_DLIB_SHAPE_PREDICTOR_FILE ")\n"
	        "  --tau T            compare: the same-person threshold (default 0.6)\n"
	        "  --input-size N     detector input size, a multiple of 32 (default 416)\n"
	        "  --threshold S      detector score threshold (default 0.5)\n"
	        "  --models DIR       the .pgfm model files (default: $PGFACE_MODEL_DIR, else\n"
	        "                     " PGFACE_DEFAULT_MODEL_DIR ")\n"
	        "Options may come before or after the files; -- ends them.\n");
}

/* The options every command shares, with the extension's defaults. */
typedef struct cli_options
{
	const char *model_dir;
	const char *shape_predictor;
	pgface_pipeline_options pipeline;
	int chip;
	double tau;
	const char *output; /* draw's PNG */
} cli_options;

/* The text form SQL shows; the model's dimensions come from its descriptor. */
static void
print_embedding(const float *embedding, int dims)
{
	char text[PGFACE_EMB_TEXT_MAX(PGFACE_MAX_DIMS)];

	pgface_emb_format(embedding, dims, text, sizeof(text));
	fputs(text, stdout);
}

/* The embedding of one file: the whole image as a chip, or its most prominent face. */
static pgface_code
embed_file(const pgface_models *models, const cli_options *options, const char *file,
           float *embedding, pgface_status *status)
{
	size_t length = 0;
	unsigned char *bytes = read_file(file, &length);
	pgface_code code;

	if (bytes == NULL)
		return pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT, "%s", strerror(errno));
	code = options->chip
	           ? pgface_embed_chip(models, bytes, length, &options->pipeline, embedding, status)
	           : pgface_embed_photo(models, bytes, length, &options->pipeline, embedding, status);
	free(bytes);
	return code;
}

/* pgface embed: one {"file", "embedding"} line per file; failures go to stderr. */
static int
command_embed(const pgface_models *models, const cli_options *options, char **files, int nfiles)
{
	int failures = 0;

	for (int i = 0; i < nfiles; i++)
	{
		float embedding[PGFACE_MAX_DIMS];
		pgface_status status = {0};

		if (embed_file(models, options, files[i], embedding, &status) != PGFACE_OK)
		{
			fprintf(stderr, "pgface: %s: %s\n", files[i], status.message);
			failures++;
			continue;
		}
		printf("{\"file\": ");
		print_json_string(files[i]);
		printf(", \"embedding\": ");
		print_embedding(embedding, options->pipeline.model->dims);
		printf("}\n");
	}
	return failures == 0 ? 0 : 1;
}

/* A face's quality as a JSON object; NaN (a score no model calibrated) as null. */
static void
print_quality(const pgface_face_quality *quality)
{
	const struct
	{
		const char *name;
		double value;
	} fields[] = {{"score", quality->score},
	              {"eye_distance", quality->eye_distance},
	              {"yaw", quality->yaw},
	              {"pitch", quality->pitch},
	              {"roll", quality->roll},
	              {"sharpness", quality->sharpness},
	              {"brightness", quality->brightness},
	              {"contrast", quality->contrast},
	              {"detector_score", quality->detector_score},
	              {"blockiness", quality->blockiness}};

	printf("{");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (isfinite(fields[i].value))
			printf("%s\"%s\": %.4f", i ? ", " : "", fields[i].name, fields[i].value);
		else
			printf("%s\"%s\": null", i ? ", " : "", fields[i].name);
	printf("}");
}

/* The features the combined score weighs, for fitting its calibration (test/bench/quality.js). */
static void
print_quality_features(const pgface_face_quality *quality)
{
	double features[PGFACE_QUALITY_FEATURES];

	pgface_quality_features(quality, features);
	printf(", \"features\": [");
	for (int i = 0; i < PGFACE_QUALITY_FEATURES; i++)
		printf("%s%.6g", i ? ", " : "", features[i]);
	printf("]");
}

/* A face's score, box, landmarks, quality and embedding, the members detect and quality share. */
static void
print_face_members(const pgface_face *face, int dims)
{
	printf("\"score\": %.4f, \"box\": [%.2f, %.2f, %.2f, %.2f], \"landmarks\": [", face->box.score,
	       face->box.x, face->box.y, face->box.width, face->box.height);
	for (int p = 0; p < PGFACE_LANDMARKS; p++)
		printf("%s[%.2f, %.2f]", p ? ", " : "", face->landmarks[p].x, face->landmarks[p].y);
	printf("], \"quality\": ");
	print_quality(&face->quality);
	printf(", \"embedding\": ");
	print_embedding(face->embedding, dims);
}

/* pgface quality: embed's face of each file, in the photo's own pixels, with its quality. */
static int
command_quality(const pgface_models *models, const cli_options *options, char **files, int nfiles)
{
	int failures = 0;

	for (int i = 0; i < nfiles; i++)
	{
		float embedding[PGFACE_MAX_DIMS];
		pgface_face face = {.embedding = embedding};
		pgface_status status = {0};
		size_t length = 0;
		unsigned char *bytes = read_file(files[i], &length);

		if (bytes == NULL ||
		    pgface_photo_face(models, bytes, length, &options->pipeline, &face, &status))
		{
			fprintf(stderr, "pgface: %s: %s\n", files[i], bytes ? status.message : strerror(errno));
			free(bytes);
			failures++;
			continue;
		}
		printf("{\"file\": ");
		print_json_string(files[i]);
		printf(", \"turn\": %d, ", face.turn);
		print_face_members(&face, options->pipeline.model->dims);
		print_quality_features(&face.quality);
		printf("}\n");
		free(bytes);
	}
	return failures == 0 ? 0 : 1;
}

/* pgface detect: every face of each file with its score, box, landmarks and embedding. */
static int
command_detect(const pgface_models *models, const cli_options *options, char **files, int nfiles)
{
	int failures = 0;

	for (int i = 0; i < nfiles; i++)
	{
		pgface_status status = {0};
		size_t length = 0;
		unsigned char *bytes = read_file(files[i], &length);
		pgface_face *faces = NULL;
		int count = 0;

		if (bytes == NULL ||
		    pgface_find_faces(models, bytes, length, &options->pipeline, &faces, &count, &status))
		{
			fprintf(stderr, "pgface: %s: %s\n", files[i], bytes ? status.message : strerror(errno));
			free(bytes);
			failures++;
			continue;
		}
		printf("{\"file\": ");
		print_json_string(files[i]);
		printf(", \"faces\": [");
		for (int f = 0; f < count; f++)
		{
			printf("%s{", f ? ", " : "");
			print_face_members(&faces[f], options->pipeline.model->dims);
			printf("}");
		}
		printf("]}\n");
		free(faces);
		free(bytes);
	}
	return failures == 0 ? 0 : 1;
}

/* pgface compare A B: the distance, and whether it is the same person at tau. */
static int
command_compare(const pgface_models *models, const cli_options *options, char **files, int nfiles)
{
	float a[PGFACE_MAX_DIMS];
	float b[PGFACE_MAX_DIMS];
	pgface_status status = {0};
	double distance;

	if (nfiles != 2)
	{
		fprintf(stderr, "pgface: compare takes exactly two files\n");
		return 2;
	}
	for (int i = 0; i < 2; i++)
		if (embed_file(models, options, files[i], i == 0 ? a : b, &status) != PGFACE_OK)
		{
			fprintf(stderr, "pgface: %s: %s\n", files[i], status.message);
			return 1;
		}
	distance = pgface_l2_distance(a, b, options->pipeline.model->dims);
	printf("{\"a\": ");
	print_json_string(files[0]);
	printf(", \"b\": ");
	print_json_string(files[1]);
	printf(", \"distance\": %.6f, \"tau\": %g, \"same_person\": %s}\n", distance, options->tau,
	       distance <= options->tau ? "true" : "false");
	return 0;
}

int
main(int argc, char **argv)
{
	cli_options options = {getenv("PGFACE_MODEL_DIR"),
	                       PGFACE_DLIB_SHAPE_PREDICTOR_FILE,
	                       pgface_default_pipeline_options(),
	                       0,
	                       0.6,
	                       NULL};
	const char *command;
	char **files = argv + 2; /* the arguments that are not options, gathered in place */
	int nfiles = 0;
	int options_end = 0;
	pgface_models models;
	pgface_status status = {0};
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
	{
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	command = argv[1];
	if (strcmp(command, "embed") != 0 && strcmp(command, "detect") != 0 &&
	    strcmp(command, "quality") != 0 && strcmp(command, "compare") != 0 &&
	    strcmp(command, "draw") != 0)
	{
		fprintf(stderr, "pgface: unknown command \"%s\"\n", command);
		usage(stderr);
		return 2;
	}
	for (int i = 2; i < argc; i++)
	{
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (options_end || argv[i][0] != '-' || argv[i][1] == '\0')
			files[nfiles++] = argv[i]; /* nfiles <= i - 2: nothing unread is overwritten */
		else if (strcmp(argv[i], "--") == 0)
			options_end = 1;
		else if (strcmp(argv[i], "--chip") == 0)
			options.chip = 1;
		else if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && value)
			options.output = argv[++i];
		else if (strcmp(argv[i], "--models") == 0 && value)
			options.model_dir = argv[++i];
		else if (strcmp(argv[i], "--tau") == 0 && value)
			options.tau = atof(argv[++i]);
		else if (strcmp(argv[i], "--input-size") == 0 && value)
			options.pipeline.detector_input_size = atoi(argv[++i]);
		else if (strcmp(argv[i], "--threshold") == 0 && value)
			options.pipeline.detector_threshold = atof(argv[++i]);
		else if (strcmp(argv[i], "--alignment") == 0 && value &&
		         (strcmp(value, "dlib") == 0 || strcmp(value, "faceapi") == 0))
			options.pipeline.alignment =
			    strcmp(argv[++i], "faceapi") == 0 ? PGFACE_ALIGN_FACEAPI : PGFACE_ALIGN_DLIB;
		else if (strcmp(argv[i], "--mirror-average") == 0 && value &&
		         (strcmp(value, "on") == 0 || strcmp(value, "off") == 0))
			options.pipeline.mirror_average = strcmp(argv[++i], "on") == 0;
		else if (strcmp(argv[i], "--landmarks") == 0 && value &&
		         (strcmp(value, "faceapi") == 0 || strcmp(value, "dlib") == 0 ||
		          strcmp(value, "mean") == 0))
		{
			i++;
			options.pipeline.landmarks = strcmp(value, "dlib") == 0   ? PGFACE_LANDMARKS_DLIB
			                             : strcmp(value, "mean") == 0 ? PGFACE_LANDMARKS_MEAN
			                                                          : PGFACE_LANDMARKS_FACEAPI;
		}
		else if (strcmp(argv[i], "--shape-predictor") == 0 && value)
			options.shape_predictor = argv[++i];
		else
		{
			fprintf(stderr, "pgface: unknown or incomplete option \"%s\"\n", argv[i]);
			return 2;
		}
	}
	if (nfiles == 0)
	{
		usage(stderr);
		return 2;
	}
	if (strcmp(command, "draw") == 0 && (nfiles != 1 || options.output == NULL))
	{
		fprintf(stderr, "pgface: draw takes one file and -o OUT.png\n");
		return 2;
	}

	pgface_blas_set_threads(1);
	/* For tests and benchmarks: run the kernels of another instruction set this CPU has. */
	if (getenv("PGFACE_SIMD") != NULL && !pgface_simd_force(getenv("PGFACE_SIMD")))
	{
		fprintf(stderr, "pgface: PGFACE_SIMD=%s is not available on this CPU\n",
		        getenv("PGFACE_SIMD"));
		return 2;
	}
	if (pgface_models_open(options.model_dir ? options.model_dir : PGFACE_DEFAULT_MODEL_DIR,
	                       &models, &status))
	{
		fprintf(stderr, "pgface: %s\n", status.message);
		return 1;
	}
	if (pgface_landmarks_need_shape_predictor(options.pipeline.landmarks) &&
	    pgface_models_open_shape_predictor(&models, options.shape_predictor, &status))
	{
		fprintf(stderr, "pgface: %s\n", status.message);
		pgface_models_close(&models);
		return 1;
	}
	if (strcmp(command, "embed") == 0)
		rc = command_embed(&models, &options, files, nfiles);
	else if (strcmp(command, "detect") == 0)
		rc = command_detect(&models, &options, files, nfiles);
	else if (strcmp(command, "quality") == 0)
		rc = command_quality(&models, &options, files, nfiles);
	else if (strcmp(command, "compare") == 0)
		rc = command_compare(&models, &options, files, nfiles);
	else
		rc = command_draw(&models, &options.pipeline, files[0], options.output);
	pgface_models_close(&models);
	return rc;
}
