/*
 * test_quality.c: the head pose fit and the chip's sharpness and exposure.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "face/quality.h"
#include "unit.h"

#define RADIANS(degrees) ((degrees) *M_PI / 180.0)

/*
 * The mean face turned by yaw, pitch and roll (Rz Ry Rx, degrees), scaled and moved, and
 * seen by a scaled orthographic camera: the landmarks a perfect detector would give. Only
 * the fit's points are set; the rest lie at the centre.
 */
static void
project_mean_face(double yaw, double pitch, double roll, double scale, pgface_point *landmarks)
{
	double cy = cos(RADIANS(yaw)), sy = sin(RADIANS(yaw));
	double cp = cos(RADIANS(pitch)), sp = sin(RADIANS(pitch));
	double cr = cos(RADIANS(roll)), sr = sin(RADIANS(roll));

	for (int i = 0; i < 68; i++)
	{
		double p[3], x, y, z, x2, z2;

		landmarks[i].x = 300.0;
		landmarks[i].y = 200.0;
		if (!pgface_mean_face_point(i, p))
			continue;
		/* Rx(pitch), then Ry(yaw), then Rz(roll) */
		y = p[1] * cp - p[2] * sp;
		z = p[1] * sp + p[2] * cp;
		x = p[0];
		x2 = x * cy + z * sy;
		z2 = -x * sy + z * cy;
		(void) z2;
		landmarks[i].x = 300.0 + scale * (x2 * cr - y * sr);
		landmarks[i].y = 200.0 - scale * (x2 * sr + y * cr); /* the photo's y points down */
	}
}

/* Known poses come back from their landmarks, each angle within a tenth of a degree. */
static void
pose_is_recovered(void)
{
	const double poses[][3] = {{0, 0, 0},      {30, 0, 0},   {-45, 0, 0}, {0, 20, 0},
	                           {0, -25, 0},    {0, 0, 15},   {0, 0, -60}, {25, -15, 10},
	                           {-35, 20, -30}, {10, 10, 170}};

	for (size_t i = 0; i < sizeof(poses) / sizeof(poses[0]); i++)
	{
		pgface_point landmarks[68];
		double yaw, pitch, roll;

		project_mean_face(poses[i][0], poses[i][1], poses[i][2], 0.2 + 0.1 * i, landmarks);
		pgface_head_pose(landmarks, &yaw, &pitch, &roll);
		CHECK(fabs(yaw - poses[i][0]) < 0.1);
		CHECK(fabs(pitch - poses[i][1]) < 0.1);
		CHECK(fabs(roll - poses[i][2]) < 0.1);
	}
}

/* The signs as documented: a nose to the photo's right is positive yaw, down positive pitch. */
static void
pose_signs_follow_the_photo(void)
{
	pgface_point landmarks[68];
	double yaw, pitch, roll;

	project_mean_face(0, 0, 0, 0.3, landmarks);
	landmarks[30].x += 20.0; /* nose to the right */
	pgface_head_pose(landmarks, &yaw, &pitch, &roll);
	CHECK(yaw > 5.0);
	project_mean_face(0, 0, 0, 0.3, landmarks);
	landmarks[30].y += 20.0; /* nose down */
	pgface_head_pose(landmarks, &yaw, &pitch, &roll);
	CHECK(pitch > 5.0);
	/* the right eye higher in the photo than the left: leaning counter-clockwise */
	project_mean_face(0, 0, 20, 0.3, landmarks);
	CHECK(landmarks[45].y < landmarks[36].y);
	pgface_head_pose(landmarks, &yaw, &pitch, &roll);
	CHECK(roll > 19.0);
}

