/*
 * test_index_bounds.c: the index core's bounds (src/index) never exceed the
 * distance <-> gives, on every path both index methods prune with, for
 * embeddings as models make them and for hostile ones: components near float's
 * limit (1e19, 3e38, FLT_MAX), near-duplicates a float step apart, denormals,
 * zeros, probes far outside the code range. A bound above the distance is a
 * wrong answer: the face is pruned though it is within tau, or handed out late.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "face/embedding.h"
#include "face/model_registry.h"
#include "index/box.h"
#include "index/columns.h"
#include "index/point_bound.h"
#include "index/point_list.h"
#include "index/slack.h"
#include "unit.h"
#include "unit_random.h"

/* How many faces share a list, a box or a set of columns with the face under test. */
#define NEIGHBOURS 12

static uint64_t bounds_rng = 0x9e3779b97f4a7c15ull;

/* Uniform in [0, 1). */
static double
next_unit(void)
{
	return unit_random_uniform(&bounds_rng);
}

static double
next_normal(void)
{
	return unit_random_normal(&bounds_rng);
}

static const pgface_embedding_statistics *
statistics(void)
{
	return pgface_embedding_statistics_lookup(PGFACE_MODEL_DEFAULT);
}

/* One hostile value: huge, near float's limit, denormal or zero, of either sign. */
static float
hostile_value(void)
{
	static const float magnitudes[] = {1e19f, 3e38f, FLT_MAX, 1e-40f, FLT_TRUE_MIN, 0.0f, 50.0f};
	int pick = (int) (next_unit() * (sizeof(magnitudes) / sizeof(magnitudes[0])));
	float value = magnitudes[pick] * (float) (1.0 - 0.01 * next_unit());

	return next_unit() < 0.5 ? -value : value;
}

/*
 * A probe of one of the families; the faces near it are made by make_face.
 *   0 as models make them     1 components near 1e19     2 near 3e38 and FLT_MAX
 *   3 denormals and zeros     4 mostly real, some hostile 5 far outside the code range
 */
static void
make_probe(int family, float *q)
{
	const pgface_embedding_statistics *stats = statistics();

	for (int d = 0; d < stats->dims; d++)
	{
		double real = stats->mean[d] + 0.06 * next_normal();

		switch (family)
		{
			case 1:
				q[d] = (float) (1e19 * next_normal());
				break;
			case 2:
				q[d] = next_unit() < 0.5 ? hostile_value()
				                         : (float) (3e38 * (2.0 * next_unit() - 1.0));
				break;
			case 3:
				q[d] = next_unit() < 0.3
				           ? 0.0f
				           : (float) (FLT_TRUE_MIN * (double) (int) (next_unit() * 64.0 - 32.0));
				break;
			case 4:
				q[d] = next_unit() < 0.05 ? hostile_value() : (float) real;
				break;
			default:
				q[d] = (float) real;
		}
	}
	if (family == 5)
	{
		/* Twenty sigma along a few axes: the probe's units and the faces' codes clamp. */
		for (int a = 0; a < 4; a++)
		{
			double along = 20.0 * stats->axis_sigma[a] * (next_unit() < 0.5 ? -1.0 : 1.0);

			for (int d = 0; d < stats->dims; d++)
				q[d] += (float) (along * stats->axes[a * stats->dims + d]);
		}
	}
}

/*
 * A face near the probe: equal, a float step away on a few components, a small
 * or a large way off, or another probe of the same family altogether.
 */
static void
make_face(int family, const float *q, float *x)
{
	const pgface_embedding_statistics *stats = statistics();
	int how = (int) (next_unit() * 5.0);
	double scale = pow(10.0, -6.0 * next_unit());

	if (how == 4)
	{
		make_probe(family, x);
		return;
	}
	memcpy(x, q, sizeof(float) * stats->dims);
	for (int d = 0; d < stats->dims; d++)
	{
		if (how == 1 && next_unit() < 0.1)
			x[d] = nextafterf(x[d], next_unit() < 0.5 ? -FLT_MAX : FLT_MAX);
		else if (how == 2)
			x[d] = (float) (x[d] + scale * 0.06 * next_normal());
		else if (how == 3)
			x[d] = (float) (x[d] * (1.0 + scale * next_normal()) + scale * 0.06 * next_normal());
		if (!isfinite(x[d]))
			x[d] = q[d];
	}
}

/* The distance a bound must stay under: <->'s, or the exact one in double if that is smaller. */
static double
true_distance(const float *q, const float *x, int dims)
{
	double exact = 0.0;
	double computed = pgface_l2_distance(q, x, dims);

	for (int d = 0; d < dims; d++)
		exact += ((double) q[d] - x[d]) * ((double) q[d] - x[d]);
	return fmin(sqrt(exact), computed);
}

