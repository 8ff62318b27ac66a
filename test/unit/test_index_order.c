/*
 * test_index_order.c: the index core's shaping of scans and trees: face_va's
 * bands only widen and never end before the nearest face's estimate; GiST's
 * split axis and sorted-build order follow the axes that carry the most distance.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "face/embedding.h"
#include "face/model_registry.h"
#include "index/bands.h"
#include "index/slack.h"
#include "index/tree_order.h"
#include "unit.h"

/* Each band ends past the last one's end, and at infinity once it would hold every face. */
static void
bands_widen_until_they_hold_everything(void)
{
	const pgface_embedding_statistics *stats =
	    pgface_embedding_statistics_lookup(PGFACE_MODEL_DEFAULT);
	float low = 0.0f;
	int passes = 0;

	while (!isinf(low) && passes < 1000)
	{
		float high = pgface_index_next_band(stats, 1e6, low);

		CHECK(high > low);
		low = high;
		passes++;
	}
	CHECK(isinf(low));
	CHECK(passes > 2 && passes < 100);
	CHECK(isinf(pgface_index_next_band(stats, 10.0, 0.0f))); /* 64 faces' worth: all of them */
}

/* The first band ends at or past the estimate, as far as the bounds' margin asks at least. */
static void
first_band_ends_past_the_estimate(void)
{
	for (float estimate = 1e-6f; estimate < 1e30f; estimate *= 13.7f)
	{
		float exact = pgface_index_first_band_end(estimate, true);

		CHECK(exact >= estimate);
		CHECK(exact >= pgface_index_stop_squared(sqrt(estimate)) || exact > FLT_MAX / 2);
		CHECK(pgface_index_first_band_end(estimate, false) >= estimate);
	}
	CHECK(isinf(pgface_index_first_band_end(INFINITY, true)));
	CHECK(isinf(pgface_index_first_band_end(INFINITY, false)));
}

/* Bins grow with the code and span all 256; the first key bit is the widest axis's top bit. */
static void
build_order_follows_the_widest_axes(void)
{
	const pgface_embedding_statistics *stats =
	    pgface_embedding_statistics_lookup(PGFACE_MODEL_DEFAULT);
	pgface_index_build_order order;
	pgface_index_point low;
	pgface_index_point high;
	float centres[2][PGFACE_INDEX_AXES];

	pgface_index_build_order_prepare(stats, &order);
	CHECK(order.bin[(uint8_t) -128] == 0 && order.bin[127] == 255);
	for (int code = -127; code <= 127; code++)
		CHECK(order.bin[(uint8_t) code] >= order.bin[(uint8_t) (code - 1)]);
	CHECK(order.axis[0] == 0 && order.level[0] == 7); /* axis 0 has the largest sigma */

	memset(&low, 0, sizeof(low));
	memset(&high, 0, sizeof(high));
	low.code[0] = -60;
	high.code[0] = 60;
	CHECK(pgface_index_build_order_key(&order, &low) < pgface_index_build_order_key(&order, &high));

	/* The same spread in code units: the axis of the larger sigma is the wider in distance. */
	memset(centres, 0, sizeof(centres));
	centres[1][5] = 10.0f;
	centres[1][40] = 10.0f;
	CHECK(pgface_index_widest_axis(stats, (const float(*)[PGFACE_INDEX_AXES]) centres, 2) == 5);
	centres[1][40] = 1000.0f;
	CHECK(pgface_index_widest_axis(stats, (const float(*)[PGFACE_INDEX_AXES]) centres, 2) == 40);
}

const unit_test index_order_tests[] = {
    {"index bands widen until they hold every face", bands_widen_until_they_hold_everything},
    {"index: the first band ends past the nearest face's estimate",
     first_band_ends_past_the_estimate},
    {"index: split axis and build order follow the widest axes",
     build_order_follows_the_widest_axes},
    {NULL, NULL}};
