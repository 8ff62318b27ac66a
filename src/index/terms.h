/*
 * terms.h: the terms every bound is a sum of, one definition each, so that the
 * probe's gap table, the lead-sum kernels and the bounds of boxes and lists
 * give a face the same bound.
 */
#ifndef PGFACE_INDEX_TERMS_H
#define PGFACE_INDEX_TERMS_H

#include <math.h>
#include <stdint.h>

/*
 * The squared gap of one coordinate from the probe's: what is left of their
 * distance outside the code's half step, weighted by the axis's step.
 */
static inline float
pgface_index_axis_term(float units, int8_t code, float step_squared)
{
	float gap = fabsf(units - (float) code) - 0.5f;

	gap = gap > 0.0f ? gap : 0.0f;
	return gap * gap * step_squared;
}

/* The eight lookups of one block of one face in a probe's gap table (probe.h). */
static inline float
pgface_index_block_from_table(const float (*rows)[256], const uint8_t *code)
{
	return ((rows[0][code[0]] + rows[1][code[1]]) + (rows[2][code[2]] + rows[3][code[3]])) +
	       ((rows[4][code[4]] + rows[5][code[5]]) + (rows[6][code[6]] + rows[7][code[7]]));
}

/*
 * The gap between two residual lengths, as a bound may use it. Each length is
 * rounded to float on its own, so their difference can be off by a float step
 * of the larger, which no fixed margin covers when they are large (any finite
 * values are valid input: two near-duplicates with values around 50 were
 * missed). The gap is shrunk by a slack eight times that rounding.
 */
#define PGFACE_INDEX_RESIDUAL_SLACK 4.76837158203125e-07f /* 2^-21 */

static inline float
pgface_index_residual_gap(float a, float b)
{
	float gap = fabsf(a - b) - (a + b) * PGFACE_INDEX_RESIDUAL_SLACK;

	return gap > 0.0f ? gap : 0.0f;
}

#endif
