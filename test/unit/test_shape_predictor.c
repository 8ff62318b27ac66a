/*
 * test_shape_predictor.c: dlib's shape predictor. A tiny model written here pins down
 * dlib's conventions (which way a split goes, pixel rounding, pixels outside the image, the
 * grey level of RGB) and that every truncation or damaged byte is refused or read, never a
 * crash. The real 68-point model (libdlib-data) is then loaded, damaged copies are refused,
 * and its landmarks on face-api's sample photos are held against face-api's landmark net.
 * The parts that need the model files say so and pass when those are absent.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/decode_file.h"
#include "../common/eye_distance.h"
#include "../common/slurp.h"
#include "common/runtime.h"
#include "face/detector.h"
#include "face/landmark_net.h"
#include "face/shape_predictor.h"
#include "nn/model_file.h"
#include "unit.h"

#define MODELS "build/models"

/* ---- a tiny model in dlib's encoding ---- */

typedef struct writer
{
	unsigned char bytes[1024];
	size_t length;
} writer;

/* dlib's integer: a control byte (size, sign in the top bit), then the magnitude's bytes. */
static void
put_int(writer *w, long long value)
{
	unsigned long long magnitude =
	    value < 0 ? (unsigned long long) -value : (unsigned long long) value;
	size_t control = w->length++;
	unsigned size = 0;

	do
	{
		w->bytes[w->length++] = (unsigned char) (magnitude & 0xFF);
		magnitude >>= 8;
		size++;
	} while (magnitude != 0);
	w->bytes[control] = (unsigned char) (size | (value < 0 ? 0x80 : 0));
}

/* dlib's float: mantissa, then exponent, worth mantissa * 2^exponent. */
static void
put_float(writer *w, float value)
{
	int exponent;
	float fraction = frexpf(value, &exponent);

	put_int(w, (long long) ldexpf(fraction, 24));
	put_int(w, exponent - 24);
}

static void
put_column(writer *w, const float *values, int rows)
{
	put_int(w, -rows);
	put_int(w, -1);
	for (int i = 0; i < rows; i++)
		put_float(w, values[i]);
}

/*
 * Two landmarks at (0.25, 0.5) and (0.75, 0.5); one level reading the pixel under each;
 * one tree with one split, pixel 0 - pixel 1 > threshold: left moves landmark 0 right by
 * 0.1, right moves landmark 1 left by 0.1.
 */
static void
tiny_model(writer *w, float threshold)
{
	const float initial[4] = {0.25f, 0.5f, 0.75f, 0.5f};
	const float left[4] = {0.1f, 0, 0, 0};
	const float right[4] = {0, 0, -0.1f, 0};

	w->length = 0;
	put_int(w, 1); /* version */
	put_column(w, initial, 4);
	put_int(w, 1); /* forests */
	put_int(w, 1); /* trees in the level */
	put_int(w, 1); /* splits */
	put_int(w, 0);
	put_int(w, 1);
	put_float(w, threshold);
	put_int(w, 2); /* leaves */
	put_column(w, left, 4);
	put_column(w, right, 4);
	put_int(w, 1); /* anchors: one level of two */
	put_int(w, 2);
	put_int(w, 0);
	put_int(w, 1);
	put_int(w, 1); /* deltas: one level of two, both (0, 0) */
	put_int(w, 2);
	for (int i = 0; i < 4; i++)
		put_float(w, 0);
}

/* Runs the tiny model on an 11 x 11 grey image holding the given pixels, in box. */
static void
run_tiny(float threshold, const int (*lit)[3], int count, pgface_box box, pgface_point *points)
{
	writer w;
	uint8_t grey[11 * 11] = {0};
	pgface_shape_predictor predictor;
	pgface_status status = {0};

	for (int i = 0; i < count; i++)
		grey[lit[i][1] * 11 + lit[i][0]] = (uint8_t) lit[i][2];
	tiny_model(&w, threshold);
	CHECK(pgface_shape_predictor_parse(w.bytes, w.length, &predictor, &status) == PGFACE_OK);
	CHECK(pgface_shape_predict_grey(&predictor, grey, 11, 11, &box, points, &status) == PGFACE_OK);
	pgface_shape_predictor_free(&predictor);
}

static int
near(double a, double b)
{
	return fabs(a - b) < 1e-5;
}

