/*
 * point_list.c: block-major lists of point codes and their bounds (see
 * point_list.h).
 */
#include "index/point_list.h"

#include <float.h>
#include <string.h>

#include "index/box.h"
#include "index/point_bound.h"
#include "index/terms.h"

/* One face gathered from its blocks, for the paths that need all its codes at once. */
void
pgface_index_list_get(const pgface_index_point_list *list, int i, pgface_index_point *point)
{
	point->residual = list->residuals[i];
	for (int block = 0; block < PGFACE_INDEX_BLOCKS; block++)
		memcpy(point->code + block * PGFACE_INDEX_BLOCK,
		       pgface_index_list_block(list, block) + i * PGFACE_INDEX_BLOCK, PGFACE_INDEX_BLOCK);
}

/* One face scattered into its blocks, as a union of keys builds a list. */
void
pgface_index_list_set(const pgface_index_point_list *list, int i, const pgface_index_point *point)
{
	list->residuals[i] = point->residual;
	for (int block = 0; block < PGFACE_INDEX_BLOCKS; block++)
		memcpy(pgface_index_list_block(list, block) + i * PGFACE_INDEX_BLOCK,
		       point->code + block * PGFACE_INDEX_BLOCK, PGFACE_INDEX_BLOCK);
}

/* Where the faces sit, as one point in code space: how GiST places and splits a key. */
void
pgface_index_list_centre(const pgface_index_point_list *list, float *centre)
{
	memset(centre, 0, sizeof(float) * PGFACE_INDEX_AXES);
	for (int p = 0; p < list->count; p++)
	{
		pgface_index_point point;

		pgface_index_list_get(list, p, &point);
		for (int a = 0; a < PGFACE_INDEX_AXES; a++)
			centre[a] += point.code[a];
	}
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
		centre[a] /= list->count;
}

/*
 * A threshold scan's bound: the first block of every face summed, then block
 * by block with the faces still at or below give_up; faces leave when their
 * sum passes it, and the smallest such sum still bounds them.
 */
static float
threshold_bound(const pgface_index_point_list *list, const pgface_index_probe *probe, float *sum,
                float give_up)
{
	int alive[PGFACE_INDEX_LIST_MAX];
	int alive_count = 0;
	float lowest_dropped = FLT_MAX;
	float best;

	for (int i = 0; i < list->count; i++)
	{
		if (sum[i] <= give_up)
			alive[alive_count++] = i;
		else
			lowest_dropped = lowest_dropped < sum[i] ? lowest_dropped : sum[i];
	}
	for (int block = 1; block < PGFACE_INDEX_BLOCKS && alive_count > 0; block++)
	{
		const uint8_t *codes = (const uint8_t *) pgface_index_list_block(list, block);
		const float(*rows)[256] = probe->gap_table + block * PGFACE_INDEX_BLOCK;
		int kept = 0;

		for (int k = 0; k < alive_count; k++)
		{
			int i = alive[k];

			sum[i] += pgface_index_block_from_table(rows, codes + i * PGFACE_INDEX_BLOCK);
			if (sum[i] <= give_up)
				alive[kept++] = i;
			else
				lowest_dropped = lowest_dropped < sum[i] ? lowest_dropped : sum[i];
		}
		alive_count = kept;
	}
	best = lowest_dropped;
	for (int k = 0; k < alive_count; k++)
		best = best < sum[alive[k]] ? best : sum[alive[k]];
	return best;
}

/*
 * An ordered scan's bound: the faces in the order of their first partial
 * bound, each resumed where it stopped: the likeliest nearest face sets a low
 * best at once, and faces whose partial bound passes it are never looked at
 * again.
 */
static float
ordered_bound(const pgface_index_point_list *list, const pgface_index_probe *probe, float *sum,
              float give_up, float *nearest_upper)
{
	int order[PGFACE_INDEX_LIST_MAX];
	int count = list->count;
	float best = FLT_MAX;

	for (int i = 0; i < count; i++)
	{
		int at = i;

		while (at > 0 && sum[order[at - 1]] > sum[i])
		{
			order[at] = order[at - 1];
			at--;
		}
		order[at] = i;
	}
	for (int k = 0; k < count; k++)
	{
		int i = order[k];
		float limit = best < give_up ? best : give_up;
		float bound = sum[i];

		limit = limit < *nearest_upper ? limit : *nearest_upper;
		if (bound > limit)
			return best < bound ? best : bound;
		for (int block = 1; block < PGFACE_INDEX_BLOCKS && bound <= limit; block++)
			bound += pgface_index_block_from_table(
			    probe->gap_table + block * PGFACE_INDEX_BLOCK,
			    (const uint8_t *) pgface_index_list_block(list, block) + i * PGFACE_INDEX_BLOCK);
		if (bound <= limit)
		{
			/* A face bounded in full: a candidate, so it also bounds the nearest from above. */
			pgface_index_point point;
			float upper;

			pgface_index_list_get(list, i, &point);
			upper = pgface_index_point_upper_squared(&point, probe);
			*nearest_upper = *nearest_upper < upper ? *nearest_upper : upper;
		}
		best = best < bound ? best : bound;
	}
	return best;
}

/*
 * From the probe's gap table (as in product quantisation: lookups instead of
 * arithmetic). The first block of every face is summed as one pass over
 * contiguous memory; every partial sum is itself a lower bound, which is why
 * stopping is safe.
 */
float
pgface_index_list_bound_squared(const pgface_index_point_list *list,
                                const pgface_index_probe *probe, double stop_below, float give_up,
                                float *nearest_upper)
{
	const uint8_t *first = (const uint8_t *) pgface_index_list_block(list, 0);
	float sum[PGFACE_INDEX_LIST_MAX];

	for (int i = 0; i < list->count; i++)
	{
		float gap = pgface_index_residual_gap(probe->residual, list->residuals[i]);

		sum[i] = gap * gap +
		         pgface_index_block_from_table(probe->gap_table, first + i * PGFACE_INDEX_BLOCK);
	}
	if (stop_below >= 0.0)
		return threshold_bound(list, probe, sum, give_up);
	return ordered_bound(list, probe, sum, give_up, nearest_upper);
}

/* Each face through the box bound, so a probe without a table bounds a list as it does a box. */
float
pgface_index_list_box_bound_squared(const pgface_index_point_list *list,
                                    const pgface_index_probe *probe, double stop_below,
                                    float give_up)
{
	float best = FLT_MAX;

	for (int i = 0; i < list->count; i++)
	{
		pgface_index_point point;
		pgface_index_box single;
		float bound;

		pgface_index_list_get(list, i, &point);
		pgface_index_box_of_point(&point, &single);
		bound = pgface_index_box_bound_squared(&single, probe, best < give_up ? best : give_up);
		best = best < bound ? best : bound;
		if (best <= stop_below)
			break;
	}
	return best;
}
