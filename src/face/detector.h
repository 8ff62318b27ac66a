/*
 * detector.h: face-api's tiny face detector (src/tinyFaceDetector/ and
 * src/tinyYolov2/ in @vladmandic/face-api): a small MobileNet-style net with a
 * YOLOv2 head, then non-maximum suppression.
 */
#ifndef PGFACE_DETECTOR_H
#define PGFACE_DETECTOR_H

#include "common/status.h"
#include "img/image.h"
#include "nn/layers.h"
#include "face/net_binding.h"
#include "nn/model_file.h"

#define PGFACE_DETECTOR_MODEL_FILE "tiny_face_detector_model.pgfm"
#define PGFACE_DETECTOR_STAGES     5
#define PGFACE_DETECTOR_ANCHORS    5

typedef struct pgface_detector
{
	const float *conv0_filters; /* [3, 3, 3, 16] */
	const float *conv0_bias;
	pgface_separable_conv stages[PGFACE_DETECTOR_STAGES];
	const float *head_filters; /* [1, 1, 512, 25] */
	const float *head_bias;
} pgface_detector;

/* A detected face, in pixels of the (upright) image. */
typedef struct pgface_box
{
	double x;
	double y;
	double width;
	double height;
	double score;
} pgface_box;

/* Points the detector at the model file's tensors, checking each name and shape. */
pgface_code pgface_detector_bind(const pgface_model_file *model, pgface_detector *detector,
                                 pgface_status *status);

/* Its weights' file and bind, as models.c opens every net. */
extern const pgface_net_binding pgface_detector_binding;

/*
 * Finds the faces in an image: boxes scoring above score_threshold, after
 * non-maximum suppression, best score first. input_size is the square the image
 * is resized to (a multiple of 32; face-api's default is 416). *boxes is
 * allocated through the runtime allocator; *count may be 0.
 */
pgface_code pgface_detect_faces(const pgface_detector *detector, const pgface_image *image,
                                int input_size, double score_threshold, pgface_box **boxes,
                                int *count, pgface_status *status);

/*
 * The same for a region of the image turned by an EXIF orientation (1 to 8), as if it were
 * cut out with pgface_image_crop and turned with pgface_image_orient: the same boxes, in
 * the turned region's pixels, without copying it.
 */
pgface_code pgface_detect_faces_in_region(const pgface_detector *detector,
                                          const pgface_image *image, const pgface_region *region,
                                          int orientation, int input_size, double score_threshold,
                                          pgface_box **boxes, int *count, pgface_status *status);

#endif
