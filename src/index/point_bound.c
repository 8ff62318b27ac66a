/*
 * point_bound.c: one face's bounds from a probe (see point_bound.h).
 */
#include "index/point_bound.h"

#include <math.h>

#include "index/terms.h"

/* In the order of every other path: the residual's term, then each block's eight as a tree. */
float
pgface_index_point_bound_squared(const pgface_index_point *point, const pgface_index_probe *probe)
{
	float gap = pgface_index_residual_gap(probe->residual, point->residual);
	float sum = gap * gap;

	for (int block = 0; block < PGFACE_INDEX_BLOCKS; block++)
		sum += pgface_index_block_from_table(probe->gap_table + block * PGFACE_INDEX_BLOCK,
		                                     (const uint8_t *) point->code +
		                                         block * PGFACE_INDEX_BLOCK);
	return sum;
}

/*
 * Each coordinate at the far side of its code's step, the residuals pointing
 * apart. It need not be exact (clamped codes may exceed it): it only steers.
 */
float
pgface_index_point_upper_squared(const pgface_index_point *point, const pgface_index_probe *probe)
{
	float sum = (probe->residual + point->residual) * (probe->residual + point->residual);

	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
	{
		float gap = fabsf(probe->units[a] - (float) point->code[a]) + 0.5f;

		sum += gap * gap * probe->step_squared[a];
	}
	return sum;
}
