/*
 * test_embedding_distance.c: the vectorised kernel against a plain double-precision sum.
 */
#include <math.h>
#include <stdint.h>

#include "face/embedding.h"
#include "unit.h"

/* The independent reference: straightforward, in double, in index order. */
static double
reference_distance(const float *a, const float *b, int n)
{
	double sum = 0.0;

	for (int i = 0; i < n; i++)
	{
		double diff = (double) a[i] - (double) b[i];
		sum += diff * diff;
	}
	return sqrt(sum);
}

/* Uniform in [-1, 1), from a fixed linear congruential stream. */
static float
next_uniform(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return (float) ((double) (*state >> 11) / 9007199254740992.0 * 2.0 - 1.0);
}

static void
exact_on_pythagorean_triple(void)
{
	float a[128] = {0};
	float b[128] = {0};

	a[5] = 3.0f;
	a[127] = 4.0f;
	CHECK(pgface_l2_distance(a, b, 128) == 5.0);
	CHECK(pgface_l2_squared(a, b, 128) == 25.0f);
	CHECK(pgface_l2_distance(a, a, 128) == 0.0);
}

static void
matches_reference_at_every_length(void)
{
	const int lengths[] = {1, 2, 7, 15, 16, 17, 31, 64, 127, 128, 129, 300, 4096};
	static float a[4096];
	static float b[4096];
	uint64_t state = 42;
	double worst = 0.0;

	for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++)
		for (int trial = 0; trial < 50; trial++)
		{
			int n = lengths[l];
			double expected;
			double relative;
			for (int i = 0; i < n; i++)
			{
				a[i] = next_uniform(&state);
				b[i] = next_uniform(&state) * (trial % 3 == 0 ? 1e-3f : 1.0f);
			}
			expected = reference_distance(a, b, n);
			relative = fabs(pgface_l2_distance(a, b, n) - expected) / expected;
			if (relative > worst)
				worst = relative;
		}
	CHECK(worst < 2e-6);
}

static void
symmetric_and_zero_on_self(void)
{
	float a[128];
	float b[128];
	uint64_t state = 7;

	for (int i = 0; i < 128; i++)
	{
		a[i] = next_uniform(&state);
		b[i] = next_uniform(&state);
	}
	CHECK(pgface_l2_distance(a, b, 128) == pgface_l2_distance(b, a, 128));
	CHECK(pgface_l2_distance(b, b, 128) == 0.0);
	CHECK(pgface_l2_distance(a, b, 0) == 0.0);
}

/*
 * Right across float4's range (issue 19): components of +-1e19, whose float squares
 * overflow, near FLT_MAX, of 1e-30 and denormals, whose squares underflow to zero.
 */
static void
right_across_the_float_range(void)
{
	const struct
	{
		float a, b;
	} cases[] = {{1e19f, -1e19f},   {3e38f, -3e38f}, {1e-30f, 0.0f}, {1e-45f, 0.0f},
	             {-2e-40f, 3e-40f}, {1e19f, 1e19f},  {0.5f, -0.25f}};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
	{
		float a[128], b[128];
		double want = fabs((double) cases[c].a - (double) cases[c].b) * sqrt(128.0);
		double got;

		for (int i = 0; i < 128; i++)
			a[i] = cases[c].a, b[i] = cases[c].b;
		got = pgface_l2_distance(a, b, 128);
		CHECK(isfinite(got));
		CHECK(want == 0.0 ? got == 0.0 : fabs(got - want) <= 1e-6 * want);
	}
}

const unit_test embedding_distance_tests[] = {
    {"distance: right across float4's range, overflow and underflow alike",
     right_across_the_float_range},
    {"distance: exact on a Pythagorean triple", exact_on_pythagorean_triple},
    {"distance: matches a double-precision reference at every length",
     matches_reference_at_every_length},
    {"distance: symmetric, and zero on itself", symmetric_and_zero_on_self},
    {NULL, NULL},
};
