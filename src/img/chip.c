/*
 * chip.c: pad to a centred square and resize, reproducing face-api's
 * padToSquare(isCenterImage = true) and TensorFlow.js's resizeBilinear.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
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

/*
 * The pixels a resize reads: view pixel (x, y) at origin + x * x_step + y * y_step, its
 * channels the next two bytes. A whole image is a view; so is a region of one, turned
 * as an EXIF orientation turns it, read in place instead of copied out and turned.
 */
typedef struct pixel_view
{
	const unsigned char *origin;
	int width;
	int height;
	ptrdiff_t x_step;
	ptrdiff_t y_step;
	const unsigned char *end; /* the end of the buffer the view lies in */
} pixel_view;

/* Where one output column samples the padded square: two view columns, -1 outside the view. */
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

/* The pixel at a sampled column of a view row, black outside the view (or for no row). */
static inline const unsigned char *
padded(const pixel_view *view, const unsigned char *row, int x)
{
	return row != NULL && x >= 0 ? row + (ptrdiff_t) x * view->x_step : black;
}

/* Where the view lies in its padded square, and the square's scale to the output. */
typedef struct square_geometry
{
	int side;
	int pad_top;
	int pad_left;
	float ratio;
} square_geometry;

static square_geometry
square_geometry_of(const pixel_view *view, int size, int centred)
{
	int side = view->width > view->height ? view->width : view->height;
	int difference = side - (view->width > view->height ? view->height : view->width);
	/* face-api appends round(difference / 2) after the image and the rest before it. */
	int before = centred ? difference - (int) lround(difference * 0.5) : 0;
	square_geometry g = {side, view->height < side ? before : 0, view->width < side ? before : 0,
	                     (float) side / (float) size};

	return g;
}

/* Output row y's two view rows (NULL outside the view) and its vertical fraction. */
static float
sample_rows(const pixel_view *view, const square_geometry *g, int y, const unsigned char **upper,
            const unsigned char **lower)
{
	float source_y = g->ratio * (float) y;
	int top = (int) floorf(source_y);
	int bottom = (int) ceilf(source_y) < g->side - 1 ? (int) ceilf(source_y) : g->side - 1;

	*upper = NULL;
	*lower = NULL;
	if (top - g->pad_top >= 0 && top - g->pad_top < view->height)
		*upper = view->origin + (ptrdiff_t) (top - g->pad_top) * view->y_step;
	if (bottom - g->pad_top >= 0 && bottom - g->pad_top < view->height)
		*lower = view->origin + (ptrdiff_t) (bottom - g->pad_top) * view->y_step;
	return source_y - (float) top;
}

/* The sampling of the first PGFACE_SQUARE_TABLE columns is worked out once; the rest per row. */
#define PGFACE_SQUARE_TABLE 1024

/*
 * One output row by the scalar path (TensorFlow.js's resizeBilinear of the padded square,
 * with the same float arithmetic per value as face-api, and the net's normalisation in
 * the same pass). last: this row is the output's last, whose fourth lane has no room.
 */
static void
resize_row_scalar(const pixel_view *view, const square_geometry *g, const resize_column *table,
                  int size, const unsigned char *upper_row, const unsigned char *lower_row,
                  float y_fraction, rgb_vec means, rgb_vec scales, bool last, float *dst)
{
	int tabled = size < PGFACE_SQUARE_TABLE ? size : PGFACE_SQUARE_TABLE;
	rgb_vec y_fractions = {y_fraction, y_fraction, y_fraction, y_fraction};

	for (int x = 0; x < size; x++)
	{
		resize_column column =
		    x < tabled ? table[x] : sample_column(g->ratio, x, g->side, g->pad_left, view->width);
		rgb_vec x_fractions = {column.x_fraction, column.x_fraction, column.x_fraction,
		                       column.x_fraction};
		rgb_vec tl = rgb_of(padded(view, upper_row, column.left));
		rgb_vec tr = rgb_of(padded(view, upper_row, column.right));
		rgb_vec bl = rgb_of(padded(view, lower_row, column.left));
		rgb_vec br = rgb_of(padded(view, lower_row, column.right));
		rgb_vec upper = tl + (tr - tl) * x_fractions;
		rgb_vec lower = bl + (br - bl) * x_fractions;
		rgb_vec value = (upper + (lower - upper) * y_fractions - means) * scales;

		/* the fourth lane lands on the next value, written next, but past the last one */
		memcpy(dst + (size_t) x * 3, &value,
		       last && x == size - 1 ? 3 * sizeof(float) : sizeof(value));
	}
}

#if defined(__x86_64__)
#include <immintrin.h>

#include "common/simd.h"