/* Counts a violation, and shows the first few: the path, the family, the bound, the distance. */
static int
check_bound(const char *path, int family, double bound_squared, double distance)
{
	static int shown;
	double capped = pgface_index_capped_bound(bound_squared);
	bool below = pgface_index_safe_lower_bound(capped) <= distance &&
	             capped <= pgface_index_stop_squared(distance);

	if (!below && shown++ < 10)
		printf("#   %s, family %d: bound %.9g (squared %.9g) above distance %.9g\n", path, family,
		       pgface_index_safe_lower_bound(capped), capped, distance);
	return below ? 0 : 1;
}

/* The columns of faces as face_va lays them out: the binned lead plane by plane. */
typedef struct test_columns
{
	float residual[NEIGHBOURS];
	uint8_t planes[PGFACE_INDEX_PLANES][NEIGHBOURS];
	int8_t rest[NEIGHBOURS][PGFACE_INDEX_BYTE_AXES];
} test_columns;

/* The faces' codes laid out as columns, and the view of them. */
static pgface_index_columns
as_columns(const pgface_index_point *points, int count, test_columns *store)
{
	pgface_index_columns columns = {count, NEIGHBOURS, store->residual, &store->planes[0][0],
	                                &store->rest[0][0]};

	for (int i = 0; i < count; i++)
	{
		uint8_t planes[PGFACE_INDEX_PLANES];

		store->residual[i] = points[i].residual;
		pgface_index_encode_planes(&points[i], planes);
		for (int j = 0; j < PGFACE_INDEX_PLANES; j++)
			store->planes[j][i] = planes[j];
		memcpy(store->rest[i], points[i].code + PGFACE_INDEX_BINNED_AXES, PGFACE_INDEX_BYTE_AXES);
	}
	return columns;
}

/*
 * Every path on one probe and NEIGHBOURS faces near it: one face's bound from
 * the gap table; a list's (threshold and ordered refinement, with and without
 * the table); a box's around them; and face_va's columns, unlimited and at the
 * limit of a ball whose radius is the face's distance, which must keep it.
 */
static int
violations_near(int family, const float *q)
{
	const pgface_embedding_statistics *stats = statistics();
	static float gap_table[PGFACE_INDEX_AXES][256];
	float x[NEIGHBOURS][PGFACE_MAX_DIMS];
	pgface_index_point points[NEIGHBOURS];
	double distance[NEIGHBOURS];
	double nearest = INFINITY;
	pgface_index_probe probe;
	float residuals[NEIGHBOURS];
	int8_t codes[PGFACE_INDEX_BLOCKS][NEIGHBOURS][PGFACE_INDEX_BLOCK];
	pgface_index_point_list list = {NEIGHBOURS, residuals, &codes[0][0][0]};
	pgface_index_box box;
	test_columns store;
	pgface_index_columns columns;
	int survivors[NEIGHBOURS];
	float bounds[NEIGHBOURS];
	float nearest_upper = FLT_MAX;
	int found;
	int violations = 0;

	pgface_index_probe_prepare(stats, q, &probe);
	pgface_index_probe_fill_gap_table(&probe, gap_table);
	pgface_index_box_empty(&box);
	for (int i = 0; i < NEIGHBOURS; i++)
	{
		make_face(family, q, x[i]);
		pgface_index_encode_point(stats, x[i], &points[i]);
		distance[i] = true_distance(q, x[i], stats->dims);
		nearest = fmin(nearest, distance[i]);
		pgface_index_list_set(&list, i, &points[i]);
		pgface_index_box_add_point(&box, &points[i]);
		violations += check_bound(
		    "point", family, pgface_index_point_bound_squared(&points[i], &probe), distance[i]);
	}
	violations += check_bound("list, threshold", family,
	                          pgface_index_list_bound_squared(
	                              &list, &probe, pgface_index_stop_squared(nearest),
	                              (float) fmin(pgface_index_stop_squared(nearest), FLT_MAX), NULL),
	                          nearest);
	violations += check_bound(
	    "list, ordered", family,
	    pgface_index_list_bound_squared(&list, &probe, -1.0, FLT_MAX, &nearest_upper), nearest);
	violations +=
	    check_bound("list, as boxes", family,
	                pgface_index_list_box_bound_squared(&list, &probe, -1.0, FLT_MAX), nearest);
	violations +=
	    check_bound("box", family, pgface_index_box_bound_squared(&box, &probe, FLT_MAX), nearest);

	columns = as_columns(points, NEIGHBOURS, &store);
	found = pgface_index_columns_within(&columns, &probe, INFINITY, NULL, survivors, bounds);
	violations += found != NEIGHBOURS;
	for (int k = 0; k < found; k++)
		violations += check_bound("columns", family, bounds[k], distance[survivors[k]]);
	for (int i = 0; i < NEIGHBOURS; i++)
	{
		float limit = pgface_index_float_at_least(pgface_index_stop_squared(distance[i]));
		bool kept = false;

		found = pgface_index_columns_within(&columns, &probe, limit, NULL, survivors, bounds);
		for (int k = 0; k < found; k++)
			kept = kept || survivors[k] == i;
		if (!kept && violations++ < 10)
			printf("#   columns at the face's own distance %.9g, family %d: pruned\n", distance[i],
			       family);
	}
	return violations;
}

