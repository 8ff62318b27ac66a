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

/* The SQL operator returns float8, so the root is taken in double. */
double
pgface_l2_distance(const float *a, const float *b, int n)
{
	return sqrt((double) pgface_l2_squared(a, b, n));
}