/*
 * What the gathered resize reads for output value j (3 per pixel): the byte offsets of
 * its two source columns from a view row's start, whether each is inside the view, its
 * horizontal fraction and its mean.
 */
typedef struct gather_table
{
	int32_t *left;
	int32_t *right;
	int32_t *left_inside; /* -1 where the column is inside the view, else 0 */
	int32_t *right_inside;
	float *x_fraction;
	float *mean;
	ptrdiff_t highest; /* the largest offset of a column inside the view */
} gather_table;

/* Eight source bytes as floats, 0 where the row or the column is outside the view. */
static inline __attribute__((always_inline, target("avx2"))) __m256
gather_bytes(const unsigned char *row, __m256i offsets, __m256i inside)
{
	if (row == NULL)
		return _mm256_setzero_ps();
	offsets =
	    _mm256_mask_i32gather_epi32(_mm256_setzero_si256(), (const int *) row, offsets, inside, 1);
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
		__m256i left_inside = _mm256_loadu_si256((const __m256i *) (t->left_inside + j));
		__m256i right_inside = _mm256_loadu_si256((const __m256i *) (t->right_inside + j));
		__m256 x_fractions = _mm256_loadu_ps(t->x_fraction + j);
		__m256 tl = gather_bytes(upper, left, left_inside);
		__m256 tr = gather_bytes(upper, right, right_inside);
		__m256 bl = gather_bytes(lower, left, left_inside);
		__m256 br = gather_bytes(lower, right, right_inside);
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
	pgface_free(t->left_inside);
	pgface_free(t->right_inside);
	pgface_free(t->x_fraction);
	pgface_free(t->mean);
}

/* The table for a view and its sampling; false when there is no memory for it. */
static bool
gather_table_make(gather_table *t, const pixel_view *view, const square_geometry *g, int size,
                  const float mean[3])
{
	size_t values = (size_t) size * 3;

	t->left = pgface_alloc_array(values, sizeof(int32_t));
	t->right = pgface_alloc_array(values, sizeof(int32_t));
	t->left_inside = pgface_alloc_array(values, sizeof(int32_t));
	t->right_inside = pgface_alloc_array(values, sizeof(int32_t));
	t->x_fraction = pgface_alloc_array(values, sizeof(float));
	t->mean = pgface_alloc_array(values, sizeof(float));
	t->highest = 0;
	if (t->left == NULL || t->right == NULL || t->left_inside == NULL || t->right_inside == NULL ||
	    t->x_fraction == NULL || t->mean == NULL)
		return false;
	for (int x = 0; x < size; x++)
	{
		resize_column column = sample_column(g->ratio, x, g->side, g->pad_left, view->width);

		for (int c = 0; c < 3; c++)
		{
			ptrdiff_t left = (ptrdiff_t) column.left * view->x_step + c;
			ptrdiff_t right = (ptrdiff_t) column.right * view->x_step + c;

			t->left[3 * x + c] = column.left >= 0 ? (int32_t) left : 0;
			t->right[3 * x + c] = column.right >= 0 ? (int32_t) right : 0;
			t->left_inside[3 * x + c] = column.left >= 0 ? -1 : 0;
			t->right_inside[3 * x + c] = column.right >= 0 ? -1 : 0;
			t->x_fraction[3 * x + c] = column.x_fraction;
			t->mean[3 * x + c] = mean[c];
			if (column.left >= 0 && left > t->highest)
				t->highest = left;
			if (column.right >= 0 && right > t->highest)
				t->highest = right;
		}
	}
	return true;
}

/*
 * The resize with AVX2 gathers: 1.08 ms a 416 detector input from a 1920x1280 photo took
 * most of its time in assembling each pixel's channels one by one. Each gather reads 4
 * bytes for its one, so a row that reaches within 3 bytes of the buffer's end (the image's
 * last, for a whole image) goes by the scalar path. false (and nothing written) where the
 * CPU has no AVX2, the output's values are not whole vectors of 8, a view's offsets pass
 * 32 bits, or there is no memory for the tables: the scalar path then does it all.
 */
