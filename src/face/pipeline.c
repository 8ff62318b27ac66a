/*
 * pipeline.c: decode, prepare the chip, run the net.
 */
#include "face/pipeline.h"

#include "common/runtime.h"
#include "img/image.h"

pgface_code
pgface_embed_chip(const pgface_models *models, const unsigned char *bytes, size_t length,
                  const pgface_limits *limits, float *embedding, pgface_status *status)
{
	pgface_image image = {0};
	float *chip;
	pgface_code code;

	if (pgface_image_decode(bytes, length, limits->max_image_pixels, &image, status) != PGFACE_OK)
		return status->code;
	chip = pgface_alloc(sizeof(float) * PGFACE_CHIP_SIZE * PGFACE_CHIP_SIZE * 3);
	if (chip == NULL)
	{
		pgface_image_free(&image);
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for the face chip");
	}
	pgface_chip_from_image(&image, PGFACE_CHIP_SIZE, chip);
	pgface_image_free(&image);

	code = pgface_recognition_net_embed(&models->recognition, chip, embedding, status);
	pgface_free(chip);
	return code;
}
