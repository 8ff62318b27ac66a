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
		if (max)
		{
			pool_ivec greater = x > d;
			d = (pool_vec) (((pool_ivec) x & greater) | ((pool_ivec) d & ~greater));
		}
		else
			d += x;
		memcpy(dst + c, &d, sizeof(d));
	}
	for (; c < channels; c++)
		if (max)
			dst[c] = src[c] > dst[c] ? src[c] : dst[c];
		else
			dst[c] += src[c];
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
