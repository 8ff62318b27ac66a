/*
 * photo_fuzz.c: libFuzzer harness for the whole photo path, bytes -> decode ->
 * detect -> landmarks -> align -> embed, with the real models loaded once from
 * $PGFACE_MODEL_DIR (default build/models).
 *
 * The input is the photo itself, so any image file is a seed. Its length picks
 * the entry point, the alignment and mirror averaging (length % 8): 0, 1, 4 and 5
 * run pgface_find_faces, the others pgface_embed_photo; even lengths align as
 * dlib does, odd ones as face-api does; 0 to 3 average the chip with its mirror,
 * 4 to 7 embed it once (face-api's alignment always does). pgface_embed_chip is
 * left out: it runs the recognition net on every decodable input, whatever it
 * holds, which would cost most of the fuzzer's time for code (decode, square
 * resize) the other paths reach.
 *
 * Limits differ from the server's defaults on purpose, for speed, and are stated
 * here: at most 4 megapixels (so a small file claiming a huge but valid size
 * costs milliseconds, not seconds), and a 128-pixel detector input (the smallest
 * size embed() itself tries; 416 would cost ~10x per decodable input and reach
 * the same code). The 0.5 score threshold is the server's.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/runtime.h"
#include "face/embedding.h"
#include "face/model_registry.h"
#include "face/pipeline.h"
#include "nn/blas.h"

#define FUZZ_MAX_IMAGE_PIXELS 4000000
#define FUZZ_DETECTOR_INPUT   128

static pgface_models models;

/* A failure must say what failed; a success must yield finite numbers. */
static void
check_result(pgface_code code, const pgface_status *status)
{
	if (code != status->code || (code != PGFACE_OK && status->message[0] == '\0'))
	{
		fprintf(stderr, "photo_fuzz: code %d with status %d \"%s\"\n", code, status->code,
		        status->message);
		abort();
	}
}

static void
check_finite(const float *values, int n, const char *what)
{
	if (pgface_emb_first_nonfinite(values, n) >= 0)
	{
		fprintf(stderr, "photo_fuzz: non-finite %s\n", what);
		abort();
	}
}

/* Loads the three models once per process; the fuzzer cannot run without them. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("PGFACE_MODEL_DIR");
	pgface_status status;

	(void) argc;
	(void) argv;
	if (dir == NULL || dir[0] == '\0')
		dir = "build/models";
	pgface_blas_set_threads(1);
	if (pgface_models_open(dir, &models, &status) != PGFACE_OK)
	{
		fprintf(stderr, "photo_fuzz: %s (set PGFACE_MODEL_DIR)\n", status.message);
		exit(1);
	}
	return 0;
}

/* One photo through one entry point; every allocation must be returned (LeakSanitizer). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pgface_pipeline_options options = pgface_default_pipeline_options();
	pgface_status status = {PGFACE_OK, ""};
	pgface_code code;

	options.max_image_pixels = FUZZ_MAX_IMAGE_PIXELS;
	options.detector_input_size = FUZZ_DETECTOR_INPUT;
	options.alignment = size % 2 == 0 ? PGFACE_ALIGN_DLIB : PGFACE_ALIGN_FACEAPI;
	options.max_image_bytes = 0;
	options.mirror_average = size % 8 < 4;
	if (size % 4 < 2)
	{
		pgface_face *faces;
		int count;

		code = pgface_find_faces(&models, data, size, &options, &faces, &count, &status);
		check_result(code, &status);
		if (code == PGFACE_OK)
			for (int i = 0; i < count; i++)
			{
				check_finite(faces[i].embedding, options.model->dims, "embedding");
				if (!isfinite(faces[i].box.x) || !isfinite(faces[i].box.y) ||
				    !isfinite(faces[i].box.width) || !isfinite(faces[i].box.height))
				{
					fprintf(stderr, "photo_fuzz: non-finite box\n");
					abort();
				}
			}
		pgface_free(faces);
	}
	else
	{
		float embedding[PGFACE_MAX_DIMS];

		code = pgface_embed_photo(&models, data, size, &options, embedding, &status);
		check_result(code, &status);
		if (code == PGFACE_OK)
			check_finite(embedding, options.model->dims, "embedding");
	}
	return 0;
}
