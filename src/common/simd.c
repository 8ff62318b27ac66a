/*
 * simd.c: the one choice of instruction set (see simd.h), made from what the
 * CPU has, or from PGFACE_SIMD, or forced by a test.
 */
#include "common/simd.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[PGFACE_SIMD_SETS] = {"avx512", "avx2", "openblas", "sse2"};

/* -1 until first use; then the set in use (a benign race: all threads agree). */
static int chosen = -1;

/* Whether this CPU runs the set: the AVX-512 kernels are built with AVX2 and FMA too. */
static bool
runs_here(pgface_simd_set set)
{
	__builtin_cpu_init();
	if (set == PGFACE_SIMD_AVX512)
		return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
		       __builtin_cpu_supports("fma");
	if (set == PGFACE_SIMD_AVX2)
		return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
	return true;
}

/* The widest set this CPU runs. */
static pgface_simd_set
best_set(void)
{
	for (int set = 0; set < PGFACE_SIMD_SETS; set++)
		if (runs_here((pgface_simd_set) set))
			return (pgface_simd_set) set;
	return PGFACE_SIMD_SSE2;
}

/* The set of that name if this CPU runs it, else -1. */
static int
set_named(const char *name)
{
	for (int set = 0; set < PGFACE_SIMD_SETS; set++)
		if (strcmp(names[set], name) == 0 && runs_here((pgface_simd_set) set))
			return set;
	return -1;
}

/* PGFACE_SIMD, when it names a set this CPU runs, so a whole process can be pinned to one. */
static pgface_simd_set
initial_set(void)
{
	const char *forced = getenv("PGFACE_SIMD");
	int set = forced != NULL ? set_named(forced) : -1;

	return set >= 0 ? (pgface_simd_set) set : best_set();
}

/* Chosen lazily, so that PGFACE_SIMD is read when the first kernel runs, not at load. */
pgface_simd_set
pgface_simd_current(void)
{
	if (chosen < 0)
		chosen = initial_set();
	return (pgface_simd_set) chosen;
}

/* Asked of the CPU once: the answer cannot change while the process runs. */
bool
pgface_simd_avx512_bytes(void)
{
	static int has = -1;

	if (has < 0)
	{
		__builtin_cpu_init();
		has = __builtin_cpu_supports("avx512bw");
	}
	return has && pgface_simd_current() == PGFACE_SIMD_AVX512;
}

/* For pgface_info() and the benchmarks: the choice by name. */
const char *
pgface_simd_name(void)
{
	return names[pgface_simd_current()];
}

/* Tests compare the instances on one CPU; NULL goes back to the widest, not to PGFACE_SIMD. */
bool
pgface_simd_force(const char *name)
{
	int set;

	if (name == NULL)
	{
		chosen = best_set();
		return true;
	}
	set = set_named(name);
	if (set < 0)
		return false;
	chosen = set;
	return true;
}
