/*
 * simd_vector.h: the vector type, unaligned load and store, and the epilogue's
 * activation that the kernel templates share. Not a normal header: the including
 * kernel file has KERNEL(name), KERNEL_TARGET and LANES defined (see
 * gemm_kernel.h), and each instance gets its own copy.
 */
#include "nn/gemm.h"

typedef float KERNEL(vec) __attribute__((vector_size(LANES * sizeof(float))));
typedef int KERNEL(ivec) __attribute__((vector_size(LANES * sizeof(float))));

/* Unaligned vector load and store through memcpy: no alignment or aliasing assumptions. */
static inline __attribute__((always_inline)) KERNEL_TARGET
KERNEL(vec) KERNEL(load)(const float *p)
{
	KERNEL(vec) v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline __attribute__((always_inline)) KERNEL_TARGET void
KERNEL(store)(float *p, KERNEL(vec) v)
{
	memcpy(p, &v, sizeof(v));
}

/* x in every lane (a plain "zero + x" would cost an add: -0 + 0 is +0). */
static inline __attribute__((always_inline)) KERNEL_TARGET
KERNEL(vec) KERNEL(broadcast)(float x)
{
	/* every lane is set below; the initialiser quiets -O1 -Wmaybe-uninitialized */
	/* clang-format off: it reads the macro-named type as a call */
	KERNEL(vec) v = {0};
	/* clang-format on */
	for (int l = 0; l < LANES; l++)
		v[l] = x;
	return v;
}

/* max(d, x) lane by lane, keeping d where x is not greater (NaN included): every pool's max. */
static inline __attribute__((always_inline)) KERNEL_TARGET
KERNEL(vec) KERNEL(max_keeping)(KERNEL(vec) d, KERNEL(vec) x)
{
	KERNEL(ivec) greater = x > d;

	return (KERNEL(vec))(((KERNEL(ivec)) x & greater) | ((KERNEL(ivec)) d & ~greater));
}

/* The epilogue's relu or leaky relu of a vector (see pgface_epilogue), or the vector. */
static inline __attribute__((always_inline)) KERNEL_TARGET
KERNEL(vec) KERNEL(activate)(KERNEL(vec) x, const pgface_epilogue *epi)
{
	const KERNEL(vec) zero = {0};

	if (epi->relu && epi->leak != 0.0f)
	{
		KERNEL(vec) low = x * epi->leak;
		KERNEL(vec) rest = x - low;
		return (KERNEL(vec))((KERNEL(ivec)) rest & (rest > zero)) + low;
	}
	if (epi->relu)
		return (KERNEL(vec))((KERNEL(ivec)) x & (x > zero));
	return x;
}
