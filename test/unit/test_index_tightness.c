/*
 * test_index_tightness.c: the bounds' share of the distance (index/tightness.h)
 * tells the model's own embeddings, which the indexes prune, from vectors the
 * model's axes do not describe, which they cannot prune; the planner costs
 * both index methods by it.
 */
#include <math.h>
#include <stdint.h>

#include "face/model_registry.h"
#include "index/tightness.h"
#include "unit.h"
#include "unit_random.h"

#define FACES 200

static uint64_t tightness_rng = 0x2545f4914f6cdd1dull;

#define next_unit()   unit_random_uniform(&tightness_rng)
#define next_normal() unit_random_normal(&tightness_rng)

static const pgface_embedding_statistics *
statistics(void)
{
	return pgface_embedding_statistics_lookup(PGFACE_MODEL_DEFAULT);
}

/*
 * Faces as the model makes them: the mean, each principal axis at its own
 * spread, and what the axes leave out as a little isotropic noise (a few
 * percent of the variance, as on LFW).
 */
static void
make_model_faces(float faces[FACES][128])
{
	const pgface_embedding_statistics *stats = statistics();

	for (int f = 0; f < FACES; f++)
	{
		for (int d = 0; d < stats->dims; d++)
			faces[f][d] = (float) (stats->mean[d] + 0.012 * next_normal());
		for (int a = 0; a < PGFACE_INDEX_AXES; a++)
		{
			double along = stats->axis_sigma[a] * next_normal();

			for (int d = 0; d < stats->dims; d++)
				faces[f][d] += (float) (along * stats->axes[a * stats->dims + d]);
		}
	}
}

/* Uniform in [-scale, scale] on every component. */
static void
make_uniform(float faces[FACES][128], double scale)
{
	for (int f = 0; f < FACES; f++)
		for (int d = 0; d < 128; d++)
			faces[f][d] = (float) (scale * (2.0 * next_unit() - 1.0));
}

/* Unit vectors in random directions: another model's normalised embeddings. */
static void
make_unit_vectors(float faces[FACES][128])
{
	for (int f = 0; f < FACES; f++)
	{
		double length = 0.0;

		for (int d = 0; d < 128; d++)
		{
			faces[f][d] = (float) next_normal();
			length += (double) faces[f][d] * faces[f][d];
		}
		for (int d = 0; d < 128; d++)
			faces[f][d] = (float) (faces[f][d] / sqrt(length));
	}
}

/* The sample of the first count faces. */
static void
sample_of(float faces[FACES][128], int count, pgface_index_pair_sample *sample)
{
	const float *pointers[FACES];

	for (int f = 0; f < count; f++)
		pointers[f] = faces[f];
	pgface_index_sample_pairs(statistics(), pointers, count, sample);
}

/* Isotropic noise around 0, as some synthetic tests make faces. */
static void
make_isotropic(float faces[FACES][128], double sigma)
{
	for (int f = 0; f < FACES; f++)
		for (int d = 0; d < 128; d++)
			faces[f][d] = (float) (sigma * next_normal());
}

static void
test_model_faces_are_tight(void)
{
	static float faces[FACES][128];
	static pgface_index_pair_sample sample;

	make_model_faces(faces);
	sample_of(faces, FACES, &sample);
	CHECK(sample.pairs == PGFACE_INDEX_SAMPLE_PAIRS);
	CHECK(sample.median_share > 0.9 && sample.median_share <= 1.0);
	CHECK(pgface_index_ordered_candidate_share(&sample) == 0.0);
	/* A threshold scan takes what its radius lets through: none at 0.4, all at 100. */
	CHECK(pgface_index_candidate_share(&sample, 0.4) < 0.01);
	CHECK(pgface_index_candidate_share(&sample, 100.0) == 1.0);
	CHECK(pgface_index_candidate_share(&sample, 0.0) == 0.0);
}

/* Random values in a range: the bounds see under half of each distance, nothing is pruned. */
static void
test_random_values_are_loose(void)
{
	static float faces[FACES][128];
	static pgface_index_pair_sample sample;

	for (int f = 0; f < FACES; f++)
		for (int d = 0; d < 128; d++)
			faces[f][d] = (float) next_unit();
	sample_of(faces, FACES, &sample);
	CHECK(sample.median_share < PGFACE_INDEX_LOOSE_SHARE);
	CHECK(pgface_index_ordered_candidate_share(&sample) > 0.9);
	/* A radius far below their distances still prunes them. */
	CHECK(pgface_index_candidate_share(&sample, 0.4) == 0.0);
	make_uniform(faces, 1.0);
	sample_of(faces, FACES, &sample);
	CHECK(sample.median_share < PGFACE_INDEX_LOOSE_SHARE);
	CHECK(pgface_index_ordered_candidate_share(&sample) > 0.9);
}

/*
 * Between the two, the sample cannot see whether a gallery clusters, so an
 * ordered scan is trusted to prune; the measure still tells them from the model's.
 */
static void
test_unclear_vectors_are_trusted(void)
{
	static float faces[FACES][128];
	static pgface_index_pair_sample sample;

	make_isotropic(faces, 0.06);
	sample_of(faces, FACES, &sample);
	CHECK(sample.median_share >= PGFACE_INDEX_LOOSE_SHARE && sample.median_share < 0.9);
	CHECK(pgface_index_ordered_candidate_share(&sample) == 0.0);
	make_unit_vectors(faces);
	sample_of(faces, FACES, &sample);
	CHECK(sample.median_share >= PGFACE_INDEX_LOOSE_SHARE && sample.median_share < 0.9);
	CHECK(pgface_index_ordered_candidate_share(&sample) == 0.0);
}

/* Fewer than two faces, or only copies of one, weigh no pair and claim nothing. */
static void
test_degenerate_samples_claim_nothing(void)
{
	static float faces[FACES][128];
	static pgface_index_pair_sample sample;

	make_model_faces(faces);
	sample_of(faces, 1, &sample);
	CHECK(sample.pairs == 0);
	CHECK(pgface_index_ordered_candidate_share(&sample) == 0.0);
	CHECK(pgface_index_candidate_share(&sample, 100.0) == 0.0);
	for (int f = 1; f < 10; f++)
		for (int d = 0; d < 128; d++)
			faces[f][d] = faces[0][d];
	sample_of(faces, 10, &sample);
	CHECK(sample.pairs == 0);
}

const unit_test index_tightness_tests[] = {
    {"tightness: the bounds see most of the distance between the model's faces",
     test_model_faces_are_tight},
    {"tightness: random values prune nothing for an ordered scan", test_random_values_are_loose},
    {"tightness: isotropic noise and unit vectors are trusted to prune",
     test_unclear_vectors_are_trusted},
    {"tightness: degenerate samples claim nothing", test_degenerate_samples_claim_nothing},
    {NULL, NULL},
};
