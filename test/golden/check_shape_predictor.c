/*
 * check_shape_predictor.c: pgface's reading of dlib's shape predictor against dlib's own
 * landmarks. dlib's example data (the *_with_face_landmarks.xml files in
 * ../shared/data/dlib_faces_scenes) holds boxes and the 68 points that
 * shape_predictor_68_face_landmarks.dat gave for them, rounded to whole pixels; this runs
 * pgface_shape_predict on the same boxes and prints the point errors, in pixels and as a fraction
 * of the inter-ocular distance.
 *
 *   build/check_shape_predictor [--model FILE] [--detector MODEL_DIR [--fit XML]] XML...
 *
 * One line per face, then a summary. With --detector, pgface's tiny face detector also runs
 * on each photo; its box that overlaps dlib's most (IoU above 0.3) is taken for that face,
 * and the landmarks the predictor gives from it are measured against dlib's too: from the
 * detector's box as it is, and through the map from a detector box to a dlib box that
 * least squares fit on the faces of the --fit files (else on the faces measured).
 * Not part of make test: the data sit in ../shared.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/decode_file.h"
#include "../common/eye_distance.h"
#include "../common/slurp.h"
#include "common/runtime.h"
#include "face/shape_predictor.h"
#include "nn/model_file.h"

#define MAX_FACES 1000

typedef struct face
{
	char file[600];
	pgface_box box;
	pgface_point reference[PGFACE_LANDMARKS];
	int parts;
	int detected; /* with --detector: whether a detector box matched */
	pgface_box found;
} face;

/* The map from a detector box to a dlib box: centre shifts and sizes relative to its size. */
typedef struct box_map
{
	double dx; /* dlib centre x - detector centre x, in detector widths */
	double dy;
	double sw; /* dlib width / detector width */
	double sh;
} box_map;

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

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double
overlap(const pgface_box *a, const pgface_box *b)
{
	double w = fmin(a->x + a->width, b->x + b->width) - fmax(a->x, b->x);
	double h = fmin(a->y + a->height, b->y + b->height) - fmax(a->y, b->y);
	double inter = w > 0 && h > 0 ? w * h : 0;

	return inter / (a->width * a->height + b->width * b->height - inter);
}

/* Runs the detector as embed() does (416, threshold 0.5) and keeps the best-overlapping box. */
static void
match_detections(const pgface_detector *detector, face *faces, int count)
{
	for (int n = 0; n < count; n++)
	{
		pgface_image image = {0};
		pgface_status status = {0};
		pgface_box *boxes = NULL;
		int found = 0;
		double best = 0.3;

		faces[n].detected = 0;
		if (!decode_file("check_shape_predictor", faces[n].file, &image))
			exit(1);
		if (pgface_detect_faces(detector, &image, 416, 0.5, &boxes, &found, &status) != PGFACE_OK)
		{
			fprintf(stderr, "check_shape_predictor: %s\n", status.message);
			exit(1);
		}
		for (int i = 0; i < found; i++)
			if (overlap(&boxes[i], &faces[n].box) > best)
			{
				best = overlap(&boxes[i], &faces[n].box);
				faces[n].found = boxes[i];
				faces[n].detected = 1;
			}
		pgface_free(boxes);
		pgface_image_free(&image);
	}
}

/* Least squares, each term on its own: dlib's centre and size against the detector's. */
static box_map
fit_map(const face *faces, int count)
{
	double sxx = 0, sdx = 0, sdy = 0, syy = 0, sw = 0, sh = 0;
	box_map map = {0, 0, 1, 1};

	for (int n = 0; n < count; n++)
	{
		const pgface_box *t = &faces[n].found, *d = &faces[n].box;

		if (!faces[n].detected)
			continue;
		sdx += (d->x + d->width / 2 - t->x - t->width / 2) * t->width;
		sdy += (d->y + d->height / 2 - t->y - t->height / 2) * t->height;
		sw += d->width * t->width;
		sh += d->height * t->height;
		sxx += t->width * t->width;
		syy += t->height * t->height;
	}
	if (sxx > 0)
		map = (box_map){sdx / sxx, sdy / syy, sw / sxx, sh / syy};
	return map;
}

static pgface_box
apply_map(const box_map *map, const pgface_box *t)
{
	double cx = t->x + t->width / 2 + map->dx * t->width;
	double cy = t->y + t->height / 2 + map->dy * t->height;
	double w = map->sw * t->width, h = map->sh * t->height;

	return (pgface_box){.x = cx - w / 2, .y = cy - h / 2, .width = w, .height = h};
}

typedef enum box_source
{
	DLIB_BOX,     /* the XML's box, as dlib ran on it */
	DETECTOR_BOX, /* pgface's detector box as it is */
	MAPPED_BOX    /* the detector box through the fitted map */
} box_source;

