/*
 * columns.h: point codes laid out column by column (a face_va page's layout),
 * and the faces among them whose bound from a probe is within a limit.
 *
 * The lead blocks, which a scan reads for most faces, are stored axis by axis,
 * so that eight faces' codes on one axis are one vector load; the other blocks,
 * read for the few faces that survive the lead, face by face.
 */
#ifndef PGFACE_INDEX_COLUMNS_H
#define PGFACE_INDEX_COLUMNS_H

#include "index/point.h"
#include "index/probe.h"

/* The most faces one set of columns may hold: the bounds keep per-face sums on the stack. */
#define PGFACE_INDEX_COLUMNS_MAX 128

/*
 * The blocks stored axis by axis. A constant, not a field, so that the kernels
 * unroll their blocks (with a variable count the scalar kernel was much slower).
 */
#define PGFACE_INDEX_LEAD_BLOCKS 3
#define PGFACE_INDEX_LEAD_AXES   (PGFACE_INDEX_LEAD_BLOCKS * PGFACE_INDEX_BLOCK)

typedef struct pgface_index_columns
{
	int count;             /* faces, at most stride */
	int stride;            /* room for faces in each column */
	const float *residual; /* [count] */
	const int8_t *lead;    /* [PGFACE_INDEX_LEAD_AXES][stride]: axis by axis */
	const int8_t *rest;    /* [the other blocks][stride][PGFACE_INDEX_BLOCK]: face by face */
} pgface_index_columns;

/*
 * The faces whose squared bound from the probe (which has a gap table) is at
 * most limit: their positions go to survivors and their bounds to bounds, in
 * order; returns how many. The lead blocks are summed eight faces at a time,
 * the rest only for faces still in range (every partial sum is itself a bound).
 * Bounds past float's range are FLT_MAX (pgface_index_capped_bound). A filter
 * (lead_filter.h, NULL for none) made for the probe at a limit at least this
 * one drops faces first; the result is the same with it or without.
 */
struct pgface_index_lead_filter;

int pgface_index_columns_within(const pgface_index_columns *columns,
                                const pgface_index_probe *probe, float limit,
                                const struct pgface_index_lead_filter *filter, int *survivors,
                                float *bounds);

#endif
