/*
 * decoded.c: what every per-format decoder shares: the size rule and the output buffer.
 */
#include "img/decoder.h"

#include <stdint.h>
#include <stdlib.h>

/*
 * One rule, judged from the header before any pixel buffer exists, so a small file
 * claiming a huge size costs nothing in any format. Divided, not multiplied: a PNG
 * header's two 32-bit sizes overflow a product.
 */
pgface_code
pgface_image_check_size(pgface_status *status, const char *format, int64_t width, int64_t height,
                        int64_t max_pixels)
{
	if (width <= 0 || height <= 0)
		return pgface_fail(status, PGFACE_ERR_IMAGE_CORRUPT,
		                   "the %s header is corrupt: its size is %lldx%lld", format,
		                   (long long) width, (long long) height);
	if (width > PGFACE_MAX_IMAGE_SIDE || height > PGFACE_MAX_IMAGE_SIDE)
		return pgface_fail(status, PGFACE_ERR_IMAGE_TOO_LARGE,
		                   "the image is %lldx%lld, and pgface decodes at most %d pixels a side",
		                   (long long) width, (long long) height, PGFACE_MAX_IMAGE_SIDE);
	if (width > max_pixels / height)
		return pgface_fail(status, PGFACE_ERR_IMAGE_TOO_LARGE,
		                   "the image is %lldx%lld, %.0f pixels, over the limit of %lld",
		                   (long long) width, (long long) height, (double) width * (double) height,
		                   (long long) max_pixels);
	return PGFACE_OK;
}

/* One wording for every library's failures, so users read the same sentence for each format. */
const char *
pgface_decode_failure_verb(pgface_code code)
{
	switch (code)
	{
		case PGFACE_ERR_IMAGE_FORMAT:
			return "is a kind pgface cannot decode";
		case PGFACE_ERR_IMAGE_TOO_LARGE:
			return "is too large to decode";
		case PGFACE_ERR_NO_MEMORY:
			return "could not be decoded in the memory available";
		default:
			return "is corrupt or truncated";
	}
}

/* malloc, not the runtime allocator: the buffer belongs to the decode thread's job. */
pgface_code
pgface_decoded_allocate(pgface_decoded *out, int width, int height)
{
	if (width <= 0 || height <= 0 || (size_t) width > SIZE_MAX / 3 / (size_t) height)
		return pgface_fail(&out->status, PGFACE_ERR_IMAGE_TOO_LARGE,
		                   "a %dx%d image does not fit in memory", width, height);
	out->rgb = malloc((size_t) width * (size_t) height * 3);
	if (out->rgb == NULL)
		return pgface_fail(&out->status, PGFACE_ERR_NO_MEMORY, "out of memory for a %dx%d image",
		                   width, height);
	out->width = width;
	out->height = height;
	return PGFACE_OK;
}

void
pgface_decoded_discard(pgface_decoded *out)
{
	free(out->rgb);
	out->rgb = NULL;
}
