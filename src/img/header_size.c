/*
 * header_size.c: an image's format told from its signature and, for the formats
 * whose headers are simple to walk (PNG, JPEG, GIF, BMP, WebP), its size. It picks
 * the decoder, and lets pgface refuse an image that claims to be huge before any
 * decoder touches it. A HEIF's size is judged by its decoder from the ispe box that
 * libheif parses, before it decodes a pixel.
 */
#include "img/image.h"

#include <string.h>

static uint32_t
big_endian(const unsigned char *p, int bytes)
{
	uint32_t value = 0;
	for (int i = 0; i < bytes; i++)
		value = value << 8 | p[i];
	return value;
}

static uint32_t
little_endian(const unsigned char *p, int bytes)
{
	uint32_t value = 0;
	for (int i = bytes - 1; i >= 0; i--)
		value = value << 8 | p[i];
	return value;
}

/* Walks JPEG segments to the first start-of-frame marker; every length is bounds-checked. */
static int
jpeg_size(const unsigned char *bytes, size_t length, int64_t *width, int64_t *height)
{
	size_t at = 2;

	while (at + 4 <= length)
	{
		unsigned marker;
		size_t segment;

		if (bytes[at] != 0xff)
			return 0;
		marker = bytes[at + 1];
		if (marker == 0xff)
		{
			at++;
			continue;
		}
		if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
		{
			at += 2;
			continue;
		}
		segment = big_endian(bytes + at + 2, 2);
		if (segment < 2)
			return 0;
		if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
		{
			if (at + 9 > length)
				return 0;
			*height = big_endian(bytes + at + 5, 2);
			*width = big_endian(bytes + at + 7, 2);
			return 1;
		}
		at += 2 + segment;
	}
	return 0;
}

/*
 * The canvas of a WebP from its first chunk: VP8X states it, and a simple file's VP8 key
 * frame or VP8L header holds the image's own size. 0 when the chunk is none of those.
 */
static int
webp_size(const unsigned char *bytes, size_t length, int64_t *width, int64_t *height)
{
	if (length >= 30 && memcmp(bytes + 12, "VP8X", 4) == 0)
	{
		*width = 1 + (int64_t) little_endian(bytes + 24, 3);
		*height = 1 + (int64_t) little_endian(bytes + 27, 3);
		return 1;
	}
	if (length >= 30 && memcmp(bytes + 12, "VP8 ", 4) == 0 &&
	    memcmp(bytes + 23, "\x9d\x01\x2a", 3) == 0)
	{
		*width = little_endian(bytes + 26, 2) & 0x3fff;
		*height = little_endian(bytes + 28, 2) & 0x3fff;
		return 1;
	}
	if (length >= 25 && memcmp(bytes + 12, "VP8L", 4) == 0 && bytes[20] == 0x2f)
	{
		uint32_t bits = little_endian(bytes + 21, 4);

		*width = 1 + (bits & 0x3fff);
		*height = 1 + (bits >> 14 & 0x3fff);
		return 1;
	}
	return 0;
}

/* An ISO base media file (HEIF, AVIF) whose ftyp box names a brand of still images. */
static int
is_heif(const unsigned char *bytes, size_t length)
{
	static const char *const brands[] = {"heic", "heix", "hevc", "hevx", "heim", "heis",
	                                     "hevm", "hevs", "mif1", "msf1", "avif", "avis"};
	size_t box;

	if (length < 16 || memcmp(bytes + 4, "ftyp", 4) != 0)
		return 0;
	box = big_endian(bytes, 4);
	if (box < 16 || box > length)
		box = length;
	/* the major brand at 8, then the compatible brands from 16; the minor version between */
	for (size_t at = 8; at + 4 <= box; at += at == 8 ? 8 : 4)
		for (size_t i = 0; i < sizeof(brands) / sizeof(brands[0]); i++)
			if (memcmp(bytes + at, brands[i], 4) == 0)
				return 1;
	return 0;
}

const char *
pgface_image_format_name(pgface_image_format format)
{
	static const char *const names[] = {"image", "PNG",  "JPEG", "GIF",
	                                    "BMP",   "WebP", "HEIF", "TIFF"};

	_Static_assert(sizeof(names) / sizeof(names[0]) == PGFACE_FORMAT_TIFF + 1,
	               "a name for every format");
	return names[format];
}

pgface_image_format
pgface_image_header_size(const unsigned char *bytes, size_t length, int64_t *width, int64_t *height)
{
	*width = *height = -1;
	if (length >= 8 && memcmp(bytes, "\x89PNG\r\n\x1a\n", 8) == 0)
	{
		if (length >= 24 && memcmp(bytes + 12, "IHDR", 4) == 0)
		{
			*width = big_endian(bytes + 16, 4);
			*height = big_endian(bytes + 20, 4);
		}
		return PGFACE_FORMAT_PNG;
	}
	if (length >= 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff)
	{
		jpeg_size(bytes, length, width, height);
		return PGFACE_FORMAT_JPEG;
	}
	if (length >= 6 && (memcmp(bytes, "GIF87a", 6) == 0 || memcmp(bytes, "GIF89a", 6) == 0))
	{
		if (length >= 10)
		{
			*width = little_endian(bytes + 6, 2);
			*height = little_endian(bytes + 8, 2);
		}
		return PGFACE_FORMAT_GIF;
	}
	if (length >= 2 && bytes[0] == 'B' && bytes[1] == 'M')
	{
		if (length >= 22 && little_endian(bytes + 14, 4) == 12)
		{
			/* OS/2's BITMAPCOREHEADER: unsigned 16-bit sizes */
			*width = little_endian(bytes + 18, 2);
			*height = little_endian(bytes + 20, 2);
		}
		else if (length >= 26)
		{
			/* BITMAPINFOHEADER: signed 32-bit; a negative height means top-down */
			int32_t h = (int32_t) little_endian(bytes + 22, 4);
			*width = (int32_t) little_endian(bytes + 18, 4);
			*height = h < 0 ? -(int64_t) h : h;
		}
		return PGFACE_FORMAT_BMP;
	}
	if (length >= 12 && memcmp(bytes, "RIFF", 4) == 0 && memcmp(bytes + 8, "WEBP", 4) == 0)
	{
		webp_size(bytes, length, width, height);
		return PGFACE_FORMAT_WEBP;
	}
	if (is_heif(bytes, length))
		return PGFACE_FORMAT_HEIF;
	if (length >= 4 && (memcmp(bytes, "II*\0", 4) == 0 || memcmp(bytes, "MM\0*", 4) == 0))
		return PGFACE_FORMAT_TIFF;
	return PGFACE_FORMAT_OTHER;
}
