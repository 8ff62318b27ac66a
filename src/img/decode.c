/*
 * decode.c: bytes to RGB pixels, refusing oversized images before decoding them.
 */
#include <stb_image.h>

#include "common/runtime.h"
#include "img/image.h"

static const char *const format_names[] = {"image", "PNG", "JPEG", "GIF", "BMP"};

static pgface_code
too_large(pgface_status *status, int64_t width, int64_t height, int64_t max_pixels)
{
	return pgface_fail(status, PGFACE_ERR_IMAGE_TOO_LARGE,
	                   "the image is %lldx%lld, %lld pixels, over the limit of %lld",
	                   (long long) width, (long long) height, (long long) (width * height),
	                   (long long) max_pixels);
}

pgface_code
pgface_image_decode(const unsigned char *bytes, size_t length, int64_t max_pixels,
                    pgface_image *image, pgface_status *status)
{
	int width;
	int height;
	int channels;
	int64_t header_width;
	int64_t header_height;
	pgface_image_format format;

	image->rgb = NULL;
	if (length == 0)
		return pgface_fail(status, PGFACE_ERR_IMAGE_EMPTY, "the image is empty (0 bytes)");
	if (length > (size_t) INT32_MAX)
		return pgface_fail(status, PGFACE_ERR_IMAGE_TOO_LARGE, "the image is %zu bytes", length);

	/* Our own header read first: a huge claim is refused even where stb would not say why. */
	format = pgface_image_header_size(bytes, length, &header_width, &header_height);
	if (header_width > 0 && header_height > 0 && header_width * header_height > max_pixels)
		return too_large(status, header_width, header_height, max_pixels);

	if (!stbi_info_from_memory(bytes, (int) length, &width, &height, &channels))
	{
		if (format == PGFACE_FORMAT_OTHER)
			return pgface_fail(
			    status, PGFACE_ERR_IMAGE_FORMAT,
			    "not a supported image format (JPEG, PNG, BMP, GIF, TGA, PSD, PIC, PNM)");
		return pgface_fail(status, PGFACE_ERR_IMAGE_CORRUPT, "the %s header is corrupt",
		                   format_names[format]);
	}
	if ((int64_t) width * (int64_t) height > max_pixels)
		return too_large(status, width, height, max_pixels);

	image->rgb = stbi_load_from_memory(bytes, (int) length, &width, &height, &channels, 3);
	if (image->rgb == NULL)
		return pgface_fail(status, PGFACE_ERR_IMAGE_CORRUPT,
		                   "the image is corrupt or truncated: %s", stbi_failure_reason());
	image->width = width;
	image->height = height;
	if (pgface_image_orient(image, pgface_jpeg_orientation(bytes, length), status) != PGFACE_OK)
	{
		pgface_image_free(image);
		return status->code;
	}
	return PGFACE_OK;
}

void
pgface_image_free(pgface_image *image)
{
	pgface_free(image->rgb);
	image->rgb = NULL;
}
