/*
 * identify.c: the open-set identification rule and its calibration for the gallery size.
 */
#include "face/identify.h"

#include <math.h>

int
pgface_identify_cohort(const pgface_identify_calibration *calibration, int count)
{
	return count - 1 < calibration->cohort ? count - 1 : calibration->cohort;
}

/*
 * C_k of far = C_k t^alpha for a cohort of k, in the model where a stranger's nearest
 * people are a Poisson process in distance (doc/identification.md): the product over
 * j = 2..k of j / (j - (k + 1 - j) / k); 1, 4/3, 27/16 for k = 1, 2, 3.
 */
static double
poisson_cohort_constant(int k)
{
	double c = 1.0;

	for (int j = 2; j <= k; j++)
		c *= j / (j - (double) (k + 1 - j) / k);
	return c;
}

/* Logarithms, so that many small distances neither underflow nor lose precision. */
double
pgface_identify_score(const pgface_identify_calibration *calibration, const double *distances,
                      int count)
{
	int cohort = pgface_identify_cohort(calibration, count);
	double log_sum = 0.0;

	if (cohort < 1)
		return -1.0;
	if (distances[0] <= 0.0)
		return 0.0;
	for (int i = 1; i <= cohort; i++)
		log_sum += log(distances[i]); /* sorted: each is at least distances[0] > 0 */
	return exp(log(distances[0]) - log_sum / cohort);
}

/*
 * Inverts far = c t^alpha, alpha = a + b ln N, for t; a smaller cohort scales c as the
 * Poisson model does (alpha was fitted for the full cohort only: galleries of 2 to 3
 * people were not measured).
 */
double
pgface_identify_threshold(const pgface_identify_calibration *calibration, double far, double people,
                          int cohort)
{
	double alpha = calibration->a + calibration->b * log(people);
	double c = cohort < calibration->cohort ? calibration->c * poisson_cohort_constant(cohort) /
	                                              poisson_cohort_constant(calibration->cohort)
	                                        : calibration->c;
	double ratio = far / c;

	if (ratio >= 1.0)
		return 1.0; /* a share so large that every score below 1 is accepted */
	return exp(log(ratio) / alpha);
}
