/*
 * jpeg_buffer.h: test helpers that build JPEG files in memory with stb_image_write
 * and give them an EXIF orientation tag, for the unit tests and the golden variants.
 */
#ifndef PGFACE_TEST_JPEG_BUFFER_H
#define PGFACE_TEST_JPEG_BUFFER_H

#include <stdlib.h>
#include <string.h>

#include <stb_image_write.h>

typedef struct jpeg_buffer
{
	unsigned char *data;
	int length;
	int capacity;
} jpeg_buffer;

/* stb_image_write's sink: appends, growing the buffer as needed. */
static inline void
jpeg_buffer_append(void *context, void *data, int size)
{
	jpeg_buffer *jpeg = context;

	if (jpeg->length + size + 64 > jpeg->capacity)
	{
		int capacity = (jpeg->length + size + 64) * 2;
		unsigned char *grown = realloc(jpeg->data, (size_t) capacity);
		if (grown == NULL)
			return;
		jpeg->data = grown;
		jpeg->capacity = capacity;
	}
	memcpy(jpeg->data + jpeg->length, data, (size_t) size);
	jpeg->length += size;
}

/* Encodes RGB pixels as a JPEG of the given quality into a fresh buffer. */
static inline void
jpeg_buffer_encode(jpeg_buffer *jpeg, const unsigned char *rgb, int width, int height, int quality)
{
	jpeg->data = NULL;
	jpeg->length = jpeg->capacity = 0;
	stbi_write_jpg_to_func(jpeg_buffer_append, jpeg, width, height, 3, rgb, quality);
}

/* Inserts an APP1 Exif segment holding one orientation entry right after SOI. */
static inline void
jpeg_buffer_add_orientation(jpeg_buffer *jpeg, int orientation, int big_endian)
{
	unsigned char app1[2 + 2 + 6 + 26];
	unsigned char *tiff = app1 + 10;
	unsigned char *grown = realloc(jpeg->data, (size_t) jpeg->length + sizeof(app1));

	if (grown == NULL)
		return;
	jpeg->data = grown;
	memset(app1, 0, sizeof(app1));
	app1[0] = 0xff, app1[1] = 0xe1, app1[2] = 0, app1[3] = 2 + 6 + 26;
	memcpy(app1 + 4, "Exif\0\0", 6);
	if (big_endian)
	{
		memcpy(tiff, "MM\0*\0\0\0\x08", 8);
		tiff[8] = 0, tiff[9] = 1;         /* one entry */
		tiff[10] = 0x01, tiff[11] = 0x12; /* tag 0x0112 */
		tiff[12] = 0, tiff[13] = 3;       /* SHORT */
		tiff[17] = 1;                     /* count 1 */
		tiff[18] = 0, tiff[19] = (unsigned char) orientation;
	}
	else
	{
		memcpy(tiff, "II*\0\x08\0\0\0", 8);
		tiff[8] = 1, tiff[9] = 0;
		tiff[10] = 0x12, tiff[11] = 0x01;
		tiff[12] = 3, tiff[13] = 0;
		tiff[14] = 1;
		tiff[18] = (unsigned char) orientation, tiff[19] = 0;
	}
	memmove(jpeg->data + 2 + sizeof(app1), jpeg->data + 2, (size_t) jpeg->length - 2);
	memcpy(jpeg->data + 2, app1, sizeof(app1));
	jpeg->length += (int) sizeof(app1);
}

#endif
