/*
 * test_image.c: decoding with limits and clear failures, and the chip's
 * padding and resizing.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <stb_image_write.h>

#include "../common/jpeg_buffer.h"

#include "common/runtime.h"
#include "common/simd.h"
#include "img/image.h"
#include "unit.h"
#include "unit_random.h"

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

/*
 * A decode lends its thread's pixels to the image; a second image decoded while the
 * first holds them gets a copy. Either may be freed first, and pixels lent to an image
 * its caller lost (a longjmp) are reclaimed. Under ASan a double free or a leak fails.
 */
static void
second_decode_while_lent_copies(void)
{
	const uint8_t first[3 * 2 * 3] = {1,  2,  3,  4,  5,  6,  7,  8,  9,
	                                  10, 11, 12, 13, 14, 15, 16, 17, 18};
	const uint8_t second[2 * 3] = {90, 91, 92, 93, 94, 95};
	png_buffer png_first, png_second;
	pgface_image a, b, lost;
	pgface_status status = {0};

	encode_png(first, 3, 2, 3, &png_first);
	encode_png(second, 2, 1, 3, &png_second);
	for (int free_first_first = 0; free_first_first < 2; free_first_first++)
	{
		CHECK(pgface_image_decode(png_first.data, (size_t) png_first.length, 6, &a, &status) ==
		      PGFACE_OK);
		CHECK(pgface_image_decode(png_second.data, (size_t) png_second.length, 6, &b, &status) ==
		      PGFACE_OK);
		CHECK(pgface_image_holds_lent_pixels(&a) && !pgface_image_holds_lent_pixels(&b));
		CHECK(a.rgb != b.rgb && memcmp(a.rgb, first, sizeof(first)) == 0 &&
		      memcmp(b.rgb, second, sizeof(second)) == 0);
		pgface_image_free(free_first_first ? &a : &b);
		pgface_image_free(free_first_first ? &b : &a);
	}
	CHECK(pgface_image_decode(png_first.data, (size_t) png_first.length, 6, &lost, &status) ==
	      PGFACE_OK);
	pgface_image_reclaim_lent(); /* as a host does after a longjmp: lost.rgb is gone */
	CHECK(pgface_image_decode(png_second.data, (size_t) png_second.length, 6, &b, &status) ==
	      PGFACE_OK);
	CHECK(pgface_image_holds_lent_pixels(&b) && memcmp(b.rgb, second, sizeof(second)) == 0);
	pgface_image_free(&b);
	pgface_image_reclaim_lent(); /* nothing lent: a no-op */
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
	/* sizes near 2^32 a side, whose product overflows 64 bits (found by fuzz/photo_fuzz) */
	memcpy(header + 16, "\xf8\x00\x00\x00\xff\xff\xff\xfe", 8);
	CHECK(pgface_image_decode(header, sizeof(header), 50000000, &image, &status) ==
	      PGFACE_ERR_IMAGE_TOO_LARGE);
	CHECK(strstr(status.message, "4160749568x4294967294") != NULL);
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

/*
 * The normalised resize is the plain resize, then (v - mean) / divisor per channel, with
 * the padding (after the image, for the detector) normalised like any black pixel.
 */
static void
normalised_resize_is_the_resize_then_the_normalisation(void)
{
	uint8_t pixels[3 * 2 * 3];
	pgface_image image = {3, 2, pixels};
	const float mean[3] = {117.0f, 114.5f, 97.25f};
	float plain[6 * 6 * 3], normalised[6 * 6 * 3];
	double worst = 0.0;

	for (int i = 0; i < 18; i++)
		pixels[i] = (uint8_t) (13 * i + 7);
	for (int centred = 0; centred <= 1; centred++)
	{
		pgface_square_resize(&image, 6, centred, plain);
		pgface_square_resize_normalised(&image, 6, centred, mean, 255.0f, normalised);
		for (int i = 0; i < 6 * 6 * 3; i++)
		{
			double want = ((double) plain[i] - mean[i % 3]) / 255.0;
			double error = fabs(normalised[i] - want);
			worst = error > worst ? error : worst;
		}
	}
	CHECK(worst < 1e-6);
	/* not centred: the padding rows come after the image, black before normalising */
	CHECK(fabs(normalised[(5 * 6 + 0) * 3 + 1] - (0.0 - 114.5) / 255.0) < 1e-6);
}

/*
 * The AVX2 gathered resize gives the scalar resize's values to the bit, for wide, tall and
 * one-pixel images, padded after or centred, at sizes up and down (the output's values in
 * whole vectors of 8; other sizes take the scalar path on every CPU).
 */
static void
gathered_resize_is_the_scalar_resize(void)
{
	static const int shapes[][2] = {{37, 23}, {23, 37}, {1, 1}, {640, 9}, {5, 300}, {64, 64}};
	static const int sizes[] = {8, 16, 24, 32, 160};
	static const char *vector_sets[] = {"avx512", "avx2"};
	const float mean[3] = {117.0f, 114.5f, 97.25f};
	uint64_t state = 41;
	int compared = 0;

	for (size_t sh = 0; sh < sizeof(shapes) / sizeof(shapes[0]); sh++)
	{
		pgface_image image = {shapes[sh][0], shapes[sh][1], NULL};
		size_t bytes = (size_t) image.width * image.height * 3;

		image.rgb = malloc(bytes);
		for (size_t i = 0; i < bytes; i++)
			image.rgb[i] = (uint8_t) (unit_random_uniform(&state) * 256.0);
		for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++)
			for (int centred = 0; centred <= 1; centred++)
			{
				size_t values = (size_t) sizes[z] * sizes[z] * 3;
				float *scalar = malloc(values * sizeof(float));
				float *gathered = malloc(values * sizeof(float));

				CHECK(pgface_simd_force("sse2"));
				pgface_square_resize_normalised(&image, sizes[z], centred, mean, 255.0f, scalar);
				for (size_t v = 0; v < sizeof(vector_sets) / sizeof(vector_sets[0]); v++)
					if (pgface_simd_force(vector_sets[v]))
					{
						pgface_square_resize_normalised(&image, sizes[z], centred, mean, 255.0f,
						                                gathered);
						CHECK(memcmp(scalar, gathered, values * sizeof(float)) == 0);
						compared++;
					}
				free(scalar);
				free(gathered);
			}
		free(image.rgb);
	}
	pgface_simd_force(NULL);
	/* where neither set runs there is nothing to compare, and nothing to test */
	CHECK(compared == 0 || compared >= 6 * 5 * 2);
}