/* Landmarks on one point or one line give NaN, not a made-up pose. */
static void
degenerate_landmarks_give_nan(void)
{
	pgface_point landmarks[68];
	double yaw, pitch, roll;

	for (int i = 0; i < 68; i++)
		landmarks[i].x = landmarks[i].y = 5.0;
	pgface_head_pose(landmarks, &yaw, &pitch, &roll);
	CHECK(isnan(yaw) && isnan(pitch) && isnan(roll));
	for (int i = 0; i < 68; i++)
		landmarks[i].x = i, landmarks[i].y = 2.0 * i;
	pgface_head_pose(landmarks, &yaw, &pitch, &roll);
	CHECK(isnan(yaw) && isnan(pitch) && isnan(roll));
}

/* A 64x64 photo of a smooth pattern, or of the same in flat 8x8 blocks, shifted by offset. */
static pgface_image
photo_of(int blocky, int offset)
{
	pgface_image photo = {64, 64, malloc(64 * 64 * 3)};

	for (int y = 0; y < 64; y++)
		for (int x = 0; x < 64; x++)
		{
			int sx = blocky ? ((x + offset) / 8) * 8 : x + offset, sy = blocky ? (y / 8) * 8 : y;
			double v = 128.0 + 60.0 * sin(sx * 0.37) * cos(sy * 0.23);
			for (int c = 0; c < 3; c++)
				photo.rgb[(y * 64 + x) * 3 + c] = (uint8_t) v;
		}
	return photo;
}

/* A chip of stripes, sharp or smoothed, bright or dark. */
static float *
stripes(int size, double period, double level, double amplitude)
{
	float *chip = malloc(sizeof(float) * size * size * 3);

	for (int y = 0; y < size; y++)
		for (int x = 0; x < size; x++)
			for (int c = 0; c < 3; c++)
				chip[((size_t) y * size + x) * 3 + c] =
				    (float) (level + amplitude * sin(2.0 * M_PI * (x + 0.5 * y) / period));
	return chip;
}

/*
 * Finer detail is sharper, and sharpness ignores the exposure: the same stripes darker and
 * flatter keep it, while brightness and contrast follow the exposure.
 */
static void
chip_sharpness_and_exposure(void)
{
	const pgface_box box = {0, 0, 100, 100, 0.9};
	pgface_point landmarks[68];
	pgface_face_quality fine, coarse, dark;
	pgface_image photo = photo_of(0, 0);
	float *fine_chip = stripes(150, 4.0, 128.0, 60.0);
	float *coarse_chip = stripes(150, 16.0, 128.0, 60.0);
	float *dark_chip = stripes(150, 4.0, 32.0, 15.0);

	project_mean_face(0, 0, 0, 0.2, landmarks);
	pgface_face_quality_measure(&photo, &box, landmarks, fine_chip, 150, NULL, &fine);
	pgface_face_quality_measure(&photo, &box, landmarks, coarse_chip, 150, NULL, &coarse);
	pgface_face_quality_measure(&photo, &box, landmarks, dark_chip, 150, NULL, &dark);
	CHECK(fine.sharpness > 3.0 * coarse.sharpness);
	CHECK(fabs(dark.sharpness - fine.sharpness) < 1e-3 * fine.sharpness);
	CHECK(fabs(fine.brightness - 128.0) < 2.0 && fabs(dark.brightness - 32.0) < 1.0);
	CHECK(fabs(dark.contrast * 4.0 - fine.contrast) < 1e-3 * fine.contrast);
	CHECK(fine.detector_score == 0.9 && isnan(fine.score));
	free(fine_chip);
	free(coarse_chip);
	free(dark_chip);
	free(photo.rgb);
}

