/*
 * box.h: a box in code space, per-axis code ranges and a residual-length
 * range, and the bound from a probe to anything inside it. GiST keeps one
 * where a list of faces would not fit.
 */
#ifndef PGFACE_INDEX_BOX_H
#define PGFACE_INDEX_BOX_H

#include "index/point.h"
#include "index/probe.h"

/* Stored as is in GiST keys (136 bytes): the layout may not change. */
typedef struct pgface_index_box
{
	float residual_low;
	float residual_high;
	int8_t low[PGFACE_INDEX_AXES];
	int8_t high[PGFACE_INDEX_AXES];
} pgface_index_box;

/* A box holding nothing, which the first box or point added replaces. */
void pgface_index_box_empty(pgface_index_box *box);

/* A face's code as a box with equal corners, so one bound serves both. */
void pgface_index_box_of_point(const pgface_index_point *point, pgface_index_box *box);

/* Widens a box to hold another box. */
void pgface_index_box_add_box(pgface_index_box *box, const pgface_index_box *other);

/* Widens a box to hold one face. */
void pgface_index_box_add_point(pgface_index_box *box, const pgface_index_point *point);

/* The box's middle, in code units. */
void pgface_index_box_centre(const pgface_index_box *box, float *centre);

/*
 * A squared lower bound on the distance from the probe to any face in the box,
 * abandoned once a partial sum passes give_up (every partial sum is itself a
 * lower bound).
 */
float pgface_index_box_bound_squared(const pgface_index_box *box, const pgface_index_probe *probe,
                                     float give_up);

#endif