/* Many probes of every family: not one bound above its distance. */
static void
bounds_never_exceed_the_distance(void)
{
	int violations = 0;

	for (int round = 0; round < 60; round++)
		for (int family = 0; family <= 5; family++)
		{
			float q[PGFACE_MAX_DIMS];

			make_probe(family, q);
			violations += violations_near(family, q);
		}
	CHECK(violations == 0);
}

/*
 * Faces built to be hard: equal to the probe (distance 0), all zeros, all at
 * +-FLT_MAX, a probe of FLT_MAX against one of -FLT_MAX, and faces a float step
 * from such probes.
 */
static void
bounds_hold_on_edge_embeddings(void)
{
	const pgface_embedding_statistics *stats = statistics();
	static const float fills[] = {0.0f, FLT_MAX, -FLT_MAX, 3e38f, 1e19f, -1e19f, FLT_TRUE_MIN};
	static float gap_table[PGFACE_INDEX_AXES][256];
	int violations = 0;

	for (size_t p = 0; p < sizeof(fills) / sizeof(fills[0]); p++)
		for (size_t f = 0; f < sizeof(fills) / sizeof(fills[0]); f++)
			for (int nudge = 0; nudge < 3; nudge++)
			{
				float q[PGFACE_MAX_DIMS];
				float x[PGFACE_MAX_DIMS];
				pgface_index_point point;
				pgface_index_probe probe;
				pgface_index_box box;
				double distance;

				for (int d = 0; d < stats->dims; d++)
				{
					q[d] = d % 2 && fills[p] == FLT_MAX ? -fills[p] : fills[p];
					x[d] = nudge == 0 ? q[d] : fills[f];
					if (nudge == 2 && d % 3 == 0)
						x[d] = nextafterf(x[d], 0.0f);
				}
				pgface_index_probe_prepare(stats, q, &probe);
				pgface_index_probe_fill_gap_table(&probe, gap_table);
				pgface_index_encode_point(stats, x, &point);
				pgface_index_box_of_point(&point, &box);
				distance = true_distance(q, x, stats->dims);
				violations += check_bound(
				    "edge point", 9, pgface_index_point_bound_squared(&point, &probe), distance);
				violations += check_bound(
				    "edge box", 9, pgface_index_box_bound_squared(&box, &probe, FLT_MAX), distance);
				if (nudge == 0)
					CHECK(pgface_index_point_bound_squared(&point, &probe) == 0.0f);
			}
	CHECK(violations == 0);
}

/*
 * The margins: a bound is lowered and a radius raised, never the other way;
 * a radius rounds up to float; bounds past float's range become FLT_MAX.
 */
static void
slack_only_widens(void)
{
	for (double d = 1e-12; d < 1e150; d *= 7.3)
	{
		CHECK(pgface_index_safe_lower_bound(d * d) <= d);
		CHECK(pgface_index_stop_squared(d) >= d * d);
		CHECK((double) pgface_index_float_at_least(d) >= d || d > FLT_MAX);
	}
	CHECK(pgface_index_safe_lower_bound(0.0) == 0.0);
	CHECK(pgface_index_float_at_least(INFINITY) == INFINITY);
	CHECK(pgface_index_capped_bound(INFINITY) == FLT_MAX);
	CHECK(pgface_index_capped_bound(NAN) == FLT_MAX);
	CHECK(pgface_index_capped_bound(2.5) == 2.5);
}

/* Codes stay within +-127, a face's own code bounds it at 0, and a list keeps what is set in it. */
static void
codes_in_range_and_lists_round_trip(void)
{
	const pgface_embedding_statistics *stats = statistics();
	float residuals[3];
	int8_t codes[PGFACE_INDEX_BLOCKS][3][PGFACE_INDEX_BLOCK];
	pgface_index_point_list list = {3, residuals, &codes[0][0][0]};

	for (int round = 0; round < 30; round++)
	{
		float q[PGFACE_MAX_DIMS];
		pgface_index_point point;
		pgface_index_point back;
		bool in_range = true;

		make_probe(round % 6, q);
		pgface_index_encode_point(stats, q, &point);
		for (int a = 0; a < PGFACE_INDEX_AXES; a++)
			in_range = in_range && point.code[a] >= -PGFACE_INDEX_CODE_LIMIT; /* and <= 127 */
		CHECK(in_range);
		CHECK(point.residual >= 0.0f && isfinite(point.residual));
		pgface_index_list_set(&list, round % 3, &point);
		pgface_index_list_get(&list, round % 3, &back);
		CHECK(memcmp(&point, &back, sizeof(point)) == 0);
	}
}

const unit_test index_bounds_tests[] = {
    {"index bounds never exceed the distance (real and hostile embeddings)",
     bounds_never_exceed_the_distance},
    {"index bounds hold on edge embeddings (zeros, +-FLT_MAX, 1e19, denormals)",
     bounds_hold_on_edge_embeddings},
    {"index slack only widens", slack_only_widens},
    {"index codes in range, point lists round-trip", codes_in_range_and_lists_round_trip},
    {NULL, NULL}};
