/*
 * probe.c: preparing a probe for the bounds (see probe.h): its projection in
 * code units and its gap table.
 */
#include "index/probe.h"

#include "index/terms.h"

/* The squared step of every axis, in which a probe weighs each axis's gaps. */
static void
set_steps(const pgface_embedding_statistics *stats, pgface_index_probe *probe)
{
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
	{
		double step = pgface_index_axis_step(stats, a);

		probe->step_squared[a] = (float) (step * step);
	}
}

/* A scan prepares its probe once: the projection costs a few thousand multiply-adds. */
void
pgface_index_probe_prepare(const pgface_embedding_statistics *stats, const float *values,
                           pgface_index_probe *probe)
{
	double units[PGFACE_INDEX_AXES];

	pgface_index_project_units(stats, values, units, &probe->residual);
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
		probe->units[a] = (float) pgface_index_clamp_units(units[a]);
	set_steps(stats, probe);
	probe->gap_table = NULL;
}

/*
 * Every entry, the unused code -128 included, so that no entry is left
 * unwritten (a damaged page's -128 gets a bound as the vector path gives it).
 */
void
pgface_index_probe_fill_gap_table(pgface_index_probe *probe, float (*table)[256])
{
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
		for (int code = INT8_MIN; code <= INT8_MAX; code++)
			table[a][(uint8_t) code] =
			    pgface_index_axis_term(probe->units[a], (int8_t) code, probe->step_squared[a]);
	probe->gap_table = table;
	pgface_index_fill_bin_terms((const float(*)[256]) table, probe->bin_terms);
}

/* Insertion needs no table: it bounds a handful of keys once, with the box arithmetic. */
void
pgface_index_probe_at(const pgface_embedding_statistics *stats, const float *units, float residual,
                      pgface_index_probe *probe)
{
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
		probe->units[a] = units[a];
	set_steps(stats, probe);
	probe->residual = residual;
	probe->gap_table = NULL;
}