/*
 * The box (0, 0, 11, 11) maps the unit square onto 0 .. 10, so the landmarks read pixels
 * (3, 5) and (8, 5): 2.5 and 7.5 round half up, as dlib's floor(v + 0.5).
 */
static void
tiny_model_follows_dlibs_conventions(void)
{
	const pgface_box box = {0, 0, 11, 11, 1};
	const int bright_first[][3] = {{3, 5, 200}};
	const int bright_second[][3] = {{8, 5, 200}};
	const int at_threshold[][3] = {{3, 5, 10}};
	const int outside[][3] = {{0, 5, 255}, {3, 5, 200}};
	pgface_point p[2];

	run_tiny(10, bright_first, 1, box, p);
	CHECK(near(p[0].x, 3.5) && near(p[0].y, 5) && near(p[1].x, 7.5));
	run_tiny(10, bright_second, 1, box, p);
	CHECK(near(p[0].x, 2.5) && near(p[1].x, 6.5) && near(p[1].y, 5));
	/* strictly greater goes left: a difference equal to the threshold goes right */
	run_tiny(10, at_threshold, 1, box, p);
	CHECK(near(p[0].x, 2.5) && near(p[1].x, 6.5));
	/* moved 5 left, landmark 0 reads x = -2 (outside: 0, not the edge's 255), landmark 1 x = 3 */
	run_tiny(10, outside, 2, (pgface_box){-5, 0, 11, 11, 1}, p);
	CHECK(near(p[0].x, -2.5) && near(p[1].x, 1.5));
}

/* (255 + 255 + 2) / 3 = 170 in integers (170.7); luminance would give 225.6. */
static void
tiny_model_greys_rgb_as_dlib(void)
{
	writer w;
	uint8_t rgb[11 * 11 * 3] = {0};
	pgface_image image = {.width = 11, .height = 11, .rgb = rgb};
	const pgface_box box = {0, 0, 11, 11, 1};
	pgface_shape_predictor predictor;
	pgface_status status = {0};
	pgface_point p[2];

	rgb[(5 * 11 + 3) * 3] = 255;
	rgb[(5 * 11 + 3) * 3 + 1] = 255;
	rgb[(5 * 11 + 3) * 3 + 2] = 2;
	tiny_model(&w, 170);
	CHECK(pgface_shape_predictor_parse(w.bytes, w.length, &predictor, &status) == PGFACE_OK);
	CHECK(pgface_shape_predict(&predictor, &image, &box, p, &status) == PGFACE_OK);
	CHECK(near(p[0].x, 2.5)); /* 170 > 170 fails: right */
	pgface_shape_predictor_free(&predictor);
	tiny_model(&w, 169.5f);
	CHECK(pgface_shape_predictor_parse(w.bytes, w.length, &predictor, &status) == PGFACE_OK);
	CHECK(pgface_shape_predict(&predictor, &image, &box, p, &status) == PGFACE_OK);
	CHECK(near(p[0].x, 3.5));
	/* boxes that are not finite or have no size are refused */
	CHECK(pgface_shape_predict(&predictor, &image, &(pgface_box){0, 0, 0, 11, 1}, p, &status) ==
	      PGFACE_ERR_INVALID_ARGUMENT);
	CHECK(pgface_shape_predict(&predictor, &image, &(pgface_box){NAN, 0, 11, 11, 1}, p, &status) ==
	      PGFACE_ERR_INVALID_ARGUMENT);
	pgface_shape_predictor_free(&predictor);
}

/* Every proper prefix, one more byte, and every byte with its bits flipped. */
static void
tiny_model_damage_is_refused_or_read(void)
{
	writer w;
	pgface_shape_predictor predictor;
	pgface_status status = {0};
	int refused = 0;

	tiny_model(&w, 10);
	for (size_t length = 0; length < w.length; length++)
	{
		CHECK(pgface_shape_predictor_parse(w.bytes, length, &predictor, &status) ==
		      PGFACE_ERR_MODEL_CORRUPT);
		CHECK(predictor.leaves == NULL && predictor.parts == 0);
	}
	w.bytes[w.length] = 0;
	CHECK(pgface_shape_predictor_parse(w.bytes, w.length + 1, &predictor, &status) ==
	      PGFACE_ERR_MODEL_CORRUPT);
	for (size_t i = 0; i < w.length; i++)
	{
		pgface_code code;

		w.bytes[i] ^= 0xFF;
		code = pgface_shape_predictor_parse(w.bytes, w.length, &predictor, &status);
		CHECK(code == PGFACE_OK || code == PGFACE_ERR_MODEL_CORRUPT);
		refused += code != PGFACE_OK;
		if (code == PGFACE_OK)
		{
			uint8_t grey[11 * 11] = {0};
			pgface_point p[2];

			/* what is read is safe to run: each index was checked */
			CHECK(predictor.parts != 2 || pgface_shape_predict_grey(&predictor, grey, 11, 11,
			                                                        &(pgface_box){0, 0, 11, 11, 1},
			                                                        p, &status) == PGFACE_OK);
		}
		pgface_shape_predictor_free(&predictor);
		w.bytes[i] ^= 0xFF;
	}
	/* a flip in any control byte, count or index is caught; only value bytes may pass */
	CHECK(refused > (int) w.length / 2);
}

