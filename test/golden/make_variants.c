/*
 * make_variants.c: copies of one face photo as users send them, for the test that
 * the same face keeps (nearly) the same embedding: the photo as a JPEG, turned on its
 * side with an EXIF tag to turn it back, enlarged 2x into a larger scene, recompressed
 * at a low JPEG quality, converted to PNG, and mirrored (as PNG, so that only the mirror
 * differs).
 *
 *   make_variants PHOTO X Y WIDTH HEIGHT SCENE OUT_DIR
 *
 * The face region (X, Y, WIDTH, HEIGHT of PHOTO) becomes OUT_DIR/original.jpg; SCENE
 * (a photo without faces) is stretched into the background of the enlarged copy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include "../common/jpeg_buffer.h"
#include "img/image.h"
#include "../common/slurp.h"

static int
decode(const unsigned char *bytes, size_t length, pgface_image *image)
{
	pgface_status status = {0};
	if (pgface_image_decode(bytes, length, 100000000, image, &status) == PGFACE_OK)
		return 1;
	fprintf(stderr, "make_variants: %s\n", status.message);
	return 0;
}

static int
write_bytes(const char *dir, const char *name, const unsigned char *bytes, int length)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(bytes, 1, (size_t) length, f) != (size_t) length)
	{
		fprintf(stderr, "make_variants: cannot write %s\n", path);
		return 0;
	}
	return fclose(f) == 0;
}

static int
write_png(const char *dir, const char *name, const unsigned char *rgb, int width, int height)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stbi_write_png(path, width, height, 3, rgb, width * 3);
}

/* The stored pixels of a photo whose EXIF orientation 6 turns them upright: turned 90 degrees left.
 */
static unsigned char *
turn_left(const pgface_image *upright)
{
	unsigned char *stored = malloc((size_t) upright->width * upright->height * 3);
	int stored_width = upright->height;

	for (int y = 0; y < upright->height; y++)
		for (int x = 0; x < upright->width; x++)
			memcpy(stored + ((size_t) (upright->width - 1 - x) * stored_width + y) * 3,
			       upright->rgb + ((size_t) y * upright->width + x) * 3, 3);
	return stored;
}

/* The face as a mirror shows it: what mirror averaging makes the embedding nearly blind to. */
static unsigned char *
mirror(const pgface_image *face)
{
	unsigned char *out = malloc((size_t) face->width * face->height * 3);

	for (int y = 0; y < face->height; y++)
		for (int x = 0; x < face->width; x++)
			memcpy(out + ((size_t) y * face->width + (face->width - 1 - x)) * 3,
			       face->rgb + ((size_t) y * face->width + x) * 3, 3);
	return out;
}

/* The face enlarged 2x (bilinear) in the middle of a scene three times its width and height. */
static unsigned char *
enlarge_into_scene(const pgface_image *face, const pgface_image *scene, int *width, int *height)
{
	int w = 3 * face->width, h = 3 * face->height;
	int left = (w - 2 * face->width) / 2, top = (h - 2 * face->height) / 2;
	unsigned char *out = malloc((size_t) w * h * 3);

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			memcpy(out + ((size_t) y * w + x) * 3,
			       scene->rgb + ((size_t) (y * scene->height / h) * scene->width +
			                     (size_t) (x * scene->width / w)) *
			                        3,
			       3);
	for (int y = 0; y < 2 * face->height; y++)
		for (int x = 0; x < 2 * face->width; x++)
		{
			double sx = (x + 0.5) / 2 - 0.5, sy = (y + 0.5) / 2 - 0.5;
			int x0 = sx < 0 ? 0 : (int) sx, y0 = sy < 0 ? 0 : (int) sy;
			int x1 = x0 + 1 < face->width ? x0 + 1 : x0, y1 = y0 + 1 < face->height ? y0 + 1 : y0;
			double fx = sx - x0 < 0 ? 0 : sx - x0, fy = sy - y0 < 0 ? 0 : sy - y0;
			for (int c = 0; c < 3; c++)
			{
				double top_row = face->rgb[((size_t) y0 * face->width + x0) * 3 + c] * (1 - fx) +
				                 face->rgb[((size_t) y0 * face->width + x1) * 3 + c] * fx;
				double bottom_row = face->rgb[((size_t) y1 * face->width + x0) * 3 + c] * (1 - fx) +
				                    face->rgb[((size_t) y1 * face->width + x1) * 3 + c] * fx;
				out[((size_t) (top + y) * w + left + x) * 3 + c] =
				    (unsigned char) (top_row * (1 - fy) + bottom_row * fy + 0.5);
			}
		}
	*width = w;
	*height = h;
	return out;
}

int
main(int argc, char **argv)
{
	size_t length, scene_length;
	unsigned char *bytes, *scene_bytes, *crop, *stored, *enlarged, *mirrored;
	pgface_image photo, face, scene;
	jpeg_buffer jpeg;
	int x, y, width, height, big_width, big_height, ok = 1;

	if (argc != 8)
	{
		fprintf(stderr, "usage: make_variants PHOTO X Y WIDTH HEIGHT SCENE OUT_DIR\n");
		return 2;
	}
	x = atoi(argv[2]), y = atoi(argv[3]), width = atoi(argv[4]), height = atoi(argv[5]);
	bytes = slurp(argv[1], &length);
	scene_bytes = slurp(argv[6], &scene_length);
	if (bytes == NULL || scene_bytes == NULL || !decode(bytes, length, &photo) ||
	    !decode(scene_bytes, scene_length, &scene))
		return 1;
	if (x < 0 || y < 0 || x + width > photo.width || y + height > photo.height)
	{
		fprintf(stderr, "make_variants: the region lies outside the photo\n");
		return 1;
	}
	crop = malloc((size_t) width * height * 3);
	for (int r = 0; r < height; r++)
		memcpy(crop + (size_t) r * width * 3, photo.rgb + ((size_t) (y + r) * photo.width + x) * 3,
		       (size_t) width * 3);

	/* the original, and what the decoder makes of it: every other variant starts there */
	jpeg_buffer_encode(&jpeg, crop, width, height, 90);
	ok &= write_bytes(argv[7], "original.jpg", jpeg.data, jpeg.length);
	ok &= decode(jpeg.data, (size_t) jpeg.length, &face);
	free(jpeg.data);

	ok &= write_png(argv[7], "converted.png", face.rgb, face.width, face.height);

	jpeg_buffer_encode(&jpeg, face.rgb, face.width, face.height, 50);
	ok &= write_bytes(argv[7], "recompressed.jpg", jpeg.data, jpeg.length);
	free(jpeg.data);

	stored = turn_left(&face);
	jpeg_buffer_encode(&jpeg, stored, face.height, face.width, 90);
	jpeg_buffer_add_orientation(&jpeg, 6, 1);
	ok &= write_bytes(argv[7], "exif_rotated.jpg", jpeg.data, jpeg.length);
	free(jpeg.data);

	mirrored = mirror(&face);
	ok &= write_png(argv[7], "mirrored.png", mirrored, face.width, face.height);

	enlarged = enlarge_into_scene(&face, &scene, &big_width, &big_height);
	ok &= write_png(argv[7], "enlarged_in_scene.png", enlarged, big_width, big_height);

	free(enlarged);
	free(mirrored);
	free(stored);
	free(crop);
	free(bytes);
	free(scene_bytes);
	return ok ? 0 : 1;
}
