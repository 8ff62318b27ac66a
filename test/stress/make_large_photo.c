/*
 * make_large_photo.c: a photo blown up to a given size, as a phone or camera sends it,
 * for the limit, cancel and memory checks. Nearest-neighbour scaling keeps it fast; the
 * faces stay detectable.
 *
 *   make_large_photo PHOTO WIDTH HEIGHT OUT.jpg|OUT.png
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include "../common/slurp.h"
#include "img/image.h"

int
main(int argc, char **argv)
{
	pgface_image photo;
	pgface_status status = {0};
	unsigned char *bytes, *out;
	size_t length;
	int width, height, ok;
	const char *suffix;

	if (argc != 5 || (width = atoi(argv[2])) <= 0 || (height = atoi(argv[3])) <= 0)
	{
		fprintf(stderr, "usage: make_large_photo PHOTO WIDTH HEIGHT OUT.jpg|OUT.png\n");
		return 2;
	}
	bytes = slurp(argv[1], &length);
	if (bytes == NULL ||
	    pgface_image_decode(bytes, length, 100000000, &photo, &status) != PGFACE_OK)
	{
		fprintf(stderr, "make_large_photo: cannot decode %s: %s\n", argv[1], status.message);
		return 1;
	}
	out = malloc((size_t) width * height * 3);
	if (out == NULL)
		return 1;
	for (int y = 0; y < height; y++)
		for (int x = 0; x < width; x++)
			memcpy(out + ((size_t) y * width + x) * 3,
			       photo.rgb + ((size_t) ((long) y * photo.height / height) * photo.width +
			                    (size_t) ((long) x * photo.width / width)) *
			                       3,
			       3);
	suffix = strrchr(argv[4], '.');
	ok = suffix != NULL && strcmp(suffix, ".png") == 0
	         ? stbi_write_png(argv[4], width, height, 3, out, width * 3)
	         : stbi_write_jpg(argv[4], width, height, 3, out, 90);
	if (!ok)
		fprintf(stderr, "make_large_photo: cannot write %s\n", argv[4]);
	pgface_image_free(&photo);
	free(out);
	free(bytes);
	return ok ? 0 : 1;
}
