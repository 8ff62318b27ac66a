/*
 * columns.c: the faces of a set of columns within a limit of a probe (see
 * columns.h).
 */
#include "index/columns.h"

#include <math.h>

#include "index/lead_filter.h"
#include "index/slack.h"
#include "index/terms.h"

/* Eight binned axes (four planes) of one face, as a balanced tree like a byte block's. */
static inline float
binned_block(const pgface_index_columns *columns, const pgface_index_probe *probe, int block, int f)
{
	float t[PGFACE_INDEX_BLOCK];

	for (int k = 0; k < PGFACE_INDEX_BLOCK / 2; k++)
	{
		int plane = block * (PGFACE_INDEX_BLOCK / 2) + k;
		uint8_t both = columns->planes[(size_t) plane * columns->stride + f];

		t[2 * k] = probe->bin_terms[2 * plane][both & 15];
		t[2 * k + 1] = probe->bin_terms[2 * plane + 1][both >> 4];
	}
	return ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
}

/* The residual's term and the binned axes': what a face costs before its other codes are read. */
static inline float
binned_part(const pgface_index_columns *columns, const pgface_index_probe *probe, float limit,
            int f)
{
	float gap = pgface_index_residual_gap(probe->residual, columns->residual[f]);
	float sum = gap * gap;

	for (int block = 0; block < PGFACE_INDEX_BINNED_AXES / PGFACE_INDEX_BLOCK && sum <= limit;
	     block++)
		sum += binned_block(columns, probe, block, f);
	return sum;
}

/* The rest of the sum, from the binned part's. */
static inline float
byte_part(const pgface_index_columns *columns, const pgface_index_probe *probe, float limit, int f,
          float sum)
{
	const uint8_t *codes = (const uint8_t *) columns->rest + (size_t) f * PGFACE_INDEX_BYTE_AXES;

	for (int block = 0; block < PGFACE_INDEX_BYTE_AXES / PGFACE_INDEX_BLOCK && sum <= limit;
	     block++)
		sum += pgface_index_block_from_table(probe->gap_table + PGFACE_INDEX_BINNED_AXES +
		                                         block * PGFACE_INDEX_BLOCK,
		                                     codes + block * PGFACE_INDEX_BLOCK);
	return sum;
}

float
pgface_index_columns_bound_of(const pgface_index_columns *columns, const pgface_index_probe *probe,
                              float limit, int f)
{
	return byte_part(columns, probe, limit, f, binned_part(columns, probe, limit, f));
}

/* The far end of the step (byte axes) or of the bin (binned ones), the residuals pointing apart. */
float
pgface_index_columns_upper_of(const pgface_index_columns *columns, const pgface_index_probe *probe,
                              int f)
{
	const int8_t *codes = columns->rest + (size_t) f * PGFACE_INDEX_BYTE_AXES;
	float residual = columns->residual[f];
	float sum = (probe->residual + residual) * (probe->residual + residual);

	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
	{
		float gap;

		if (a < PGFACE_INDEX_BINNED_AXES)
		{
			uint8_t both = columns->planes[(size_t) (a / 2) * columns->stride + f];
			int bin = a % 2 == 0 ? both & 15 : both >> 4;

			gap = fmaxf(fabsf(probe->units[a] - (float) pgface_index_bin_first(bin)),
			            fabsf(probe->units[a] - (float) pgface_index_bin_last(bin))) +
			      0.5f;
		}
		else
			gap = fabsf(probe->units[a] - (float) codes[a - PGFACE_INDEX_BINNED_AXES]) + 0.5f;
		sum += gap * gap * probe->step_squared[a];
	}
	return sum;
}

/*
 * Without a filter (an unbounded first band: one page, or a limit no filter
 * was made for), every face's bound in turn.
 */
static int
within_unfiltered(const pgface_index_columns *columns, const pgface_index_probe *probe, float limit,
                  int *survivors, float *bounds)
{
	int alive = 0;

	for (int f = 0; f < columns->count; f++)
	{
		float sum = pgface_index_columns_bound_of(columns, probe, limit, f);

		if (sum <= limit)
		{
			survivors[alive] = f;
			bounds[alive++] = (float) pgface_index_capped_bound(sum);
		}
	}
	return alive;
}

/*
 * Through the filter, which keeps a few faces and gives each one's byte sum.
 * A face's other codes and its residual are a line from memory each, so they
 * are asked for as soon as the filter has kept it (perf: one face after
 * another, a top-1 scan spent 40% of its time waiting on them); the residual
 * is read only in the second step, so a scan need not bring in the residuals
 * of faces the filter drops (a fifth of a page's first-pass bytes). Its binned
 * terms are not summed in float but bounded by its byte sum (lead_filter.h):
 * the floor, to which the second step adds the residual's term.
 */
void
pgface_index_columns_keep(const pgface_index_columns *columns, float limit,
                          const pgface_index_lead_filter *filter, pgface_index_kept *kept)
{
	uint64_t bits[2] = {0, 0};
	uint8_t byte_sums[PGFACE_INDEX_COLUMNS_MAX];

	kept->count = 0;
	kept->every_face = filter == NULL || !filter->active || !(limit <= filter->limit);
	if (kept->every_face)
		return;
	pgface_index_lead_filter_kernel()(columns, filter, bits, byte_sums);
	for (int half = 0; half < 2; half++)
		for (uint64_t left = bits[half]; left != 0; left &= left - 1)
		{
			int f = half * 64 + __builtin_ctzll(left);

			__builtin_prefetch(columns->rest + (size_t) f * PGFACE_INDEX_BYTE_AXES);
			__builtin_prefetch(&columns->residual[f]);
			kept->face[kept->count++] = (uint8_t) f;
		}
	for (int k = 0; k < kept->count; k++)
		kept->floor[k] = pgface_index_lead_filter_floor(filter, byte_sums[kept->face[k]]);
}

/*
 * Each kept face's other terms added to its floor against a limit wider by
 * the floor's slack; only the faces still inside get their bound summed in
 * full, which alone decides. A top-1 scan's limit keeps 4% of the faces, and
 * most of those fail at the floor.
 */
int
pgface_index_columns_finish(const pgface_index_columns *columns, const pgface_index_probe *probe,
                            float limit, const pgface_index_kept *kept, int *survivors,
                            float *bounds)
{
	float wide = limit * (float) (1.0 + 2.0 * PGFACE_INDEX_FILTER_SLACK);
	int alive = 0;

	if (kept->every_face)
		return within_unfiltered(columns, probe, limit, survivors, bounds);
	for (int k = 0; k < kept->count; k++)
	{
		int f = kept->face[k];
		float gap = pgface_index_residual_gap(probe->residual, columns->residual[f]);
		float sum;

		if (byte_part(columns, probe, wide, f, gap * gap + kept->floor[k]) > wide)
			continue;
		sum = pgface_index_columns_bound_of(columns, probe, limit, f);
		if (sum <= limit)
		{
			survivors[alive] = f;
			bounds[alive++] = (float) pgface_index_capped_bound(sum);
		}
	}
	return alive;
}

/* Both steps at once. */
int
pgface_index_columns_within(const pgface_index_columns *columns, const pgface_index_probe *probe,
                            float limit, const pgface_index_lead_filter *filter, int *survivors,
                            float *bounds)
{
	pgface_index_kept kept;

	pgface_index_columns_keep(columns, limit, filter, &kept);
	return pgface_index_columns_finish(columns, probe, limit, &kept, survivors, bounds);
}
