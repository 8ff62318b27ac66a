/*
 * test_exif.c: the EXIF orientation tag is found in real JPEG layouts, and
 * each of the eight orientations turns pixels the way EXIF defines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/jpeg_buffer.h"

#include "img/image.h"
#include "unit.h"

static void
finds_the_orientation_tag(void)
{
	static uint8_t pixels[16 * 8 * 3];
	jpeg_buffer jpeg = {0};

	memset(pixels, 128, sizeof(pixels));
	free(jpeg.data);
	jpeg_buffer_encode(&jpeg, pixels, 16, 8, 90);
	CHECK(pgface_jpeg_orientation(jpeg.data, (size_t) jpeg.length) == 1);
	jpeg_buffer_add_orientation(&jpeg, 6, 1);
	CHECK(pgface_jpeg_orientation(jpeg.data, (size_t) jpeg.length) == 6);

	free(jpeg.data);
	jpeg_buffer_encode(&jpeg, pixels, 16, 8, 90);
	jpeg_buffer_add_orientation(&jpeg, 8, 0);
	CHECK(pgface_jpeg_orientation(jpeg.data, (size_t) jpeg.length) == 8);

	/* out-of-range values and truncated segments fall back to 1 */
	free(jpeg.data);
	jpeg_buffer_encode(&jpeg, pixels, 16, 8, 90);
	jpeg_buffer_add_orientation(&jpeg, 9, 1);
	CHECK(pgface_jpeg_orientation(jpeg.data, (size_t) jpeg.length) == 1);
	CHECK(pgface_jpeg_orientation(jpeg.data, 30) == 1);
	CHECK(pgface_jpeg_orientation((const unsigned char *) "\x89PNG", 4) == 1);
	free(jpeg.data);
}

/*
 * Layouts other readers accept (issue 17): the tag stored as a LONG, an "Exif\0\0" prefix
 * as some WebP writers leave it, and an APP1 segment that comes after DQT.
 */
static void
finds_the_tag_in_other_layouts(void)
{
	static const unsigned char long_le[] =
	    "II*\0\x08\0\0\0\x01\0\x12\x01\x04\0\x01\0\0\0\x06\0\0\0";
	static const unsigned char long_be[] = "Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x12\0\x04\0\0\0\x01"
	                                       "\0\0\0\x08";
	static const unsigned char short_as_long[] = "II*\0\x08\0\0\0\x01\0\x12\x01\x04\0\x02\0\0\0"
	                                             "\x06\0\0\0";
	static uint8_t pixels[16 * 8 * 3];
	jpeg_buffer jpeg = {0};
	int dqt = -1;

	CHECK(pgface_exif_orientation(long_le, sizeof(long_le) - 1) == 6);
	CHECK(pgface_exif_orientation(long_be, sizeof(long_be) - 1) == 8);
	CHECK(pgface_exif_orientation(short_as_long, sizeof(short_as_long) - 1) == 1); /* count 2 */
	CHECK(pgface_exif_orientation(long_le, 12) == 1);

	memset(pixels, 128, sizeof(pixels));
	jpeg_buffer_encode(&jpeg, pixels, 16, 8, 90);
	jpeg_buffer_add_orientation(&jpeg, 3, 1);
	/* move the APP1 (right after SOI, 36 bytes) behind the first DQT segment */
	for (int i = 2 + 36; i + 4 < jpeg.length && dqt < 0; i++)
		if (jpeg.data[i] == 0xff && jpeg.data[i + 1] == 0xdb)
			dqt = i;
	CHECK(dqt > 0);
	if (dqt > 0)
	{
		int dqt_length = 2 + (jpeg.data[dqt + 2] << 8 | jpeg.data[dqt + 3]);
		unsigned char app1[36];

		memcpy(app1, jpeg.data + 2, sizeof(app1));
		memmove(jpeg.data + 2, jpeg.data + dqt, (size_t) dqt_length);
		memcpy(jpeg.data + 2 + dqt_length, app1, sizeof(app1));
		CHECK(jpeg.data[2] == 0xff && jpeg.data[3] == 0xdb);
		CHECK(pgface_jpeg_orientation(jpeg.data, (size_t) jpeg.length) == 3);
	}
	free(jpeg.data);
}

