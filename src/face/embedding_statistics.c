/*
 * embedding_statistics.c: projection onto the principal axes and the impostor
 * distance distribution; the fitted numbers are in embedding_statistics_data.c.
 */
#include "face/embedding_statistics.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

#include "face/embedding.h"

extern const pgface_embedding_statistics pgface_dlib_resnet_v1_statistics;

const pgface_embedding_statistics *
pgface_embedding_statistics_lookup(int model_tag)
{
	if (model_tag == pgface_dlib_resnet_v1_statistics.model_tag)
		return &pgface_dlib_resnet_v1_statistics;
	return NULL;
}

/* A double as a float, saturating instead of overflowing to infinity. */
static float
saturate_to_float(double value)
{
	return (float) (value > FLT_MAX ? FLT_MAX : value < -FLT_MAX ? -FLT_MAX : value);
}

/* The residual is formed explicitly, not as |x|^2 - |p|^2, which would cancel badly. */
void
pgface_project_embedding(const pgface_embedding_statistics *stats, const float *values,
                         float *coordinates, float *residual_norm)
{
	double centred[PGFACE_MAX_DIMS];
	double projected[PGFACE_INDEX_AXES];
	int dims = stats->dims;
	double residual_sq = 0.0;

	/*
	 * In double throughout: float4 values near FLT_MAX would overflow a float
	 * sum. The outputs saturate at FLT_MAX; equal caps on both sides of a
	 * comparison can only lower the index's bound, never raise it.
	 */
	for (int d = 0; d < dims; d++)
		centred[d] = (double) values[d] - stats->mean[d];
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
	{
		const float *axis = stats->axes + (size_t) a * dims;
		double dot = 0.0;

		for (int d = 0; d < dims; d++)
			dot += (double) axis[d] * centred[d];
		projected[a] = dot;
		coordinates[a] = saturate_to_float(dot);
	}
	for (int d = 0; d < dims; d++)
	{
		double r = centred[d];

		for (int a = 0; a < PGFACE_INDEX_AXES; a++)
			r -= (double) stats->axes[(size_t) a * dims + d] * projected[a];
		residual_sq += r * r;
	}
	*residual_norm = saturate_to_float(sqrt(residual_sq));
}

/*
 * The far tail below the first measured quantile falls log-linearly, at the
 * slope of the decade above it: one neighbouring point would make the slope
 * as noisy as that point.
 */
static double
tail_slope(const pgface_embedding_statistics *stats)
{
	const double *x = stats->impostor_distance;
	const double *f = stats->impostor_fraction;
	int k = 1;

	while (k < stats->impostor_points - 1 && f[k] < 10.0 * f[0])
		k++;
	return (log(f[k]) - log(f[0])) / (x[k] - x[0]);
}

/*
 * Between measured points the fraction is interpolated linearly; below the first
 * point it falls off log-linearly (tail_slope), so a tiny tau still gets a
 * small, non-zero estimate.
 */
double
pgface_impostor_fraction(const pgface_embedding_statistics *stats, double tau)
{
	const double *x = stats->impostor_distance;
	const double *f = stats->impostor_fraction;
	int n = stats->impostor_points;

	if (isnan(tau) || tau >= x[n - 1])
		return 1.0;
	if (tau < x[0])
		return tau <= 0.0 ? 0.0 : f[0] * exp(tail_slope(stats) * (tau - x[0]));
	for (int i = 1; i < n; i++)
		if (tau < x[i])
			return f[i - 1] + (f[i] - f[i - 1]) * (tau - x[i - 1]) / (x[i] - x[i - 1]);
	return 1.0;
}

