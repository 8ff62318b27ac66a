/*
 * chip.c: pad to a centred square and resize, reproducing face-api's
 * padToSquare(isCenterImage = true) and TensorFlow.js's resizeBilinear.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
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

/* Where the image lies in its padded square, and the square's scale to the output. */
typedef struct square_geometry
{
	int side;
	int pad_top;
	int pad_left;
	float ratio;
} square_geometry;

static square_geometry
square_geometry_of(const pgface_image *image, int size, int centred)
{
	int side = image->width > image->height ? image->width : image->height;
	int difference = side - (image->width > image->height ? image->height : image->width);
	/* face-api appends round(difference / 2) after the image and the rest before it. */
	int before = centred ? difference - (int) lround(difference * 0.5) : 0;
	square_geometry g = {side, image->height < side ? before : 0, image->width < side ? before : 0,
	                     (float) side / (float) size};

	return g;
}

/* Output row y's two source rows (NULL outside the image) and its vertical fraction. */
static float
sample_rows(const pgface_image *image, const square_geometry *g, int y, const unsigned char **upper,
            const unsigned char **lower)
{
	float source_y = g->ratio * (float) y;
	int top = (int) floorf(source_y);
	int bottom = (int) ceilf(source_y) < g->side - 1 ? (int) ceilf(source_y) : g->side - 1;

	*upper = NULL;
	*lower = NULL;
	if (top - g->pad_top >= 0 && top - g->pad_top < image->height)
		*upper = image->rgb + (size_t) (top - g->pad_top) * (size_t) image->width * 3;
	if (bottom - g->pad_top >= 0 && bottom - g->pad_top < image->height)
		*lower = image->rgb + (size_t) (bottom - g->pad_top) * (size_t) image->width * 3;
	return source_y - (float) top;
}

#if defined(__x86_64__)
#include <immintrin.h>

#include "common/simd.h"

/*
 * What the gathered resize reads for output value j (3 per pixel): the byte offsets of
 * its two source columns in a row (-1: black), its horizontal fraction and its mean.
 */
typedef struct gather_table
{
	int32_t *left;
	int32_t *right;
	float *x_fraction;
	float *mean;
	unsigned char *last_row; /* the image's last row with 4 bytes to spare: gathers read 4 */
} gather_table;

/* Eight source bytes as floats, 0 where the row or the column is outside the image. */
static inline __attribute__((always_inline, target("avx2"))) __m256
gather_bytes(const unsigned char *row, __m256i offsets)
{
	__m256i zero = _mm256_setzero_si256();

	if (row == NULL)
		return _mm256_setzero_ps();
	offsets = _mm256_mask_i32gather_epi32(zero, (const int *) row, offsets,
	                                      _mm256_cmpgt_epi32(offsets, _mm256_set1_epi32(-1)), 1);
	return _mm256_cvtepi32_ps(_mm256_and_si256(offsets, _mm256_set1_epi32(0xFF)));
}

/*
 * One output row, eight values at a time, with the scalar path's arithmetic in the
 * scalar path's order in every lane: no fused multiply-add (the target has none), so
 * the values are the same to the bit.
 */
static __attribute__((target("avx2"))) void
resize_row_gathered(const gather_table *t, int values, const unsigned char *upper,
                    const unsigned char *lower, float y_fraction, float scale, float *dst)
{
	__m256 y_fractions = _mm256_set1_ps(y_fraction);
	__m256 scales = _mm256_set1_ps(scale);

	for (int j = 0; j < values; j += 8)
	{
		__m256i left = _mm256_loadu_si256((const __m256i *) (t->left + j));
		__m256i right = _mm256_loadu_si256((const __m256i *) (t->right + j));
		__m256 x_fractions = _mm256_loadu_ps(t->x_fraction + j);
		__m256 tl = gather_bytes(upper, left);
		__m256 tr = gather_bytes(upper, right);
		__m256 bl = gather_bytes(lower, left);
		__m256 br = gather_bytes(lower, right);
		__m256 top = _mm256_add_ps(tl, _mm256_mul_ps(_mm256_sub_ps(tr, tl), x_fractions));
		__m256 bottom = _mm256_add_ps(bl, _mm256_mul_ps(_mm256_sub_ps(br, bl), x_fractions));
		__m256 value = _mm256_add_ps(top, _mm256_mul_ps(_mm256_sub_ps(bottom, top), y_fractions));

		value = _mm256_mul_ps(_mm256_sub_ps(value, _mm256_loadu_ps(t->mean + j)), scales);
		_mm256_storeu_ps(dst + j, value);
	}
}

