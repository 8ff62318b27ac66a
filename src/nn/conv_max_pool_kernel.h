/*
 * conv_max_pool_kernel.h: a 3x3 convolution of 3 channels into 16 (the
 * detector's first layer), its bias and leaky relu, and the 2x2 max-pool after
 * it, one pooled output at a time: the four convolutions under a pool window are
 * summed side by side in registers and pooled there, so the convolution's output
 * is never stored and read back. Not a normal header: simd_instances.h includes
 * it once per instruction set. Each sum runs over the 27 taps in the order the
 * GEMM takes them, with the same vector arithmetic and the same epilogue, so the
 * result is the GEMM-then-pool path's to the bit (the unit tests compare them).
 */
#include "nn/simd_vector.h"

#define CONV_POOL_TAPS    27 /* 3 rows of 3 pixels of 3 channels */
#define CONV_POOL_OUTPUTS 16
#define CONV_POOL_VECS    (CONV_POOL_OUTPUTS / LANES)
/* windows pooled at once: at least eight sums in flight */
#define CONV_POOL_WINDOWS (CONV_POOL_VECS >= 2 ? 1 : 2)

/*
 * Windows pool windows side by side from corner (the upper left input pixel of
 * the first) into out: 4 * windows * CONV_POOL_VECS sums in flight, enough
 * independent chains to hide the multiply-add's latency.
 */
static inline __attribute__((always_inline)) KERNEL_TARGET void
KERNEL(pool_windows)(const int windows, const float *corner, size_t row_floats,
                     const float *filters, const pgface_epilogue *epi, float *out)
{
	const KERNEL(vec) zero = {0};
	const KERNEL(vec) lowest = zero - FLT_MAX;
	KERNEL(vec) acc[CONV_POOL_WINDOWS][4][CONV_POOL_VECS];
	const float *at[CONV_POOL_WINDOWS][4];

#pragma GCC unroll 2
	for (int w = 0; w < windows; w++)
	{
		/* the window's four positions: upper left, upper right, lower left, lower right */
		const float *first = corner + (size_t) w * 6;

		at[w][0] = first;
		at[w][1] = first + 3;
		at[w][2] = first + row_floats;
		at[w][3] = first + row_floats + 3;
#pragma GCC unroll 4
		for (int p = 0; p < 4; p++)
#pragma GCC unroll 4
			for (int v = 0; v < CONV_POOL_VECS; v++)
				acc[w][p][v] = zero;
	}
#pragma GCC unroll 3
	for (int ky = 0; ky < 3; ky++)
#pragma GCC unroll 9
		for (int t = 0; t < 9; t++)
		{
			const float *filter = filters + (size_t) (ky * 9 + t) * CONV_POOL_OUTPUTS;
			KERNEL(vec) b[CONV_POOL_VECS];

#pragma GCC unroll 4
			for (int v = 0; v < CONV_POOL_VECS; v++)
				b[v] = KERNEL(load)(filter + v * LANES);
#pragma GCC unroll 2
			for (int w = 0; w < windows; w++)
#pragma GCC unroll 4
				for (int p = 0; p < 4; p++)
				{
					KERNEL(vec)
					a = KERNEL(broadcast)(at[w][p][(size_t) ky * row_floats + (size_t) t]);
#pragma GCC unroll 4
					for (int v = 0; v < CONV_POOL_VECS; v++)
						acc[w][p][v] += a * b[v];
				}
		}
#pragma GCC unroll 2
	for (int w = 0; w < windows; w++)
#pragma GCC unroll 4
		for (int v = 0; v < CONV_POOL_VECS; v++)
		{
			KERNEL(vec) pooled = lowest;

#pragma GCC unroll 4
			for (int p = 0; p < 4; p++)
			{
				KERNEL(vec)
				x = KERNEL(activate)(acc[w][p][v] + KERNEL(load)(epi->bias + v * LANES), epi);
				pooled = KERNEL(max_keeping)(pooled, x);
			}
			KERNEL(store)(out + (size_t) w * CONV_POOL_OUTPUTS + v * LANES, pooled);
		}
}

/*
 * Pooled rows first .. first + rows - 1 of out (out_w wide, 16 channels) from
 * in (in_w pixels of 3 channels a row). Every pool window is whole: the
 * caller's convolution output has even sides.
 */
static KERNEL_TARGET void
KERNEL(conv3x3x3_max_pool)(const float *in, int in_w, int first, int rows, int out_w,
                           const float *filters, const pgface_epilogue *epi, float *out)
{
	const size_t row_floats = (size_t) in_w * 3;

	for (int r = first; r < first + rows; r++)
	{
		const float *corners = in + (size_t) (2 * r) * row_floats;
		float *pooled = out + (size_t) r * out_w * CONV_POOL_OUTPUTS;
		int q = 0;

		for (; q + CONV_POOL_WINDOWS <= out_w; q += CONV_POOL_WINDOWS)
			KERNEL(pool_windows)
		(CONV_POOL_WINDOWS, corners + (size_t) q * 6, row_floats, filters, epi,
		 pooled + (size_t) q * CONV_POOL_OUTPUTS);
		for (; q < out_w; q++)
			KERNEL(pool_windows)
		(1, corners + (size_t) q * 6, row_floats, filters, epi,
		 pooled + (size_t) q * CONV_POOL_OUTPUTS);
	}
}

#undef CONV_POOL_TAPS
#undef CONV_POOL_OUTPUTS
#undef CONV_POOL_VECS
#undef CONV_POOL_WINDOWS
