/*
 * embedding_statistics.c: projection onto the principal axes and the impostor
 * distance distribution; the fitted numbers are in embedding_statistics_data.c.
 */
#include "face/embedding_statistics.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

#include "face/model_registry.h"

/* The figures belong to the model's descriptor; this spares callers holding only a tag. */
const pgface_embedding_statistics *
pgface_embedding_statistics_lookup(int model_tag)
{
	const pgface_recognition_model *model = pgface_model_lookup(model_tag);

	return model != NULL ? model->statistics : NULL;
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
 * log1p(u) - u. For small u the two terms cancel; through s = u / (2 + u),
 * log1p(u) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), and 2 s - u folds into
 * -u^2 / (2 + u), so every term keeps its precision.
 */
static double
log1p_minus(double u)
{
	double s;
	double s_sq;
	double term;
	double sum = 0.0;

	if (fabs(u) > 0.5)
		return log1p(u) - u;
	s = u / (2.0 + u);
	s_sq = s * s;
	term = s * s_sq;
	for (int k = 3; k < 99 && fabs(term) > 1e-20 * fabs(sum); k += 2, term *= s_sq)
		sum += term / k;
	return 2.0 * sum - u * u / (2.0 + u);
}

/*
 * (x - 1/2) log1p(a / x) - a: Stirling's log(Gamma(x + a) / Gamma(x)) without
 * its a log(x + a) and tail terms, written so that it is small and exact when
 * a is small against x.
 */
static double
stirling_core(double x, double a)
{
	double u = a / x;

	return x * log1p_minus(u) - 0.5 * log1p(u);
}

/* log(Gamma(x + a) / Gamma(x)), by Stirling's formula from x = 10 on. */
static double
log_gamma_ratio(double x, double a)
{
	if (x < 10.0)
		return lgamma(x + a) - lgamma(x);
	return a * log(x + a) + stirling_core(x, a) + stirling_tail(x + a) - stirling_tail(x);
}

/*
 * log(B(a, b + n) / B(a, b)) = log(Gamma(b + n) Gamma(a + b) / (Gamma(b) Gamma(a + b + n))):
 * the log of the chance of no look-alike among n faces. Its value is about
 * -n F, while each lgamma is about a log(b) or larger (b = a / F is huge for
 * a tiny share), so differences of lgamma calls would lose it. With Stirling's
 * formula for b >= 10 the large terms cancel on paper: what is left is a
 * log1p and small differences, accurate to about 1e-10 relative.
 */
static double
log_beta_ratio(double a, double b, double n)
{
	if (b < 10.0)
		return log_gamma_ratio(b, a) - log_gamma_ratio(b + n, a);
	return -a * log1p(n / (b + a)) + (stirling_core(b, a) - stirling_core(b + n, a)) +
	       (stirling_tail(b + a) - stirling_tail(b)) -
	       (stirling_tail(b + n + a) - stirling_tail(b + n));
}

/*
 * Each enrolled face is another chance for a stranger to fall within tau, but
 * not an independent one: a stranger who resembles one enrolled face tends to
 * resemble others. The stranger's per-face share p is Beta(alpha, beta)
 * distributed with mean F (beta = alpha (1 - F) / F), so that one face gives
 * exactly F and the number of look-alikes among N is beta-binomial:
 * P(no look-alike) = E[(1 - p)^N] = B(alpha, beta + N) / B(alpha, beta).
 */
double
pgface_open_set_far(const pgface_embedding_statistics *stats, double tau, double gallery)
{
	double share = pgface_impostor_fraction(stats, tau);
	double alpha = impostor_shape(stats, tau);

	if (share >= 1.0)
		return 1.0;
	if (share <= 0.0)
		return 0.0;
	return -expm1(log_beta_ratio(alpha, alpha * (1.0 - share) / share, gallery));
}

/*
 * far grows with tau, since both the share and the shape do (the shape table
 * is non-decreasing, and a larger shape means a more even spread, which only
 * raises the chance of a hit); so the threshold is found by bisection, to well
 * below any distance's precision.
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
	/*
	 * The extrapolated tail never reaches 0 above tau = 0; a gallery so large
	 * that even the smallest distance accepts more than far gets tau 0.
	 */
	if (low == 0.0)
		return 0.0;
	return 0.5 * (low + high);
}
