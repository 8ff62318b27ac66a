/*
 * decode_stb.c: BMP and GIF with stb_image (stb_image_impl.c compiles only those two).
 * For a GIF, stb gives the first frame.
 */
#include "img/decoder.h"

#include <stb_image.h>
#include <stdio.h>
#include <string.h>

/* stb's short reasons for valid files of a kind it does not decode. */
static int
unsupported_variant(const char *reason)
{
	return strcmp(reason, "BMP RLE") == 0 || strcmp(reason, "BMP JPEG/PNG") == 0 ||
	       strcmp(reason, "unknown BMP") == 0;
}

pgface_code
pgface_decode_stb(const unsigned char *bytes, size_t length, int64_t max_pixels,
                  pgface_decoded *out)
{
	const char *format = length >= 2 && bytes[0] == 'B' && bytes[1] == 'M' ? "BMP" : "GIF";
	int width;
	int height;
	int channels;
	pgface_code code;
	const char *reason;

	if (length > INT32_MAX)
		return pgface_fail(&out->status, PGFACE_ERR_IMAGE_TOO_LARGE, "the image is %zu bytes",
		                   length);
	if (stbi_info_from_memory(bytes, (int) length, &width, &height, &channels) &&
	    pgface_image_check_size(&out->status, format, width, height, max_pixels) != PGFACE_OK)
		return out->status.code;
	out->rgb = stbi_load_from_memory(bytes, (int) length, &out->width, &out->height, &channels, 3);
	if (out->rgb != NULL)
	{
		out->orientation = 1;
		return PGFACE_OK;
	}
	reason = stbi_failure_reason();
	if (reason == NULL || reason[0] == '\0')
		reason = "stb_image gave no reason";
	code = strcmp(reason, "outofmem") == 0 ? PGFACE_ERR_NO_MEMORY
	       : unsupported_variant(reason)   ? PGFACE_ERR_IMAGE_FORMAT
	                                       : PGFACE_ERR_IMAGE_CORRUPT;
	return pgface_fail(&out->status, code, "the %s %s: %s", format,
	                   pgface_decode_failure_verb(code), reason);
}
