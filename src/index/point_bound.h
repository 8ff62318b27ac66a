/*
 * point_bound.h: one face's bounds from a probe, from below and from above.
 */
#ifndef PGFACE_INDEX_POINT_BOUND_H
#define PGFACE_INDEX_POINT_BOUND_H

#include "index/point.h"
#include "index/probe.h"

/* A face's full squared lower bound, from the probe's gap table. */
float pgface_index_point_bound_squared(const pgface_index_point *point,
                                       const pgface_index_probe *probe);

/*
 * An estimate from above of a face's squared distance from the probe. It only
 * steers how far bounds are refined, never what is returned as an answer.
 */
float pgface_index_point_upper_squared(const pgface_index_point *point,
                                       const pgface_index_probe *probe);

#endif
