/*
 * make_heif.c: a HEIC or AVIF of an image, written with libheif's encoder, with an
 * orientation stored as HEIF stores it (irot and imir boxes), which heif-enc cannot
 * write. For the test that every format and orientation gives the same face.
 *
 *   make_heif IN OUT heic|avif QUALITY|lossless ORIENTATION
 *
 * IN (any format pgface reads) holds the stored pixels; ORIENTATION (1 to 8, EXIF's
 * meaning) is what a reader must do to them to show the picture upright.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libheif/heif.h>

#include "../common/decode_file.h"

/* Prints libheif's reason and says whether the call worked. */
static int
worked(struct heif_error error, const char *what)
{
	if (error.code == heif_error_Ok)
		return 1;
	fprintf(stderr, "make_heif: %s: %s\n", what, error.message);
	return 0;
}

/* The decoded pixels as a libheif image of interleaved RGB. */
static struct heif_image *
to_heif_image(const pgface_image *pixels)
{
	struct heif_image *image = NULL;
	uint8_t *plane;
	int stride;

	if (!worked(heif_image_create(pixels->width, pixels->height, heif_colorspace_RGB,
	                              heif_chroma_interleaved_RGB, &image),
	            "create"))
		return NULL;
	if (!worked(
	        heif_image_add_plane(image, heif_channel_interleaved, pixels->width, pixels->height, 8),
	        "add plane"))
		return NULL;
	plane = heif_image_get_plane(image, heif_channel_interleaved, &stride);
	for (int y = 0; y < pixels->height; y++)
		memcpy(plane + (size_t) y * stride, pixels->rgb + (size_t) y * pixels->width * 3,
		       (size_t) pixels->width * 3);
	return image;
}

/* Encodes with the format's first encoder at the quality asked for. */
static int
encode(struct heif_image *image, const char *out, int avif, const char *quality, int orientation)
{
	struct heif_context *context = heif_context_alloc();
	struct heif_encoder *encoder = NULL;
	struct heif_encoding_options *options = heif_encoding_options_alloc();
	int ok;

	options->image_orientation = (enum heif_orientation) orientation;
	ok = worked(heif_context_get_encoder_for_format(
	                context, avif ? heif_compression_AV1 : heif_compression_HEVC, &encoder),
	            "encoder");
	if (ok && strcmp(quality, "lossless") == 0)
		ok = worked(heif_encoder_set_lossless(encoder, 1), "lossless");
	else if (ok)
		ok = worked(heif_encoder_set_lossy_quality(encoder, atoi(quality)), "quality");
	ok = ok && worked(heif_context_encode_image(context, image, encoder, options, NULL), "encode");
	ok = ok && worked(heif_context_write_to_file(context, out), "write");
	if (encoder != NULL)
		heif_encoder_release(encoder);
	heif_encoding_options_free(options);
	heif_context_free(context);
	return ok;
}

int
main(int argc, char **argv)
{
	pgface_image pixels;
	struct heif_image *image;
	int orientation;
	int ok;

	if (argc != 6 || (orientation = atoi(argv[5])) < 1 || orientation > 8 ||
	    (strcmp(argv[3], "heic") != 0 && strcmp(argv[3], "avif") != 0))
	{
		fprintf(stderr, "usage: make_heif IN OUT heic|avif QUALITY|lossless ORIENTATION\n");
		return 2;
	}
	if (!decode_file("make_heif", argv[1], &pixels))
		return 1;
	image = to_heif_image(&pixels);
	ok = image != NULL && encode(image, argv[2], argv[3][0] == 'a', argv[4], orientation);
	heif_image_release(image);
	pgface_image_free(&pixels);
	return ok ? 0 : 1;
}
