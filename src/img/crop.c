/*
 * crop.c: cutting a box out of an image the way face-api's extractFaceTensors
 * does: clipped to the image, then floored to whole pixels.
 */
#include <math.h>
#include <string.h>

#include "common/runtime.h"
#include "img/image.h"

pgface_code
pgface_image_crop(const pgface_image *image, double x, double y, double width, double height,
                  pgface_image *out, pgface_status *status)
{
	double left = fmax(x, 0.0);
	double top = fmax(y, 0.0);
	int column = (int) floor(left);
	int row = (int) floor(top);

	out->rgb = NULL;
	out->width = (int) floor(fmin(x + width - left, image->width - left));
	out->height = (int) floor(fmin(y + height - top, image->height - top));
	if (!(out->width > 0 && out->height > 0 && column < image->width && row < image->height))
		return pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT,
		                   "the face box lies outside the image");
	out->rgb = pgface_alloc_array((size_t) out->width * (size_t) out->height, 3);
	if (out->rgb == NULL)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for the face crop");
	for (int r = 0; r < out->height; r++)
		memcpy(out->rgb + (size_t) r * out->width * 3,
		       image->rgb + ((size_t) (row + r) * image->width + column) * 3,
		       (size_t) out->width * 3);
	return PGFACE_OK;
}
