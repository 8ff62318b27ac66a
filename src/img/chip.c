/*
 * chip.c: pad to a centred square and resize, reproducing face-api's
 * padToSquare(isCenterImage = true) and TensorFlow.js's resizeBilinear.
 */
#include <math.h>
#include <string.h>

#include "common/runtime.h"
#include "img/image.h"

void
pgface_chip_from_image(const pgface_image *image, int size, float *out)
{
	pgface_square_resize(image, size, 1, out);
}

void
pgface_square_resize(const pgface_image *image, int size, int centred, float *out)
{
	static const float no_mean[3] = {0.0f, 0.0f, 0.0f};

	/* (v - 0) / 1 is v */
	pgface_square_resize_normalised(image, size, centred, no_mean, 1.0f, out);
}

/* What the padded square holds outside the image. */
static const unsigned char black[3] = {0, 0, 0};

/* Where one output column samples the padded square: two source columns, -1 outside the image. */
typedef struct resize_column
{
	int left;
	int right;
	float x_fraction;
} resize_column;

/* Output column x's sampling, as TensorFlow.js's resizeBilinear places it. */
static resize_column
sample_column(float ratio, int x, int side, int pad_left, int width)
{
	float source_x = ratio * (float) x;
	int left = (int) floorf(source_x);
	int right = (int) ceilf(source_x) < side - 1 ? (int) ceilf(source_x) : side - 1;
	resize_column column = {left - pad_left, right - pad_left, source_x - (float) left};

	column.left = column.left >= 0 && column.left < width ? column.left : -1;
	column.right = column.right >= 0 && column.right < width ? column.right : -1;
	return column;
}

/*
 * A pixel's three channels as floats in one SSE register (the fourth lane 0): the resize's
 * arithmetic, lane by lane, is the scalar arithmetic it replaced, to the bit (no fused
 * multiply-add on a baseline x86-64 build), in a third of the instructions.
 */
typedef float rgb_vec __attribute__((vector_size(4 * sizeof(float))));
typedef int rgb_ivec __attribute__((vector_size(4 * sizeof(int))));

static inline rgb_vec
rgb_of(const unsigned char *pixel)
{
	rgb_ivec channels = {pixel[0], pixel[1], pixel[2], 0};
	return __builtin_convertvector(channels, rgb_vec);
}

/* The pixel at a sampled column of a source row, black outside the image (or for no row). */
static inline const unsigned char *
padded(const unsigned char *row, int x)
{
	return row != NULL && x >= 0 ? row + (size_t) x * 3 : black;
}

/*
 * TensorFlow.js's resizeBilinear of the padded square, with the same float
 * arithmetic per value as face-api, and the net's normalisation in the same
 * pass: the sampling positions are worked out once per row and column (a table
 * for the first PGFACE_SQUARE_TABLE columns), not once per value, and a row
 * outside the image is no row at all.
 */
#define PGFACE_SQUARE_TABLE 1024
void
pgface_square_resize_normalised(const pgface_image *image, int size, int centred,
                                const float mean[3], float divisor, float *out)
{
	int side = image->width > image->height ? image->width : image->height;
	int difference = side - (image->width > image->height ? image->height : image->width);
	/* face-api appends round(difference / 2) after the image and the rest before it. */
	int before = centred ? difference - (int) lround(difference * 0.5) : 0;
	int pad_top = image->height < side ? before : 0;
	int pad_left = image->width < side ? before : 0;
	float ratio = (float) side / (float) size;
	/* a division per value would cost as much as the rest of the resize */
	float scale = 1.0f / divisor;
	rgb_vec means = {mean[0], mean[1], mean[2], 0.0f};
	rgb_vec scales = {scale, scale, scale, scale};
	resize_column table[PGFACE_SQUARE_TABLE];
	int tabled = size < PGFACE_SQUARE_TABLE ? size : PGFACE_SQUARE_TABLE;

	for (int x = 0; x < tabled; x++)
		table[x] = sample_column(ratio, x, side, pad_left, image->width);
	for (int y = 0; y < size; y++)
	{
		float source_y = ratio * (float) y;
		int top = (int) floorf(source_y);
		int bottom = (int) ceilf(source_y) < side - 1 ? (int) ceilf(source_y) : side - 1;
		float y_fraction = source_y - (float) top;
		const unsigned char *upper_row = NULL;
		const unsigned char *lower_row = NULL;
		float *dst = out + (size_t) y * (size_t) size * 3;
		rgb_vec y_fractions = {y_fraction, y_fraction, y_fraction, y_fraction};

		pgface_check_interrupts(); /* rows of a large photo are far apart: cache and TLB misses */
		if (top - pad_top >= 0 && top - pad_top < image->height)
			upper_row = image->rgb + (size_t) (top - pad_top) * (size_t) image->width * 3;
		if (bottom - pad_top >= 0 && bottom - pad_top < image->height)
			lower_row = image->rgb + (size_t) (bottom - pad_top) * (size_t) image->width * 3;
		for (int x = 0; x < size; x++)
		{
			resize_column column =
			    x < tabled ? table[x] : sample_column(ratio, x, side, pad_left, image->width);
			rgb_vec x_fractions = {column.x_fraction, column.x_fraction, column.x_fraction,
			                       column.x_fraction};
			rgb_vec tl = rgb_of(padded(upper_row, column.left));
			rgb_vec tr = rgb_of(padded(upper_row, column.right));
			rgb_vec bl = rgb_of(padded(lower_row, column.left));
			rgb_vec br = rgb_of(padded(lower_row, column.right));
			rgb_vec upper = tl + (tr - tl) * x_fractions;
			rgb_vec lower = bl + (br - bl) * x_fractions;
			rgb_vec value = (upper + (lower - upper) * y_fractions - means) * scales;

			/* the fourth lane lands on the next value, written next, but past the last one */
			memcpy(dst + (size_t) x * 3, &value,
			       y == size - 1 && x == size - 1 ? 3 * sizeof(float) : sizeof(value));
		}
	}
}

void
pgface_chip_mirror(const float *in, int size, float *out)
{
	for (int y = 0; y < size; y++)
		for (int x = 0; x < size; x++)
			for (int c = 0; c < 3; c++)
				out[((size_t) y * size + x) * 3 + c] =
				    in[((size_t) y * size + (size - 1 - x)) * 3 + c];
}