/* JPEG-like 8x8 blocks stand out wherever the grid falls; a smooth photo has none. */
static void
blocks_are_seen_at_any_phase(void)
{
	const pgface_box box = {2, 3, 60, 58, 0.9};
	pgface_point landmarks[68];
	float *chip = stripes(150, 4.0, 128.0, 60.0);
	pgface_face_quality smooth, blocks, shifted;
	pgface_image smooth_photo = photo_of(0, 0), block_photo = photo_of(1, 0),
	             shifted_photo = photo_of(1, 3);

	project_mean_face(0, 0, 0, 0.2, landmarks);
	pgface_face_quality_measure(&smooth_photo, &box, landmarks, chip, 150, NULL, &smooth);
	pgface_face_quality_measure(&block_photo, &box, landmarks, chip, 150, NULL, &blocks);
	pgface_face_quality_measure(&shifted_photo, &box, landmarks, chip, 150, NULL, &shifted);
	CHECK(smooth.blockiness < 1.3);
	CHECK(blocks.blockiness > 3.0);
	CHECK(shifted.blockiness > 3.0);
	free(chip);
	free(smooth_photo.rgb);
	free(block_photo.rgb);
	free(shifted_photo.rgb);
}

/* A calibration with positive weights scores a worse face lower, within 0 to 1. */
static void
worse_components_score_lower(void)
{
	const pgface_quality_calibration calibration = {-4.0,
	                                                {0.5, 0.2, 0.2, 0.1, 0.4, 0.3, 0.3, 0.2, 1.0}};
	const pgface_box box = {0, 0, 100, 100, 0.9};
	pgface_point landmarks[68], small[68];
	pgface_face_quality good, turned, tiny;
	pgface_image photo = photo_of(0, 0);
	float *chip = stripes(150, 4.0, 128.0, 60.0);

	project_mean_face(0, 0, 0, 0.3, landmarks);
	pgface_face_quality_measure(&photo, &box, landmarks, chip, 150, &calibration, &good);
	project_mean_face(40, 0, 0, 0.3, landmarks);
	pgface_face_quality_measure(&photo, &box, landmarks, chip, 150, &calibration, &turned);
	project_mean_face(0, 0, 0, 0.05, small);
	pgface_face_quality_measure(&photo, &box, small, chip, 150, &calibration, &tiny);
	CHECK(good.score > 0.0 && good.score < 1.0);
	CHECK(turned.score < good.score);
	CHECK(tiny.eye_distance < good.eye_distance && tiny.score < good.score);
	free(chip);
	free(photo.rgb);
}

/* Every feature is written: a good face's are finite, and a worse one raises its own. */
static void
every_feature_is_set(void)
{
	pgface_face_quality good = {.eye_distance = 64,
	                            .sharpness = 1.0,
	                            .brightness = 128,
	                            .contrast = 48,
	                            .detector_score = 1.0,
	                            .blockiness = 1.0};
	pgface_face_quality worse = {.eye_distance = 16,
	                             .yaw = 30,
	                             .pitch = -20,
	                             .roll = 10,
	                             .sharpness = 0.25,
	                             .brightness = 40,
	                             .contrast = 12,
	                             .detector_score = 0.5,
	                             .blockiness = 4.0};
	double a[PGFACE_QUALITY_FEATURES], b[PGFACE_QUALITY_FEATURES];

	for (int i = 0; i < PGFACE_QUALITY_FEATURES; i++)
		a[i] = b[i] = NAN;
	pgface_quality_features(&good, a);
	pgface_quality_features(&worse, b);
	for (int i = 0; i < PGFACE_QUALITY_FEATURES; i++)
	{
		CHECK(isfinite(a[i]) && isfinite(b[i]));
		if (i != 6) /* glare: neither is overexposed */
			CHECK(b[i] > a[i]);
	}
}

const unit_test quality_tests[] = {
    {"every_feature_is_set", every_feature_is_set},
    {"pose_is_recovered", pose_is_recovered},
    {"pose_signs_follow_the_photo", pose_signs_follow_the_photo},
    {"degenerate_landmarks_give_nan", degenerate_landmarks_give_nan},
    {"chip_sharpness_and_exposure", chip_sharpness_and_exposure},
    {"blocks_are_seen_at_any_phase", blocks_are_seen_at_any_phase},
    {"worse_components_score_lower", worse_components_score_lower},
    {NULL, NULL},
};
