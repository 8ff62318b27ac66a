/*
 * pool.c: max and average pooling with TensorFlow's window placement.
 */
#include <float.h>
#include <string.h>

#include "nn/layers.h"

#define KERNEL_FILE "nn/pool_kernel.h"
#include "nn/simd_instances.h"

/* The most cells a window may have: the landmark net's 7x7 mean is the largest. */
#define POOL_MAX_CELLS 64

typedef enum pool_kind
{
	POOL_MAX,
	POOL_AVERAGE
} pool_kind;

/* Both pools walk the same windows; only the reduction differs. */
static pgface_code
pool(const pgface_tensor *in, int kernel, int stride, pgface_padding padding, pool_kind kind,
     pgface_tensor *out, pgface_status *status)
{
	int out_h = pgface_output_extent(in->h, kernel, stride, padding);
	int out_w = pgface_output_extent(in->w, kernel, stride, padding);
	int pad_top = pgface_padding_before(in->h, kernel, stride, padding);
	int pad_left = pgface_padding_before(in->w, kernel, stride, padding);
	int channels = in->c;
	__typeof__(&reduce_cells_sse2) reduce = PGFACE_SIMD_PICK(reduce_cells);

	if (kernel < 1 || kernel * kernel > POOL_MAX_CELLS)
		return pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT, "a %dx%d pool is not supported",
		                   kernel, kernel);
	if (pgface_tensor_alloc(out, out_h, out_w, channels, status) != PGFACE_OK)
		return status->code;

	for (int oy = 0; oy < out_h; oy++)
		for (int ox = 0; ox < out_w; ox++)
		{
			const float *cells[POOL_MAX_CELLS];
			int y0 = oy * stride - pad_top;
			int x0 = ox * stride - pad_left;
			int count = 0;

			for (int y = y0 < 0 ? 0 : y0; y < y0 + kernel && y < in->h; y++)
				for (int x = x0 < 0 ? 0 : x0; x < x0 + kernel && x < in->w; x++)
					cells[count++] =
					    in->data + ((size_t) y * (size_t) in->w + (size_t) x) * (size_t) channels;
			reduce(cells, count, channels, kind == POOL_MAX,
			       out->data + ((size_t) oy * (size_t) out_w + (size_t) ox) * (size_t) channels);
		}
	return PGFACE_OK;
}

/*
 * One output pixel of a 2x2 max-pool over its cells (one to four, in the order pool()
 * reduces them, so that the result is the same to the bit, NaN included): the
 * detector's first pool writes 43,000 of these a photo, and the general loop spent more
 * on its bookkeeping than on the maxima.
 */
static void
max_of_cells(const float *const *cells, int count, int channels, float *dst)
{
	PGFACE_SIMD_PICK(reduce_cells)(cells, count, channels, true, dst);
}

void
pgface_max_pool_2x2_into(const float *in, int rows, int width, int channels, float *out)
{
	int out_width = (width + 1) / 2;

	for (int r = 0; 2 * r < rows; r++)
	{
		const float *upper = in + (size_t) (2 * r) * (size_t) width * (size_t) channels;
		const float *lower = 2 * r + 1 < rows ? upper + (size_t) width * (size_t) channels : NULL;

		for (int q = 0; q < out_width; q++)
		{
			const float *cells[4];
			int count = 0;
			int right = 2 * q + 1 < width;

			cells[count++] = upper + (size_t) (2 * q) * (size_t) channels;
			if (right)
				cells[count++] = cells[0] + channels;
			if (lower != NULL)
			{
				cells[count] = lower + (size_t) (2 * q) * (size_t) channels;
				if (right)
					cells[count + 1] = cells[count] + channels;
				count += right ? 2 : 1;
			}
			max_of_cells(cells, count, channels,
			             out + ((size_t) r * (size_t) out_width + (size_t) q) * (size_t) channels);
		}
	}
}

pgface_code
pgface_max_pool(const pgface_tensor *in, int kernel, int stride, pgface_padding padding,
                pgface_tensor *out, pgface_status *status)
{
	return pool(in, kernel, stride, padding, POOL_MAX, out, status);
}

pgface_code
pgface_avg_pool(const pgface_tensor *in, int kernel, int stride, pgface_padding padding,
                pgface_tensor *out, pgface_status *status)
{
	return pool(in, kernel, stride, padding, POOL_AVERAGE, out, status);
}
