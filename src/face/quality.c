/*
 * quality.c: a face's quality components and the combined score.
 *
 * The components are physical (pixels, degrees, grey levels), so that a user can set a
 * cut on each and an error can say what is wrong. The combined score is not weighted by
 * hand: each component becomes a "badness" feature (0 for a good face, growing as it
 * worsens), and a logistic model of whether a comparison of two faces fails at the
 * model's tau, fitted on LFW (test/bench/quality.js, doc/quality.md), weighs them. A pair's
 * logit is the intercept plus both faces' weighted sums; a face's score is the chance that
 * comparing it with a face of the same quality succeeds.
 */
#include "face/quality.h"

#include <math.h>

/*
 * A mean face in 3D (x right, y up, z toward the camera, nose tip at the origin, in
 * arbitrary units): the six points that anthropometric head models commonly use, and the
 * 68-point scheme's index of each.
 */
static const struct
{
	int landmark;
	double x, y, z;
} mean_face_3d[] = {
    {30, 0.0, 0.0, 0.0},          /* nose tip */
    {8, 0.0, -330.0, -65.0},      /* chin */
    {36, -225.0, 170.0, -135.0},  /* outer corner of the eye on the photo's left */
    {45, 225.0, 170.0, -135.0},   /* outer corner of the other eye */
    {48, -150.0, -150.0, -125.0}, /* mouth corner on the photo's left */
    {54, 150.0, -150.0, -125.0},  /* the other mouth corner */
};
#define MEAN_FACE_POINTS ((int) (sizeof(mean_face_3d) / sizeof(mean_face_3d[0])))

int
pgface_mean_face_point(int landmark, double point[3])
{
	for (int i = 0; i < MEAN_FACE_POINTS; i++)
		if (mean_face_3d[i].landmark == landmark)
		{
			point[0] = mean_face_3d[i].x;
			point[1] = mean_face_3d[i].y;
			point[2] = mean_face_3d[i].z;
			return 1;
		}
	return 0;
}

#define DEGREES(radians) ((radians) *180.0 / M_PI)

/* The inverse of a symmetric 3x3 matrix by cofactors; 0 when it is (nearly) singular. */
static int
invert_3x3(const double m[3][3], double inverse[3][3])
{
	double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
	             m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
	             m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);

	if (!isfinite(det) || fabs(det) < 1e-9)
		return 0;
	for (int r = 0; r < 3; r++)
		for (int c = 0; c < 3; c++)
		{
			/* cofactor of (c, r): the transpose of the cofactor matrix */
			int r0 = (c + 1) % 3, r1 = (c + 2) % 3, c0 = (r + 1) % 3, c1 = (r + 2) % 3;
			inverse[r][c] = (m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0]) / det;
		}
	return 1;
}

/*
 * A scaled orthographic camera is enough for a face: its depth is small against its
 * distance from the lens. The 2x3 projection that best maps the centred mean face onto the
 * centred landmarks (least squares) holds the rotation's first two rows times the scale;
 * made orthonormal, their cross product is the third, and the rotation gives the angles.
 * Degenerate landmarks (all on a line) give NaN.
 */
