/*
 * test_identify.c: face_identify's rule and its calibration for the gallery size.
 */
#include <math.h>

#include "face/identify.h"
#include "face/model_registry.h"
#include "unit.h"

static const pgface_identify_calibration calibration = {.cohort = 3, .c = 1.5, .a = 8.0, .b = 2.5};

static int
near(double a, double b)
{
	return fabs(a - b) <= 1e-12 * fmax(1.0, fabs(b));
}

/* d1 over the geometric mean of the next k people's; fewer people shorten the cohort. */
static void
score_is_the_ratio_to_the_cohort(void)
{
	const double d[] = {0.3, 0.4, 0.5, 0.8, 0.01};

	CHECK(near(pgface_identify_score(&calibration, d, 5), 0.3 / cbrt(0.4 * 0.5 * 0.8)));
	CHECK(near(pgface_identify_score(&calibration, d, 4), 0.3 / cbrt(0.4 * 0.5 * 0.8)));
	CHECK(near(pgface_identify_score(&calibration, d, 3), 0.3 / sqrt(0.4 * 0.5)));
	CHECK(near(pgface_identify_score(&calibration, d, 2), 0.3 / 0.4));
	CHECK(pgface_identify_score(&calibration, d, 1) < 0.0);
}

/* An exact match scores 0, and tiny distances keep their ratio (computed in logarithms). */
static void
score_at_the_edges(void)
{
	const double exact[] = {0.0, 0.4, 0.5, 0.8};
	const double tiny[] = {1e-300, 2e-300, 4e-300, 8e-300};

	CHECK(pgface_identify_score(&calibration, exact, 4) == 0.0);
	CHECK(near(pgface_identify_score(&calibration, tiny, 4), 0.25));
}

/* The threshold inverts far = C t^(A + B ln N), and grows with far and with the gallery. */
static void
threshold_inverts_the_calibration(void)
{
	const double fars[] = {0.001, 0.01, 0.05};
	const double people[] = {2, 100, 1000, 1680, 1e6};

	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 5; j++)
		{
			double t = pgface_identify_threshold(&calibration, fars[i], people[j], 3);
			double alpha = calibration.a + calibration.b * log(people[j]);

			CHECK(t > 0.0 && t < 1.0);
			CHECK(fabs(calibration.c * pow(t, alpha) - fars[i]) <= 1e-9 * fars[i]);
			if (i > 0)
				CHECK(t > pgface_identify_threshold(&calibration, fars[i - 1], people[j], 3));
			if (j > 0)
				CHECK(t > pgface_identify_threshold(&calibration, fars[i], people[j - 1], 3));
		}
	{
		/* a share above C: even a score of 1 is accepted that often, so every one below is */
		const pgface_identify_calibration low_c = {.cohort = 3, .c = 0.5, .a = 8.0, .b = 2.5};

		CHECK(pgface_identify_threshold(&low_c, 0.9, 10, 3) == 1.0);
		CHECK(pgface_identify_threshold(&low_c, 0.4, 10, 3) < 1.0);
	}
}

/*
 * With fewer people than the cohort, C is the Poisson model's for the smaller cohort: the
 * ratio rule's 1 for one, 4/3 for two (relative to the calibration's 27/16 for three).
 */
static void
smaller_cohorts_scale_c(void)
{
	const pgface_identify_calibration model = {.cohort = 3, .c = 27.0 / 16, .a = 8.0, .b = 2.5};
	double alpha = 8.0 + 2.5 * log(3.0);

	CHECK(fabs(pow(pgface_identify_threshold(&model, 0.01, 3, 1), alpha) - 0.01) < 1e-12);
	CHECK(fabs(4.0 / 3 * pow(pgface_identify_threshold(&model, 0.01, 3, 2), alpha) - 0.01) < 1e-12);
	CHECK(fabs(27.0 / 16 * pow(pgface_identify_threshold(&model, 0.01, 3, 3), alpha) - 0.01) <
	      1e-12);
	CHECK(pgface_identify_cohort(&model, 2) == 1 && pgface_identify_cohort(&model, 9) == 3);
}

/* The shipped model carries a calibration whose thresholds lie where LFW put them. */
static void
default_model_is_calibrated(void)
{
	const pgface_identify_calibration *fitted = pgface_model_default()->identify;

	CHECK(fitted != NULL);
	if (fitted == NULL)
		return;
	CHECK(fitted->cohort >= 1 && fitted->cohort <= 15);
	CHECK(pgface_identify_threshold(fitted, 0.01, 1680, fitted->cohort) > 0.75);
	CHECK(pgface_identify_threshold(fitted, 0.01, 1680, fitted->cohort) < 0.9);
}

const unit_test identify_tests[] = {
    {"identify: the score is d1 over the cohort's geometric mean",
     score_is_the_ratio_to_the_cohort},
    {"identify: exact matches and tiny distances", score_at_the_edges},
    {"identify: the threshold inverts the calibration", threshold_inverts_the_calibration},
    {"identify: smaller cohorts scale C as the Poisson model does", smaller_cohorts_scale_c},
    {"identify: the default model is calibrated", default_model_is_calibrated},
    {NULL, NULL},
};
