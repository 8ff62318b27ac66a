/*
 * jpeg_guard.c: refuses JPEG Huffman tables that Debian 12's stb_image (2.27) would
 * overrun. Its DHT parser copies as many code lengths and values as the table's 16
 * counts add up to into arrays of 257 and 256 entries, without checking the sum (2.28
 * added the check). A JPEG may hold at most 256 codes a table, so such a file is corrupt
 * anyway; it is refused before stb sees it. Found by fuzz/photo_fuzz.
 */
#include "img/image.h"

#define JPEG_MAX_CODES 256

static size_t
big_endian16(const unsigned char *at)
{
	return (size_t) at[0] << 8 | at[1];
}

/*
 * Every table of one DHT segment, as stb walks them: while the declared length lasts, a
 * class and id byte, 16 counts, then as many values as the counts add up to, read from
 * the file whether or not they lie inside the segment (and as zeros past its end).
 */
static int
huffman_tables_fit(const unsigned char *payload, size_t available, size_t declared)
{
	size_t at = 0;

	while (at < declared)
	{
		size_t codes = 0;

		for (size_t i = 1; i <= 16; i++)
			if (at + i < available)
				codes += payload[at + i];
		if (codes > JPEG_MAX_CODES)
			return 0;
		at += 17 + codes;
	}
	return 1;
}

/* Past a scan's entropy-coded data: to the next 0xFF that is not stuffing or a restart. */
static size_t
skip_entropy_coded_data(const unsigned char *bytes, size_t length, size_t at)
{
	while (at + 1 < length && !(bytes[at] == 0xff && bytes[at + 1] != 0x00 &&
	                            !(bytes[at + 1] >= 0xd0 && bytes[at + 1] <= 0xd7)))
		at++;
	return at;
}

int
pgface_jpeg_huffman_tables_fit(const unsigned char *bytes, size_t length)
{
	size_t at = 0;

	/* stb takes any run of 0xFF before the SOI marker as fill: so does this walk. */
	while (at < length && bytes[at] == 0xff)
		at++;
	if (at == 0 || at >= length || bytes[at] != 0xd8)
		return 1; /* not a JPEG to stb */
	at++;         /* past SOI */

	while (at + 4 <= length)
	{
		unsigned char marker = bytes[at + 1];
		size_t segment;

		if (bytes[at] != 0xff || marker == 0xff) /* padding, which stb skips too; fill bytes */
		{
			at++;
			continue;
		}
		if (marker == 0xd9) /* EOI */
			break;
		if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
		{
			at += 2; /* markers without a segment */
			continue;
		}
		segment = big_endian16(bytes + at + 2);
		if (segment < 2)
			break; /* stb refuses it */
		if (marker == 0xc4 && !huffman_tables_fit(bytes + at + 4, length - at - 4, segment - 2))
			return 0;
		if (at + 2 + segment > length)
			break;
		at += 2 + segment;
		if (marker == 0xda) /* SOS: the scan's data follows the header */
			at = skip_entropy_coded_data(bytes, length, at);
	}
	return 1;
}
