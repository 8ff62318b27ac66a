/*
 * landmark_net.h: face-api's 68-point landmark net (src/faceLandmarkNet/ and
 * src/faceFeatureExtractor/): four dense blocks of separable convolutions and a
 * fully connected head, run on the face's crop.
 */
#ifndef PGFACE_LANDMARK_NET_H
#define PGFACE_LANDMARK_NET_H

#include "common/status.h"
#include "face/detector.h"
#include "img/image.h"
#include "face/net_binding.h"
#include "nn/model_file.h"

#define PGFACE_LANDMARK_MODEL_FILE "face_landmark_68_model.pgfm"
#define PGFACE_LANDMARKS           68
#define PGFACE_LANDMARK_INPUT      112
#define PGFACE_LANDMARK_BLOCKS     4

/* One conv of a dense block (common/depthwiseSeparableConv, or the plain first one). */
typedef struct pgface_landmark_conv
{
	const float *filters;            /* first conv of the first block only: a plain [3, 3, 3, 32] */
	pgface_separable_conv separable; /* the others; the first uses only its bias and widths */
} pgface_landmark_conv;

typedef struct pgface_landmark_net
{
	pgface_landmark_conv blocks[PGFACE_LANDMARK_BLOCKS][4];
	const float *fc_weights; /* [256, 136] */
	const float *fc_bias;    /* [136] */
} pgface_landmark_net;

typedef struct pgface_point
{
	double x;
	double y;
} pgface_point;

pgface_code pgface_landmark_net_bind(const pgface_model_file *model, pgface_landmark_net *net,
                                     pgface_status *status);

/* Its weights' file and bind, as models.c opens every net. */
extern const pgface_net_binding pgface_landmark_net_binding;

/*
 * The 68 landmarks of the face in box, in pixels of the image, following
 * face-api: the box is clipped to the image and floored, the crop padded to a
 * centred square and resized to 112x112.
 */
pgface_code pgface_landmarks_detect(const pgface_landmark_net *net, const pgface_image *image,
                                    const pgface_box *box, pgface_point *points,
                                    pgface_status *status);

#endif
