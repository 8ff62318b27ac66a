/*
 * point.c: a face's point code (see point.h): the projection onto the
 * model's axes, quantised to int8, and the residual length.
 */
#include "index/point.h"

#include <math.h>

/* Six sigma each way in 127 steps: nearly every face lands inside the code range. */
double
pgface_index_axis_step(const pgface_embedding_statistics *stats, int axis)
{
	return 6.0 * stats->axis_sigma[axis] / PGFACE_INDEX_CODE_LIMIT;
}

/* An end code means "this far or beyond", so clamping only ever lowers a bound. */
double
pgface_index_clamp_units(double units)
{
	double below = PGFACE_INDEX_CODE_LIMIT < units ? PGFACE_INDEX_CODE_LIMIT : units;

	return -PGFACE_INDEX_CODE_LIMIT > below ? -PGFACE_INDEX_CODE_LIMIT : below;
}

/* The projection is in double; its float coordinates are divided by the step in double. */
void
pgface_index_project_units(const pgface_embedding_statistics *stats, const float *values,
                           double *units, float *residual)
{
	float coordinates[PGFACE_INDEX_AXES];

	pgface_project_embedding(stats, values, coordinates, residual);
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
		units[a] = coordinates[a] / pgface_index_axis_step(stats, a);
}

/* Each coordinate to the nearest code, the end codes taking everything beyond. */
void
pgface_index_encode_point(const pgface_embedding_statistics *stats, const float *values,
                          pgface_index_point *point)
{
	double units[PGFACE_INDEX_AXES];

	pgface_index_project_units(stats, values, units, &point->residual);
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
		point->code[a] = (int8_t) pgface_index_clamp_units(rint(units[a]));
}
