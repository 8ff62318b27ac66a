/*
 * columns.c: the faces of a set of columns within a limit of a probe (see
 * columns.h).
 */
#include "index/columns.h"

#include "index/lead_filter.h"
#include "index/lead_sums.h"
#include "index/slack.h"
#include "index/terms.h"

/*
 * The lead: through the filter, when one fits the limit, and then face by face
 * for the faces it keeps; else by the lead-sum kernel of this CPU. Either way
 * a face's sum is the same float (lead_sums.h).
 */
static int
lead_survivors(const pgface_index_columns *columns, const pgface_index_probe *probe, float limit,
               const pgface_index_lead_filter *filter, int *survivors, float *sum)
{
	int alive = 0;

	if (filter != NULL && filter->active && limit <= filter->limit)
	{
		uint64_t kept[2];

		pgface_index_lead_filter_kernel()(columns, filter, kept);
		/* Where it keeps many (a loose limit), the vector kernel below sums them faster. */
		if (4 * (__builtin_popcountll(kept[0]) + __builtin_popcountll(kept[1])) <= columns->count)
		{
			for (int half = 0; half < 2; half++)
				while (kept[half] != 0)
				{
					int i = half * 64 + __builtin_ctzll(kept[half]);

					kept[half] &= kept[half] - 1;
					sum[i] = pgface_index_lead_sum_of(columns, probe, limit, i);
					if (sum[i] <= limit)
						survivors[alive++] = i;
				}
			return alive;
		}
	}
	pgface_index_lead_kernel()(columns, probe, limit, sum);
	for (int i = 0; i < columns->count; i++)
		if (sum[i] <= limit)
			survivors[alive++] = i;
	return alive;
}

/* The lead first, then the other blocks from the gap table. */
int
pgface_index_columns_within(const pgface_index_columns *columns, const pgface_index_probe *probe,
                            float limit, const pgface_index_lead_filter *filter, int *survivors,
                            float *bounds)
{
	float sum[PGFACE_INDEX_COLUMNS_MAX];
	int alive = lead_survivors(columns, probe, limit, filter, survivors, sum);
	for (int block = PGFACE_INDEX_LEAD_BLOCKS; block < PGFACE_INDEX_BLOCKS && alive > 0; block++)
	{
		const float(*rows)[256] = probe->gap_table + block * PGFACE_INDEX_BLOCK;
		const int8_t *codes = columns->rest + (size_t) (block - PGFACE_INDEX_LEAD_BLOCKS) *
		                                          columns->stride * PGFACE_INDEX_BLOCK;
		int kept = 0;

		for (int k = 0; k < alive; k++)
		{
			int i = survivors[k];

			sum[i] += pgface_index_block_from_table(rows, (const uint8_t *) codes +
			                                                  (size_t) i * PGFACE_INDEX_BLOCK);
			if (sum[i] <= limit)
				survivors[kept++] = i;
		}
		alive = kept;
	}
	for (int k = 0; k < alive; k++)
		bounds[k] = (float) pgface_index_capped_bound(sum[survivors[k]]);
	return alive;
}
