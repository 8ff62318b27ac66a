/*
 * chip.c: pad to a centred square and resize, reproducing face-api's
 * padToSquare(isCenterImage = true) and TensorFlow.js's resizeBilinear.
 */
#include <math.h>

#include "common/runtime.h"
#include "img/image.h"

/* Pixel of the padded square: zero outside the original image. */
static float
padded_pixel(const pgface_image *image, int pad_top, int pad_left, int y, int x, int channel)
{
	int iy = y - pad_top;
	int ix = x - pad_left;

	if (iy < 0 || iy >= image->height || ix < 0 || ix >= image->width)
		return 0.0f;
	return (float) image->rgb[((size_t) iy * (size_t) image->width + (size_t) ix) * 3 + channel];
}

void
pgface_chip_from_image(const pgface_image *image, int size, float *out)
{
	pgface_square_resize(image, size, 1, out);
}

void
pgface_square_resize(const pgface_image *image, int size, int centred, float *out)
{
	int side = image->width > image->height ? image->width : image->height;
	int difference = side - (image->width > image->height ? image->height : image->width);
	/* face-api appends round(difference / 2) after the image and the rest before it. */
	int before = centred ? difference - (int) lround(difference * 0.5) : 0;
	int pad_top = image->height < side ? before : 0;
	int pad_left = image->width < side ? before : 0;
	float ratio = (float) side / (float) size;

	for (int y = 0; y < size; y++)
	{
		float source_y = ratio * (float) y;
		int top = (int) floorf(source_y);
		int bottom = (int) ceilf(source_y) < side - 1 ? (int) ceilf(source_y) : side - 1;
		float y_fraction = source_y - (float) top;

		pgface_check_interrupts(); /* rows of a large photo are far apart: cache and TLB misses */

		for (int x = 0; x < size; x++)
		{
			float source_x = ratio * (float) x;
			int left = (int) floorf(source_x);
			int right = (int) ceilf(source_x) < side - 1 ? (int) ceilf(source_x) : side - 1;
			float x_fraction = source_x - (float) left;

			for (int c = 0; c < 3; c++)
			{
				float top_left = padded_pixel(image, pad_top, pad_left, top, left, c);
				float top_right = padded_pixel(image, pad_top, pad_left, top, right, c);
				float bottom_left = padded_pixel(image, pad_top, pad_left, bottom, left, c);
				float bottom_right = padded_pixel(image, pad_top, pad_left, bottom, right, c);
				float upper = top_left + (top_right - top_left) * x_fraction;
				float lower = bottom_left + (bottom_right - bottom_left) * x_fraction;
				out[((size_t) y * (size_t) size + (size_t) x) * 3 + c] =
				    upper + (lower - upper) * y_fraction;
			}
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
