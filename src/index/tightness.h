/*
 * tightness.h: how many faces a scan of either index must take as candidates,
 * judged on a sample of the indexed embeddings, so that the planner knows when
 * the bounds prune and when they cannot: on the model's own embeddings they
 * see about 97% of a distance, on vectors its axes do not describe (random
 * values, another model's vectors cast in) far less, and every face becomes a
 * candidate that the table must be read for.
 */
#ifndef PGFACE_INDEX_TIGHTNESS_H
#define PGFACE_INDEX_TIGHTNESS_H

#include "face/embedding_statistics.h"

/* The most sample embeddings read: every pair of them is weighed. */
#define PGFACE_INDEX_SAMPLE_FACES 48
#define PGFACE_INDEX_SAMPLE_PAIRS (PGFACE_INDEX_SAMPLE_FACES * (PGFACE_INDEX_SAMPLE_FACES - 1) / 2)

/* The pairs of a sample: each one's lower bound (one face as the probe of the other). */
typedef struct pgface_index_pair_sample
{
	int pairs;
	double nearest;                          /* the smallest distance of a pair */
	float bounds[PGFACE_INDEX_SAMPLE_PAIRS]; /* ascending */
	double median_share;                     /* of bound over distance, for reports */
} pgface_index_pair_sample;

/*
 * Weighs the pairs of at most PGFACE_INDEX_SAMPLE_FACES of the count
 * embeddings (stats->dims values each), spread over them, since a sample may
 * come sorted (a histogram's bounds). Pairs at distance 0 or not finite are
 * left out. Returns the number of pairs weighed.
 */
int pgface_index_sample_pairs(const pgface_embedding_statistics *stats,
                              const float *const *embeddings, int count,
                              pgface_index_pair_sample *sample);

/* The share of the sample's pairs whose bound is at most radius: a scan's candidates. */
double pgface_index_candidate_share(const pgface_index_pair_sample *sample, double radius);

/*
 * Below this median share of bound over distance, a nearest-neighbour scan is
 * taken to prune nothing: it must read every face nearer than twice the
 * nearest's distance, and in 128 dimensions that is nearly all of any gallery.
 * Random values in a range score about 0.4; isotropic noise and random unit
 * vectors about 0.68; the model's own embeddings 0.97.
 */
#define PGFACE_INDEX_LOOSE_SHARE 0.5

/*
 * The share an ordered scan takes as candidates before it can hand out its
 * first rows. Where the bounds are loose, those with a bound below the nearest
 * distance seen in the sample, which stands in for a gallery's nearest faces;
 * elsewhere 0: how many then depends on how the gallery clusters (several
 * photos of a person), which a sample of a few dozen cannot see, and the
 * index is trusted to prune.
 */
double pgface_index_ordered_candidate_share(const pgface_index_pair_sample *sample);

#endif
