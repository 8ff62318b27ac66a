/*
 * tree_order.h: how GiST's tree is shaped in code space: the axis a page
 * splits on, and the k-d order a sorted CREATE INDEX packs its pages in.
 */
#ifndef PGFACE_INDEX_TREE_ORDER_H
#define PGFACE_INDEX_TREE_ORDER_H

#include "index/point.h"

/*
 * The axis where keys' centres (in code units) spread widest, in distance
 * rather than code units, so that a split there separates the most distance.
 */
int pgface_index_widest_axis(const pgface_embedding_statistics *stats,
                             const float (*centres)[PGFACE_INDEX_AXES], int count);

/*
 * The order of a sorted index build: a k-d tree's order, as a 64-bit key. Each
 * axis's code goes to one of 256 bins of equal probability (codes are in units
 * of the axis's own spread, so one table serves every axis), and the key's bits
 * are the bins' bits, most significant first, taken from whichever axis has the
 * widest spread left to split. Runs of the order are compact on the axes that
 * carry the most distance, so the boxes above them prune.
 */
typedef struct pgface_index_build_order
{
	uint8_t bin[256];  /* indexed by (uint8_t) code */
	uint8_t axis[64];  /* the axis of each key bit, most significant first */
	uint8_t level[64]; /* which bit of that axis's bin */
} pgface_index_build_order;

/* The bins and the bit order, once per sort: they depend only on the model's statistics. */
void pgface_index_build_order_prepare(const pgface_embedding_statistics *stats,
                                      pgface_index_build_order *order);

/* The 64-bit k-d key of a face, most significant split first. */
uint64_t pgface_index_build_order_key(const pgface_index_build_order *order,
                                      const pgface_index_point *point);

#endif
