/*
 * tensor.h: a single image-shaped activation, height x width x channels (NHWC,
 * batch 1), the layout TensorFlow.js weights assume.
 */
#ifndef PGFACE_TENSOR_H
#define PGFACE_TENSOR_H

#include <stddef.h>

#include "common/status.h"

typedef struct pgface_tensor
{
	int h;
	int w;
	int c;
	float *data; /* h * w * c floats, channels fastest */
} pgface_tensor;

/* Allocates an uninitialised tensor through the runtime allocator. */
pgface_code pgface_tensor_alloc(pgface_tensor *t, int h, int w, int c, pgface_status *status);

/* Releases the data; safe on a tensor that was never allocated or already freed. */
void pgface_tensor_free(pgface_tensor *t);

static inline size_t
pgface_tensor_count(const pgface_tensor *t)
{
	return (size_t) t->h * (size_t) t->w * (size_t) t->c;
}

#endif
