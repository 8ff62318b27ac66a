/*
 * identify.c: the open-set identification rule and its calibration for the gallery size.
 */
#include "face/identify.h"

#include <math.h>

/* Logarithms, so that many small distances neither underflow nor lose precision. */
double
pgface_identify_score(const pgface_identify_calibration *calibration, const double *distances,
                      int count)
{
	int cohort = count - 1 < calibration->cohort ? count - 1 : calibration->cohort;
	double log_sum = 0.0;

	if (cohort < 1)
		return -1.0;
	if (distances[0] <= 0.0)
		return 0.0;
	for (int i = 1; i <= cohort; i++)
		log_sum += log(distances[i]); /* sorted: each is at least distances[0] > 0 */
	return exp(log(distances[0]) - log_sum / cohort);
}

/* Inverts far = c t^alpha, alpha = a + b ln N, for t. */
double
pgface_identify_threshold(const pgface_identify_calibration *calibration, double far, double people)
{
	double alpha = calibration->a + calibration->b * log(people);
	double ratio = far / calibration->c;

	if (ratio >= 1.0)
		return 1.0; /* a share so large that every score below 1 is accepted */
	return exp(log(ratio) / alpha);
}
