/*
 * point_list.h: a list of point codes stored block-major (a GiST summary key's
 * layout), and the smallest bound from a probe to any face on it.
 *
 * Block-major: the faces' residual lengths, then for each block of eight axes
 * the codes of every face. A scan reads the first block of all faces as one
 * run of memory and touches the rest only for the few faces that survive it.
 * One point code (residual, then its 64 codes) is a list of one face.
 */
#ifndef PGFACE_INDEX_POINT_LIST_H
#define PGFACE_INDEX_POINT_LIST_H

#include "index/point.h"
#include "index/probe.h"

/* The most faces a list may hold: the bounds keep per-face sums on the stack. */
#define PGFACE_INDEX_LIST_MAX 64

typedef struct pgface_index_point_list
{
	int count;
	float *residuals; /* [count] */
	int8_t *codes;    /* [PGFACE_INDEX_BLOCKS][count][PGFACE_INDEX_BLOCK] */
} pgface_index_point_list;

/* The codes of one block of every face: the block's eight codes of face i at i * 8. */
static inline int8_t *
pgface_index_list_block(const pgface_index_point_list *list, int block)
{
	return list->codes + (size_t) block * list->count * PGFACE_INDEX_BLOCK;
}

/* Face i, as one point. */
void pgface_index_list_get(const pgface_index_point_list *list, int i, pgface_index_point *point);

/* Writes face i. */
void pgface_index_list_set(const pgface_index_point_list *list, int i,
                           const pgface_index_point *point);

/* The mean of the faces' codes. */
void pgface_index_list_centre(const pgface_index_point_list *list, float *centre);

/*
 * A squared lower bound on the distance from the probe to any face of the
 * list, from the probe's gap table. Refinement stops early in two ways, each
 * still returning a valid bound: at the first face whose bound is at most
 * stop_below (pass -1 for none: an ordered scan), and wherever a partial sum
 * already exceeds give_up. Ordered scans pass nearest_upper, an estimate from
 * above of the nearest face's squared distance that the faces bounded in full
 * lower further, and that limits refinement as give_up does.
 */
float pgface_index_list_bound_squared(const pgface_index_point_list *list,
                                      const pgface_index_probe *probe, double stop_below,
                                      float give_up, float *nearest_upper);

/*
 * The same without a gap table (a probe for choosing a subtree): each face as
 * a box with equal corners, stopping at the first bound at most stop_below.
 */
float pgface_index_list_box_bound_squared(const pgface_index_point_list *list,
                                          const pgface_index_probe *probe, double stop_below,
                                          float give_up);

#endif
