/*
 * winograd_kernel.h: the tile transforms of winograd.c, written once with GCC
 * vector extensions across channels and instantiated per instruction set.
 * Not a normal header: winograd.c defines KERNEL(name), KERNEL_TARGET and
 * LANES before each inclusion (see gemm_kernel.h).
 */

#include "nn/simd_vector.h"

/*
 * V = B^T d B for the tiles of one block, LANES channels at a time: tile t's
 * 16 values go to transformed[e][t][c]. The tile's 4x4 pixels are rows[t][i]
 * (a pixel's channels, or zeros off the input).
 */
static KERNEL_TARGET void
KERNEL(input_tiles)(const float *const (*rows)[TILE * TILE], int count, int channels, size_t block,
                    float *transformed)
{
	size_t step = block * (size_t) channels;

	for (int t = 0; t < count; t++)
	{
		const float *const *d = rows[t];
		float *v = transformed + (size_t) t * (size_t) channels;
		int c = 0;
		for (; c + LANES <= channels; c += LANES)
		{
			KERNEL(vec) x[TILE * TILE];
			KERNEL(vec) y[TILE * TILE];
#pragma GCC unroll 16
			for (int i = 0; i < TILE * TILE; i++)
				x[i] = KERNEL(load)(d[i] + c);
				/* B^T d: rows (d0 - d2, d1 + d2, d2 - d1, d1 - d3) */
#pragma GCC unroll 4
			for (int k = 0; k < TILE; k++)
			{
				y[0 * TILE + k] = x[0 * TILE + k] - x[2 * TILE + k];
				y[1 * TILE + k] = x[1 * TILE + k] + x[2 * TILE + k];
				y[2 * TILE + k] = x[2 * TILE + k] - x[1 * TILE + k];
				y[3 * TILE + k] = x[1 * TILE + k] - x[3 * TILE + k];
			}
			/* then B along each row */
#pragma GCC unroll 4
			for (int r = 0; r < TILE; r++)
			{
				KERNEL(store)
				(v + (size_t) (r * TILE + 0) * step + c, y[r * TILE] - y[r * TILE + 2]);
				KERNEL(store)
				(v + (size_t) (r * TILE + 1) * step + c, y[r * TILE + 1] + y[r * TILE + 2]);
				KERNEL(store)
				(v + (size_t) (r * TILE + 2) * step + c, y[r * TILE + 2] - y[r * TILE + 1]);
				KERNEL(store)
				(v + (size_t) (r * TILE + 3) * step + c, y[r * TILE + 1] - y[r * TILE + 3]);
			}
		}
		for (; c < channels; c++)
		{
			float x[TILE * TILE];
			float y[TILE * TILE];
			for (int i = 0; i < TILE * TILE; i++)
				x[i] = d[i][c];
			for (int k = 0; k < TILE; k++)
			{
				y[0 * TILE + k] = x[0 * TILE + k] - x[2 * TILE + k];
				y[1 * TILE + k] = x[1 * TILE + k] + x[2 * TILE + k];
				y[2 * TILE + k] = x[2 * TILE + k] - x[1 * TILE + k];
				y[3 * TILE + k] = x[1 * TILE + k] - x[3 * TILE + k];
			}
			for (int r = 0; r < TILE; r++)
			{
				v[(size_t) (r * TILE + 0) * step + c] = y[r * TILE] - y[r * TILE + 2];
				v[(size_t) (r * TILE + 1) * step + c] = y[r * TILE + 1] + y[r * TILE + 2];
				v[(size_t) (r * TILE + 2) * step + c] = y[r * TILE + 2] - y[r * TILE + 1];
				v[(size_t) (r * TILE + 3) * step + c] = y[r * TILE + 1] - y[r * TILE + 3];
			}
		}
	}
}

/* The epilogue of one output vector (see pgface_epilogue); residual NULL skips that term. */
static inline __attribute__((always_inline)) KERNEL_TARGET
KERNEL(vec) KERNEL(finish)(KERNEL(vec) x, const pgface_epilogue *epi, int c, const float *residual)
{
	if (epi == NULL)
		return x;
	x = x + KERNEL(load)(epi->bias + c);
	if (epi->scale != NULL)
		x = x * KERNEL(load)(epi->scale + c) + KERNEL(load)(epi->shift + c);
	if (residual != NULL)
		x += KERNEL(load)(residual + c);
	return KERNEL(activate)(x, epi);
}

