/*
 * unit_random.h: seeded random numbers for the core's property tests, so that
 * every run draws the same cases and a failure can be replayed. Each test
 * file keeps its own state.
 */
#ifndef PGFACE_UNIT_RANDOM_H
#define PGFACE_UNIT_RANDOM_H

#include <math.h>
#include <stdint.h>

/* Uniform in [0, 1), splitmix64. */
static inline double
unit_random_uniform(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (double) ((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

/* Standard normal, by the polar method. */
static inline double
unit_random_normal(uint64_t *state)
{
	double u;
	double v;
	double s;

	do
	{
		u = 2.0 * unit_random_uniform(state) - 1.0;
		v = 2.0 * unit_random_uniform(state) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	return u * sqrt(-2.0 * log(s) / s);
}

#endif
