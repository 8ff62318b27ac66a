/*
 * test_image.c: decoding with limits and clear failures, and the chip's
 * padding and resizing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stb_image_write.h>

#include "img/image.h"
#include "unit.h"

typedef struct png_buffer
{
	unsigned char data[4096];
	int length;
} png_buffer;

static void
append_png(void *context, void *data, int size)
{
	png_buffer *png = context;
	if (png->length + size <= (int) sizeof(png->data))
		memcpy(png->data + png->length, data, (size_t) size);
	png->length += size;
}

/* Encodes pixels as PNG in memory with stb_image_write. */
static void
encode_png(const uint8_t *pixels, int width, int height, int channels, png_buffer *png)
{
	png->length = 0;
	stbi_write_png_to_func(append_png, png, width, height, channels, pixels, width * channels);
}

static void
decodes_rgb_and_grey(void)
{
	const uint8_t rgb[3 * 2 * 3] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
	const uint8_t grey[2] = {40, 200};
	png_buffer png;
	pgface_image image;
	pgface_status status = {0};

	encode_png(rgb, 3, 2, 3, &png);
	CHECK(pgface_image_decode(png.data, (size_t) png.length, 6, &image, &status) == PGFACE_OK);
	CHECK(image.width == 3 && image.height == 2 && memcmp(image.rgb, rgb, sizeof(rgb)) == 0);
	pgface_image_free(&image);
	pgface_image_free(&image);

	encode_png(grey, 2, 1, 1, &png);
	CHECK(pgface_image_decode(png.data, (size_t) png.length, 100, &image, &status) == PGFACE_OK);
	CHECK(image.rgb[0] == 40 && image.rgb[1] == 40 && image.rgb[2] == 40 && image.rgb[5] == 200);
	pgface_image_free(&image);
}

static void
refuses_bad_input_clearly(void)
{
	const uint8_t rgb[3 * 2 * 3] = {0};
	const unsigned char text[] = "not an image at all";
	png_buffer png;
	pgface_image image;
	pgface_status status = {0};

	CHECK(pgface_image_decode(text, 0, 100, &image, &status) == PGFACE_ERR_IMAGE_EMPTY);
	CHECK(pgface_image_decode(text, sizeof(text), 100, &image, &status) == PGFACE_ERR_IMAGE_FORMAT);

	encode_png(rgb, 3, 2, 3, &png);
	CHECK(pgface_image_decode(png.data, (size_t) png.length, 5, &image, &status) ==
	      PGFACE_ERR_IMAGE_TOO_LARGE);
	CHECK(pgface_image_decode(png.data, (size_t) png.length - 20, 100, &image, &status) ==
	      PGFACE_ERR_IMAGE_CORRUPT);
	CHECK(image.rgb == NULL);
}

/* A PNG header claiming a huge size is refused from the header, without decoding. */
static void
refuses_huge_claims_from_the_header(void)
{
	unsigned char header[] = {0x89, 'P',  'N', 'G', '\r', '\n', 0x1a, '\n', 0,    0, 0,
	                          13,   'I',  'H', 'D', 'R',  0,    0,    0x75, 0x30, 0, 0,
	                          0x75, 0x30, 8,   2,   0,    0,    0,    0,    0,    0, 0};
	pgface_image image;
	pgface_status status = {0};

	CHECK(pgface_image_decode(header, sizeof(header), 50000000, &image, &status) ==
	      PGFACE_ERR_IMAGE_TOO_LARGE);
	CHECK(strstr(status.message, "30000x30000") != NULL);
	/* a PNG whose header is cut short is a broken PNG, not an unknown format */
	CHECK(pgface_image_decode(header, 20, 50000000, &image, &status) == PGFACE_ERR_IMAGE_CORRUPT);
}

static void
chip_pads_to_a_centred_square(void)
{
	uint8_t pixels[4 * 1 * 3];
	pgface_image image = {4, 1, pixels};
	float chip[4 * 4 * 3];

	for (int i = 0; i < 12; i++)
		pixels[i] = (uint8_t) (10 * (i + 1));
	/* 4x1: three rows of padding, round(1.5) = 2 after and 1 before */
	pgface_chip_from_image(&image, 4, chip);
	for (int x = 0; x < 4; x++)
	{
		CHECK(chip[(0 * 4 + x) * 3] == 0.0f);
		CHECK(chip[(1 * 4 + x) * 3] == (float) pixels[x * 3]);
		CHECK(chip[(2 * 4 + x) * 3] == 0.0f && chip[(3 * 4 + x) * 3] == 0.0f);
	}
}

static void
chip_resizes_like_tensorflow(void)
{
	/* 2x2 grey image resized to 4x4: source = destination * 0.5, edges clamp */
	uint8_t pixels[2 * 2 * 3] = {0, 0, 0, 100, 100, 100, 200, 200, 200, 40, 40, 40};
	pgface_image image = {2, 2, pixels};
	float chip[4 * 4 * 3];
	const float expected_row0[4] = {0, 50, 100, 100};
	const float expected_col0[4] = {0, 100, 200, 200};

	pgface_chip_from_image(&image, 4, chip);
	for (int i = 0; i < 4; i++)
	{
		CHECK(chip[(0 * 4 + i) * 3] == expected_row0[i]);
		CHECK(chip[(i * 4 + 0) * 3] == expected_col0[i]);
	}
	/* centre sample (0.5, 0.5): mean of the four pixels */
	CHECK(chip[(1 * 4 + 1) * 3] == (0 + 100 + 200 + 40) / 4.0f);

	/* at the target size nothing changes */
	pgface_chip_from_image(&image, 2, chip);
	for (int i = 0; i < 12; i++)
		CHECK(chip[i] == (float) pixels[i]);
}

/* The mirror swaps columns, keeps rows and channels, and undoes itself. */
static void
chip_mirror_swaps_columns(void)
{
	float chip[3 * 3 * 3], mirrored[3 * 3 * 3], back[3 * 3 * 3];

	for (int i = 0; i < 27; i++)
		chip[i] = (float) i;
	pgface_chip_mirror(chip, 3, mirrored);
	pgface_chip_mirror(mirrored, 3, back);
	for (int y = 0; y < 3; y++)
		for (int x = 0; x < 3; x++)
			for (int c = 0; c < 3; c++)
				CHECK(mirrored[(y * 3 + x) * 3 + c] == chip[(y * 3 + 2 - x) * 3 + c]);
	for (int i = 0; i < 27; i++)
		CHECK(back[i] == chip[i]);
	CHECK(mirrored[0] == chip[6] && mirrored[6] == chip[0] && mirrored[3] == chip[3]);
}

const unit_test image_tests[] = {
    {"image: decodes RGB and replicates grey", decodes_rgb_and_grey},
    {"image: empty, unknown, too large and truncated input", refuses_bad_input_clearly},
    {"image: a huge size claim is refused from the header", refuses_huge_claims_from_the_header},
    {"chip: pads to a centred square as face-api does", chip_pads_to_a_centred_square},
    {"chip: resizes like TensorFlow.js resizeBilinear", chip_resizes_like_tensorflow},
    {"chip: the mirror swaps columns and undoes itself", chip_mirror_swaps_columns},
    {NULL, NULL},
};
