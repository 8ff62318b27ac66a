/*
 * image.h: decoded 8-bit RGB images and what is done to them before a net sees them.
 */
#ifndef PGFACE_IMAGE_H
#define PGFACE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

typedef struct pgface_image
{
	int width;
	int height;
	uint8_t *rgb; /* width * height * 3 bytes, row-major, through the runtime allocator */
} pgface_image;

/*
 * decode.c: decodes JPEG (libjpeg-turbo), PNG (libpng), WebP (libwebp), HEIC/HEIF and
 * AVIF (libheif), BMP and GIF (stb_image), from memory, to RGB (grey is replicated,
 * alpha dropped), turned upright by the EXIF orientation (JPEG, PNG, WebP) or the HEIF
 * transformations. The size is checked against max_pixels (and 65536 a side) from the
 * header, before any pixel is decoded.
 */
pgface_code pgface_image_decode(const unsigned char *bytes, size_t length, int64_t max_pixels,
                                pgface_image *image, pgface_status *status);

typedef enum pgface_image_format
{
	PGFACE_FORMAT_OTHER, /* not a format pgface knows */
	PGFACE_FORMAT_PNG,
	PGFACE_FORMAT_JPEG,
	PGFACE_FORMAT_GIF,
	PGFACE_FORMAT_BMP,
	PGFACE_FORMAT_WEBP,
	PGFACE_FORMAT_HEIF, /* HEIC and AVIF alike: libheif reads both */
	PGFACE_FORMAT_TIFF  /* known, to be refused by name */
} pgface_image_format;

/*
 * header_size.c: the format recognised by its signature and, where the header
 * holds it (PNG, JPEG, GIF, BMP, WebP), the size (else -1), without decoding anything.
 */
pgface_image_format pgface_image_header_size(const unsigned char *bytes, size_t length,
                                             int64_t *width, int64_t *height);

/* header_size.c: the format's name for messages ("JPEG", "WebP", ...). */
const char *pgface_image_format_name(pgface_image_format format);

/* A rectangle of whole pixels inside an image. */
typedef struct pgface_region
{
	int left;
	int top;
	int width;
	int height;
} pgface_region;

/*
 * crop.c: the part of the image inside a box, clipped to the image and floored
 * to whole pixels (face-api's extractFaceTensors). Fails when nothing is left.
 */
pgface_code pgface_image_crop(const pgface_image *image, double x, double y, double width,
                              double height, pgface_image *out, pgface_status *status);

/* crop.c: where pgface_image_crop would cut, without cutting. */
pgface_code pgface_image_crop_region(const pgface_image *image, double x, double y, double width,
                                     double height, pgface_region *region, pgface_status *status);

/*
 * exif.c: the EXIF orientation (1 to 8) of a JPEG, from its first APP1 "Exif" segment
 * before the scan, wherever it sits among the other segments; 1 when it has none or it
 * is malformed.
 */
int pgface_jpeg_orientation(const unsigned char *bytes, size_t length);

/*
 * exif.c: the orientation (1 to 8) in an EXIF payload as PNG's eXIf and WebP's EXIF chunk
 * hold it (a TIFF header, sometimes after "Exif\0\0"); 1 when absent or malformed.
 */
int pgface_exif_orientation(const unsigned char *exif, size_t length);

/* exif.c: turns decoded pixels upright for an EXIF orientation; 1 leaves them as they are. */
pgface_code pgface_image_orient(pgface_image *image, int orientation, pgface_status *status);

/*
 * Releases the pixels; safe to call twice. The pixels of pgface_image_decode may be the
 * decode thread's own, lent to the image instead of copied (decode.c): this frees either.
 */
void pgface_image_free(pgface_image *image);

/*
 * Frees pixels that a decode lent to an image the caller can no longer reach: a host
 * whose interrupt hook left the core by longjmp calls this on the way out, and a caller
 * that knows no decoded image of its own is alive may call it before decoding.
 */
void pgface_image_reclaim_lent(void);

/* Whether the image holds a decode's lent pixels (for tests: at most one image does). */
int pgface_image_holds_lent_pixels(const pgface_image *image);

/*
 * chip.c: the recognition net's input from a whole image, as face-api builds it:
 * pad to a centred square with zeros, then resize bilinearly to size x size
 * with TensorFlow.js's resizeBilinear (align_corners and half_pixel_centers
 * false). out receives size * size * 3 floats in 0..255.
 */
void pgface_chip_from_image(const pgface_image *image, int size, float *out);

/*
 * chip.c: the chip mirrored left to right (size x size RGB floats, in to out;
 * the two must not overlap).
 */
void pgface_chip_mirror(const float *in, int size, float *out);

/*
 * chip.c: the same with the choice of where the padding goes: centred (face-api's
 * nets on face crops) or all after the image, at the bottom or right (its detector).
 */
void pgface_square_resize(const pgface_image *image, int size, int centred, float *out);

/*
 * chip.c: pgface_square_resize, each value then (v - mean[channel]) * (1 / divisor) as a
 * net's input wants it, in the same pass.
 */
void pgface_square_resize_normalised(const pgface_image *image, int size, int centred,
                                     const float mean[3], float divisor, float *out);

/*
 * chip.c: pgface_square_resize_normalised of a region of the image turned by an EXIF
 * orientation (1 to 8), with the values of a copy cut out by pgface_image_crop and
 * turned by pgface_image_orient, to the bit, read in place without either copy.
 */
void pgface_square_resize_region(const pgface_image *image, const pgface_region *region,
                                 int orientation, int size, int centred, const float mean[3],
                                 float divisor, float *out);

/* chip.c: a region's width and height once turned by an EXIF orientation (5 to 8 swap them). */
void pgface_region_turned_size(const pgface_region *region, int orientation, int *width,
                               int *height);

#endif
