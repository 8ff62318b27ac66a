/*
 * crop.c: cutting a box out of an image the way face-api's extractFaceTensors
 * does: clipped to the image, then floored to whole pixels.
 */
#include <math.h>
#include <string.h>

#include "common/runtime.h"
#include "img/image.h"

pgface_code
pgface_image_crop_region(const pgface_image *image, double x, double y, double width, double height,
                         pgface_region *region, pgface_status *status)
{
	double left = fmax(x, 0.0);
	double top = fmax(y, 0.0);

	region->left = (int) floor(left);
	region->top = (int) floor(top);
	region->width = (int) floor(fmin(x + width - left, image->width - left));
	region->height = (int) floor(fmin(y + height - top, image->height - top));
	if (!(region->width > 0 && region->height > 0 && region->left < image->width &&
	      region->top < image->height))
		return pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT,
		                   "the face box lies outside the image");
	return PGFACE_OK;
}

pgface_code
pgface_image_crop(const pgface_image *image, double x, double y, double width, double height,
                  pgface_image *out, pgface_status *status)
{
	pgface_region region;

	out->rgb = NULL;
	if (pgface_image_crop_region(image, x, y, width, height, &region, status) != PGFACE_OK)
		return status->code;
	out->width = region.width;
	out->height = region.height;
	out->rgb = pgface_alloc_array((size_t) out->width * (size_t) out->height, 3);
	if (out->rgb == NULL)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for the face crop");
	for (int r = 0; r < out->height; r++)
		memcpy(out->rgb + (size_t) r * out->width * 3,
		       image->rgb + ((size_t) (region.top + r) * image->width + region.left) * 3,
		       (size_t) out->width * 3);
	return PGFACE_OK;
}
