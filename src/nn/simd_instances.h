/*
 * simd_instances.h: includes a kernel template once per instruction set (SSE2,
 * AVX2+FMA, AVX-512), each time with its own KERNEL(name) suffix, KERNEL_TARGET
 * and LANES, so that every kernel file is instantiated the same way; and picks
 * an instance by the instruction set the engine runs (common/simd.h), so that
 * one dispatch serves the whole engine. Not a normal header: define KERNEL_FILE (a quoted
 * path) before each inclusion; it is undefined after.
 */
#include <string.h>

#include "common/simd.h"

#define KERNEL(name) name##_sse2
#define KERNEL_TARGET
#define LANES 4
#include KERNEL_FILE
#undef KERNEL
#undef KERNEL_TARGET
#undef LANES

#define KERNEL(name)  name##_avx2
#define KERNEL_TARGET __attribute__((target("avx2,fma")))
#define LANES         8
#include KERNEL_FILE
#undef KERNEL
#undef KERNEL_TARGET
#undef LANES

#define KERNEL(name)  name##_avx512
#define KERNEL_TARGET __attribute__((target("avx512f,avx2,fma")))
#define LANES         16
#include KERNEL_FILE
#undef KERNEL
#undef KERNEL_TARGET
#undef LANES

#undef KERNEL_FILE

#ifndef PGFACE_SIMD_PICK
/* name's instance for the instruction set in use (SSE2 for "sse2" and "openblas"). */
#define PGFACE_SIMD_PICK(name)                                                                     \
	(pgface_simd_current() == PGFACE_SIMD_AVX512 ? name##_avx512                                   \
	 : pgface_simd_current() == PGFACE_SIMD_AVX2 ? name##_avx2                                     \
	                                             : name##_sse2)
#endif
