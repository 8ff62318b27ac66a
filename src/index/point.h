/*
 * point.h: a face's point code, what both index methods store for it.
 *
 * Boxes prune badly in a ~100-dimensional space: a box around even a dozen
 * faces spans most of the range on most axes. A single face's coordinates on
 * the model's 64 principal axes, though, bound its distance from a probe
 * tightly (|q - x|^2 >= |Pq - Px|^2 + (|rq| - |rx|)^2, see
 * face/embedding_statistics.h). So every face gets a 68-byte point code:
 * those coordinates quantised to int8, plus its residual length.
 */
#ifndef PGFACE_INDEX_POINT_H
#define PGFACE_INDEX_POINT_H

#include <stddef.h>
#include <stdint.h>

#include "face/embedding_statistics.h"

/*
 * Which codes: the axes they are coordinates on and their quantisation.
 * Refitted statistics are new codes, so every index format that stores codes
 * must change with this. 2: 64 axes; 3: axes refitted on mirror-averaged embeddings.
 */
#define PGFACE_INDEX_CODE_FORMAT 3

/* Codes span +-127 steps of 6 sigma / 127; the end codes mean "this far or beyond". */
#define PGFACE_INDEX_CODE_LIMIT 127

/* Axes are read in blocks of eight, largest variance first; most faces are ruled out by the first.
 */
#define PGFACE_INDEX_BLOCK  8
#define PGFACE_INDEX_BLOCKS (PGFACE_INDEX_AXES / PGFACE_INDEX_BLOCK)

/* Stored as is in index pages (68 bytes): the layout may not change. */
typedef struct pgface_index_point
{
	float residual;
	int8_t code[PGFACE_INDEX_AXES];
} pgface_index_point;

/* One quantisation step on an axis: the code range covers six standard deviations each way. */
double pgface_index_axis_step(const pgface_embedding_statistics *stats, int axis);

/* A coordinate in code units, limited to the code range (which can only lower a bound). */
double pgface_index_clamp_units(double units);

/*
 * The coordinates of an embedding of stats->dims values on the model's axes,
 * in code units (not rounded or clamped), and its residual length: what a
 * point code and a probe are both made from.
 */
void pgface_index_project_units(const pgface_embedding_statistics *stats, const float *values,
                                double *units, float *residual);

/*
 * A face's point code: its coordinates on the model's axes, quantised, and
 * its residual length. values has stats->dims components.
 */
void pgface_index_encode_point(const pgface_embedding_statistics *stats, const float *values,
                               pgface_index_point *point);

#endif
