/*
 * sgemm_bound.h: the benchmarks' baseline for a net: how long OpenBLAS's sgemm
 * takes for the net's own matrix products, at the net's own shapes, measured in
 * the same run.
 */
#ifndef PGFACE_SGEMM_BOUND_H
#define PGFACE_SGEMM_BOUND_H

#include <cblas.h>
#include <stdlib.h>

#include "bench_clock.h"

/* One matrix product of the net: positions x depth times depth x out. */
typedef struct gemm_shape
{
	int positions;
	int depth;
	int out;
} gemm_shape;

/* Best-of-several time of one sgemm at this shape, in milliseconds. */
static inline double
time_sgemm(const gemm_shape *s, int repeats)
{
	size_t a_count = (size_t) s->positions * (size_t) s->depth;
	size_t b_count = (size_t) s->depth * (size_t) s->out;
	float *a = malloc(a_count * sizeof(float));
	float *b = malloc(b_count * sizeof(float));
	float *c = malloc((size_t) s->positions * (size_t) s->out * sizeof(float));
	double best = 1e30;

	for (size_t i = 0; i < a_count; i++)
		a[i] = (float) (i % 17) * 0.01f;
	for (size_t i = 0; i < b_count; i++)
		b[i] = (float) (i % 13) * 0.01f;
	for (int r = 0; r < repeats; r++)
	{
		double start = now_ms();
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, s->positions, s->out, s->depth, 1.0f,
		            a, s->depth, b, s->out, 0.0f, c, s->out);
		double elapsed = now_ms() - start;
		if (elapsed < best)
			best = elapsed;
	}
	free(a);
	free(b);
	free(c);
	return best;
}

#endif
