/*
 * probe.h: a probe embedding as the bounds need it, prepared once per scan.
 */
#ifndef PGFACE_INDEX_PROBE_H
#define PGFACE_INDEX_PROBE_H

#include "index/lead_codes.h"
#include "index/point.h"

/*
 * Its coordinates in code units (clamped to the code range, which can only
 * lower a bound), the squared step of each axis, and its residual length.
 */
typedef struct pgface_index_probe
{
	float units[PGFACE_INDEX_AXES];
	float step_squared[PGFACE_INDEX_AXES];
	float residual;
	/*
	 * For scans: each axis's squared gap for every possible code, indexed by
	 * (uint8_t) code, so a face's bound is a sum of table lookups, as in
	 * product quantisation. NULL when the probe serves a single insertion.
	 */
	float (*gap_table)[256];
	/* With the gap table: each binned axis's smallest term in each bin (lead_codes.h). */
	float bin_terms[PGFACE_INDEX_BINNED_AXES][PGFACE_INDEX_BINS];
} pgface_index_probe;

/* The bytes of a gap table, which the caller provides (the server allocates it in a context). */
#define PGFACE_INDEX_GAP_TABLE_BYTES (sizeof(float[256]) * PGFACE_INDEX_AXES)

/* The probe of an embedding of stats->dims values, without a gap table. */
void pgface_index_probe_prepare(const pgface_embedding_statistics *stats, const float *values,
                                pgface_index_probe *probe);

/*
 * Fills table (PGFACE_INDEX_GAP_TABLE_BYTES) with the probe's gaps, sets
 * probe->gap_table, and fills the bin terms from it.
 */
void pgface_index_probe_fill_gap_table(pgface_index_probe *probe, float (*table)[256]);

/*
 * A probe at a place in code space (units as given, not clamped) with the
 * given residual and no gap table: how GiST measures where a new key fits.
 */
void pgface_index_probe_at(const pgface_embedding_statistics *stats, const float *units,
                           float residual, pgface_index_probe *probe);

#endif
