/*
 * depthwise_kernel.h: the per-row work of a separable stage (separable_stage.c),
 * written once with GCC vector extensions across channels and instantiated per
 * instruction set, as gemm_kernel.h is. Not a normal header: the includer defines
 * KERNEL(name), KERNEL_TARGET and LANES.
 */

#include "nn/simd_vector.h"

/*
 * One row of the depthwise input as the stage sees it: the 2x2 max-pool (stride 2,
 * 'same') of source rows 2y and 2y + 1 when pool, then the relu when relu. A window
 * clipped by the edge takes the last row or column twice, which leaves a max unchanged.
 */
static KERNEL_TARGET void
KERNEL(prepare_row)(const pgface_tensor *in, int y, bool pool, bool relu, int width, float *dst)
{
	const int channels = in->c;
	const KERNEL(vec) zero = {0};
	const float *upper;
	const float *lower;

	if (!pool)
		upper = lower = in->data + (size_t) y * (size_t) in->w * (size_t) channels;
	else
	{
		int second = 2 * y + 1 < in->h ? 2 * y + 1 : 2 * y;
		upper = in->data + (size_t) (2 * y) * (size_t) in->w * (size_t) channels;
		lower = in->data + (size_t) second * (size_t) in->w * (size_t) channels;
	}
	for (int x = 0; x < width; x++)
	{
		size_t left = (size_t) (pool ? 2 * x : x) * (size_t) channels;
		size_t right = pool && 2 * x + 1 < in->w ? left + (size_t) channels : left;
		float *out = dst + (size_t) x * (size_t) channels;
		int c = 0;

		for (; c + LANES <= channels; c += LANES)
		{
			KERNEL(vec) v = KERNEL(load)(upper + left + c);
			if (pool)
			{
				KERNEL(vec)
				candidates[3] = {KERNEL(load)(upper + right + c), KERNEL(load)(lower + left + c),
				                 KERNEL(load)(lower + right + c)};
				for (int k = 0; k < 3; k++)
					v = (KERNEL(vec))(((KERNEL(ivec)) candidates[k] & (candidates[k] > v)) |
					                  ((KERNEL(ivec)) v & ~(candidates[k] > v)));
			}
			if (relu)
				v = (KERNEL(vec))((KERNEL(ivec)) v & (v > zero));
			KERNEL(store)(out + c, v);
		}
		for (; c < channels; c++)
		{
			float v = upper[left + c];
			if (pool)
			{
				float candidates[3] = {upper[right + c], lower[left + c], lower[right + c]};
				for (int k = 0; k < 3; k++)
					v = candidates[k] > v ? candidates[k] : v;
			}
			out[c] = relu && !(v > 0.0f) ? 0.0f : v;
		}
	}
}

/*
 * The sum over the taps kx_begin..kx_end-1 of three input rows (a padding row is
 * a row of zeros) for channels c..c+LANES-1, in the order ky, kx.
 */
static inline __attribute__((always_inline)) KERNEL_TARGET
KERNEL(vec) KERNEL(window)(const float *const rows[3], ptrdiff_t column, int channels,
                           const float *filters, int kx_begin, int kx_end, int c)
{
	KERNEL(vec) acc = {0};

	for (int ky = 0; ky < 3; ky++)
		for (int kx = kx_begin; kx < kx_end; kx++)
			acc += KERNEL(load)(rows[ky] + (column + (ptrdiff_t) kx * channels + c)) *
			       KERNEL(load)(filters + (size_t) (ky * 3 + kx) * (size_t) channels + c);
	return acc;
}

/* The same for one channel, for channel counts that are not a multiple of LANES. */
static inline KERNEL_TARGET float
KERNEL(window1)(const float *const rows[3], ptrdiff_t column, int channels, const float *filters,
                int kx_begin, int kx_end, int c)
{
	float acc = 0.0f;

	for (int ky = 0; ky < 3; ky++)
		for (int kx = kx_begin; kx < kx_end; kx++)
			acc += rows[ky][column + (ptrdiff_t) kx * channels + c] *
			       filters[(ky * 3 + kx) * channels + c];
	return acc;
}

/*
 * One output row of a 3x3 depthwise convolution over rows[0..2], each width
 * positions of channels floats: the windows that lie inside the row take the
 * unrolled nine taps; only the first and last positions clip at the padding.
 */
static KERNEL_TARGET void
KERNEL(depthwise_row)(const float *const rows[3], int width, int channels, int stride, int pad_left,
                      int out_width, const float *filters, float *out)
{
	for (int ox = 0; ox < out_width; ox++)
	{
		int ix0 = ox * stride - pad_left;
		int kx_begin = ix0 < 0 ? -ix0 : 0;
		int kx_end = ix0 + 3 > width ? width - ix0 : 3;
		/* tap 0's offset: negative at a clipped left edge, where only taps >= kx_begin are read */
		ptrdiff_t column = (ptrdiff_t) ix0 * channels;
		float *dst = out + (size_t) ox * (size_t) channels;
		int c = 0;

		if (kx_begin == 0 && kx_end == 3)
			for (; c + LANES <= channels; c += LANES)
				KERNEL(store)(dst + c, KERNEL(window)(rows, column, channels, filters, 0, 3, c));
		else
			for (; c + LANES <= channels; c += LANES)
			{
				KERNEL(vec)
				sum = KERNEL(window)(rows, column, channels, filters, kx_begin, kx_end, c);
				KERNEL(store)(dst + c, sum);
			}
		for (; c < channels; c++)
			dst[c] = KERNEL(window1)(rows, column, channels, filters, kx_begin, kx_end, c);
	}
}
