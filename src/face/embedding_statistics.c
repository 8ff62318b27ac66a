/*
 * embedding_statistics.c: projection onto the principal axes and the impostor
 * distance distribution; the fitted numbers are in embedding_statistics_data.c.
 */
#include "face/embedding_statistics.h"

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

/* The residual is formed explicitly, not as |x|^2 - |p|^2, which would cancel badly. */
void
pgface_project_embedding(const pgface_embedding_statistics *stats, const float *values,
                         float *coordinates, float *residual_norm)
{
	float centred[PGFACE_MAX_DIMS];
	int dims = stats->dims;
	double residual_sq = 0.0;

	for (int d = 0; d < dims; d++)
		centred[d] = values[d] - stats->mean[d];
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
	{
		const float *axis = stats->axes + (size_t) a * dims;
		double dot = 0.0;

		for (int d = 0; d < dims; d++)
			dot += (double) axis[d] * centred[d];
		coordinates[a] = (float) dot;
	}
	for (int d = 0; d < dims; d++)
	{
		double r = centred[d];

		for (int a = 0; a < PGFACE_INDEX_AXES; a++)
			r -= (double) stats->axes[(size_t) a * dims + d] * coordinates[a];
		residual_sq += r * r;
	}
	*residual_norm = (float) sqrt(residual_sq);
}

/*
 * Between measured points the fraction is interpolated linearly; below the first
 * point it falls off log-linearly with the slope of the first two points, so a
 * tiny tau still gets a small, non-zero estimate.
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
	{
		double slope = (log(f[1]) - log(f[0])) / (x[1] - x[0]);

		return tau <= 0.0 ? 0.0 : f[0] * exp(slope * (tau - x[0]));
	}
	for (int i = 1; i < n; i++)
		if (tau < x[i])
			return f[i - 1] + (f[i] - f[i - 1]) * (tau - x[i - 1]) / (x[i] - x[i - 1]);
	return 1.0;
}
