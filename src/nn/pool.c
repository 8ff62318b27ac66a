/*
 * pool.c: max and average pooling with TensorFlow's window placement.
 */
#include <float.h>
#include <string.h>

#include "nn/layers.h"

/* Four channels at a time: one SSE register, which every x86-64 has (wider GCC vectors would be
 * split through memory on a baseline build). */
typedef float pool_vec __attribute__((vector_size(4 * sizeof(float))));
typedef int pool_ivec __attribute__((vector_size(4 * sizeof(float))));
#define POOL_LANES 4

/* max(d, x) lane by lane, keeping d where x is not greater (NaN included): every max here. */
static inline pool_vec
max_lanes(pool_vec d, pool_vec x)
{
	pool_ivec greater = x > d;

	return (pool_vec) (((pool_ivec) x & greater) | ((pool_ivec) d & ~greater));
}

/* The same for one value. */
static inline float
max_value(float d, float x)
{
	return x > d ? x : d;
}

/*
 * dst = max(dst, src) or dst += src over channels, the max keeping dst where
 * src is not greater (as the scalar loop did, NaN included).
 */
static void
reduce_into(float *dst, const float *src, int channels, int max)
{
	int c = 0;

	for (; c + POOL_LANES <= channels; c += POOL_LANES)
	{
		pool_vec d, x;
		memcpy(&d, dst + c, sizeof(d));
		memcpy(&x, src + c, sizeof(x));
		d = max ? max_lanes(d, x) : d + x;
		memcpy(dst + c, &d, sizeof(d));
	}
	for (; c < channels; c++)
		dst[c] = max ? max_value(dst[c], src[c]) : dst[c] + src[c];
}

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

	if (pgface_tensor_alloc(out, out_h, out_w, channels, status) != PGFACE_OK)
		return status->code;

	for (int oy = 0; oy < out_h; oy++)
		for (int ox = 0; ox < out_w; ox++)
		{
			float *dst =
			    out->data + ((size_t) oy * (size_t) out_w + (size_t) ox) * (size_t) channels;
			int y0 = oy * stride - pad_top;
			int x0 = ox * stride - pad_left;
			int cells = 0;

			for (int c = 0; c < channels; c++)
				dst[c] = kind == POOL_MAX ? -FLT_MAX : 0.0f;
			for (int y = y0 < 0 ? 0 : y0; y < y0 + kernel && y < in->h; y++)
				for (int x = x0 < 0 ? 0 : x0; x < x0 + kernel && x < in->w; x++)
				{
					const float *src =
					    in->data + ((size_t) y * (size_t) in->w + (size_t) x) * (size_t) channels;
					cells++;
					reduce_into(dst, src, channels, kind == POOL_MAX);
				}
			if (kind == POOL_AVERAGE && cells > 0)
				for (int c = 0; c < channels; c++)
					dst[c] /= (float) cells;
		}
	return PGFACE_OK;
}

/*
 * One output pixel of a 2x2 max-pool over its cells (one to four, in the order pool()
 * reduces them, so that the result is the same to the bit, NaN included), four channels
 * at a time: the detector's first pool writes 43,000 of these a photo, and the general
 * loop spent more on its bookkeeping than on the maxima.
 */
static void
max_of_cells(const float *const *cells, int count, int channels, float *dst)
{
	int c = 0;

	for (; c + POOL_LANES <= channels; c += POOL_LANES)
	{
		pool_vec d = {-FLT_MAX, -FLT_MAX, -FLT_MAX, -FLT_MAX};

		for (int k = 0; k < count; k++)
		{
			pool_vec x;

			memcpy(&x, cells[k] + c, sizeof(x));
			d = max_lanes(d, x);
		}
		memcpy(dst + c, &d, sizeof(d));
	}
	for (; c < channels; c++)
	{
		float d = -FLT_MAX;

		for (int k = 0; k < count; k++)
			d = max_value(d, cells[k][c]);
		dst[c] = d;
	}
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
