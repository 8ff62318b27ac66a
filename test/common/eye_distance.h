/*
 * eye_distance.h: the distance between the eye centres of 68 landmarks (the means of
 * points 36-41 and 42-47, iBUG 300-W's scheme), the usual yardstick for landmark errors,
 * so that errors on faces of every size can be put side by side.
 */
#ifndef PGFACE_TEST_EYE_DISTANCE_H
#define PGFACE_TEST_EYE_DISTANCE_H

#include <math.h>

#include "face/landmark_net.h"

static inline double
eye_distance(const pgface_point *points)
{
	double lx = 0, ly = 0, rx = 0, ry = 0;

	for (int i = 36; i < 42; i++)
	{
		lx += points[i].x / 6;
		ly += points[i].y / 6;
		rx += points[i + 6].x / 6;
		ry += points[i + 6].y / 6;
	}
	return hypot(rx - lx, ry - ly);
}

#endif
