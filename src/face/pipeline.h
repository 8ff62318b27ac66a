/*
 * pipeline.h: from image bytes to an embedding.
 */
#ifndef PGFACE_PIPELINE_H
#define PGFACE_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "face/models.h"

#include "face/align.h"
#include "face/quality.h"

/* The limits' defaults, shared by the server's settings and the CLI. */
#define PGFACE_DEFAULT_MAX_IMAGE_PIXELS 50000000
#define PGFACE_DEFAULT_MAX_IMAGE_KB     (100 * 1024) /* 100 MB */

/* Which landmarks a face is aligned by. */
typedef enum pgface_landmark_source
{
	PGFACE_LANDMARKS_FACEAPI, /* face-api's 68-point net on the detector's box */
	PGFACE_LANDMARKS_DLIB,    /* dlib's shape predictor on the box mapped to dlib's convention */
	PGFACE_LANDMARKS_MEAN,    /* the mean of the two, point by point */
} pgface_landmark_source;

/* Whether these landmarks need dlib's shape predictor read (pgface_models_open_shape_predictor). */
int pgface_landmarks_need_shape_predictor(pgface_landmark_source source);

/*
 * How the pipeline runs on a photo: its size and byte limits, the detector's settings,
 * the alignment. The server fills it from its GUCs, the CLI from its options.
 */
typedef struct pgface_pipeline_options
{
	int64_t max_image_pixels;  /* refuse larger images before decoding them */
	int detector_input_size;   /* the square the detector sees; a multiple of 32 (416) */
	double detector_threshold; /* detections must score above this (0.5) */
	pgface_alignment alignment;
	size_t max_image_bytes; /* refuse longer inputs before reading them; 0: no limit of our own */
	int mirror_average;     /* dlib alignment: also embed the mirrored chip and take the mean (1) */
	const pgface_recognition_model *model; /* the recognition model that embeds the faces */
	pgface_landmark_source landmarks;
} pgface_pipeline_options;

/* The extension's defaults, for the CLI and the programs that call the pipeline directly. */
pgface_pipeline_options pgface_default_pipeline_options(void);

/* One face found in a photo: where, how sure, its landmarks, its quality and its embedding. */
typedef struct pgface_face
{
	pgface_box box; /* in the photo's pixels, after its EXIF orientation */
	pgface_point landmarks[PGFACE_LANDMARKS];
	pgface_face_quality quality;
	/*
	 * The EXIF orientation (1: none) that turned the photo upright for this face, when
	 * embed()'s search found it turned. Box and landmarks stay in the photo's own pixels.
	 */
	int turn;
	float *embedding; /* options->model->dims values, inside the faces' own allocation */
} pgface_face;

/*
 * The whole image is the face chip: decoded, padded to a square, resized to
 * the model's chip and embedded. Writes options->model->dims values.
 */
pgface_code pgface_embed_chip(const pgface_models *models, const unsigned char *bytes,
                              size_t length, const pgface_pipeline_options *options,
                              float *embedding, pgface_status *status);

/*
 * The most prominent face of a photo, aligned and embedded: of the faces found
 * at the configured detector size and at smaller ones, the best-scoring face
 * that covers the photo's centre, else the best-scoring face. With the dlib
 * alignment and mirror_average, the embedding is the mean of the aligned chip's
 * and its mirror's. Writes options->model->dims values.
 * PGFACE_ERR_NO_FACE when the detector finds none.
 */
pgface_code pgface_embed_photo(const pgface_models *models, const unsigned char *bytes,
                               size_t length, const pgface_pipeline_options *options,
                               float *embedding, pgface_status *status);

/*
 * The face pgface_embed_photo embeds, whole: box, landmarks, quality and embedding, the
 * box and landmarks in the photo's own pixels even when it was found turned.
 * face->embedding must point to options->model->dims floats.
 */
pgface_code pgface_photo_face(const pgface_models *models, const unsigned char *bytes,
                              size_t length, const pgface_pipeline_options *options,
                              pgface_face *face, pgface_status *status);

/*
 * Every face of a photo at the configured detector size, best score first. *faces is one
 * allocation from the runtime allocator, the embeddings included, freed with pgface_free;
 * *count is 0 when there is none (not an error).
 */
pgface_code pgface_find_faces(const pgface_models *models, const unsigned char *bytes,
                              size_t length, const pgface_pipeline_options *options,
                              pgface_face **faces, int *count, pgface_status *status);

#endif
