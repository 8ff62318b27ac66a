/*
 * columns.h: point codes laid out column by column (a face_va page's layout),
 * and the faces among them whose bound from a probe is within a limit.
 *
 * A scan's first pass reads every face's binned lead (lead_codes.h), so those
 * are stored plane by plane: one vector load holds one plane of 64 faces. The
 * residual lengths follow in a column, and the int8 codes of the other axes
 * face by face, read only for the few faces the lead keeps.
 */
#ifndef PGFACE_INDEX_COLUMNS_H
#define PGFACE_INDEX_COLUMNS_H

#include <stdbool.h>

#include "index/lead_codes.h"
#include "index/point.h"
#include "index/probe.h"

/* The most faces one set of columns may hold: the filter's kept faces are two 64-bit masks. */
#define PGFACE_INDEX_COLUMNS_MAX 128

typedef struct pgface_index_columns
{
	int count;             /* faces, at most stride */
	int stride;            /* room for faces in each plane */
	const float *residual; /* [count] */
	const uint8_t *planes; /* [PGFACE_INDEX_PLANES][stride]: plane by plane */
	const int8_t *rest;    /* [stride][PGFACE_INDEX_BYTE_AXES]: face by face */
} pgface_index_columns;

/*
 * Face f's squared bound from the probe (which has a gap table), as every
 * path gives it: the residual's term, then the binned axes eight at a time,
 * then the others eight at a time, each eight as a balanced tree, stopping
 * once past limit (it is then a bound past limit, which is all a caller may
 * use of it).
 */
float pgface_index_columns_bound_of(const pgface_index_columns *columns,
                                    const pgface_index_probe *probe, float limit, int f);

/*
 * An estimate from above of face f's squared distance (each binned axis at
 * its bin's far end). Like pgface_index_point_upper_squared, it only steers.
 */
float pgface_index_columns_upper_of(const pgface_index_columns *columns,
                                    const pgface_index_probe *probe, int f);

/*
 * The faces whose squared bound from the probe is at most limit: their
 * positions go to survivors and their bounds to bounds, in order; returns how
 * many. Bounds past float's range are FLT_MAX (pgface_index_capped_bound). A
 * filter (lead_filter.h, NULL for none) made for the probe at a limit at least
 * this one drops faces first; the result is the same with it or without.
 */
struct pgface_index_lead_filter;

int pgface_index_columns_within(const pgface_index_columns *columns,
                                const pgface_index_probe *probe, float limit,
                                const struct pgface_index_lead_filter *filter, int *survivors,
                                float *bounds);

/*
 * The same in two steps, so that a scan can bound one page's faces while the
 * next page's lines arrive: first the faces the filter keeps, each with a
 * floor under its binned terms, their other codes and residuals asked for
 * from memory; then their bounds, at a limit no larger than the first step's
 * (the residual's term joins the floor there). Without a filter that
 * fits, every face is kept, and bounded in full in the second step.
 */
typedef struct pgface_index_kept
{
	bool every_face;
	int count;
	uint8_t face[PGFACE_INDEX_COLUMNS_MAX];
	float floor[PGFACE_INDEX_COLUMNS_MAX];
} pgface_index_kept;

void pgface_index_columns_keep(const pgface_index_columns *columns, float limit,
                               const struct pgface_index_lead_filter *filter,
                               pgface_index_kept *kept);
int pgface_index_columns_finish(const pgface_index_columns *columns,
                                const pgface_index_probe *probe, float limit,
                                const pgface_index_kept *kept, int *survivors, float *bounds);

#endif