/* ---- the real model ---- */

static int
have(const char *path)
{
	if (access(path, R_OK) == 0)
		return 1;
	printf("# skipped: %s is missing (scripts/install-deps.sh, make models)\n", path);
	return 0;
}

/* The damaged copies, in memory and as a file: refused, with the reason, never a crash. */
static void
real_model_loads_and_damage_is_refused(void)
{
	pgface_shape_predictor predictor;
	pgface_status status = {0};
	unsigned char *bytes;
	size_t length;
	char path[] = "/tmp/pgface-unit-XXXXXX";
	FILE *file;

	if (!have(PGFACE_DLIB_SHAPE_PREDICTOR_FILE))
		return;
	CHECK(pgface_shape_predictor_load(PGFACE_DLIB_SHAPE_PREDICTOR_FILE, &predictor, &status) ==
	      PGFACE_OK);
	CHECK(predictor.parts == PGFACE_LANDMARKS && predictor.cascades == 15 &&
	      predictor.tree_count == 7500 && predictor.leaf_count == 120000);
	pgface_shape_predictor_free(&predictor);
	pgface_shape_predictor_free(&predictor);

	bytes = slurp(PGFACE_DLIB_SHAPE_PREDICTOR_FILE, &length);
	CHECK(bytes != NULL);
	if (bytes == NULL)
		return;
	{
		const size_t cuts[] = {0, 1, 3, 1000, length / 2, length - 1};

		for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
			CHECK(pgface_shape_predictor_parse(bytes, cuts[i], &predictor, &status) ==
			      PGFACE_ERR_MODEL_CORRUPT);
		CHECK(strstr(status.message, "truncated") != NULL);
	}
	/* the version (01 01), then the shape's rows (81 88: -136): 0x89 makes them odd */
	bytes[1] ^= 0xFF;
	CHECK(pgface_shape_predictor_parse(bytes, length, &predictor, &status) ==
	      PGFACE_ERR_MODEL_CORRUPT);
	CHECK(strstr(status.message, "version") != NULL);
	bytes[1] ^= 0xFF;
	bytes[3] ^= 0x01;
	CHECK(pgface_shape_predictor_parse(bytes, length, &predictor, &status) ==
	      PGFACE_ERR_MODEL_CORRUPT);
	bytes[3] ^= 0x01;
	bytes[0] = 0x91; /* bits dlib ignores are ignored; a negative version is not 1 */
	CHECK(pgface_shape_predictor_parse(bytes, length, &predictor, &status) ==
	      PGFACE_ERR_MODEL_CORRUPT);
	bytes[0] = 0x01;

	close(mkstemp(path));
	file = fopen(path, "wb");
	fwrite(bytes, 1, 1 << 20, file);
	fclose(file);
	CHECK(pgface_shape_predictor_load(path, &predictor, &status) == PGFACE_ERR_MODEL_CORRUPT);
	CHECK(strstr(status.message, path) != NULL);
	unlink(path);
	CHECK(pgface_shape_predictor_load(path, &predictor, &status) == PGFACE_ERR_MODEL_MISSING);
	free(bytes);
}

/*
 * On face-api's sample photos, from the tiny detector's boxes mapped to dlib's convention,
 * dlib's landmarks against face-api's landmark net: two models of the same 68-point scheme.
 * Measured 2026-12-01 (doc/landmarks.md) on the 19 faces scoring 0.6 or more: they agree to
 * 8.5% of the eye distance on average, 4% to 12% a face, and 21% on a strongly tilted head
 * (sample5, face 2). The one box below 0.6 (sample6, 0.54) straddles two faces, so the
 * models disagree by a whole eye distance there, and it is left out. Bounds: the mean under
 * 12%, every face under 30%. The detector's boxes without the map give 20% and fail it, and
 * so would a swapped axis or a landmark order mixed up.
 */
