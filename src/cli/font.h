/*
 * font.h: a tiny 5x7 bitmap font for pgface draw's labels (digits, the letters of its
 * words, '.', '-' and space), each font pixel drawn as a scale x scale square.
 */
#ifndef PGFACE_CLI_FONT_H
#define PGFACE_CLI_FONT_H

#include "raster.h"

#define FONT_GLYPH_WIDTH  5
#define FONT_GLYPH_HEIGHT 7

/* The width in pixels of text at scale: its glyphs with one font pixel between them. */
int font_text_width(const char *text, int scale);

/* Draws text with its top-left corner at (x, y), clipped to the image. */
void font_draw_text(pgface_image *image, int x, int y, const char *text, int scale,
                    raster_colour colour);

#endif
