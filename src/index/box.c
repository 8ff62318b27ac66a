/*
 * box.c: boxes in code space and their bounds (see box.h).
 */
#include "index/box.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "index/terms.h"

/* Inverted ranges, so that the first box or point added sets them. */
void
pgface_index_box_empty(pgface_index_box *box)
{
	box->residual_low = FLT_MAX;
	box->residual_high = -FLT_MAX;
	memset(box->low, PGFACE_INDEX_CODE_LIMIT, sizeof(box->low));
	memset(box->high, (int8_t) -PGFACE_INDEX_CODE_LIMIT, sizeof(box->high));
}

/* Equal corners: a face's code bounds as a box of one. */
void
pgface_index_box_of_point(const pgface_index_point *point, pgface_index_box *box)
{
	box->residual_low = box->residual_high = point->residual;
	memcpy(box->low, point->code, sizeof(box->low));
	memcpy(box->high, point->code, sizeof(box->high));
}

/* Each range the union of the two (a point is a box with equal corners). */
void
pgface_index_box_add_box(pgface_index_box *box, const pgface_index_box *other)
{
	box->residual_low =
	    box->residual_low < other->residual_low ? box->residual_low : other->residual_low;
	box->residual_high =
	    box->residual_high > other->residual_high ? box->residual_high : other->residual_high;
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
	{
		box->low[a] = box->low[a] < other->low[a] ? box->low[a] : other->low[a];
		box->high[a] = box->high[a] > other->high[a] ? box->high[a] : other->high[a];
	}
}

/* Through the point's box, so that a point widens a box exactly as a box would. */
void
pgface_index_box_add_point(pgface_index_box *box, const pgface_index_point *point)
{
	pgface_index_box single;

	pgface_index_box_of_point(point, &single);
	pgface_index_box_add_box(box, &single);
}

/* Where GiST places and splits a box key. */
void
pgface_index_box_centre(const pgface_index_box *box, float *centre)
{
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
		centre[a] = (box->low[a] + box->high[a]) / 2.0f;
}

/*
 * Eight axes at a time. A code c stands for coordinates within half a step of
 * c steps (the end codes for everything beyond, which the probe's clamping
 * accounts for), so the gap is what is left outside the codes' range after
 * that half step.
 */
float
pgface_index_box_bound_squared(const pgface_index_box *box, const pgface_index_probe *probe,
                               float give_up)
{
	float residual_gap = 0.0f;
	float sum;

	if (probe->residual < box->residual_low)
		residual_gap = pgface_index_residual_gap(probe->residual, box->residual_low);
	else if (probe->residual > box->residual_high)
		residual_gap = pgface_index_residual_gap(probe->residual, box->residual_high);
	sum = residual_gap * residual_gap;
	for (int block = 0; block < PGFACE_INDEX_AXES; block += PGFACE_INDEX_BLOCK)
	{
		float partial[PGFACE_INDEX_BLOCK];

		for (int a = 0; a < PGFACE_INDEX_BLOCK; a++)
		{
			int axis = block + a;
			float below = ((float) box->low[axis] - 0.5f) - probe->units[axis];
			float above = probe->units[axis] - ((float) box->high[axis] + 0.5f);
			float gap = fmaxf(fmaxf(below, above), 0.0f);

			partial[a] = gap * gap * probe->step_squared[axis];
		}
		sum += ((partial[0] + partial[1]) + (partial[2] + partial[3])) +
		       ((partial[4] + partial[5]) + (partial[6] + partial[7]));
		if (sum > give_up)
			break;
	}
	return sum;
}
