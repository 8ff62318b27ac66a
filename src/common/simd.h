/*
 * simd.h: the instruction set pgface's kernels run, chosen once for the whole
 * engine: the GEMM, Winograd and separable-stage kernels of src/nn and the
 * index's lead sums (src/index) all follow this one choice. It lives in the
 * lowest layer so that src/index need not depend on src/nn to share it.
 */
#ifndef PGFACE_SIMD_H
#define PGFACE_SIMD_H

#include <stdbool.h>

/* The sets, widest first; the order is the order of preference. */
typedef enum pgface_simd_set
{
	PGFACE_SIMD_AVX512,   /* AVX-512F (with AVX2 and FMA) */
	PGFACE_SIMD_AVX2,     /* AVX2 and FMA */
	PGFACE_SIMD_OPENBLAS, /* baseline SSE2, OpenBLAS's sgemm for plain matrix products */
	PGFACE_SIMD_SSE2,     /* baseline SSE2 throughout */
	PGFACE_SIMD_SETS
} pgface_simd_set;

/*
 * The set in use: at first use, the one PGFACE_SIMD names if it is set and
 * this CPU has it, else the widest this CPU runs.
 */
pgface_simd_set pgface_simd_current(void);

/*
 * Whether the set in use is AVX-512 and this CPU also has its byte
 * instructions (AVX512BW: Skylake-SP, Zen 4 and later), which the index's
 * filter uses 64 bytes at a time. Follows pgface_simd_force, as the set does.
 */
bool pgface_simd_avx512_bytes(void);

/* The name of the set in use: "avx512", "avx2", "openblas" or "sse2". */
const char *pgface_simd_name(void);

/*
 * For tests and benchmarks: use the named instruction set ("avx512", "avx2",
 * "openblas", "sse2"), or the best one again for NULL. False (and no change) when this CPU
 * lacks it. Not thread-safe.
 */
bool pgface_simd_force(const char *name);

#endif
