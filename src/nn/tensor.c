/*
 * tensor.c: allocation of activations.
 */
#include "nn/tensor.h"

#include <stdint.h>

#include "common/runtime.h"

pgface_code
pgface_tensor_alloc(pgface_tensor *t, int h, int w, int c, pgface_status *status)
{
	size_t count;

	t->data = NULL;
	if (h <= 0 || w <= 0 || c <= 0)
		return pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT, "tensor shape %dx%dx%d is empty", h,
		                   w, c);
	count = (size_t) h * (size_t) w * (size_t) c;
	if (count > SIZE_MAX / sizeof(float))
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "tensor %dx%dx%d is too large", h, w, c);
	t->data = pgface_alloc(count * sizeof(float));
	if (t->data == NULL)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for a %dx%dx%d tensor", h,
		                   w, c);
	t->h = h;
	t->w = w;
	t->c = c;
	return PGFACE_OK;
}

void
pgface_tensor_free(pgface_tensor *t)
{
	pgface_free(t->data);
	t->data = NULL;
}
