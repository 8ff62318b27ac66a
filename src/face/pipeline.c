/*
 * pipeline.c: decode, prepare the chip, run the net.
 */
#include "face/pipeline.h"

#include <string.h>

#include "common/runtime.h"
#include "img/image.h"

/* Landmarks, alignment and the recognition net for one detected face. */
static pgface_code
describe_face(const pgface_models *models, const pgface_image *image, const pgface_box *box,
              const pgface_limits *limits, pgface_face *face, pgface_status *status)
{
	float *chip = pgface_alloc(sizeof(float) * PGFACE_CHIP_SIZE * PGFACE_CHIP_SIZE * 3);
	pgface_code code;

	if (chip == NULL)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for the face chip");
	face->box = *box;
	code = pgface_landmarks_detect(&models->landmarks, image, box, face->landmarks, status);
	if (code == PGFACE_OK)
		code = pgface_align_face(image, face->landmarks, limits->alignment, chip, status);
	if (code == PGFACE_OK)
		code = pgface_recognition_net_embed(&models->recognition, chip, face->embedding, status);
	pgface_free(chip);
	return code;
}

/*
 * The tiny detector sees faces over a limited range of sizes relative to its
 * input: a face that fills most of the photo (an ID picture, a tight crop) is
 * missed at 416 but found when the photo is shown smaller. So when the
 * configured size finds nothing, smaller sizes are tried in turn.
 */
static const int fallback_input_sizes[] = {320, 224, 160, 128};

/* Decodes the photo and runs the detector; the caller frees both outputs. */
static pgface_code
detect(const pgface_models *models, const unsigned char *bytes, size_t length,
       const pgface_limits *limits, pgface_image *image, pgface_box **boxes, int *count,
       pgface_status *status)
{
	int size = limits->detector_input_size;
	size_t next = 0;

	*boxes = NULL;
	if (pgface_image_decode(bytes, length, limits->max_image_pixels, image, status) != PGFACE_OK)
		return status->code;
	for (;;)
	{
		if (pgface_detect_faces(&models->detector, image, size, limits->detector_threshold, boxes,
		                        count, status) != PGFACE_OK)
		{
			pgface_image_free(image);
			return status->code;
		}
		while (next < sizeof(fallback_input_sizes) / sizeof(fallback_input_sizes[0]) &&
		       fallback_input_sizes[next] >= size)
			next++;
		if (*count > 0 || next == sizeof(fallback_input_sizes) / sizeof(fallback_input_sizes[0]))
			return PGFACE_OK;
		pgface_free(*boxes);
		size = fallback_input_sizes[next++];
		pgface_check_interrupts();
	}
}

pgface_code
pgface_embed_photo(const pgface_models *models, const unsigned char *bytes, size_t length,
                   const pgface_limits *limits, float *embedding, pgface_status *status)
{
	pgface_image image = {0};
	pgface_box *boxes;
	pgface_face *face;
	int count;
	int largest = 0;
	pgface_code code;

	if (detect(models, bytes, length, limits, &image, &boxes, &count, status) != PGFACE_OK)
		return status->code;
	if (count == 0)
	{
		pgface_free(boxes);
		pgface_image_free(&image);
		return pgface_fail(status, PGFACE_ERR_NO_FACE, "no face found in the photo");
	}
	for (int i = 1; i < count; i++)
		if (boxes[i].width * boxes[i].height > boxes[largest].width * boxes[largest].height)
			largest = i;
	face = pgface_alloc(sizeof(pgface_face));
	code = face == NULL ? pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory")
	                    : describe_face(models, &image, &boxes[largest], limits, face, status);
	if (code == PGFACE_OK)
		memcpy(embedding, face->embedding, sizeof(face->embedding));
	pgface_free(face);
	pgface_free(boxes);
	pgface_image_free(&image);
	return code;
}

pgface_code
pgface_find_faces(const pgface_models *models, const unsigned char *bytes, size_t length,
                  const pgface_limits *limits, pgface_face **faces, int *count,
                  pgface_status *status)
{
	pgface_image image = {0};
	pgface_box *boxes;
	pgface_code code = PGFACE_OK;

	*faces = NULL;
	if (detect(models, bytes, length, limits, &image, &boxes, count, status) != PGFACE_OK)
		return status->code;
	if (*count > 0)
	{
		*faces = pgface_alloc_array((size_t) *count, sizeof(pgface_face));
		if (*faces == NULL)
			code = pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for %d faces", *count);
		for (int i = 0; i < *count && code == PGFACE_OK; i++)
		{
			pgface_check_interrupts();
			code = describe_face(models, &image, &boxes[i], limits, &(*faces)[i], status);
		}
	}
	if (code != PGFACE_OK)
	{
		pgface_free(*faces);
		*faces = NULL;
		*count = 0;
	}
	pgface_free(boxes);
	pgface_image_free(&image);
	return code;
}

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
