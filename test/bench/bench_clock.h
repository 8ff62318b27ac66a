/*
 * bench_clock.h: the timing helpers the benchmark programs share.
 */
#ifndef PGFACE_BENCH_CLOCK_H
#define PGFACE_BENCH_CLOCK_H

#include <stdlib.h>
#include <time.h>

/* Monotonic milliseconds: wall-clock steps must not show up as timings. */
static inline double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static inline int
compare_doubles(const void *a, const void *b)
{
	double x = *(const double *) a;
	double y = *(const double *) b;
	return (x > y) - (x < y);
}

/* The median resists the outliers a shared machine produces; sorts values in place. */
static inline double
median(double *values, int n)
{
	qsort(values, (size_t) n, sizeof(double), compare_doubles);
	return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

#endif
