/*
 * decode_fuzz.c: libFuzzer harness for one photo decoder at a time, through the public
 * entry point (pgface_image_decode: the signature, the header's size check, the decode
 * thread, the library, the orientation). Built once per decoder (fuzz/fuzz.mk) with
 * PGFACE_FUZZ_FORMAT naming the format it keeps; inputs of other formats return at once,
 * so that each run's time goes to its own library.
 *
 * The pixel limit is 4 megapixels, as in photo_fuzz, so that a small file claiming a
 * large but valid size costs milliseconds. A success must give the size it claims.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "img/image.h"

#define FUZZ_MAX_IMAGE_PIXELS 4000000

/* Where the pixels read are summed, so that the reads cannot be optimised away. */
static volatile unsigned pixel_sum;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t width;
	int64_t height;
	pgface_image image;
	pgface_status status = {PGFACE_OK, ""};
	pgface_code code;

	if (strcmp(pgface_image_format_name(pgface_image_header_size(data, size, &width, &height)),
	           PGFACE_FUZZ_FORMAT) != 0)
		return 0;
	code = pgface_image_decode(data, size, FUZZ_MAX_IMAGE_PIXELS, &image, &status);
	if (code != status.code || (code != PGFACE_OK && status.message[0] == '\0'))
	{
		fprintf(stderr, "decode_fuzz: code %d with status %d \"%s\"\n", code, status.code,
		        status.message);
		abort();
	}
	if (code == PGFACE_OK)
	{
		size_t bytes = (size_t) image.width * (size_t) image.height * 3;

		if (image.width <= 0 || image.height <= 0 ||
		    (int64_t) image.width * image.height > FUZZ_MAX_IMAGE_PIXELS)
		{
			fprintf(stderr, "decode_fuzz: decoded %dx%d\n", image.width, image.height);
			abort();
		}
		/* Every pixel is read, so that ASan sees a buffer smaller than it claims. */
		for (size_t i = 0; i < bytes; i += 61)
			pixel_sum += image.rgb[i];
		pixel_sum += image.rgb[bytes - 1];
		pgface_image_free(&image);
	}
	return 0;
}
