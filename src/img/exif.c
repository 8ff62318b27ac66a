/*
 * exif.c: the EXIF orientation tag (of a JPEG, or an EXIF payload of a PNG or WebP),
 * and turning decoded pixels upright.
 * Phones store photos as the sensor saw them and record in the tag how to turn
 * them; a face lying on its side would not be found, so pgface applies it.
 */
#include "img/image.h"

#include <string.h>

#include "common/runtime.h"

/* Reads a 16- or 32-bit TIFF integer in the byte order the TIFF header declared. */
static uint32_t
tiff_u16(const unsigned char *p, int big_endian)
{
	return big_endian ? (uint32_t) p[0] << 8 | p[1] : (uint32_t) p[1] << 8 | p[0];
}

static uint32_t
tiff_u32(const unsigned char *p, int big_endian)
{
	return big_endian ? tiff_u16(p, 1) << 16 | tiff_u16(p + 2, 1)
	                  : tiff_u16(p + 2, 0) << 16 | tiff_u16(p, 0);
}

/*
 * The orientation entry of IFD0 inside a TIFF header; 1 when absent or malformed. The
 * standard says SHORT, but some writers store a LONG, which other readers accept too.
 */
static int
orientation_in_tiff(const unsigned char *tiff, size_t length)
{
	int big_endian;
	uint32_t ifd;
	uint32_t entries;

	if (length < 8)
		return 1;
	if (memcmp(tiff, "MM\0*", 4) == 0)
		big_endian = 1;
	else if (memcmp(tiff, "II*\0", 4) == 0)
		big_endian = 0;
	else
		return 1;
	ifd = tiff_u32(tiff + 4, big_endian);
	if (ifd > length - 2)
		return 1;
	entries = tiff_u16(tiff + ifd, big_endian);
	for (uint32_t i = 0; i < entries; i++)
	{
		size_t entry = (size_t) ifd + 2 + 12 * (size_t) i;
		uint32_t type;
		uint32_t value;

		if (entry + 12 > length)
			return 1;
		if (tiff_u16(tiff + entry, big_endian) != 0x0112)
			continue;
		type = tiff_u16(tiff + entry + 2, big_endian);
		if ((type != 3 && type != 4) || tiff_u32(tiff + entry + 4, big_endian) != 1)
			return 1;
		/* count 1: the value sits at the start of the value field, in its own width */
		value = type == 3 ? tiff_u16(tiff + entry + 8, big_endian)
		                  : tiff_u32(tiff + entry + 8, big_endian);
		return value >= 1 && value <= 8 ? (int) value : 1;
	}
	return 1;
}

int
pgface_exif_orientation(const unsigned char *exif, size_t length)
{
	if (length >= 6 && memcmp(exif, "Exif\0\0", 6) == 0)
		return orientation_in_tiff(exif + 6, length - 6);
	return orientation_in_tiff(exif, length);
}

/*
 * Walks every segment up to the scan, not only the leading APP segments: some writers put
 * APP1 after DQT or SOF, and other readers still honour it. Lengths are bounds-checked.
 */
int
pgface_jpeg_orientation(const unsigned char *bytes, size_t length)
{
	size_t at = 2;

	if (length < 4 || bytes[0] != 0xff || bytes[1] != 0xd8)
		return 1;
	while (at + 4 <= length && bytes[at] == 0xff)
	{
		unsigned marker = bytes[at + 1];
		size_t segment;

		if (marker == 0xff) /* fill byte */
		{
			at++;
			continue;
		}
		if (marker == 0xda || marker == 0xd9) /* the scan, or the end: no more headers */
			return 1;
		if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8)) /* no length */
		{
			at += 2;
			continue;
		}
		segment = (size_t) bytes[at + 2] << 8 | bytes[at + 3];
		if (segment < 2 || at + 2 + segment > length)
			return 1;
		if (marker == 0xe1 && segment >= 8 && memcmp(bytes + at + 4, "Exif\0\0", 6) == 0)
			return orientation_in_tiff(bytes + at + 10, segment - 8);
		at += 2 + segment;
	}
	return 1;
}

pgface_code
pgface_image_orient(pgface_image *image, int orientation, pgface_status *status)
{
	int width = image->width;
	int height = image->height;
	int swaps = orientation >= 5;
	int out_width = swaps ? height : width;
	int out_height = swaps ? width : height;
	uint8_t *upright;

	if (orientation <= 1 || orientation > 8)
		return PGFACE_OK;
	upright = pgface_alloc_array((size_t) width * (size_t) height, 3);
	if (upright == NULL)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory to turn the image upright");

	for (int y = 0; y < out_height; y++)
	{
		pgface_check_interrupts(); /* a pass over the whole photo */
		for (int x = 0; x < out_width; x++)
		{
			/* source pixel of upright (x, y), by the EXIF definition of each orientation */
			int sx, sy;
			switch (orientation)
			{
				case 2:
					sx = width - 1 - x, sy = y;
					break;
				case 3:
					sx = width - 1 - x, sy = height - 1 - y;
					break;
				case 4:
					sx = x, sy = height - 1 - y;
					break;
				case 5:
					sx = y, sy = x;
					break;
				case 6:
					sx = y, sy = height - 1 - x;
					break;
				case 7:
					sx = width - 1 - y, sy = height - 1 - x;
					break;
				default:
					sx = width - 1 - y, sy = x;
					break; /* 8 */
			}
			memcpy(upright + ((size_t) y * (size_t) out_width + (size_t) x) * 3,
			       image->rgb + ((size_t) sy * (size_t) width + (size_t) sx) * 3, 3);
		}
	}
	pgface_image_free(image); /* the decode's pixels may be lent, not the allocator's */
	image->rgb = upright;
	image->width = out_width;
	image->height = out_height;
	return PGFACE_OK;
}