/* The same for one value. */
static inline __attribute__((always_inline)) KERNEL_TARGET float
KERNEL(finish1)(float x, const pgface_epilogue *epi, int c, const float *residual)
{
	if (epi == NULL)
		return x;
	x = x + epi->bias[c];
	if (epi->scale != NULL)
		x = x * epi->scale[c] + epi->shift[c];
	if (residual != NULL)
		x += residual[c];
	return pgface_epilogue_activate(epi, x);
}

/*
 * out block = A^T m A, A^T = [[1, 1, 1, 0], [0, 1, -1, -1]], then the epilogue,
 * for the tiles of one block; tile t's products are products[e][t][c] and its
 * 2x2 outputs go to out_px[t][0..3] (NULL where the block leaves the output),
 * its residual pixels are residual_px[t][0..3].
 */
static KERNEL_TARGET void
KERNEL(output_tiles)(const float *products, int count, int channels, size_t block,
                     float *const (*out_px)[4], const float *const (*residual_px)[4],
                     const pgface_epilogue *epi)
{
	size_t step = block * (size_t) channels;

	for (int t = 0; t < count; t++)
	{
		const float *m = products + (size_t) t * (size_t) channels;
		int c = 0;
		for (; c + LANES <= channels; c += LANES)
		{
			KERNEL(vec) x[TILE * TILE];
			KERNEL(vec) y[2 * TILE];
#pragma GCC unroll 16
			for (int i = 0; i < TILE * TILE; i++)
				x[i] = KERNEL(load)(m + (size_t) i * step + c);
#pragma GCC unroll 4
			for (int k = 0; k < TILE; k++)
			{
				y[k] = x[0 * TILE + k] + x[1 * TILE + k] + x[2 * TILE + k];
				y[TILE + k] = x[1 * TILE + k] - x[2 * TILE + k] - x[3 * TILE + k];
			}
#pragma GCC unroll 2
			for (int r = 0; r < 2; r++)
			{
				KERNEL(vec) o0 = y[r * TILE] + y[r * TILE + 1] + y[r * TILE + 2];
				KERNEL(vec) o1 = y[r * TILE + 1] - y[r * TILE + 2] - y[r * TILE + 3];
				if (out_px[t][2 * r] != NULL)
					KERNEL(store)
				(out_px[t][2 * r] + c, KERNEL(finish)(o0, epi, c, residual_px[t][2 * r]));
				if (out_px[t][2 * r + 1] != NULL)
					KERNEL(store)
				(out_px[t][2 * r + 1] + c, KERNEL(finish)(o1, epi, c, residual_px[t][2 * r + 1]));
			}
		}
		for (; c < channels; c++)
		{
			float x[TILE * TILE];
			float y[2 * TILE];
			for (int i = 0; i < TILE * TILE; i++)
				x[i] = m[(size_t) i * step + c];
			for (int k = 0; k < TILE; k++)
			{
				y[k] = x[0 * TILE + k] + x[1 * TILE + k] + x[2 * TILE + k];
				y[TILE + k] = x[1 * TILE + k] - x[2 * TILE + k] - x[3 * TILE + k];
			}
			for (int r = 0; r < 2; r++)
			{
				float o0 = y[r * TILE] + y[r * TILE + 1] + y[r * TILE + 2];
				float o1 = y[r * TILE + 1] - y[r * TILE + 2] - y[r * TILE + 3];
				if (out_px[t][2 * r] != NULL)
					out_px[t][2 * r][c] = KERNEL(finish1)(o0, epi, c, residual_px[t][2 * r]);
				if (out_px[t][2 * r + 1] != NULL)
					out_px[t][2 * r + 1][c] =
					    KERNEL(finish1)(o1, epi, c, residual_px[t][2 * r + 1]);
			}
		}
	}
}
