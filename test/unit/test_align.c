/*
 * test_align.c: dlib's chip from a pyramid whose levels are computed only where the chip
 * reads them. Every allocation is filled with a pattern, once 0x00 and once 0xff: a chip
 * that read a level pixel outside its window would differ between the two. And the chip
 * must not depend on the photo outside the rectangle it is cut from.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/runtime.h"
#include "face/align.h"
#include "unit.h"
#include "unit_random.h"

static int fill_byte;

/* malloc, its bytes set to fill_byte, so that what is never written is seen. */
static void *
filled_alloc(size_t size)
{
	void *p = malloc(size);

	if (p != NULL)
		memset(p, fill_byte, size);
	return p;
}

static void
plain_check_interrupts(void)
{
}

/* 68 landmarks scattered over a square of side `side` at (x, y), turned by `turn` radians. */
static void
face_at(double x, double y, double side, double turn, uint64_t *state, pgface_point *landmarks)
{
	for (int i = 0; i < PGFACE_LANDMARKS; i++)
	{
		double u = (unit_random_uniform(state) - 0.5) * side;
		double v = (unit_random_uniform(state) - 0.5) * side;

		landmarks[i].x = x + u * cos(turn) - v * sin(turn);
		landmarks[i].y = y + u * sin(turn) + v * cos(turn);
	}
}

/* The dlib chip of a face, with allocations filled with fill. */
static pgface_code
chip_with_fill(const pgface_image *image, const pgface_point *landmarks, int fill, float *chip)
{
	static const pgface_chip_template chip_template = {150, 0.25};
	pgface_runtime runtime = {filled_alloc, realloc, free, plain_check_interrupts};
	pgface_status status = {PGFACE_OK, ""};
	pgface_code code;

	fill_byte = fill;
	pgface_set_runtime(&runtime);
	code = pgface_align_face(image, landmarks, PGFACE_ALIGN_DLIB, &chip_template, chip, &status);
	pgface_set_runtime(NULL);
	return code;
}

static void
pyramid_windows_hold_every_pixel_the_chip_reads(void)
{
	/* faces from under one halving to three, upright and turned, inside and over an edge */
	static const double faces[][4] = {
	    {450, 350, 200, 0.0}, {450, 350, 420, 0.0},  {450, 350, 700, 0.4}, {120, 100, 500, -0.3},
	    {880, 690, 450, 1.2}, {450, 350, 1400, 0.1}, {30, 650, 900, 2.5}};
	pgface_image image = {900, 700, NULL};
	size_t bytes = (size_t) 900 * 700 * 3;
	uint64_t state = 47;
	static float zeros[150 * 150 * 3], ones[150 * 150 * 3], moved[150 * 150 * 3];

	image.rgb = malloc(bytes);
	for (size_t i = 0; i < bytes; i++)
		image.rgb[i] = (uint8_t) (unit_random_uniform(&state) * 256.0);
	for (size_t f = 0; f < sizeof(faces) / sizeof(faces[0]); f++)
	{
		pgface_point landmarks[PGFACE_LANDMARKS];

		face_at(faces[f][0], faces[f][1], faces[f][2], faces[f][3], &state, landmarks);
		CHECK(chip_with_fill(&image, landmarks, 0x00, zeros) == PGFACE_OK);
		CHECK(chip_with_fill(&image, landmarks, 0xff, ones) == PGFACE_OK);
		CHECK(memcmp(zeros, ones, sizeof(zeros)) == 0);
	}
	/* far from a small face, the photo can change without the chip changing */
	{
		pgface_point landmarks[PGFACE_LANDMARKS];

		face_at(200, 200, 360, 0.2, &state, landmarks);
		CHECK(chip_with_fill(&image, landmarks, 0x00, zeros) == PGFACE_OK);
		for (int y = 0; y < 700; y++)
			for (int x = 600; x < 900; x++)
				image.rgb[((size_t) y * 900 + x) * 3] ^= 0x5a;
		CHECK(chip_with_fill(&image, landmarks, 0x00, moved) == PGFACE_OK);
		CHECK(memcmp(zeros, moved, sizeof(zeros)) == 0);
	}
	free(image.rgb);
}

const unit_test align_tests[] = {
    {"align: the pyramid's windows hold every pixel dlib's chip reads",
     pyramid_windows_hold_every_pixel_the_chip_reads},
    {NULL, NULL},
};
