/*
 * heif_library.h: libheif, opened on the first HEIF or AVIF photo a process decodes.
 *
 * Linking it into pgface.so made every backend that loads pgface pay for it: libheif and
 * its codecs (x265, libde265, dav1d, aom) take about 13 ms to load and relocate, in every
 * fresh session, even one that only searches an index. Opened with dlopen when a photo
 * needs it, it costs that once, in the process that decodes the photo.
 */
#ifndef PGFACE_HEIF_LIBRARY_H
#define PGFACE_HEIF_LIBRARY_H

#include <libheif/heif.h>

#include "common/status.h"

/* The libheif functions the decoder calls, with libheif's own types. */
typedef struct pgface_heif_api
{
	__typeof__(&heif_context_alloc) context_alloc;
	__typeof__(&heif_context_free) context_free;
	__typeof__(&heif_context_set_max_decoding_threads) context_set_max_decoding_threads;
	__typeof__(&heif_context_set_maximum_image_size_limit) context_set_maximum_image_size_limit;
	__typeof__(&heif_context_read_from_memory_without_copy) context_read_from_memory_without_copy;
	__typeof__(&heif_context_get_primary_image_handle) context_get_primary_image_handle;
	__typeof__(&heif_image_handle_get_ispe_width) image_handle_get_ispe_width;
	__typeof__(&heif_image_handle_get_ispe_height) image_handle_get_ispe_height;
	__typeof__(&heif_image_handle_release) image_handle_release;
	__typeof__(&heif_decoding_options_alloc) decoding_options_alloc;
	__typeof__(&heif_decoding_options_free) decoding_options_free;
	__typeof__(&heif_decode_image) decode_image;
	__typeof__(&heif_image_get_width) image_get_width;
	__typeof__(&heif_image_get_height) image_get_height;
	__typeof__(&heif_image_get_plane_readonly) image_get_plane_readonly;
	__typeof__(&heif_image_get_bits_per_pixel_range) image_get_bits_per_pixel_range;
	__typeof__(&heif_image_release) image_release;
} pgface_heif_api;

/* The soname opened: the one Debian 12's libheif1 ships, whose API the header describes. */
#define PGFACE_HEIF_SONAME "libheif.so.1"

/*
 * libheif's functions, opened once per process (thread-safe); NULL with status set
 * (PGFACE_ERR_IMAGE_FORMAT, naming the library and dlopen's reason) when it cannot be.
 */
const pgface_heif_api *pgface_heif_open(pgface_status *status);

/* The same functions, once pgface_heif_open has succeeded in this process. */
const pgface_heif_api *pgface_heif_loaded(void);

#endif
