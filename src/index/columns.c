/*
 * columns.c: the faces of a set of columns within a limit of a probe (see
 * columns.h).
 */
#include "index/columns.h"

#include "index/lead_sums.h"
#include "index/slack.h"
#include "index/terms.h"

/* The lead by the kernel of this CPU, then the other blocks from the gap table. */
int
pgface_index_columns_within(const pgface_index_columns *columns, const pgface_index_probe *probe,
                            float limit, int *survivors, float *bounds)
{
	float sum[PGFACE_INDEX_COLUMNS_MAX];
	int alive = 0;

	pgface_index_lead_kernel()(columns, probe, limit, sum);
	for (int i = 0; i < columns->count; i++)
		if (sum[i] <= limit)
			survivors[alive++] = i;
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
