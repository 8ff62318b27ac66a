/*
 * gemm.h: pgface's own single-threaded matrix product for the conv layers,
 * C = A x B with row-major operands and an optional fused per-column epilogue
 * (a conv's bias, scale layer, residual and relu), so that small products need
 * no packing of the weights and no second pass over the output.
 */
#ifndef PGFACE_GEMM_H
#define PGFACE_GEMM_H

#include <stdbool.h>
#include <stddef.h>

/*
 * What happens to each output value v in column j and row i before it is stored:
 *   v = (v + bias[j]) * scale[j] + shift[j] + residual[i * residual_stride + j]
 * then, if relu, max(v, 0), or with a nonzero leak TensorFlow.js's leaky():
 * max(v - leak v, 0) + leak v. bias must be set; scale and shift are both set, or both NULL
 * for a conv that only adds its bias (v + bias[j]); residual may be NULL.
 */
typedef struct pgface_epilogue
{
	const float *bias;
	const float *scale;
	const float *shift;
	const float *residual;
	size_t residual_stride;
	bool relu;
	float leak; /* 0: plain relu; the negative slope of a leaky relu (the detector's 0.1) */
} pgface_epilogue;

/*
 * The epilogue of the rows from first on (a chunk or band of a product that the
 * caller runs apart): the same, with its residual moved to that row, in *shifted.
 * Returns epi itself when there is no residual to move (or no epilogue).
 */
static inline const pgface_epilogue *
pgface_epilogue_from_row(const pgface_epilogue *epi, size_t first, pgface_epilogue *shifted)
{
	if (epi == NULL || epi->residual == NULL)
		return epi;
	*shifted = *epi;
	shifted->residual += first * epi->residual_stride;
	return shifted;
}

/* TensorFlow.js's leaky(): relu(v - leak v) + leak v, written as it does so that the rounding
 * matches. */
static inline float
pgface_leaky_value(float v, float leak)
{
	float low = v * leak;
	float rest = v - low;
	return (rest > 0.0f ? rest : 0.0f) + low;
}

/* The epilogue's relu or leaky relu of one value, or the value. */
static inline float
pgface_epilogue_activate(const pgface_epilogue *epi, float v)
{
	if (epi->relu && epi->leak != 0.0f)
		return pgface_leaky_value(v, epi->leak);
	return epi->relu && !(v > 0.0f) ? 0.0f : v;
}

/* The epilogue of one value v in row i and column j, for the scalar paths. */
static inline float
pgface_epilogue_value(const pgface_epilogue *epi, float v, size_t i, size_t j)
{
	v = epi->scale != NULL ? (v + epi->bias[j]) * epi->scale[j] + epi->shift[j] : v + epi->bias[j];
	if (epi->residual != NULL)
		v += epi->residual[i * epi->residual_stride + j];
	return pgface_epilogue_activate(epi, v);
}

/*
 * c[m x n] = a[m x k] x b[k x n] (then the epilogue, when not NULL); lda, ldb
 * and ldc are row strides in floats. The operands must not overlap c. Columns
 * go in panels whose weights stay in cache while all rows stream past, so the
 * caller should keep a (m x k) small enough to stay in cache too.
 */
void pgface_gemm(int m, int n, int k, const float *a, size_t lda, const float *b, size_t ldb,
                 float *c, size_t ldc, const pgface_epilogue *epilogue);

/*
 * The same with b packed in panels of 16 columns, each [k][16] and
 * panel_stride floats after the one before (16 * k for whole panels, more for
 * a slice of rows): each panel is one contiguous stream, which the
 * weight-bound layers need. n must be a multiple of 16.
 */
void pgface_gemm_packed(int m, int n, int k, const float *a, size_t lda, const float *panels,
                        size_t panel_stride, float *c, size_t ldc, const pgface_epilogue *epilogue);

/*
 * pgface_gemm_packed with an implicit left operand, for a convolution without
 * im2col: row i of a is segments runs of segment_length floats, run s at
 * rows[i] + s * segment_stride (for an NHWC conv: one run per filter row, each
 * kw * channels long, segment_stride a whole input row apart). k is
 * segments * segment_length.
 */
void pgface_gemm_rows(int m, int n, const float *const *rows, int segments, int segment_length,
                      size_t segment_stride, const float *panels, size_t panel_stride, float *c,
                      size_t ldc, const pgface_epilogue *epilogue);

/* b [k x n], row-major, n a multiple of 16 -> panels [n / 16][k][16] (as models/convert.js does).
 */
void pgface_pack_panels(const float *b, int k, int n, float *panels);

/*
 * Whether pgface_gemm_packed and pgface_gemm_rows are the fast path: false on
 * CPUs without AVX2, where plain operands go to OpenBLAS instead.
 */
bool pgface_gemm_takes_panels(void);

/* pgface_simd_name and pgface_simd_force: the instruction set of these and every kernel. */
#include "common/simd.h"

#endif
