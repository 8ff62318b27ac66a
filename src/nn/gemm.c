/*
 * gemm.c: pgface_gemm, one kernel (gemm_kernel.h) instantiated for AVX-512,
 * AVX2+FMA and baseline SSE2, or OpenBLAS's sgemm on CPUs without AVX2; the
 * instance is the one of the instruction set the engine runs (common/simd.h).
 */
#include "nn/gemm.h"

#include "nn/blas.h"

#include <string.h>

/*
 * The left operand as the kernels see it: row i is segments runs of
 * segment_length floats, run s at row(i) + s * segment_stride, where row(i) is
 * rows[i], or a + i * lda when rows is NULL (a plain matrix: one run of k).
 */
typedef struct gemm_operand
{
	const float *a;
	size_t lda;
	const float *const *rows;
	int segments;
	int segment_length;
	size_t segment_stride;
} gemm_operand;

/* how many weight rows ahead the kernel prefetches */
#define PREFETCH_ROWS 32

#define KERNEL(name) name##_sse2
#define KERNEL_TARGET
#define LANES 4
#define ROWS  6
#include "nn/gemm_kernel.h"
#undef KERNEL
#undef KERNEL_TARGET
#undef LANES
#undef ROWS

#define KERNEL(name)  name##_avx2
#define KERNEL_TARGET __attribute__((target("avx2,fma")))
#define LANES         8
#define ROWS          6
#include "nn/gemm_kernel.h"
#undef KERNEL
#undef KERNEL_TARGET
#undef LANES
#undef ROWS

#define KERNEL(name)  name##_avx512
#define KERNEL_TARGET __attribute__((target("avx512f,avx2,fma")))
#define LANES         16
#define ROWS          12
#include "nn/gemm_kernel.h"
#undef KERNEL
#undef KERNEL_TARGET
#undef LANES
#undef ROWS

typedef void gemm_fn(int m, int n, const gemm_operand *op, const float *b, size_t ldb,
                     size_t panel_stride, float *c, size_t ldc, const pgface_epilogue *epi);

/*
 * Without AVX2, OpenBLAS's sgemm is faster than the SSE2 kernel, so such CPUs
 * get it, with the epilogue applied after. It takes plain operands only:
 * pgface_gemm_takes_panels() tells callers to pass unpacked filters.
 */
static void
gemm_openblas(int m, int n, const gemm_operand *op, const float *b, size_t ldb, size_t panel_stride,
              float *c, size_t ldc, const pgface_epilogue *epi)
{
	(void) panel_stride;
	pgface_blas_sgemm(m, n, op->segment_length, op->a, (int) op->lda, b, (int) ldb, c, (int) ldc);
	if (epi == NULL)
		return;
	for (int i = 0; i < m; i++)
		for (int j = 0; j < n; j++)
			c[(size_t) i * ldc + (size_t) j] = pgface_epilogue_value(
			    epi, c[(size_t) i * ldc + (size_t) j], (size_t) i, (size_t) j);
}

/* One instance: its entry point and vector width. */
typedef struct gemm_instance
{
	gemm_fn *run;
	int lanes;
} gemm_instance;

/* By instruction set (common/simd.h), which chooses for the whole engine. */
static const gemm_instance instances[PGFACE_SIMD_SETS] = {
    [PGFACE_SIMD_AVX512] = {gemm_avx512, 16},
    [PGFACE_SIMD_AVX2] = {gemm_avx2, 8},
    [PGFACE_SIMD_OPENBLAS] = {gemm_openblas, 1},
    [PGFACE_SIMD_SSE2] = {gemm_sse2, 4}};

/* The instance of the instruction set in use. */
static const gemm_instance *
chosen_instance(void)
{
	return &instances[pgface_simd_current()];
}

/* Columns left over after the vector panels (n not a multiple of 4), one at a time. */
static void
gemm_columns(int m, int first, int n, int k, const float *a, size_t lda, const float *b, size_t ldb,
             float *c, size_t ldc, const pgface_epilogue *epi)
{
	for (int i = 0; i < m; i++)
		for (int j = first; j < n; j++)
		{
			float x = 0.0f;
			for (int p = 0; p < k; p++)
				x += a[(size_t) i * lda + (size_t) p] * b[(size_t) p * ldb + (size_t) j];
			c[(size_t) i * ldc + (size_t) j] =
			    epi != NULL ? pgface_epilogue_value(epi, x, (size_t) i, (size_t) j) : x;
		}
}

/* The epilogue of columns first.. of the same product. */
static const pgface_epilogue *
shift_columns(const pgface_epilogue *epi, int first, pgface_epilogue *shifted)
{
	if (epi == NULL)
		return NULL;
	*shifted = *epi;
	shifted->bias += first;
	if (shifted->scale != NULL)
	{
		shifted->scale += first;
		shifted->shift += first;
	}
	if (shifted->residual != NULL)
		shifted->residual += first;
	return shifted;
}

void
pgface_gemm(int m, int n, int k, const float *a, size_t lda, const float *b, size_t ldb, float *c,
            size_t ldc, const pgface_epilogue *epilogue)
{
	pgface_epilogue shifted;
	gemm_operand op = {a, lda, NULL, 1, k, 0};
	int done;
	int quads;
	const gemm_instance *chosen = chosen_instance();

	if (m <= 0 || n <= 0)
		return;
	/* the chosen instance takes whole vectors, SSE2 whole groups of 4, plain C the rest */
	done = n - n % chosen->lanes;
	chosen->run(m, done, &op, b, ldb, 0, c, ldc, epilogue);
	quads = (n - done) - (n - done) % 4;
	if (quads > 0)
		gemm_sse2(m, quads, &op, b + done, ldb, 0, c + done, ldc,
		          shift_columns(epilogue, done, &shifted));
	gemm_columns(m, done + quads, n, k, a, lda, b, ldb, c, ldc, epilogue);
}

/* The kernel for packed or implicit operands: OpenBLAS has none, so the SSE2 kernel stands in. */
static gemm_fn *
panel_kernel(void)
{
	gemm_fn *run = chosen_instance()->run;

	return run == gemm_openblas ? gemm_sse2 : run;
}

bool
pgface_gemm_takes_panels(void)
{
	return chosen_instance()->run != gemm_openblas;
}

void
pgface_gemm_packed(int m, int n, int k, const float *a, size_t lda, const float *panels,
                   size_t panel_stride, float *c, size_t ldc, const pgface_epilogue *epilogue)
{
	gemm_operand op = {a, lda, NULL, 1, k, 0};

	if (m > 0 && n > 0)
		panel_kernel()(m, n, &op, panels, 16, panel_stride, c, ldc, epilogue);
}

void
pgface_gemm_rows(int m, int n, const float *const *rows, int segments, int segment_length,
                 size_t segment_stride, const float *panels, size_t panel_stride, float *c,
                 size_t ldc, const pgface_epilogue *epilogue)
{
	gemm_operand op = {NULL, 0, rows, segments, segment_length, segment_stride};

	if (m > 0 && n > 0)
		panel_kernel()(m, n, &op, panels, 16, panel_stride, c, ldc, epilogue);
}

void
pgface_pack_panels(const float *b, int k, int n, float *panels)
{
	for (int j = 0; j < n; j++)
		for (int p = 0; p < k; p++)
			panels[(size_t) (j / 16) * 16 * (size_t) k + (size_t) p * 16 + (size_t) (j % 16)] =
			    b[(size_t) p * (size_t) n + (size_t) j];
}
