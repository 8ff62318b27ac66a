/*
 * pool_kernel.h: one output pixel of a pool, the maximum or the mean of its cells,
 * a vector of channels at a time in registers. Not a normal header: simd_instances.h
 * includes it once per instruction set. The cells are reduced in the caller's order
 * from the same start (-FLT_MAX, or 0 for the mean), with a max that keeps the value so
 * far where the cell is not greater (NaN included), so every instance gives the same
 * value to the bit.
 */
#include "nn/simd_vector.h"

/* The max (or, with max false, the mean) of count cells of channels floats into dst. */
static KERNEL_TARGET void
KERNEL(reduce_cells)(const float *const *cells, int count, int channels, bool max, float *dst)
{
	const KERNEL(vec) zero = {0};
	const KERNEL(vec) start = max ? zero - FLT_MAX : zero;
	int c = 0;

	for (; c + LANES <= channels; c += LANES)
	{
		KERNEL(vec) d = start;

		for (int k = 0; k < count; k++)
		{
			KERNEL(vec) x = KERNEL(load)(cells[k] + c);

			d = max ? KERNEL(max_keeping)(d, x) : d + x;
		}
		if (!max && count > 0)
			d = d / (float) count;
		KERNEL(store)(dst + c, d);
	}
	for (; c < channels; c++)
	{
		float d = max ? -FLT_MAX : 0.0f;

		for (int k = 0; k < count; k++)
			d = max ? (cells[k][c] > d ? cells[k][c] : d) : d + cells[k][c];
		dst[c] = !max && count > 0 ? d / (float) count : d;
	}
}
