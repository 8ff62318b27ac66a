/*
 * decode_heif.c: HEIC/HEIF (HEVC, as iPhones write it) and AVIF (AV1) with libheif and
 * the codecs Debian builds it with (libde265, dav1d, aom). The primary image is taken,
 * with its transformations (irot, imir, clap) applied as libheif applies them: in HEIF
 * they, not an EXIF tag, say which way is up. Alpha is dropped, keeping the colour.
 *
 * libheif returns errors as values and frees what it allocated on every path; it is
 * told to decode on this thread alone.
 */
#include "img/decoder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "img/heif_library.h"

/* libheif's functions: pgface_decode_heif has opened them before anything here runs. */
#define HEIF pgface_heif_loaded()

/* libheif's error as pgface's code; its own message is the reason. */
static pgface_code
fail_with_error(pgface_decoded *out, struct heif_error error)
{
	pgface_code code;
	char reason[200];
	size_t length;

	/* libheif files its size limit under memory allocation errors: the subcode first. */
	if (error.subcode == heif_suberror_Security_limit_exceeded)
		code = PGFACE_ERR_IMAGE_TOO_LARGE;
	else if (error.code == heif_error_Unsupported_filetype ||
	         error.code == heif_error_Unsupported_feature)
		code = PGFACE_ERR_IMAGE_FORMAT;
	else if (error.code == heif_error_Memory_allocation_error)
		code = PGFACE_ERR_NO_MEMORY;
	else
		code = PGFACE_ERR_IMAGE_CORRUPT;
	snprintf(reason, sizeof(reason), "%s",
	         error.message != NULL && error.message[0] != '\0' ? error.message
	                                                           : "libheif gave no reason");
	/* libheif ends some messages with a newline */
	for (length = strlen(reason);
	     length > 0 && (reason[length - 1] == '\n' || reason[length - 1] == ' ');)
		reason[--length] = '\0';
	pgface_decoded_discard(out);
	return pgface_fail(&out->status, code, "the HEIF %s: %s", pgface_decode_failure_verb(code),
	                   reason);
}

/* The decoded primary image's interleaved RGB plane into out, row by row (libheif pads rows). */
static pgface_code
copy_pixels(const struct heif_image *image, int64_t max_pixels, pgface_decoded *out)
{
	int width = HEIF->image_get_width(image, heif_channel_interleaved);
	int height = HEIF->image_get_height(image, heif_channel_interleaved);
	int stride = 0;
	const uint8_t *plane = HEIF->image_get_plane_readonly(image, heif_channel_interleaved, &stride);

	/* Judged again after the transformations: a clap box could claim anything. */
	if (pgface_image_check_size(&out->status, "HEIF", width, height, max_pixels) != PGFACE_OK)
		return out->status.code;
	if (plane == NULL || stride < width * 3 ||
	    HEIF->image_get_bits_per_pixel_range(image, heif_channel_interleaved) != 8)
		return pgface_fail(&out->status, PGFACE_ERR_IMAGE_CORRUPT,
		                   "the HEIF is corrupt: libheif gave no 8-bit RGB plane");
	if (pgface_decoded_allocate(out, width, height) != PGFACE_OK)
		return out->status.code;
	for (int y = 0; y < height; y++)
		memcpy(out->rgb + (size_t) y * width * 3, plane + (size_t) y * stride, (size_t) width * 3);
	return PGFACE_OK;
}

/*
 * AV1 through libaom rather than dav1d, libheif's first choice: on a damaged AVIF,
 * Debian 12's libheif 1.15 with dav1d 1.0 leaks 40 bytes per decode (found by
 * decode_HEIF_fuzz), which a caller sending such files could repeat without end. libheif
 * looks the name up among the decoders of the image's own codec, so HEVC is unaffected.
 */
static struct heif_error
decode_with_aom_for_av1(const struct heif_image_handle *handle, struct heif_image **image)
{
	struct heif_decoding_options *options = HEIF->decoding_options_alloc();
	struct heif_error error;

	if (options == NULL)
		return (struct heif_error){heif_error_Memory_allocation_error, heif_suberror_Unspecified,
		                           "out of memory for decoding options"};
	options->decoder_id = "aom";
	error = HEIF->decode_image(handle, image, heif_colorspace_RGB, heif_chroma_interleaved_RGB,
	                           options);
	HEIF->decoding_options_free(options);
	return error;
}

/* The primary image, judged by its ispe size before a pixel is decoded. */
static pgface_code
decode_primary(struct heif_context *context, int64_t max_pixels, pgface_decoded *out)
{
	struct heif_image_handle *handle = NULL;
	struct heif_image *image = NULL;
	struct heif_error error;
	pgface_code code;

	error = HEIF->context_get_primary_image_handle(context, &handle);
	if (error.code != heif_error_Ok)
		return fail_with_error(out, error);
	code = pgface_image_check_size(&out->status, "HEIF", HEIF->image_handle_get_ispe_width(handle),
	                               HEIF->image_handle_get_ispe_height(handle), max_pixels);
	if (code == PGFACE_OK)
	{
		error = decode_with_aom_for_av1(handle, &image);
		code = error.code != heif_error_Ok ? fail_with_error(out, error)
		                                   : copy_pixels(image, max_pixels, out);
	}
	HEIF->image_release(image);
	HEIF->image_handle_release(handle);
	return code;
}

pgface_code
pgface_decode_heif(const unsigned char *bytes, size_t length, int64_t max_pixels,
                   pgface_decoded *out)
{
	struct heif_context *context;
	struct heif_error error;
	pgface_code code;

	if (pgface_heif_open(&out->status) == NULL)
		return out->status.code;
	context = HEIF->context_alloc();
	if (context == NULL)
		return pgface_fail(&out->status, PGFACE_ERR_NO_MEMORY, "out of memory to read a HEIF");
	if (pgface_heif_check_coded_size(bytes, length, max_pixels, &out->status) != PGFACE_OK)
	{
		HEIF->context_free(context);
		return out->status.code;
	}
	HEIF->context_set_max_decoding_threads(context, 0);
	HEIF->context_set_maximum_image_size_limit(context, PGFACE_MAX_IMAGE_SIDE);
	error = HEIF->context_read_from_memory_without_copy(context, bytes, length, NULL);
	code = error.code != heif_error_Ok ? fail_with_error(out, error)
	                                   : decode_primary(context, max_pixels, out);
	HEIF->context_free(context);
	if (code != PGFACE_OK)
		pgface_decoded_discard(out);
	else
		out->orientation = 1;
	return code;
}
