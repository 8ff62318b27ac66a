/*
 * recognition_net.h: the face recognition ConvNet, dlib's ResNet-29 as face-api
 * defines it (src/faceRecognitionNet/ in @vladmandic/face-api). A 150x150 RGB
 * chip in, a 128-value embedding out.
 */
#ifndef PGFACE_RECOGNITION_NET_H
#define PGFACE_RECOGNITION_NET_H

#include "common/status.h"
#include "nn/model_file.h"

/* The net's own shapes; the rest of pgface reads them from its descriptor (model_dlib_resnet_v1.c).
 */
#define PGFACE_RESNET_MODEL_FILE "face_recognition_model.pgfm"
#define PGFACE_RESNET_CHIP_SIZE  150
#define PGFACE_RESNET_DIMS       128

/* One convolution followed by face-api's per-channel scale layer. */
typedef struct pgface_conv_scale
{
	int kernel;
	int in_channels;
	int out_channels;
	const float *filters;  /* [kernel, kernel, in, out] */
	const float *winograd; /* [16, in, out], for 3x3 stride-1 convolutions; else NULL */
	const float *panels;   /* [out / 16, kernel * kernel * in, 16] for the rest; else NULL */
	const float *bias;     /* [out], added after the convolution */
	const float *scale;    /* [out], then multiplied */
	const float *shift;    /* [out], then added */
} pgface_conv_scale;

/* Two 3x3 convolutions and a shortcut; "down" blocks halve the resolution. */
typedef struct pgface_residual_block
{
	int down;
	pgface_conv_scale conv1;
	pgface_conv_scale conv2;
} pgface_residual_block;

#define PGFACE_RECOGNITION_BLOCKS 14

typedef struct pgface_recognition_net
{
	pgface_conv_scale stem; /* 7x7 stride 2 */
	pgface_residual_block blocks[PGFACE_RECOGNITION_BLOCKS];
	const float *fc; /* [256, 128] */
} pgface_recognition_net;

/* Points the net at the model file's tensors, checking each name and shape. */
pgface_code pgface_recognition_net_bind(const pgface_model_file *model, pgface_recognition_net *net,
                                        pgface_status *status);

/*
 * Embeds one chip: PGFACE_RESNET_CHIP_SIZE^2 RGB pixels, row-major, values 0..255 as
 * floats. Writes PGFACE_RESNET_DIMS values to embedding.
 */
pgface_code pgface_recognition_net_embed(const pgface_recognition_net *net, const float *chip,
                                         float *embedding, pgface_status *status);

#endif