/* A JPEG with orientation 6 decodes upright: stored left half red becomes the top half. */
static void
decodes_upright(void)
{
	static uint8_t pixels[16 * 8 * 3];
	jpeg_buffer jpeg = {0};
	pgface_image image;
	pgface_status status = {0};

	for (int y = 0; y < 8; y++)
		for (int x = 0; x < 16; x++)
		{
			uint8_t *p = pixels + (y * 16 + x) * 3;
			p[0] = x < 8 ? 255 : 0;
			p[1] = 0;
			p[2] = x < 8 ? 0 : 255;
		}
	jpeg_buffer_encode(&jpeg, pixels, 16, 8, 95);
	jpeg_buffer_add_orientation(&jpeg, 6, 1);
	CHECK(pgface_image_decode(jpeg.data, (size_t) jpeg.length, 1000, &image, &status) == PGFACE_OK);
	CHECK(image.width == 8 && image.height == 16);
	CHECK(image.rgb[(2 * 8 + 4) * 3] > 200 && image.rgb[(2 * 8 + 4) * 3 + 2] < 60);
	CHECK(image.rgb[(13 * 8 + 4) * 3] < 60 && image.rgb[(13 * 8 + 4) * 3 + 2] > 200);
	pgface_image_free(&image);
	free(jpeg.data);
}

/* 3x2 image, pixel value = 10 * (y * 3 + x) + 1 in every channel. */
static void
make_image(pgface_image *image)
{
	image->width = 3;
	image->height = 2;
	image->rgb = malloc(3 * 2 * 3);
	for (int i = 0; i < 6; i++)
		memset(image->rgb + 3 * i, 10 * i + 1, 3);
}

static int
pixel(const pgface_image *image, int x, int y)
{
	return image->rgb[(y * image->width + x) * 3];
}

static void
turns_each_orientation(void)
{
	/* expected upright layouts, row by row, of the stored image [1 11 21; 31 41 51] */
	static const int expected[9][6] = {
	    {0},
	    {1, 11, 21, 31, 41, 51}, /* 1: as stored */
	    {21, 11, 1, 51, 41, 31}, /* 2: mirrored left-right */
	    {51, 41, 31, 21, 11, 1}, /* 3: turned 180 */
	    {31, 41, 51, 1, 11, 21}, /* 4: mirrored top-bottom */
	    {1, 31, 11, 41, 21, 51}, /* 5: transposed (2 wide, 3 high) */
	    {31, 1, 41, 11, 51, 21}, /* 6: turned 90 clockwise */
	    {51, 21, 41, 11, 31, 1}, /* 7: transversed */
	    {21, 51, 11, 41, 1, 31}, /* 8: turned 90 counter-clockwise */
	};
	pgface_status status = {0};

	for (int orientation = 1; orientation <= 8; orientation++)
	{
		pgface_image image;
		int ok = 1;

		make_image(&image);
		CHECK(pgface_image_orient(&image, orientation, &status) == PGFACE_OK);
		CHECK(image.width == (orientation >= 5 ? 2 : 3));
		for (int i = 0; i < 6; i++)
			ok &= pixel(&image, i % image.width, i / image.width) == expected[orientation][i];
		CHECK(ok);
		pgface_image_free(&image);
	}
}

const unit_test exif_tests[] = {
    {"exif: finds the orientation tag (both byte orders)", finds_the_orientation_tag},
    {"exif: LONG tags, an Exif prefix, APP1 after DQT", finds_the_tag_in_other_layouts},
    {"exif: a rotated JPEG decodes upright", decodes_upright},
    {"exif: each of the eight orientations", turns_each_orientation},
    {NULL, NULL},
};