/*
 * A region resized turned in place gives, to the bit, what cutting it out, turning the
 * copy and resizing that gives: every orientation, regions at the image's corners (the
 * last pixel's included, where the gathered path must leave a row to the scalar one),
 * padded after and centred, with and without the gathers.
 */
static void
region_resize_is_the_turned_crop_resized(void)
{
	static const pgface_region regions[] = {
	    {0, 0, 37, 23}, {5, 3, 20, 11}, {17, 12, 20, 11}, {36, 22, 1, 1}, {0, 20, 37, 3}};
	static const char *sets[] = {"sse2", "avx2", "avx512"};
	const float mean[3] = {117.0f, 114.5f, 97.25f};
	pgface_image image = {37, 23, NULL};
	uint64_t state = 43;
	int compared = 0;

	image.rgb = malloc((size_t) 37 * 23 * 3);
	for (size_t i = 0; i < (size_t) 37 * 23 * 3; i++)
		image.rgb[i] = (uint8_t) (unit_random_uniform(&state) * 256.0);
	for (size_t r = 0; r < sizeof(regions) / sizeof(regions[0]); r++)
		for (int orientation = 1; orientation <= 8; orientation++)
			for (int centred = 0; centred <= 1; centred++)
			{
				pgface_status status = {PGFACE_OK, ""};
				pgface_image turned = {0};
				const pgface_region *g = &regions[r];
				float want[16 * 16 * 3], got[16 * 16 * 3];
				int width, height;

				CHECK(pgface_image_crop(&image, g->left, g->top, g->width, g->height, &turned,
				                        &status) == PGFACE_OK);
				CHECK(pgface_image_orient(&turned, orientation, &status) == PGFACE_OK);
				pgface_region_turned_size(g, orientation, &width, &height);
				CHECK(width == turned.width && height == turned.height);
				for (size_t v = 0; v < sizeof(sets) / sizeof(sets[0]); v++)
					if (pgface_simd_force(sets[v]))
					{
						pgface_square_resize_normalised(&turned, 16, centred, mean, 255.0f, want);
						pgface_square_resize_region(&image, g, orientation, 16, centred, mean,
						                            255.0f, got);
						CHECK(memcmp(want, got, sizeof(want)) == 0);
						compared++;
					}
				pgface_free(turned.rgb);
			}
	pgface_simd_force(NULL);
	free(image.rgb);
	CHECK(compared >= 5 * 8 * 2);
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

/*
 * A 16-bit PNG keeps each sample's high byte, as stb_image did for PNG (and as it did not
 * for 16-bit PNM, which it read from the low byte: issue 17). Written with libpng.
 */
static void
decodes_16_bit_png_from_the_high_byte(void)
{
	static const uint16_t grey[2] = {0x1234, 0xff00};
	png_image written = {
	    .version = PNG_IMAGE_VERSION, .width = 2, .height = 1, .format = PNG_FORMAT_LINEAR_Y};
	unsigned char png[512];
	png_alloc_size_t length = sizeof(png);
	pgface_image image;
	pgface_status status;

	CHECK(png_image_write_to_memory(&written, png, &length, 0, grey, 0, NULL));
	CHECK(pgface_image_decode(png, length, 100, &image, &status) == PGFACE_OK);
	CHECK(image.width == 2 && image.height == 1);
	CHECK(image.rgb != NULL && image.rgb[0] == 0x12 && image.rgb[2] == 0x12 &&
	      image.rgb[3] == 0xff && image.rgb[5] == 0xff);
	pgface_image_free(&image);
}

/*
 * A JPEG Huffman table (DHT) whose 16 code counts add up to more than 256: Debian's stb_image
 * 2.27 wrote past its arrays (found by fuzz/photo_fuzz). libjpeg-turbo refuses it.
 */
static void
refuses_oversized_huffman_table(void)
{
	uint8_t pixels[8 * 8 * 3];
	jpeg_buffer jpeg;
	pgface_image image;
	pgface_status status;
	pgface_code code;
	int dht = -1;

	for (int i = 0; i < (int) sizeof(pixels); i++)
		pixels[i] = (uint8_t) (i * 5);
	jpeg_buffer_encode(&jpeg, pixels, 8, 8, 90);
	for (int i = 2; i + 21 < jpeg.length && dht < 0; i++)
		if (jpeg.data[i] == 0xff && jpeg.data[i + 1] == 0xc4)
			dht = i;
	CHECK(dht > 0);
	if (dht > 0)
	{
		CHECK(pgface_image_decode(jpeg.data, (size_t) jpeg.length, 100, &image, &status) ==
		      PGFACE_OK);
		pgface_image_free(&image);
		/* marker, length, class/id, then the 16 counts: 16 x 32 = 512 codes */
		memset(jpeg.data + dht + 5, 32, 16);
		code = pgface_image_decode(jpeg.data, (size_t) jpeg.length, 100, &image, &status);
		CHECK(code == PGFACE_ERR_IMAGE_CORRUPT);
		CHECK(image.rgb == NULL);
		CHECK(strstr(status.message, "Huffman") != NULL);
		pgface_image_free(&image);
		/* The same table in a file that ends right after its counts (the fuzzer's case). */
		code = pgface_image_decode(jpeg.data, (size_t) dht + 21, 100, &image, &status);
		CHECK(code == PGFACE_ERR_IMAGE_CORRUPT);
		pgface_image_free(&image);
	}
	free(jpeg.data);
}

/*
 * The formats compiled out of stb_image (PNM, TGA, PSD, PIC) are not images to pgface, and
 * TIFF is refused by name; each message lists what is read.
 */
static void
refuses_formats_it_does_not_read(void)
{
	static const unsigned char pgm[] = "P5 2 1 65535\n\x12\x34\xab\xcd";
	static const unsigned char psd[] = "8BPS\0\1\0\0\0\0\0\0\0\1\0\0\0\1\0\0\0\1\0\x08\0\1";
	static const unsigned char tiff[] = "II*\0\x08\0\0\0\0\0";
	pgface_image image;
	pgface_status status;

	CHECK(pgface_image_decode(pgm, sizeof(pgm) - 1, 100, &image, &status) ==
	      PGFACE_ERR_IMAGE_FORMAT);
	CHECK(strstr(status.message, "WebP") != NULL && strstr(status.message, "PNM") == NULL);
	CHECK(pgface_image_decode(psd, sizeof(psd) - 1, 100, &image, &status) ==
	      PGFACE_ERR_IMAGE_FORMAT);
	CHECK(pgface_image_decode(tiff, sizeof(tiff) - 1, 100, &image, &status) ==
	      PGFACE_ERR_IMAGE_FORMAT);
	CHECK(strncmp(status.message, "TIFF", 4) == 0 && strstr(status.message, "HEIC") != NULL);
}

/*
 * A 4 kB PNG whose tEXt chunk claims 2 GB made libpng allocate it all and take seconds
 * (found by decode_PNG_fuzz; it still ended as corrupt). Such chunks are skipped unread
 * now, and libpng's memory has a budget; the file, which ends long before, is refused.
 */
static void
refuses_a_text_chunk_claiming_2_gb(void)
{
	static const uint8_t grey[4] = {10, 20, 30, 40};
	png_image written = {
	    .version = PNG_IMAGE_VERSION, .width = 2, .height = 2, .format = PNG_FORMAT_GRAY};
	unsigned char png[512];
	png_alloc_size_t length = sizeof(png) - 64;
	pgface_image image;
	pgface_status status;

	CHECK(png_image_write_to_memory(&written, png, &length, 0, grey, 0, NULL));
	if (length < 12 || length + 32 > sizeof(png))
		return;
	/* before IEND (the last 12 bytes): "tEXt" of 0x79000000 bytes, then a few of them */
	memmove(png + length - 12 + 20, png + length - 12, 12);
	memcpy(png + length - 12, "\x79\x00\x00\x00tEXtdate:modify\0", 20);
	CHECK(pgface_image_decode(png, length + 20, 100, &image, &status) == PGFACE_ERR_IMAGE_CORRUPT);
	CHECK(image.rgb == NULL);
}

/* A side over 65536 is too large however few pixels it makes (a valid 65537x1 PNG). */
static void
refuses_a_side_over_65536(void)
{
	unsigned char header[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I',
	                          'H',  'D', 'R', 0,   1,    0,    1,    0,    0, 0, 1, 8,  2};
	pgface_image image;
	pgface_status status;

	CHECK(pgface_image_decode(header, sizeof(header), 50000000, &image, &status) ==
	      PGFACE_ERR_IMAGE_TOO_LARGE);
	CHECK(strstr(status.message, "65537x1") != NULL && strstr(status.message, "65536") != NULL);
}

const unit_test image_tests[] = {
    {"image: decodes RGB and replicates grey", decodes_rgb_and_grey},
    {"image: a second decode while the first's pixels are lent gets a copy",
     second_decode_while_lent_copies},
    {"image: empty, unknown, too large and truncated input", refuses_bad_input_clearly},
    {"image: a huge size claim is refused from the header", refuses_huge_claims_from_the_header},
    {"image: 16-bit PNG keeps the high byte", decodes_16_bit_png_from_the_high_byte},
    {"image: a JPEG Huffman table of over 256 codes is refused", refuses_oversized_huffman_table},
    {"image: PNM, PSD and TIFF are refused as formats", refuses_formats_it_does_not_read},
    {"image: a side over 65536 is too large", refuses_a_side_over_65536},
    {"image: a PNG text chunk claiming 2 GB is not read", refuses_a_text_chunk_claiming_2_gb},
    {"chip: pads to a centred square as face-api does", chip_pads_to_a_centred_square},
    {"chip: resizes like TensorFlow.js resizeBilinear", chip_resizes_like_tensorflow},
    {"chip: the mirror swaps columns and undoes itself", chip_mirror_swaps_columns},
    {"chip: the normalised resize is the resize, then the normalisation",
     normalised_resize_is_the_resize_then_the_normalisation},
    {"chip: the gathered resize is the scalar resize to the bit",
     gathered_resize_is_the_scalar_resize},
    {"chip: a region resized turned in place is the turned crop resized",
     region_resize_is_the_turned_crop_resized},
    {NULL, NULL},
};
