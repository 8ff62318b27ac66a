/*
 * decode_file.h: a test program's input image, read and decoded with pgface's own
 * decoder, so that the helpers that write test files read every format pgface reads.
 */
#ifndef PGFACE_TEST_DECODE_FILE_H
#define PGFACE_TEST_DECODE_FILE_H

#include <stdio.h>
#include <stdlib.h>

#include "img/image.h"
#include "slurp.h"

/* 1 with the upright pixels in image; 0 after saying on stderr, as program, why not. */
static inline int
decode_file(const char *program, const char *path, pgface_image *image)
{
	pgface_status status = {0};
	size_t length;
	unsigned char *bytes = slurp(path, &length);
	int ok =
	    bytes != NULL && pgface_image_decode(bytes, length, 100000000, image, &status) == PGFACE_OK;

	if (!ok)
		fprintf(stderr, "%s: %s: %s\n", program, path, bytes ? status.message : "cannot read");
	free(bytes);
	return ok;
}

#endif
