/*
 * pnm_guard.c: refuses PNM headers whose numbers Debian 12's stb_image (2.27) would
 * overflow an int on. Its reader accumulates each number's digits in an int without a
 * check (2.28 added one): a signed overflow, undefined behaviour outside the server's
 * -fwrapv build. No width, height or maximum value that large is valid, so such a header
 * is refused before stb sees it. Found by fuzz/photo_fuzz.
 */
#include "img/image.h"

#include <limits.h>

/* A cursor over the bytes that reads as stbi__get8 does: 0 once past the end. */
typedef struct pnm_reader
{
	const unsigned char *bytes;
	size_t length;
	size_t at;
} pnm_reader;

static char
next_char(pnm_reader *reader)
{
	return reader->at < reader->length ? (char) reader->bytes[reader->at++] : 0;
}

static int
at_end(const pnm_reader *reader)
{
	return reader->at >= reader->length;
}

/* stbi__pnm_skip_whitespace: white space and "#" comments up to the end of their line. */
static void
skip_space(pnm_reader *reader, char *c)
{
	for (;;)
	{
		while (!at_end(reader) && (*c == ' ' || (*c >= '\t' && *c <= '\r')))
			*c = next_char(reader);
		if (at_end(reader) || *c != '#')
			break;
		while (!at_end(reader) && *c != '\n' && *c != '\r')
			*c = next_char(reader);
	}
}

/* stbi__pnm_getinteger's loop; 0 when its int would overflow. */
static int
number_fits(pnm_reader *reader, char *c)
{
	int value = 0;

	while (!at_end(reader) && *c >= '0' && *c <= '9')
	{
		if (value > (INT_MAX - (*c - '0')) / 10)
			return 0;
		value = value * 10 + (*c - '0');
		*c = next_char(reader);
	}
	return 1;
}

int
pgface_pnm_header_fits(const unsigned char *bytes, size_t length)
{
	pnm_reader reader = {bytes, length, 2};
	char c;

	if (length < 2 || bytes[0] != 'P' || (bytes[1] != '5' && bytes[1] != '6'))
		return 1; /* not a PNM to stb */
	c = next_char(&reader);
	for (int field = 0; field < 3; field++) /* width, height, maximum value */
	{
		skip_space(&reader, &c);
		if (!number_fits(&reader, &c))
			return 0;
	}
	return 1;
}