static void
agrees_with_faceapi_landmarks(void)
{
	pgface_model_file detector_file, landmark_file;
	pgface_detector detector;
	pgface_landmark_net net;
	pgface_shape_predictor predictor;
	pgface_status status = {0};
	int faces = 0;
	double total = 0, worst = 0;

	if (!have(PGFACE_DLIB_SHAPE_PREDICTOR_FILE) || !have(MODELS "/tiny_face_detector_model.pgfm") ||
	    !have(MODELS "/face_landmark_68_model.pgfm") || !have(MODELS "/face-api/demo/sample1.jpg"))
		return;
	CHECK(pgface_model_open(MODELS "/tiny_face_detector_model.pgfm", &detector_file, &status) ==
	          PGFACE_OK &&
	      pgface_detector_bind(&detector_file, &detector, &status) == PGFACE_OK);
	CHECK(pgface_model_open(MODELS "/face_landmark_68_model.pgfm", &landmark_file, &status) ==
	          PGFACE_OK &&
	      pgface_landmark_net_bind(&landmark_file, &net, &status) == PGFACE_OK);
	CHECK(pgface_shape_predictor_load(PGFACE_DLIB_SHAPE_PREDICTOR_FILE, &predictor, &status) ==
	      PGFACE_OK);
	for (int s = 1; s <= 6; s++)
	{
		char path[64];
		pgface_image image = {0};
		pgface_box *boxes = NULL;
		int count = 0;

		snprintf(path, sizeof(path), MODELS "/face-api/demo/sample%d.jpg", s);
		CHECK(decode_file("unit", path, &image));
		CHECK(pgface_detect_faces(&detector, &image, 416, 0.5, &boxes, &count, &status) ==
		      PGFACE_OK);
		for (int b = 0; b < count; b++)
		{
			pgface_point faceapi[PGFACE_LANDMARKS], dlib[PGFACE_LANDMARKS];
			pgface_box box = pgface_shape_box_from_detector(&boxes[b]);
			double sum = 0, iod;

			if (boxes[b].score < 0.6)
				continue;

			CHECK(pgface_landmarks_detect(&net, &image, &boxes[b], faceapi, &status) == PGFACE_OK);
			CHECK(pgface_shape_predict(&predictor, &image, &box, dlib, &status) == PGFACE_OK);
			iod = eye_distance(faceapi);
			for (int i = 0; i < PGFACE_LANDMARKS; i++)
				sum += hypot(dlib[i].x - faceapi[i].x, dlib[i].y - faceapi[i].y);
			sum /= PGFACE_LANDMARKS * iod;
			if (getenv("PGFACE_UNIT_VERBOSE"))
				printf("# sample%d face %d: mean %.4f of the eye distance (%.1f px)\n", s, b, sum,
				       iod);
			CHECK(sum < 0.3);
			total += sum;
			worst = sum > worst ? sum : worst;
			faces++;
		}
		pgface_free(boxes);
		pgface_image_free(&image);
	}
	printf("# dlib against face-api landmarks on %d sample faces: mean %.4f, worst %.4f of the eye "
	       "distance\n",
	       faces, total / faces, worst);
	CHECK(faces >= 15 && total / faces < 0.12);
	pgface_shape_predictor_free(&predictor);
	pgface_model_close(&landmark_file);
	pgface_model_close(&detector_file);
}

const unit_test shape_predictor_tests[] = {
    {"shape predictor: splits, rounding and the image's edge as dlib",
     tiny_model_follows_dlibs_conventions},
    {"shape predictor: RGB is grey as dlib makes it", tiny_model_greys_rgb_as_dlib},
    {"shape predictor: every truncation and flipped byte is refused or read safely",
     tiny_model_damage_is_refused_or_read},
    {"shape predictor: the 68-point model loads; damaged copies are refused",
     real_model_loads_and_damage_is_refused},
    {"shape predictor: agrees with face-api's landmark net on the sample photos",
     agrees_with_faceapi_landmarks},
    {NULL, NULL}};