static bool
resize_gathered(const pixel_view *view, const square_geometry *g, int size, const float mean[3],
                float scale, const resize_column *table, rgb_vec means, rgb_vec scales, float *out)
{
	int values = 3 * size;
	ptrdiff_t reach =
	    ((ptrdiff_t) view->width + 1) * (view->x_step < 0 ? -view->x_step : view->x_step);
	gather_table t = {0};

	if (pgface_simd_current() != PGFACE_SIMD_AVX512 && pgface_simd_current() != PGFACE_SIMD_AVX2)
		return false;
	if (values % 8 != 0 || reach > INT32_MAX)
		return false;
	if (!gather_table_make(&t, view, g, size, mean))
	{
		gather_table_free(&t);
		return false;
	}
	for (int y = 0; y < size; y++)
	{
		const unsigned char *upper, *lower;
		float y_fraction = sample_rows(view, g, y, &upper, &lower);
		float *dst = out + (size_t) y * (size_t) values;

		pgface_check_interrupts(); /* rows of a large photo are far apart: cache and TLB misses */
		if ((upper != NULL && view->end - upper < t.highest + 4) ||
		    (lower != NULL && view->end - lower < t.highest + 4))
			resize_row_scalar(view, g, table, size, upper, lower, y_fraction, means, scales,
			                  y == size - 1, dst);
		else
			resize_row_gathered(&t, values, upper, lower, y_fraction, scale, dst);
	}
	gather_table_free(&t);
	return true;
}
#endif

/* Resizes a view into its padded square (see pgface_square_resize_normalised). */
static void
resize_view(const pixel_view *view, int size, int centred, const float mean[3], float divisor,
            float *out)
{
	square_geometry g = square_geometry_of(view, size, centred);
	/* a division per value would cost as much as the rest of the resize */
	float scale = 1.0f / divisor;
	rgb_vec means = {mean[0], mean[1], mean[2], 0.0f};
	rgb_vec scales = {scale, scale, scale, scale};
	resize_column table[PGFACE_SQUARE_TABLE];
	int tabled = size < PGFACE_SQUARE_TABLE ? size : PGFACE_SQUARE_TABLE;

	for (int x = 0; x < tabled; x++)
		table[x] = sample_column(g.ratio, x, g.side, g.pad_left, view->width);
#if defined(__x86_64__)
	if (resize_gathered(view, &g, size, mean, scale, table, means, scales, out))
		return;
#endif
	for (int y = 0; y < size; y++)
	{
		const unsigned char *upper_row, *lower_row;
		float y_fraction = sample_rows(view, &g, y, &upper_row, &lower_row);

		pgface_check_interrupts(); /* rows of a large photo are far apart: cache and TLB misses */
		resize_row_scalar(view, &g, table, size, upper_row, lower_row, y_fraction, means, scales,
		                  y == size - 1, out + (size_t) y * (size_t) size * 3);
	}
}

void
pgface_region_turned_size(const pgface_region *region, int orientation, int *width, int *height)
{
	bool swaps = orientation >= 5 && orientation <= 8;

	*width = swaps ? region->height : region->width;
	*height = swaps ? region->width : region->height;
}

/*
 * For each EXIF orientation, where the turned region's pixel (0, 0) lies in the region
 * (at its last column, its last row) and which way one step along x and along y goes
 * there, in pixels: pgface_image_orient's table, as steps.
 */
static const struct
{
	bool last_column, last_row;
	int x_dx, x_dy, y_dx, y_dy;
} turns[9] = {
    [1] = {false, false, 1, 0, 0, 1}, [2] = {true, false, -1, 0, 0, 1},
    [3] = {true, true, -1, 0, 0, -1}, [4] = {false, true, 1, 0, 0, -1},
    [5] = {false, false, 0, 1, 1, 0}, [6] = {false, true, 0, -1, 1, 0},
    [7] = {true, true, 0, -1, -1, 0}, [8] = {true, false, 0, 1, -1, 0},
};

void
pgface_square_resize_region(const pgface_image *image, const pgface_region *region, int orientation,
                            int size, int centred, const float mean[3], float divisor, float *out)
{
	int o = orientation >= 1 && orientation <= 8 ? orientation : 1;
	int x0 = region->left + (turns[o].last_column ? region->width - 1 : 0);
	int y0 = region->top + (turns[o].last_row ? region->height - 1 : 0);
	ptrdiff_t row = (ptrdiff_t) image->width * 3;
	pixel_view view = {image->rgb + (ptrdiff_t) y0 * row + (ptrdiff_t) x0 * 3,
	                   0,
	                   0,
	                   turns[o].x_dx * 3 + turns[o].x_dy * row,
	                   turns[o].y_dx * 3 + turns[o].y_dy * row,
	                   image->rgb + (size_t) image->width * (size_t) image->height * 3};

	pgface_region_turned_size(region, o, &view.width, &view.height);
	resize_view(&view, size, centred, mean, divisor, out);
}

void
pgface_square_resize_normalised(const pgface_image *image, int size, int centred,
                                const float mean[3], float divisor, float *out)
{
	pixel_view view = {image->rgb,
	                   image->width,
	                   image->height,
	                   3,
	                   (ptrdiff_t) image->width * 3,
	                   image->rgb + (size_t) image->width * (size_t) image->height * 3};

	resize_view(&view, size, centred, mean, divisor, out);
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
