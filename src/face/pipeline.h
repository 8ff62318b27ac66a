/*
 * pipeline.h: from image bytes to an embedding.
 */
#ifndef PGFACE_PIPELINE_H
#define PGFACE_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "face/models.h"

typedef struct pgface_limits
{
	int64_t max_image_pixels; /* refuse larger images before decoding them */
} pgface_limits;

/*
 * The whole image is the face chip: decoded, padded to a square, resized to
 * 150x150 and embedded. Writes PGFACE_EMBEDDING_DIMS values.
 */
pgface_code pgface_embed_chip(const pgface_models *models, const unsigned char *bytes,
                              size_t length, const pgface_limits *limits, float *embedding,
                              pgface_status *status);

#endif