void
pgface_head_pose(const pgface_point *landmarks, double *yaw, double *pitch, double *roll)
{
	double model_mean[3] = {0}, image_mean[2] = {0};
	double xx[3][3] = {{0}}, ux[2][3] = {{0}}, xx_inverse[3][3];
	double a[2][3] = {{0}}, r1[3], r2[3], r3[3], norm, dot;

	*yaw = *pitch = *roll = NAN;
	for (int i = 0; i < MEAN_FACE_POINTS; i++)
	{
		const pgface_point *p = &landmarks[mean_face_3d[i].landmark];
		model_mean[0] += mean_face_3d[i].x / MEAN_FACE_POINTS;
		model_mean[1] += mean_face_3d[i].y / MEAN_FACE_POINTS;
		model_mean[2] += mean_face_3d[i].z / MEAN_FACE_POINTS;
		image_mean[0] += p->x / MEAN_FACE_POINTS;
		image_mean[1] -= p->y / MEAN_FACE_POINTS; /* the photo's y points down */
	}
	for (int i = 0; i < MEAN_FACE_POINTS; i++)
	{
		const pgface_point *p = &landmarks[mean_face_3d[i].landmark];
		double x[3] = {mean_face_3d[i].x - model_mean[0], mean_face_3d[i].y - model_mean[1],
		               mean_face_3d[i].z - model_mean[2]};
		double u[2] = {p->x - image_mean[0], -p->y - image_mean[1]};

		for (int r = 0; r < 3; r++)
			for (int c = 0; c < 3; c++)
				xx[r][c] += x[r] * x[c];
		for (int r = 0; r < 2; r++)
			for (int c = 0; c < 3; c++)
				ux[r][c] += u[r] * x[c];
	}
	if (!invert_3x3(xx, xx_inverse))
		return;
	for (int r = 0; r < 2; r++)
		for (int c = 0; c < 3; c++)
			for (int k = 0; k < 3; k++)
				a[r][c] += ux[r][k] * xx_inverse[k][c];

	norm = sqrt(a[0][0] * a[0][0] + a[0][1] * a[0][1] + a[0][2] * a[0][2]);
	if (!(norm > 1e-12))
		return;
	for (int c = 0; c < 3; c++)
		r1[c] = a[0][c] / norm;
	dot = a[1][0] * r1[0] + a[1][1] * r1[1] + a[1][2] * r1[2];
	for (int c = 0; c < 3; c++)
		r2[c] = a[1][c] - dot * r1[c];
	norm = sqrt(r2[0] * r2[0] + r2[1] * r2[1] + r2[2] * r2[2]);
	if (!(norm > 1e-12))
		return;
	for (int c = 0; c < 3; c++)
		r2[c] /= norm;
	r3[0] = r1[1] * r2[2] - r1[2] * r2[1];
	r3[1] = r1[2] * r2[0] - r1[0] * r2[2];
	r3[2] = r1[0] * r2[1] - r1[1] * r2[0];

	/* rotation = Rz(roll) Ry(yaw) Rx(pitch); Rx's positive sense turns the nose down */
	*yaw = DEGREES(atan2(-r3[0], sqrt(r3[1] * r3[1] + r3[2] * r3[2])));
	*pitch = DEGREES(atan2(r3[1], r3[2]));
	*roll = DEGREES(atan2(r2[0], r1[0]));
}

/* The eye's centre: the mean of its six landmarks. */
static pgface_point
eye_centre(const pgface_point *landmarks, int first)
{
	pgface_point centre = {0.0, 0.0};

	for (int i = first; i < first + 6; i++)
	{
		centre.x += landmarks[i].x / 6.0;
		centre.y += landmarks[i].y / 6.0;
	}
	return centre;
}

/* The grey level of an RGB pixel (ITU-R BT.601's weights), for the chip's floats and a photo's
 * bytes alike. */
static inline double
grey_level(double red, double green, double blue)
{
	return 0.299 * red + 0.587 * green + 0.114 * blue;
}

/*
 * Sharpness and exposure over the face's part of the chip (the middle two thirds, where
 * dlib's chip holds the face inside its padding; the corners are background). Sharpness is
 * the Laplacian's standard deviation over the grey level's: blur and a small face
 * upsampled into the chip lower it, and a darker or flatter photo of the same sharpness
 * keeps it.
 */
static void
measure_chip(const float *chip, int size, pgface_face_quality *quality)
{
	int from = size / 6, to = size - size / 6;
	double sum = 0.0, sum_squares = 0.0, laplacian_sum = 0.0, laplacian_squares = 0.0;
	double n = 0.0, variance, laplacian_variance;

#define GREY(x, y)                                                                                 \
	grey_level(chip[((size_t) (y) *size + (x)) * 3], chip[((size_t) (y) *size + (x)) * 3 + 1],     \
	           chip[((size_t) (y) *size + (x)) * 3 + 2])
	if (from < 1)
		from = 1;
	if (to > size - 1)
		to = size - 1;
	for (int y = from; y < to; y++)
		for (int x = from; x < to; x++)
		{
			double g = GREY(x, y);
			double laplacian =
			    4.0 * g - GREY(x - 1, y) - GREY(x + 1, y) - GREY(x, y - 1) - GREY(x, y + 1);
			sum += g;
			sum_squares += g * g;
			laplacian_sum += laplacian;
			laplacian_squares += laplacian * laplacian;
			n += 1.0;
		}
#undef GREY
	if (n == 0.0)
	{
		quality->brightness = quality->contrast = quality->sharpness = 0.0;
		return;
	}
	quality->brightness = sum / n;
	variance = fmax(sum_squares / n - quality->brightness * quality->brightness, 0.0);
	laplacian_variance =
	    fmax(laplacian_squares / n - (laplacian_sum / n) * (laplacian_sum / n), 0.0);
	quality->contrast = sqrt(variance);
	quality->sharpness =
	    quality->contrast > 1e-6 ? sqrt(laplacian_variance) / quality->contrast : 0.0;
}

/*
 * Each feature is 0 or near it for a good face and grows as a component worsens, in
 * units where one step is a clear change (a halving of the face, ten degrees, a halving of
 * the sharpness), so that the fitted weights compare. A pose that could not be fitted
 * counts as turned 90 degrees.
 */
