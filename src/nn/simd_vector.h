/*
 * simd_vector.h: the vector type and unaligned load and store that the kernel
 * templates share. Not a normal header: the including kernel file has KERNEL(name),
 * KERNEL_TARGET and LANES defined (see gemm_kernel.h), and each instance gets its
 * own copy.
 */

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
