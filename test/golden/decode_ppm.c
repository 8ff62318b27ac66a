/*
 * decode_ppm.c: an image as pgface's own decoder sees it (upright by its EXIF orientation),
 * written as binary PPM on stdout, so that a test script compares pixels without an
 * image library of its own (test/cli_draw.sh: pgface draw's PNG against its photo).
 *
 *   decode_ppm FILE >FILE.ppm
 */
#include <stdio.h>

#include "../common/decode_file.h"

int
main(int argc, char **argv)
{
	pgface_image image = {0};
	size_t bytes;

	if (argc != 2)
	{
		fprintf(stderr, "usage: decode_ppm FILE >FILE.ppm\n");
		return 2;
	}
	if (!decode_file("decode_ppm", argv[1], &image))
		return 1;
	bytes = (size_t) image.width * image.height * 3;
	printf("P6\n%d %d\n255\n", image.width, image.height);
	if (fwrite(image.rgb, 1, bytes, stdout) != bytes || fflush(stdout) != 0)
	{
		perror("decode_ppm");
		pgface_image_free(&image);
		return 1;
	}
	pgface_image_free(&image);
	return 0;
}
