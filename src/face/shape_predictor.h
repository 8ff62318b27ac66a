/*
 * shape_predictor.h: dlib's shape predictor (dlib/image_processing/shape_predictor.h), the
 * ensemble of regression trees of Kazemi and Sullivan (2014), read from dlib's own
 * serialized file, such as Debian's libdlib-data
 * /usr/share/dlib/shape_predictor_68_face_landmarks.dat, and run on pgface images.
 *
 * A cascade of forests refines a shape, starting from the mean shape mapped into the face's
 * box. Each cascade reads the grey levels of a few hundred pixels placed relative to the
 * current shape's landmarks; each of its trees compares two of them per split and adds its
 * leaf's shift to every landmark. See doc/landmarks.md for the measured agreement with dlib.
 */
#ifndef PGFACE_SHAPE_PREDICTOR_H
#define PGFACE_SHAPE_PREDICTOR_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "face/detector.h"
#include "face/landmark_net.h"
#include "img/image.h"

/* Where Debian's libdlib-data puts dlib's 68-point face model. */
#define PGFACE_DLIB_SHAPE_PREDICTOR_FILE "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"

/* A split node: go left (child 2i + 1) when pixel[idx1] - pixel[idx2] > thresh. */
typedef struct pgface_shape_split
{
	uint32_t idx1;
	uint32_t idx2;
	float thresh;
} pgface_shape_split;

/* A full binary tree: splits nodes in breadth-first order, then splits + 1 leaves. */
typedef struct pgface_shape_tree
{
	size_t first_split; /* into pgface_shape_predictor.splits */
	size_t first_leaf;  /* into leaves, in units of one leaf (2 * parts floats) */
	uint32_t splits;
} pgface_shape_tree;

/* One level of the cascade: its trees, and the pixels they read. */
typedef struct pgface_shape_cascade
{
	size_t first_tree;    /* into trees */
	size_t trees;         /* how many */
	size_t first_feature; /* into anchors and deltas */
	size_t features;      /* how many pixels this level reads */
} pgface_shape_cascade;

typedef struct pgface_shape_predictor
{
	int parts;            /* landmarks: 68 for the face model */
	int cascades;         /* levels of the cascade */
	size_t max_features;  /* the most pixels one level reads */
	float *initial_shape; /* the mean shape, x0 y0 x1 y1 ..., in the unit box */
	pgface_shape_cascade *cascade;
	pgface_shape_tree *trees;
	pgface_shape_split *splits;
	float *leaves;     /* 2 * parts floats per leaf: the shift of every landmark */
	uint32_t *anchors; /* per feature pixel: the landmark it is placed relative to */
	float *deltas;     /* per feature pixel: its offset (x, y) from that landmark, unit box */
	size_t tree_count;
	size_t split_count;
	size_t leaf_count;
	size_t feature_count;
} pgface_shape_predictor;

/*
 * Reads and validates a dlib shape_predictor from path: PGFACE_ERR_MODEL_MISSING when the
 * file cannot be opened, PGFACE_ERR_MODEL_CORRUPT when it is truncated or malformed. The
 * arrays are allocated through the runtime allocator (67 MB for the 68-point model, whose
 * 120,000 leaves hold 136 floats each); on failure nothing stays allocated.
 */
pgface_code pgface_shape_predictor_load(const char *path, pgface_shape_predictor *predictor,
                                        pgface_status *status);

/* The same from bytes in memory (all of the file, nothing after it). */
pgface_code pgface_shape_predictor_parse(const unsigned char *bytes, size_t length,
                                         pgface_shape_predictor *predictor, pgface_status *status);

/* Frees the arrays; safe after a failed load and twice. */
void pgface_shape_predictor_free(pgface_shape_predictor *predictor);

/*
 * The predictor's landmarks (predictor->parts points) for the face in box, in pixels of the
 * image. The box is taken in dlib's convention: the mean shape's unit square maps onto
 * x .. x + width - 1 and y .. y + height - 1, as dlib maps it onto a rectangle's left ..
 * right and top .. bottom corners (dlib's width is right - left + 1). Pixels are grey as
 * dlib makes them from RGB: (r + g + b) / 3, truncated. Points are not rounded (dlib rounds
 * them to whole pixels).
 */
pgface_code pgface_shape_predict(const pgface_shape_predictor *predictor, const pgface_image *image,
                                 const pgface_box *box, pgface_point *points,
                                 pgface_status *status);

/* The same on a grey image: width * height bytes, row-major. */
pgface_code pgface_shape_predict_grey(const pgface_shape_predictor *predictor, const uint8_t *grey,
                                      int width, int height, const pgface_box *box,
                                      pgface_point *points, pgface_status *status);

/*
 * The box dlib's predictor expects for a face that pgface's tiny detector found at
 * detected: dlib's predictor was trained on its HOG detector's boxes, which are smaller and
 * sit lower on the face. The centre moves by (0.0112, -0.0628) of the detector box's size and
 * the size scales by (0.7374, 0.7919): least squares on the 28 faces of dlib's example scenes
 * that both detectors found (doc/landmarks.md).
 */
pgface_box pgface_shape_box_from_detector(const pgface_box *detected);

#endif
