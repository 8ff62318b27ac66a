/*
 * decode.c: bytes to RGB pixels, refusing oversized images before decoding them.
 */
#include <stb_image.h>

#include "common/runtime.h"
#include "img/image.h"

pgface_code
pgface_image_decode(const unsigned char *bytes, size_t length, int64_t max_pixels,
                    pgface_image *image, pgface_status *status)
{
	int width;
	int height;
	int channels;

	image->rgb = NULL;
	if (length == 0)
		return pgface_fail(status, PGFACE_ERR_IMAGE_EMPTY, "the image is empty (0 bytes)");
	if (length > (size_t) INT32_MAX)
		return pgface_fail(status, PGFACE_ERR_IMAGE_TOO_LARGE, "the image is %zu bytes", length);

	if (!stbi_info_from_memory(bytes, (int) length, &width, &height, &channels))
		return pgface_fail(
		    status, PGFACE_ERR_IMAGE_FORMAT,
		    "not a supported image format (JPEG, PNG, BMP, GIF, TGA, PSD, PIC, PNM)");
	if ((int64_t) width * (int64_t) height > max_pixels)
		return pgface_fail(status, PGFACE_ERR_IMAGE_TOO_LARGE,
		                   "the image is %dx%d, %lld pixels, over the limit of %lld", width, height,
		                   (long long) width * (long long) height, (long long) max_pixels);

	image->rgb = stbi_load_from_memory(bytes, (int) length, &width, &height, &channels, 3);
	if (image->rgb == NULL)
		return pgface_fail(status, PGFACE_ERR_IMAGE_CORRUPT,
		                   "the image is corrupt or truncated: %s", stbi_failure_reason());
	image->width = width;
	image->height = height;
	return PGFACE_OK;
}

void
pgface_image_free(pgface_image *image)
{
	pgface_free(image->rgb);
	image->rgb = NULL;
}