/* Mirrors pgface_impostor_fraction piece by piece, so the two round-trip. */
double
pgface_impostor_distance(const pgface_embedding_statistics *stats, double fraction)
{
	const double *x = stats->impostor_distance;
	const double *f = stats->impostor_fraction;
	int n = stats->impostor_points;

	if (!(fraction > 0.0))
		return 0.0;
	if (fraction >= f[n - 1])
		return x[n - 1];
	if (fraction < f[0])
	{
		double tau = x[0] + log(fraction / f[0]) / tail_slope(stats);

		return tau > 0.0 ? tau : 0.0;
	}
	for (int i = 1; i < n; i++)
		if (fraction < f[i])
			return x[i - 1] + (x[i] - x[i - 1]) * (fraction - f[i - 1]) / (f[i] - f[i - 1]);
	return x[n - 1];
}

/*
 * The shape is interpolated like the fraction. Below the first measured point
 * it is held at that point's value: the look-alike structure of the far tail
 * is not measurable on LFW, and a constant is the smallest assumption.
 */
static double
impostor_shape(const pgface_embedding_statistics *stats, double tau)
{
	const double *x = stats->impostor_distance;
	const double *a = stats->impostor_shape;
	int n = stats->impostor_points;

	if (isnan(tau) || tau >= x[n - 1])
		return a[n - 1];
	if (tau <= x[0])
		return a[0];
	for (int i = 1; i < n; i++)
		if (tau < x[i])
			return a[i - 1] + (a[i] - a[i - 1]) * (tau - x[i - 1]) / (x[i] - x[i - 1]);
	return a[n - 1];
}

/* Stirling's series for lgamma(y) beyond its leading terms; y >= 10. */
static double
stirling_tail(double y)
{
	double inverse = 1.0 / y;
	double inverse_sq = inverse * inverse;

	return inverse * (1.0 / 12.0 - inverse_sq * (1.0 / 360.0 - inverse_sq / 1260.0));
}

/*
 * log(Gamma(x + a) / Gamma(x)). Two lgamma calls would lose the answer: a tiny
 * impostor share makes x = alpha / F huge, lgamma(x) rounds at its own size,
 * and one face's answer is only about a / x. Stirling's formula, rearranged so
 * that the large terms cancel on paper rather than in floating point, keeps
 * the relative precision; its truncation error at x >= 10 is below 1e-10.
 */
static double
log_gamma_ratio(double x, double a)
{
	if (x < 10.0)
		return lgamma(x + a) - lgamma(x);
	return (x - 0.5) * log1p(a / x) + a * log(x + a) - a + stirling_tail(x + a) - stirling_tail(x);
}

/*
 * Each enrolled face is another chance for a stranger to fall within tau, but
 * not an independent one: a stranger who resembles one enrolled face tends to
 * resemble others. The stranger's per-face share p is Beta(alpha, beta)
 * distributed with mean F (beta = alpha (1 - F) / F), so that one face gives
 * exactly F, and many give the negative binomial of the statistics' shape:
 * P(no look-alike) = E[(1 - p)^N] = B(alpha, beta + N) / B(alpha, beta).
 */
double
pgface_open_set_far(const pgface_embedding_statistics *stats, double tau, double gallery)
{
	double share = pgface_impostor_fraction(stats, tau);
	double alpha = impostor_shape(stats, tau);
	double beta;

	if (share >= 1.0)
		return 1.0;
	if (share <= 0.0)
		return 0.0;
	beta = alpha * (1.0 - share) / share;
	return -expm1(log_gamma_ratio(beta, alpha) - log_gamma_ratio(beta + gallery, alpha));
}

/*
 * far grows with tau, since both the share and the shape do (a larger shape
 * means a more even spread, which only raises the chance of a hit); so the
 * threshold is found by bisection, to well below any distance's precision.
 */
double
pgface_open_set_tau(const pgface_embedding_statistics *stats, double far, double gallery)
{
	double low = 0.0;
	double high = stats->impostor_distance[stats->impostor_points - 1];

	for (int step = 0; step < 100 && high - low > 1e-12; step++)
	{
		double middle = 0.5 * (low + high);

		if (pgface_open_set_far(stats, middle, gallery) < far)
			low = middle;
		else
			high = middle;
	}
	return 0.5 * (low + high);
}
