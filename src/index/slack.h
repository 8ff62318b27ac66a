/*
 * slack.h: the margins between a computed bound and the exact distance. The
 * codes and the projection are computed in float, so bounds are widened by a
 * margin far above their rounding: a pruned face must never be an answer.
 */
#ifndef PGFACE_INDEX_SLACK_H
#define PGFACE_INDEX_SLACK_H

/* A squared bound as a distance that is never above the exact one. */
double pgface_index_safe_lower_bound(double bound_squared);

/* The squared bound at or below which a face may lie within radius. */
double pgface_index_stop_squared(double radius);

/* A squared radius as a float that is never below it, so rounding never prunes an answer. */
float pgface_index_float_at_least(double value);

/*
 * A squared bound past float's range (faces of components near 1e19 and
 * beyond) as FLT_MAX, which is still a lower bound, since the true squared
 * distance is larger still; as infinity it would order a subtree or a face
 * after rows that the exact distance, in double, shows to be farther.
 */
double pgface_index_capped_bound(double bound_squared);

#endif
