/*
 * bands.c: the ends of an ordered scan's bands (see bands.h).
 */
#include "index/bands.h"

#include <math.h>

#include "index/slack.h"

#define FIRST_BAND_MARGIN 1.21f /* squared: 1.1 in distance */

/*
 * The executor returns the nearest face only after the index has handed out a
 * bound at least as large as its distance, so a band that ended at the
 * estimate would need a second pass for every LIMIT 1 query; the margin (a
 * tenth, in distance) almost always holds such a bound. Rows handed out by
 * exact distance go out as soon as no unread bound is below them, so their
 * band ends past the estimate by just the rounding margin of bounds.
 */
float
pgface_index_first_band_end(float nearest_upper, bool exact_order)
{
	if (isinf(nearest_upper))
		return INFINITY;
	if (exact_order)
	{
		double estimate = sqrt(nearest_upper);

		return pgface_index_float_at_least(
		    pgface_index_stop_squared(estimate * (1.0 + 1e-6) + 1e-6));
	}
	return nearest_upper * FIRST_BAND_MARGIN;
}

/*
 * Eight times the share of impostors within the last band (at least 64
 * faces' worth), and always at least a tenth further out in distance.
 */
float
pgface_index_next_band(const pgface_embedding_statistics *stats, double faces, float low)
{
	double share = pgface_impostor_fraction(stats, sqrt(low > 0.0f ? low : 0.0f));
	double target = share * 8.0 > 64.0 / faces ? share * 8.0 : 64.0 / faces;
	double high;
	double floor_squared = (double) low * 1.21 + 1e-4;

	if (target >= 1.0)
		return INFINITY;
	high = pgface_impostor_distance(stats, target);
	return pgface_index_float_at_least(high * high > floor_squared ? high * high : floor_squared);
}
