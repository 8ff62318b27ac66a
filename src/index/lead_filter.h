/*
 * lead_filter.h: a coarse first look at a page's faces, before their bounds.
 *
 * A scan's first pass would otherwise bound every face in float. The filter
 * weighs each binned axis's term (lead_codes.h) as a byte, from a table of the
 * probe's 16 bin terms per axis rounded down, and adds the 32 bytes with
 * saturation, 32 or 64 faces in one vector (byte shuffles: AVX2 or
 * AVX-512BW). Every byte is at most its term in the filter's units, so a
 * face whose byte sum saturates (255) has a float bound past the filter's
 * limit: dropping it changes nothing, and the float path bounds the rest.
 */
#ifndef PGFACE_INDEX_LEAD_FILTER_H
#define PGFACE_INDEX_LEAD_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "index/columns.h"

typedef struct pgface_index_lead_filter
{
	bool active; /* false: the filter keeps every face (no finite positive limit) */
	float limit; /* the squared bound it was made for; it drops only faces past it */
	uint8_t table[PGFACE_INDEX_BINNED_AXES][PGFACE_INDEX_BINS]; /* by bin */
	double units_per_term; /* a byte is at most its term times this */
} pgface_index_lead_filter;

/* Makes the filter for a probe (with its gap table) and a squared limit. */
void pgface_index_lead_filter_prepare(pgface_index_lead_filter *filter,
                                      const pgface_index_probe *probe, float limit);

/*
 * Whether a filter made for its limit may serve a scan at limit: it must not
 * drop faces within it, and should not keep many beyond it (then remake it).
 */
bool pgface_index_lead_filter_fits(const pgface_index_lead_filter *filter, float limit);

/*
 * The faces of the columns (at most 128) the filter keeps: bit f % 64 of
 * kept[f / 64] for face f, and each face's byte sum in sums[f] (255 past the
 * limit). Only for an active filter.
 */
typedef void pgface_index_lead_filter_fn(const pgface_index_columns *columns,
                                         const pgface_index_lead_filter *filter, uint64_t kept[2],
                                         uint8_t sums[PGFACE_INDEX_COLUMNS_MAX]);

/*
 * A lower bound on the sum of a face's binned terms, from its byte sum, with
 * a margin of PGFACE_INDEX_FILTER_SLACK for float rounding: the columns sum
 * it with the other terms to drop faces before their binned terms are read.
 */
#define PGFACE_INDEX_FILTER_SLACK 1e-4
float pgface_index_lead_filter_floor(const pgface_index_lead_filter *filter, uint8_t sum);

pgface_index_lead_filter_fn pgface_index_lead_filter_scalar;
#if defined(__x86_64__)
pgface_index_lead_filter_fn pgface_index_lead_filter_avx2;
pgface_index_lead_filter_fn pgface_index_lead_filter_avx512;
#endif

/* The filter kernel of the instruction set in use (common/simd.h), and its name. */
pgface_index_lead_filter_fn *pgface_index_lead_filter_kernel(void);
const char *pgface_index_lead_filter_kernel_name(void);

#endif