/* Runs the predictor on every face from one kind of box and prints the errors. */
static void
measure(const pgface_shape_predictor *predictor, const face *faces, int count, box_source source,
        const box_map *map, int per_face)
{
	static const char *names[] = {"dlib's boxes", "detector boxes", "mapped detector boxes"};
	double sum = 0, sum_relative = 0, worst = 0, worst_relative = 0, elapsed = 0, rounded = 0;
	long points = 0, exact = 0;
	int measured = 0;

	if (per_face)
		printf("# face\tfile\tmean_px\tmax_px\tmean/iod\texact\n");
	for (int n = 0; n < count; n++)
	{
		const face *f = &faces[n];
		pgface_image image = {0};
		pgface_status status = {0};
		pgface_point got[PGFACE_LANDMARKS];
		pgface_box box = source == DLIB_BOX       ? f->box
		                 : source == DETECTOR_BOX ? f->found
		                                          : apply_map(map, &f->found);
		double face_sum = 0, face_worst = 0, iod = eye_distance(f->reference), start;
		int face_exact = 0;
		const int repeats = 20;

		if (source != DLIB_BOX && !f->detected)
			continue;
		if (f->parts != PGFACE_LANDMARKS || !decode_file("check_shape_predictor", f->file, &image))
			exit(1);
		start = seconds();
		for (int r = 0; r < repeats; r++)
			if (pgface_shape_predict(predictor, &image, &box, got, &status) != PGFACE_OK)
			{
				fprintf(stderr, "check_shape_predictor: %s\n", status.message);
				exit(1);
			}
		elapsed += (seconds() - start) / repeats;
		for (int i = 0; i < PGFACE_LANDMARKS; i++)
		{
			/* dlib rounds its points to whole pixels, floor(v + 0.5) */
			double rx = floor(got[i].x + 0.5), ry = floor(got[i].y + 0.5);
			double e = hypot(got[i].x - f->reference[i].x, got[i].y - f->reference[i].y);

			face_exact += rx == f->reference[i].x && ry == f->reference[i].y;
			rounded += hypot(rx - f->reference[i].x, ry - f->reference[i].y);
			face_sum += e;
			face_worst = e > face_worst ? e : face_worst;
		}
		if (per_face)
			printf("%d\t%s\t%.3f\t%.3f\t%.4f\t%d/%d\n", n, strrchr(f->file, '/') + 1,
			       face_sum / PGFACE_LANDMARKS, face_worst, face_sum / PGFACE_LANDMARKS / iod,
			       face_exact, PGFACE_LANDMARKS);
		sum += face_sum;
		sum_relative += face_sum / iod;
		worst = face_worst > worst ? face_worst : worst;
		worst_relative = face_worst / iod > worst_relative ? face_worst / iod : worst_relative;
		points += PGFACE_LANDMARKS;
		exact += face_exact;
		measured++;
		pgface_image_free(&image);
	}
	if (measured == 0)
		return;
	printf("%s, %d faces: mean error %.3f px (max %.3f), rounded as dlib rounds %.3f px; %.4f of "
	       "the inter-ocular distance (max %.4f); %ld of %ld points rounded equal to dlib's; "
	       "%.3f ms a face\n",
	       names[source], measured, sum / (double) points, worst, rounded / (double) points,
	       sum_relative / (double) points, worst_relative, exact, points,
	       1000 * elapsed / measured);
}

int
main(int argc, char **argv)
{
	const char *model_path = PGFACE_DLIB_SHAPE_PREDICTOR_FILE;
	const char *detector_dir = NULL;
	const char *fit_path = NULL;
	static face faces[MAX_FACES];
	static face fit_faces[MAX_FACES];
	pgface_shape_predictor predictor;
	pgface_status status = {0};
	int count = 0;
	int fit_count = 0;
	int first = 1;
	double load;

	for (; first + 1 < argc && strncmp(argv[first], "--", 2) == 0; first += 2)
		if (strcmp(argv[first], "--model") == 0)
			model_path = argv[first + 1];
		else if (strcmp(argv[first], "--detector") == 0)
			detector_dir = argv[first + 1];
		else if (strcmp(argv[first], "--fit") == 0)
			fit_path = argv[first + 1];
		else
			break;
	if (first >= argc)
	{
		fprintf(stderr, "usage: check_shape_predictor [--model FILE] [--detector MODEL_DIR "
		                "[--fit XML]] XML...\n");
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
	measure(&predictor, faces, count, DLIB_BOX, NULL, 1);
	if (detector_dir != NULL)
	{
		char path[4096];
		pgface_model_file file;
		pgface_detector detector;
		box_map map;
		int matched = 0;

		snprintf(path, sizeof(path), "%s/tiny_face_detector_model.pgfm", detector_dir);
		if (pgface_model_open(path, &file, &status) != PGFACE_OK ||
		    pgface_detector_bind(&file, &detector, &status) != PGFACE_OK)
		{
			fprintf(stderr, "check_shape_predictor: %s\n", status.message);
			return 1;
		}
		match_detections(&detector, faces, count);
		if (fit_path != NULL)
		{
			fit_count = read_faces(fit_path, fit_faces, 0);
			match_detections(&detector, fit_faces, fit_count);
		}
		map = fit_path != NULL ? fit_map(fit_faces, fit_count) : fit_map(faces, count);
		for (int n = 0; n < count; n++)
			matched += faces[n].detected;
		printf("# detector boxes matched to %d of %d faces; map fitted on %s: centre + (%.4f, "
		       "%.4f) x size, size x (%.4f, %.4f)\n",
		       matched, count, fit_path ? fit_path : "the same faces", map.dx, map.dy, map.sw,
		       map.sh);
		measure(&predictor, faces, count, DLIB_BOX, NULL, 0);
		measure(&predictor, faces, count, DETECTOR_BOX, NULL, 0);
		measure(&predictor, faces, count, MAPPED_BOX, &map, 0);
		pgface_model_close(&file);
	}
	pgface_shape_predictor_free(&predictor);
	return 0;
}
