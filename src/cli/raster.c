/*
 * raster.c: filled rectangles, box outlines and dots on an RGB image, for pgface draw.
 * Coordinates are continuous (pixel i covers [i, i + 1)), as the pipeline's boxes and
 * landmarks are; a shape paints the pixels whose centres it covers.
 */
#include <math.h>

#include "raster.h"

/*
 * The pixels whose centres lie in [from, to), as first and one-past-last index, clamped
 * to 0..size so that boxes far outside the photo (or NaN) cannot overflow an int.
 */
static void
pixel_span(double from, double to, int size, int *first, int *end)
{
	double a = ceil(from - 0.5);
	double b = ceil(to - 0.5);

	*first = a > 0 ? (a < size ? (int) a : size) : 0;
	*end = b > 0 ? (b < size ? (int) b : size) : 0;
}

void
raster_fill(pgface_image *image, int x0, int y0, int x1, int y1, raster_colour colour)
{
	x0 = x0 < 0 ? 0 : x0;
	y0 = y0 < 0 ? 0 : y0;
	x1 = x1 > image->width ? image->width : x1;
	y1 = y1 > image->height ? image->height : y1;
	for (int y = y0; y < y1; y++)
	{
		uint8_t *pixel = image->rgb + ((size_t) y * image->width + x0) * 3;

		for (int x = x0; x < x1; x++, pixel += 3)
		{
			pixel[0] = colour.r;
			pixel[1] = colour.g;
			pixel[2] = colour.b;
		}
	}
}

/* The pixels whose centres lie in [x0, x1) x [y0, y1): one band of a box's outline. */
static void
fill_span(pgface_image *image, double x0, double y0, double x1, double y1, raster_colour colour)
{
	int first_x, end_x, first_y, end_y;

	pixel_span(x0, x1, image->width, &first_x, &end_x);
	pixel_span(y0, y1, image->height, &first_y, &end_y);
	raster_fill(image, first_x, first_y, end_x, end_y, colour);
}

void
raster_box(pgface_image *image, double x, double y, double width, double height, double thickness,
           raster_colour colour)
{
	double half = thickness / 2;
	double right = x + width;
	double bottom = y + height;

	fill_span(image, x - half, y - half, right + half, y + half, colour);           /* top */
	fill_span(image, x - half, bottom - half, right + half, bottom + half, colour); /* bottom */
	fill_span(image, x - half, y - half, x + half, bottom + half, colour);          /* left */
	fill_span(image, right - half, y - half, right + half, bottom + half, colour);  /* right */
}

void
raster_dot(pgface_image *image, double cx, double cy, double radius, raster_colour colour)
{
	int first_x, end_x, first_y, end_y;

	pixel_span(cx - radius, cx + radius, image->width, &first_x, &end_x);
	pixel_span(cy - radius, cy + radius, image->height, &first_y, &end_y);
	for (int y = first_y; y < end_y; y++)
		for (int x = first_x; x < end_x; x++)
		{
			double dx = x + 0.5 - cx;
			double dy = y + 0.5 - cy;

			if (dx * dx + dy * dy <= radius * radius)
				raster_fill(image, x, y, x + 1, y + 1, colour);
		}
}
