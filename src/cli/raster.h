/*
 * raster.h: the few drawing primitives pgface draw needs, on the decoded RGB photo:
 * filled rectangles, box outlines and dots, each clipped to the image.
 */
#ifndef PGFACE_CLI_RASTER_H
#define PGFACE_CLI_RASTER_H

#include <stdint.h>

#include "img/image.h"

typedef struct raster_colour
{
	uint8_t r, g, b;
} raster_colour;

/* Paints the pixels x0 <= x < x1, y0 <= y < y1 that lie in the image. */
void raster_fill(pgface_image *image, int x0, int y0, int x1, int y1, raster_colour colour);

/*
 * The outline of a box in continuous pixel coordinates (a face's box as the pipeline
 * gives it): every pixel whose centre is within thickness / 2 of one of its edges.
 */
void raster_box(pgface_image *image, double x, double y, double width, double height,
                double thickness, raster_colour colour);

/* A filled disc: every pixel whose centre is within radius of (cx, cy). */
void raster_dot(pgface_image *image, double cx, double cy, double radius, raster_colour colour);

#endif