static void
gather_table_free(gather_table *t)
{
	pgface_free(t->left);
	pgface_free(t->right);
	pgface_free(t->x_fraction);
	pgface_free(t->mean);
	pgface_free(t->last_row);
}

/*
 * The resize with AVX2 gathers: 1.08 ms a 416 detector input from a 1920x1280 photo took
 * most of its time in assembling each pixel's channels one by one. false (and nothing
 * written) where the CPU has no AVX2, the output's values are not whole vectors, or there
 * is no memory for the tables: the scalar path then runs.
 */
static bool
resize_gathered(const pgface_image *image, const square_geometry *g, int size, const float mean[3],
                float scale, float *out)
{
	int values = 3 * size;
	size_t row_bytes = (size_t) image->width * 3;
	gather_table t;

	if (pgface_simd_current() != PGFACE_SIMD_AVX512 && pgface_simd_current() != PGFACE_SIMD_AVX2)
		return false;
	if (values % 8 != 0 || row_bytes > (size_t) INT32_MAX - 8)
		return false;
	t.left = pgface_alloc_array((size_t) values, sizeof(int32_t));
	t.right = pgface_alloc_array((size_t) values, sizeof(int32_t));
	t.x_fraction = pgface_alloc_array((size_t) values, sizeof(float));
	t.mean = pgface_alloc_array((size_t) values, sizeof(float));
	t.last_row = pgface_alloc(row_bytes + 4);
	if (t.left == NULL || t.right == NULL || t.x_fraction == NULL || t.mean == NULL ||
	    t.last_row == NULL)
	{
		gather_table_free(&t);
		return false;
	}
	for (int x = 0; x < size; x++)
	{
		resize_column column = sample_column(g->ratio, x, g->side, g->pad_left, image->width);

		for (int c = 0; c < 3; c++)
		{
			t.left[3 * x + c] = column.left >= 0 ? 3 * column.left + c : -1;
			t.right[3 * x + c] = column.right >= 0 ? 3 * column.right + c : -1;
			t.x_fraction[3 * x + c] = column.x_fraction;
			t.mean[3 * x + c] = mean[c];
		}
	}
	memcpy(t.last_row, image->rgb + (size_t) (image->height - 1) * row_bytes, row_bytes);
	memset(t.last_row + row_bytes, 0, 4);
	for (int y = 0; y < size; y++)
	{
		const unsigned char *upper, *lower;
		const unsigned char *last = image->rgb + (size_t) (image->height - 1) * row_bytes;
		float y_fraction = sample_rows(image, g, y, &upper, &lower);

		pgface_check_interrupts(); /* rows of a large photo are far apart: cache and TLB misses */
		resize_row_gathered(&t, values, upper == last ? t.last_row : upper,
		                    lower == last ? t.last_row : lower, y_fraction, scale,
		                    out + (size_t) y * (size_t) values);
	}
	gather_table_free(&t);
	return true;
}
#endif

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
	square_geometry g = square_geometry_of(image, size, centred);
	/* a division per value would cost as much as the rest of the resize */
	float scale = 1.0f / divisor;
	rgb_vec means = {mean[0], mean[1], mean[2], 0.0f};
	rgb_vec scales = {scale, scale, scale, scale};
	resize_column table[PGFACE_SQUARE_TABLE];
	int tabled = size < PGFACE_SQUARE_TABLE ? size : PGFACE_SQUARE_TABLE;

#if defined(__x86_64__)
	if (resize_gathered(image, &g, size, mean, scale, out))
		return;
#endif
	for (int x = 0; x < tabled; x++)
		table[x] = sample_column(g.ratio, x, g.side, g.pad_left, image->width);
	for (int y = 0; y < size; y++)
	{
		const unsigned char *upper_row, *lower_row;
		float y_fraction = sample_rows(image, &g, y, &upper_row, &lower_row);
		float *dst = out + (size_t) y * (size_t) size * 3;
		rgb_vec y_fractions = {y_fraction, y_fraction, y_fraction, y_fraction};

		pgface_check_interrupts(); /* rows of a large photo are far apart: cache and TLB misses */
		for (int x = 0; x < size; x++)
		{
			resize_column column =
			    x < tabled ? table[x] : sample_column(g.ratio, x, g.side, g.pad_left, image->width);
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
