/*
 * decoder.h: the per-format decoders behind pgface_image_decode, one file each
 * (decode_jpeg.c, decode_png.c, decode_webp.c, decode_heif.c, decode_stb.c).
 *
 * Each runs on the decode thread (common/offload.h), so a library's own error
 * path (libjpeg's and libpng's longjmp) never crosses the host's frames, and a
 * cancel never waits for it. Everything a decoder allocates is malloc'd and freed
 * by the decoder itself on every path, but the pixels it hands back.
 */
#ifndef PGFACE_DECODER_H
#define PGFACE_DECODER_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

/* The longest side any decoder accepts; libjpeg's own limit is 65500. */
#define PGFACE_MAX_IMAGE_SIDE 65536

typedef struct pgface_decoded
{
	unsigned char *rgb; /* width * height * 3 bytes, malloc'd; NULL on failure */
	int width;
	int height;
	int orientation; /* the EXIF orientation (1 to 8) still to apply; 1 when upright */
	pgface_status status;
} pgface_decoded;

typedef pgface_code (*pgface_decoder_fn)(const unsigned char *bytes, size_t length,
                                         int64_t max_pixels, pgface_decoded *out);

pgface_code pgface_decode_jpeg(const unsigned char *bytes, size_t length, int64_t max_pixels,
                               pgface_decoded *out);
/*
 * The same at 1/scale_denom of the size (1, 2, 4 or 8), for where the full resolution is
 * not needed; max_pixels still judges the full size.
 */
pgface_code pgface_decode_jpeg_scaled(const unsigned char *bytes, size_t length, int64_t max_pixels,
                                      int scale_denom, pgface_decoded *out);
pgface_code pgface_decode_png(const unsigned char *bytes, size_t length, int64_t max_pixels,
                              pgface_decoded *out);
pgface_code pgface_decode_webp(const unsigned char *bytes, size_t length, int64_t max_pixels,
                               pgface_decoded *out);
pgface_code pgface_decode_heif(const unsigned char *bytes, size_t length, int64_t max_pixels,
                               pgface_decoded *out);
/*
 * heif_coded_size.c: every HEVC stream of a HEIF judged by the size rule from its
 * sequence parameters, before libheif decodes it at whatever size it codes.
 */
pgface_code pgface_heif_check_coded_size(const unsigned char *bytes, size_t length,
                                         int64_t max_pixels, pgface_status *status);
/* BMP and GIF, the formats no trusted library above covers, with stb_image. */
pgface_code pgface_decode_stb(const unsigned char *bytes, size_t length, int64_t max_pixels,
                              pgface_decoded *out);

/*
 * decoded.c: the one size rule every decoder applies to the size its header states,
 * before it allocates: no side over PGFACE_MAX_IMAGE_SIDE, at most max_pixels.
 */
pgface_code pgface_image_check_size(pgface_status *status, const char *format, int64_t width,
                                    int64_t height, int64_t max_pixels);

/*
 * decoded.c: how a message about a library's failure goes on after "the PNG ", by its code:
 * "is corrupt or truncated", "is a kind pgface cannot decode", "is too large to decode",
 * "could not be decoded in the memory available".
 */
const char *pgface_decode_failure_verb(pgface_code code);

/* decoded.c: the output buffer for width x height RGB pixels, or NO_MEMORY. */
pgface_code pgface_decoded_allocate(pgface_decoded *out, int width, int height);

/* decoded.c: drops the pixels of a decode that failed after allocating them. */
void pgface_decoded_discard(pgface_decoded *out);

#endif
