/*
 * slack.c: the bounds' margins (see slack.h).
 */
#include "index/slack.h"

#include <float.h>
#include <math.h>

/* A relative 1e-5 and an absolute 1e-5, far above the float rounding of any bound. */
double
pgface_index_safe_lower_bound(double bound_squared)
{
	double bound = sqrt(bound_squared) * (1.0 - 1e-5) - 1e-5;

	return bound > 0.0 ? bound : 0.0;
}

/* The inverse of pgface_index_safe_lower_bound's margin, so the two agree at the radius. */
double
pgface_index_stop_squared(double radius)
{
	double stop = (radius + 1e-5) / (1.0 - 1e-5);

	return stop * stop;
}

/* The nearest float, or the next one up when that rounded down. */
float
pgface_index_float_at_least(double value)
{
	float rounded = (float) value;

	return (double) rounded < value ? nextafterf(rounded, FLT_MAX) : rounded;
}

/* FLT_MAX for anything not below it, NaN included, as the index has always capped. */
double
pgface_index_capped_bound(double bound_squared)
{
	return bound_squared < FLT_MAX ? bound_squared : FLT_MAX;
}
