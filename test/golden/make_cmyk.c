/*
 * make_cmyk.c: a JPEG of an image in CMYK, the two ways files hold it, written with
 * libjpeg, for the test that both give the face of the RGB original. ImageMagick writes
 * only Adobe's inverted CMYK.
 *
 *   make_cmyk IN OUT plain|ycck
 *
 * plain: CMYK as ink amounts (0 = no ink), with no Adobe marker. ycck: inverted CMYK
 * (255 = no ink, as Photoshop stores it) in Adobe's YCCK transform, with its marker.
 * The separation is the naive one: K = 1 - max(R, G, B), C = (1 - R - K) / (1 - K), ...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "../common/decode_file.h"

/* One RGB pixel as four ink amounts, 0 to 255. */
static void
separate(const unsigned char *rgb, unsigned char *cmyk)
{
	int max = rgb[0] > rgb[1] ? rgb[0] : rgb[1];

	max = max > rgb[2] ? max : rgb[2];
	for (int c = 0; c < 3; c++)
		cmyk[c] = (unsigned char) (max == 0 ? 0 : ((max - rgb[c]) * 255 + max / 2) / max);
	cmyk[3] = (unsigned char) (255 - max);
}

/* Compresses the four-channel rows at quality 95. */
static int
write_jpeg(const char *path, const unsigned char *cmyk, int width, int height, int ycck)
{
	struct jpeg_compress_struct cinfo;
	struct jpeg_error_mgr error;
	FILE *file = fopen(path, "wb");

	if (file == NULL)
		return 0;
	cinfo.err = jpeg_std_error(&error);
	jpeg_create_compress(&cinfo);
	jpeg_stdio_dest(&cinfo, file);
	cinfo.image_width = (JDIMENSION) width;
	cinfo.image_height = (JDIMENSION) height;
	cinfo.input_components = 4;
	cinfo.in_color_space = JCS_CMYK;
	jpeg_set_defaults(&cinfo);
	jpeg_set_colorspace(&cinfo, ycck ? JCS_YCCK : JCS_CMYK);
	cinfo.write_Adobe_marker = ycck ? TRUE : FALSE;
	jpeg_set_quality(&cinfo, 95, TRUE);
	jpeg_start_compress(&cinfo, TRUE);
	while (cinfo.next_scanline < cinfo.image_height)
	{
		JSAMPROW row = (JSAMPROW) cmyk + (size_t) cinfo.next_scanline * (size_t) width * 4;
		jpeg_write_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_compress(&cinfo);
	jpeg_destroy_compress(&cinfo);
	return fclose(file) == 0;
}

int
main(int argc, char **argv)
{
	pgface_image image;
	unsigned char *cmyk;
	int ycck;
	int ok;

	if (argc != 4 || (strcmp(argv[3], "plain") != 0 && strcmp(argv[3], "ycck") != 0))
	{
		fprintf(stderr, "usage: make_cmyk IN OUT plain|ycck\n");
		return 2;
	}
	ycck = strcmp(argv[3], "ycck") == 0;
	if (!decode_file("make_cmyk", argv[1], &image))
		return 1;
	cmyk = malloc((size_t) image.width * (size_t) image.height * 4);
	for (size_t i = 0; cmyk != NULL && i < (size_t) image.width * (size_t) image.height; i++)
	{
		separate(image.rgb + 3 * i, cmyk + 4 * i);
		for (int c = 0; ycck && c < 4; c++)
			cmyk[4 * i + c] = (unsigned char) (255 - cmyk[4 * i + c]); /* Adobe: inverted */
	}
	ok = cmyk != NULL && write_jpeg(argv[2], cmyk, image.width, image.height, ycck);
	free(cmyk);
	pgface_image_free(&image);
	return ok ? 0 : 1;
}
