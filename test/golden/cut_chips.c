/*
 * cut_chips.c: cuts the golden-test face chips out of face-api's sample photos
 * and writes them as PNG, so that pgface and the face-api reference read the
 * very same pixels (a lossless file, no second JPEG decoder involved).
 *
 *   cut_chips CHIPS.txt SAMPLE_DIR OUT_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO_UNUSED
#include <stb_image_write.h>

#include "img/image.h"
#include "../common/slurp.h"

/* Crops one box out of a decoded photo and writes it as OUT_DIR/name.png. */
static int
cut_chip(const char *name, const char *source_dir, const char *source, int x, int y, int width,
         int height, const char *out_dir)
{
	char path[4096];
	size_t length;
	unsigned char *bytes;
	pgface_image image;
	pgface_status status = {0};
	unsigned char *crop;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", source_dir, source);
	bytes = slurp(path, &length);
	if (bytes == NULL)
	{
		fprintf(stderr, "cut_chips: cannot read %s\n", path);
		return 0;
	}
	if (pgface_image_decode(bytes, length, 100000000, &image, &status) != PGFACE_OK)
	{
		fprintf(stderr, "cut_chips: %s: %s\n", path, status.message);
		free(bytes);
		return 0;
	}
	free(bytes);
	if (x < 0 || y < 0 || x + width > image.width || y + height > image.height)
	{
		fprintf(stderr, "cut_chips: box of %s lies outside %s\n", name, source);
		pgface_image_free(&image);
		return 0;
	}
	crop = malloc((size_t) width * (size_t) height * 3);
	for (int row = 0; row < height; row++)
		memcpy(crop + (size_t) row * (size_t) width * 3,
		       image.rgb + ((size_t) (y + row) * (size_t) image.width + (size_t) x) * 3,
		       (size_t) width * 3);
	pgface_image_free(&image);
	snprintf(path, sizeof(path), "%s/%s.png", out_dir, name);
	ok = stbi_write_png(path, width, height, 3, crop, width * 3);
	free(crop);
	if (!ok)
		fprintf(stderr, "cut_chips: cannot write %s\n", path);
	return ok;
}

int
main(int argc, char **argv)
{
	FILE *list;
	char line[512];
	int failures = 0;

	if (argc != 4)
	{
		fprintf(stderr, "usage: cut_chips CHIPS.txt SAMPLE_DIR OUT_DIR\n");
		return 2;
	}
	list = fopen(argv[1], "r");
	if (list == NULL)
	{
		fprintf(stderr, "cut_chips: cannot read %s\n", argv[1]);
		return 1;
	}
	while (fgets(line, sizeof(line), list) != NULL)
	{
		char name[128];
		char source[128];
		int x, y, width, height;

		if (line[0] == '#' ||
		    sscanf(line, "%127s %127s %d %d %d %d", name, source, &x, &y, &width, &height) != 6)
			continue;
		if (!cut_chip(name, argv[2], source, x, y, width, height, argv[3]))
			failures++;
	}
	fclose(list);
	return failures == 0 ? 0 : 1;
}
