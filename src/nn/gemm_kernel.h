/*
 * gemm_kernel.h: the register-blocked product behind pgface_gemm, written once
 * with GCC vector extensions and instantiated by gemm.c per instruction set.
 * Not a normal header: gemm.c defines, before each inclusion,
 *   KERNEL(name)   a name with this instance's suffix
 *   KERNEL_TARGET  the target attribute (or nothing)
 *   LANES          floats per vector
 *   ROWS           rows of a register tile (2 * ROWS accumulators)
 * Every output is summed over k in order with one accumulator, so all
 * instances give the same value up to FMA contraction.
 */

#include "nn/simd_vector.h"

/*
 * One register tile: rows x (vecs * LANES) outputs summed over all of k, then
 * the epilogue. Row i of a is op->segments runs of op->segment_length floats,
 * run s at arow[i] + s * op->segment_stride (one run for a plain matrix).
 * rows and vecs are constants at every call, so the loops unroll and the
 * accumulators live in registers.
 */
static inline __attribute__((always_inline)) KERNEL_TARGET void
KERNEL(tile)(const int rows, const int vecs, const float *const *arow, const gemm_operand *op,
             const float *b, size_t ldb, size_t second, float *c, size_t ldc,
             const pgface_epilogue *epi, int column)
{
	const KERNEL(vec) zero = {0};
	KERNEL(vec) acc[ROWS][2];
	const float *a[ROWS];

#pragma GCC unroll 16
	for (int i = 0; i < rows; i++)
	{
		acc[i][0] = zero;
		acc[i][1] = zero;
	}
	for (int s = 0; s < op->segments; s++)
	{
#pragma GCC unroll 16
		for (int i = 0; i < rows; i++)
			a[i] = arow[i] + (size_t) s * op->segment_stride;
		for (int p = 0; p < op->segment_length; p++)
		{
			const float *bp = b + (size_t) p * ldb;
			KERNEL(vec) b0 = KERNEL(load)(bp);
			KERNEL(vec) b1 = vecs > 1 ? KERNEL(load)(bp + second) : zero;
			/* unpacked weight rows are ldb apart, a stride the hardware prefetchers follow badly */
			__builtin_prefetch(bp + PREFETCH_ROWS * ldb);
			if (vecs > 1 && second >= 16)
				__builtin_prefetch(bp + second + PREFETCH_ROWS * ldb);
#pragma GCC unroll 16
			for (int i = 0; i < rows; i++)
			{
				KERNEL(vec) ai = KERNEL(broadcast)(a[i][p]);
				acc[i][0] += ai * b0;
				if (vecs > 1)
					acc[i][1] += ai * b1;
			}
		}
		b += (size_t) op->segment_length * ldb;
	}
#pragma GCC unroll 16
	for (int i = 0; i < rows; i++)
#pragma GCC unroll 2
		for (int v = 0; v < vecs; v++)
		{
			KERNEL(vec) x = acc[i][v];
			int j = column + v * LANES;
			if (epi != NULL)
			{
				x = x + KERNEL(load)(epi->bias + j);
				if (epi->scale != NULL)
					x = x * KERNEL(load)(epi->scale + j) + KERNEL(load)(epi->shift + j);
				if (epi->residual != NULL)
					x += KERNEL(load)(epi->residual + (size_t) i * epi->residual_stride + j);
				x = KERNEL(activate)(x, epi);
			}
			KERNEL(store)(c + (size_t) i * ldc + (size_t) v * LANES, x);
		}
}

/* All rows of one column panel: full tiles of ROWS, then one tile for the rest. */
static inline __attribute__((always_inline)) KERNEL_TARGET void
KERNEL(panel)(const int vecs, int m, const gemm_operand *op, const float *b, size_t ldb,
              size_t second, float *c, size_t ldc, const pgface_epilogue *epi, int column)
{
	pgface_epilogue shifted;
	const float *arow[ROWS];
	int i = 0;

	for (; i < m; i += ROWS)
	{
		const pgface_epilogue *e = pgface_epilogue_from_row(epi, (size_t) i, &shifted);
		const float *const *rows = arow;
		if (op->rows != NULL)
			rows = op->rows + i;
		else
			for (int r = 0; r < ROWS && i + r < m; r++)
				arow[r] = op->a + (size_t) (i + r) * op->lda;
		switch (m - i < ROWS ? m - i : ROWS)
		{
#define KERNEL_ROWS(r)                                                                             \
	case r:                                                                                        \
		if (r <= ROWS)                                                                             \
			KERNEL(tile)                                                                           \
		(r <= ROWS ? r : 1, vecs, rows, op, b, ldb, second, c + (size_t) i * ldc, ldc, e, column); \
		break;
			KERNEL_ROWS(1)
			KERNEL_ROWS(2)
			KERNEL_ROWS(3)
			KERNEL_ROWS(4)
			KERNEL_ROWS(5)
			KERNEL_ROWS(6)
			KERNEL_ROWS(7)
			KERNEL_ROWS(8)
			KERNEL_ROWS(9)
			KERNEL_ROWS(10)
			KERNEL_ROWS(11)
			KERNEL_ROWS(12)
#undef KERNEL_ROWS
			default:
				break;
		}
	}
}

/*
 * pgface_gemm for columns in whole vectors: panels of two vectors, then one.
 * With panel_stride 0, b is row-major with row stride ldb; else b is in panels
 * of 16 columns, panel_stride floats apart, each [k][16] (then n is a multiple of 16).
 */
static KERNEL_TARGET void
KERNEL(gemm)(int m, int n, const gemm_operand *op, const float *b, size_t ldb, size_t panel_stride,
             float *c, size_t ldc, const pgface_epilogue *epi)
{
	bool packed = panel_stride != 0;
	int j = 0;

	for (; j + 2 * LANES <= n; j += 2 * LANES)
	{
		const float *first = packed ? b + (size_t) (j / 16) * panel_stride + j % 16 : b + j;
		size_t second = packed && LANES == 16 ? panel_stride : LANES;
		KERNEL(panel)(2, m, op, first, packed ? 16 : ldb, second, c + j, ldc, epi, j);
	}
	for (; j + LANES <= n; j += LANES)
	{
		const float *first = packed ? b + (size_t) (j / 16) * panel_stride + j % 16 : b + j;
		KERNEL(panel)(1, m, op, first, packed ? 16 : ldb, LANES, c + j, ldc, epi, j);
	}
}
