/*
 * tightness.c: a scan's candidates, judged on a sample (tightness.h).
 */
#include "index/tightness.h"

#include <math.h>
#include <stdlib.h>

#include "face/embedding.h"
#include "index/point.h"
#include "index/probe.h"
#include "index/terms.h"

/* qsort's order for floats, and for doubles. */
static int
compare_floats(const void *a, const void *b)
{
	float x = *(const float *) a;
	float y = *(const float *) b;

	return (x > y) - (x < y);
}

static int
compare_doubles(const void *a, const void *b)
{
	double x = *(const double *) a;
	double y = *(const double *) b;

	return (x > y) - (x < y);
}

/* The bound without a gap table: a handful of pairs does not pay for filling 64 kB of one. */
static double
bound_squared(const pgface_index_probe *probe, const pgface_index_point *point)
{
	double gap = pgface_index_residual_gap(probe->residual, point->residual);
	double sum = gap * gap;

	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
		sum += pgface_index_axis_term(probe->units[a], point->code[a], probe->step_squared[a]);
	return sum;
}

int
pgface_index_sample_pairs(const pgface_embedding_statistics *stats, const float *const *embeddings,
                          int count, pgface_index_pair_sample *sample)
{
	int used = count < PGFACE_INDEX_SAMPLE_FACES ? count : PGFACE_INDEX_SAMPLE_FACES;
	const float *chosen[PGFACE_INDEX_SAMPLE_FACES];
	pgface_index_probe probes[PGFACE_INDEX_SAMPLE_FACES];
	pgface_index_point points[PGFACE_INDEX_SAMPLE_FACES];
	double shares[PGFACE_INDEX_SAMPLE_PAIRS];

	sample->pairs = 0;
	sample->nearest = INFINITY;
	sample->median_share = -1.0;
	for (int i = 0; i < used; i++)
	{
		chosen[i] = embeddings[(int) ((long) i * count / used)];
		pgface_index_probe_prepare(stats, chosen[i], &probes[i]);
		pgface_index_encode_point(stats, chosen[i], &points[i]);
	}
	for (int i = 0; i < used; i++)
		for (int j = i + 1; j < used; j++)
		{
			/* The distance <-> gives, so that the sample weighs what a scan compares. */
			double distance = pgface_l2_distance(chosen[i], chosen[j], stats->dims);
			double bound = sqrt(bound_squared(&probes[i], &points[j]));

			if (!(distance > 0.0) || !isfinite(distance) || !isfinite(bound))
				continue;
			sample->bounds[sample->pairs] = (float) bound;
			shares[sample->pairs] = bound / distance;
			sample->pairs++;
			if (distance < sample->nearest)
				sample->nearest = distance;
		}
	if (sample->pairs == 0)
		return 0;
	qsort(sample->bounds, (size_t) sample->pairs, sizeof(float), compare_floats);
	qsort(shares, (size_t) sample->pairs, sizeof(double), compare_doubles);
	sample->median_share = shares[sample->pairs / 2];
	return sample->pairs;
}

double
pgface_index_candidate_share(const pgface_index_pair_sample *sample, double radius)
{
	int low = 0;
	int high = sample->pairs;

	if (sample->pairs == 0)
		return 0.0;
	/* The first bound above radius, by bisection: the bounds are ascending. */
	while (low < high)
	{
		int middle = low + (high - low) / 2;

		if (sample->bounds[middle] <= radius)
			low = middle + 1;
		else
			high = middle;
	}
	return (double) low / sample->pairs;
}

double
pgface_index_ordered_candidate_share(const pgface_index_pair_sample *sample)
{
	if (sample->pairs == 0 || sample->median_share >= PGFACE_INDEX_LOOSE_SHARE)
		return 0.0;
	return pgface_index_candidate_share(sample, sample->nearest);
}