void
pgface_quality_features(const pgface_face_quality *quality,
                        double features[PGFACE_QUALITY_FEATURES])
{
	double yaw = isfinite(quality->yaw) ? fabs(quality->yaw) : 90.0;
	double pitch = isfinite(quality->pitch) ? fabs(quality->pitch) : 90.0;
	double roll = isfinite(quality->roll) ? fabs(quality->roll) : 90.0;

	features[0] = log2(64.0 / fmax(quality->eye_distance, 1.0)); /* smallness */
	features[1] = yaw / 10.0;
	features[2] = pitch / 10.0;
	features[3] = roll / 10.0;
	features[4] = log2(1.0 / fmax(quality->sharpness, 1e-3));    /* blur */
	features[5] = fmax(0.0, 96.0 - quality->brightness) / 32.0;  /* darkness */
	features[6] = fmax(0.0, quality->brightness - 192.0) / 32.0; /* glare */
	features[7] = log2(48.0 / fmax(quality->contrast, 1.0));     /* flatness */
	features[8] = 1.0 - quality->detector_score;                 /* doubt */
	features[9] = log2(fmax(quality->blockiness, 1.0));          /* compression */
}

/*
 * The mean absolute step between neighbouring grey levels, by the phase of its position
 * modulo 8, across columns and across rows of the face's box: JPEG's blocks put their
 * edges at one phase. The phase is not assumed (an EXIF turn or a crop moves the grid):
 * the strongest phase is compared with the mean of the other seven.
 */
static double
measure_blockiness(const pgface_image *photo, const pgface_box *box)
{
	int x0 = (int) fmax(0.0, floor(box->x)), y0 = (int) fmax(0.0, floor(box->y));
	int x1 = (int) fmin((double) photo->width, ceil(box->x + box->width));
	int y1 = (int) fmin((double) photo->height, ceil(box->y + box->height));
	double steps[2][8] = {{0}};
	double counts[2][8] = {{0}};
	double ratio = 0.0;

#define PHOTO_GREY(x, y)                                                                           \
	grey_level(photo->rgb[((size_t) (y) *photo->width + (x)) * 3],                                 \
	           photo->rgb[((size_t) (y) *photo->width + (x)) * 3 + 1],                             \
	           photo->rgb[((size_t) (y) *photo->width + (x)) * 3 + 2])
	/*
	 * A large face's box is read a pair of rows in every few: an odd step, so that the
	 * pairs' phases still cycle through all eight; boxes up to 255 rows are read whole.
	 */
	int row_step = ((y1 - y0) / 128) | 1;

	if (x1 - x0 < 17 || y1 - y0 < 17)
		return 1.0; /* too few blocks to tell */
	for (int y = y0; y < y1 - 1; y += row_step)
		for (int x = x0; x < x1 - 1; x++)
		{
			double g = PHOTO_GREY(x, y);
			steps[0][x % 8] += fabs(PHOTO_GREY(x + 1, y) - g); /* across the column edge after x */
			counts[0][x % 8] += 1.0;
			steps[1][y % 8] += fabs(PHOTO_GREY(x, y + 1) - g);
			counts[1][y % 8] += 1.0;
		}
#undef PHOTO_GREY
	for (int axis = 0; axis < 2; axis++)
	{
		double strongest = 0.0, total = 0.0;

		for (int phase = 0; phase < 8; phase++)
		{
			double mean = steps[axis][phase] / counts[axis][phase];
			total += mean;
			strongest = fmax(strongest, mean);
		}
		/* a flat box has no steps: no blocks to see; flat blocks, steps at one phase only */
		if (strongest < 1e-9)
			ratio += 1.0;
		else
			ratio += strongest / fmax((total - strongest) / 7.0, strongest / 100.0);
	}
	return ratio / 2.0;
}

void
pgface_face_quality_measure(const pgface_image *photo, const pgface_box *box,
                            const pgface_point *landmarks, const float *chip, int chip_size,
                            const pgface_quality_calibration *calibration,
                            pgface_face_quality *quality)
{
	pgface_point left = eye_centre(landmarks, 36), right = eye_centre(landmarks, 42);
	double features[PGFACE_QUALITY_FEATURES];
	double logit;

	quality->eye_distance = hypot(right.x - left.x, right.y - left.y);
	pgface_head_pose(landmarks, &quality->yaw, &quality->pitch, &quality->roll);
	measure_chip(chip, chip_size, quality);
	quality->blockiness = measure_blockiness(photo, box);
	quality->detector_score = box->score;
	quality->score = NAN;
	if (calibration == NULL)
		return;
	pgface_quality_features(quality, features);
	logit = calibration->intercept;
	for (int i = 0; i < PGFACE_QUALITY_FEATURES; i++)
		logit += 2.0 * calibration->weights[i] * features[i];
	quality->score = 1.0 / (1.0 + exp(logit)); /* 1 - P(fail) */
}
