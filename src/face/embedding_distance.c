/*
 * embedding_distance.c: the distance kernel behind <->, the index and the CLI.
 */
#include <math.h>

#include "face/embedding.h"

/* Independent accumulators let the compiler use SIMD lanes without reassociating float sums. */
enum
{
	DISTANCE_LANES = 16
};

/*
 * Sixteen running sums, one per lane, keep the result identical wherever the
 * kernel runs (seq scan, index recheck, CLI), since the summation order is fixed.
 */
float
pgface_l2_squared(const float *restrict a, const float *restrict b, int n)
{
	float lane_sums[DISTANCE_LANES] = {0};
	int i = 0;

	/* Unrolled, the sixteen lanes live in four SIMD registers, not in a stack array. */
	for (; i + DISTANCE_LANES <= n; i += DISTANCE_LANES)
	{
#pragma GCC unroll 16
		for (int lane = 0; lane < DISTANCE_LANES; lane++)
		{
			float diff = a[i + lane] - b[i + lane];
			lane_sums[lane] += diff * diff;
		}
	}
	for (; i < n; i++)
	{
		float diff = a[i] - b[i];
		lane_sums[0] += diff * diff;
	}

	for (int width = DISTANCE_LANES / 2; width > 0; width /= 2)
		for (int lane = 0; lane < width; lane++)
			lane_sums[lane] += lane_sums[lane + width];
	return lane_sums[0];
}

/*
 * Below this, float's squares may have lost digits to underflow (a difference under about
 * 1e-19 squares to a denormal or to zero); a sum of embeddings' squared differences is
 * never near it (same-person distances are tenths).
 */
#define SMALLEST_TRUSTED_SQUARED 1e-30f

/* The same sum in double, where no float4 value's difference or square overflows or underflows. */
static double
l2_squared_double(const float *a, const float *b, int n)
{
	double sum = 0.0;

	for (int i = 0; i < n; i++)
	{
		double diff = (double) a[i] - (double) b[i];
		sum += diff * diff;
	}
	return sum;
}

/*
 * The SQL operator returns float8, so the root is taken in double. The type holds any
 * finite float4, and values far from an embedding's (components of 1e19, or of 1e-30)
 * overflow float's squares to infinity or underflow them to zero: those sums are done
 * again in double, so that the distance is right across the whole range. Embeddings as
 * models make them never take that path.
 */
double
pgface_l2_distance(const float *a, const float *b, int n)
{
	float squared = pgface_l2_squared(a, b, n);

	if (isfinite(squared) && squared >= SMALLEST_TRUSTED_SQUARED)
		return sqrt((double) squared);
	return sqrt(l2_squared_double(a, b, n));
}
