/*
 * check_shape_predictor.c: pgface's reading of dlib's shape predictor against dlib's own
 * landmarks. dlib's example data (the *_with_face_landmarks.xml files in
 * ../shared/data/dlib_faces_scenes) holds boxes and the 68 points that
 * shape_predictor_68_face_landmarks.dat gave for them, rounded to whole pixels; this runs
 * pgface_shape_predict on the same boxes and prints the point errors, in pixels and as a fraction
 * of the inter-ocular distance.
 *
 *   build/check_shape_predictor [--model FILE] XML...
 *
 * One line per face, then a summary. Not part of make test: the data sit in ../shared.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/decode_file.h"
#include "../common/slurp.h"
#include "face/shape_predictor.h"

#define MAX_FACES 1000

typedef struct face
{
	char file[600];
	pgface_box box;
	pgface_point reference[PGFACE_LANDMARKS];
	int parts;
} face;

/* The value of attribute name inside the tag that starts at tag, or NULL. */
static const char *
attribute(const char *tag, const char *name, char *value, size_t size)
{
	const char *end = strchr(tag, '>');
	char pattern[64];
	const char *at;
	size_t length;

	snprintf(pattern, sizeof(pattern), " %s='", name);
	at = strstr(tag, pattern);
	if (at == NULL || (end != NULL && at > end))
		return NULL;
	at += strlen(pattern);
	length = strcspn(at, "'");
	if (length >= size)
		return NULL;
	memcpy(value, at, length);
	value[length] = '\0';
	return value;
}

static double
number(const char *tag, const char *name)
{
	char value[64];

	return attribute(tag, name, value, sizeof(value)) ? atof(value) : NAN;
}

/* Every box with its parts from one dlib XML file; the image paths are made relative to it. */
static int
read_faces(const char *xml_path, face *faces, int count)
{
	size_t length;
	char *text = (char *) slurp(xml_path, &length);
	char dir[256];
	const char *slash = strrchr(xml_path, '/');
	char file[600] = "";

	if (text == NULL)
	{
		fprintf(stderr, "check_shape_predictor: cannot read %s\n", xml_path);
		exit(2);
	}
	text = realloc(text, length + 1);
	text[length] = '\0';
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int) (slash - xml_path) : 1,
	         slash ? xml_path : ".");
	for (const char *at = text; (at = strchr(at, '<')) != NULL; at++)
	{
		char name[256];

		if (strncmp(at, "<image ", 7) == 0 && attribute(at, "file", name, sizeof(name)))
			snprintf(file, sizeof(file), "%s/%s", dir, name);
		else if (strncmp(at, "<box ", 5) == 0 && count < MAX_FACES)
		{
			face *f = &faces[count++];

			snprintf(f->file, sizeof(f->file), "%s", file);
			f->box = (pgface_box){.x = number(at, "left"),
			                      .y = number(at, "top"),
			                      .width = number(at, "width"),
			                      .height = number(at, "height")};
			f->parts = 0;
		}
		else if (strncmp(at, "<part ", 6) == 0 && count > 0)
		{
			face *f = &faces[count - 1];
			int index = (int) number(at, "name");

			if (index >= 0 && index < PGFACE_LANDMARKS)
			{
				f->reference[index] = (pgface_point){number(at, "x"), number(at, "y")};
				f->parts++;
			}
		}
	}
	free(text);
	return count;
}

/* The distance between the eye centres (points 36-41 and 42-47), the usual normaliser. */
static double
inter_ocular(const pgface_point *p)
{
	double lx = 0, ly = 0, rx = 0, ry = 0;

	for (int i = 36; i < 42; i++)
	{
		lx += p[i].x / 6;
		ly += p[i].y / 6;
		rx += p[i + 6].x / 6;
		ry += p[i + 6].y / 6;
	}
	return hypot(rx - lx, ry - ly);
}

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + ts.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
	const char *model_path = PGFACE_DLIB_SHAPE_PREDICTOR_FILE;
	static face faces[MAX_FACES];
	pgface_shape_predictor predictor;
	pgface_status status = {0};
	int count = 0;
	int first = 1;
	double sum = 0, sum_relative = 0, worst = 0, worst_relative = 0, elapsed = 0, load;
	long points = 0, exact = 0;

	if (argc > 2 && strcmp(argv[1], "--model") == 0)
	{
		model_path = argv[2];
		first = 3;
	}
	if (first >= argc)
	{
		fprintf(stderr, "usage: check_shape_predictor [--model FILE] XML...\n");
		return 2;
	}
	for (int i = first; i < argc; i++)
		count = read_faces(argv[i], faces, count);
	load = seconds();
	if (pgface_shape_predictor_load(model_path, &predictor, &status) != PGFACE_OK)
	{
		fprintf(stderr, "check_shape_predictor: %s\n", status.message);
		return 1;
	}
	load = seconds() - load;
	printf("# model: %d parts, %d levels, %zu trees, %zu leaves, %zu pixels; loaded in %.2f s\n",
	       predictor.parts, predictor.cascades, predictor.tree_count, predictor.leaf_count,
	       predictor.feature_count, load);
	printf("# face\tfile\tmean_px\tmax_px\tmean/iod\texact\n");
	for (int n = 0; n < count; n++)
	{
		face *f = &faces[n];
		pgface_image image = {0};
		pgface_point got[PGFACE_LANDMARKS];
		double face_sum = 0, face_worst = 0, iod = inter_ocular(f->reference), start;
		int face_exact = 0;
		const int repeats = 20;

		if (f->parts != PGFACE_LANDMARKS || !decode_file("check_shape_predictor", f->file, &image))
			return 1;
		start = seconds();
		for (int r = 0; r < repeats; r++)
			if (pgface_shape_predict(&predictor, &image, &f->box, got, &status) != PGFACE_OK)
			{
				fprintf(stderr, "check_shape_predictor: %s\n", status.message);
				return 1;
			}
		elapsed += (seconds() - start) / repeats;
		for (int i = 0; i < PGFACE_LANDMARKS; i++)
		{
			/* dlib rounds its points to whole pixels, floor(v + 0.5) */
			double rx = floor(got[i].x + 0.5), ry = floor(got[i].y + 0.5);
			double e = hypot(got[i].x - f->reference[i].x, got[i].y - f->reference[i].y);

			face_exact += rx == f->reference[i].x && ry == f->reference[i].y;
			face_sum += e;
			face_worst = e > face_worst ? e : face_worst;
		}
		printf("%d\t%s\t%.3f\t%.3f\t%.4f\t%d/%d\n", n, strrchr(f->file, '/') + 1,
		       face_sum / PGFACE_LANDMARKS, face_worst, face_sum / PGFACE_LANDMARKS / iod,
		       face_exact, PGFACE_LANDMARKS);
		sum += face_sum;
		sum_relative += face_sum / iod;
		worst = face_worst > worst ? face_worst : worst;
		worst_relative = face_worst / iod > worst_relative ? face_worst / iod : worst_relative;
		points += PGFACE_LANDMARKS;
		exact += face_exact;
		pgface_image_free(&image);
	}
	printf("faces %d: mean error %.3f px (max %.3f), %.4f of the inter-ocular distance (max %.4f);"
	       " %ld of %ld points rounded equal to dlib's; %.3f ms a face\n",
	       count, sum / (double) points, worst, sum_relative / (double) points, worst_relative,
	       exact, points, 1000 * elapsed / count);
	pgface_shape_predictor_free(&predictor);
	return 0;
}
