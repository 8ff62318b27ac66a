/*
 * lead_filter.h: a coarse first look at a page's faces, before the lead sums.
 *
 * On 1M faces at the 1%-stranger threshold, a face_va scan summed its first
 * block for every face, its second for 90% of groups of eight and its third
 * for 27%: most of its time was float arithmetic on faces that could never be
 * within the limit. The filter weighs each lead axis's gap as a byte, from a
 * table of the probe's 256 possible terms per axis rounded down, and adds the
 * 24 bytes with saturation, 64 faces in one vector (AVX-512 byte permutes).
 * Every byte is at most its term in the filter's units, so a face whose byte
 * sum saturates (255) has a float bound past the filter's limit:
 * dropping it changes nothing, and the float path bounds the rest as before.
 */
#ifndef PGFACE_INDEX_LEAD_FILTER_H
#define PGFACE_INDEX_LEAD_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "index/columns.h"

typedef struct pgface_index_lead_filter
{
	bool active; /* false: the filter keeps every face (no limit, or no kernel) */
	float limit; /* the squared bound it was made for; it drops only faces past it */
	uint8_t table[PGFACE_INDEX_LEAD_AXES][256]; /* by (uint8_t) code */
} pgface_index_lead_filter;

/*
 * Makes the filter for a probe (with its gap table) and a squared limit.
 * Inactive when this CPU has no kernel for it (the tables are still made, for
 * the scalar kernel), or, with no tables, when the limit is not a finite
 * positive number.
 */
void pgface_index_lead_filter_prepare(pgface_index_lead_filter *filter,
                                      const pgface_index_probe *probe, float limit);

/*
 * Whether a filter made for its limit may serve a scan at limit: it must not
 * drop faces within it, and should not keep many beyond it (then remake it).
 */
bool pgface_index_lead_filter_fits(const pgface_index_lead_filter *filter, float limit);

/*
 * The faces of the columns (at most 128) the filter keeps: bit f % 64 of
 * kept[f / 64] for face f. Only for a filter with tables.
 */
typedef void pgface_index_lead_filter_fn(const pgface_index_columns *columns,
                                         const pgface_index_lead_filter *filter, uint64_t kept[2]);

pgface_index_lead_filter_fn pgface_index_lead_filter_scalar;
#if defined(__x86_64__)
pgface_index_lead_filter_fn pgface_index_lead_filter_vbmi;
#endif

/* The filter kernel of the instruction set in use, or NULL where only the scalar one exists. */
pgface_index_lead_filter_fn *pgface_index_lead_filter_kernel(void);

#endif
