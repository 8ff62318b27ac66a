/*
 * slurp.h: reading a whole file into memory, for the test and benchmark programs.
 */
#ifndef PGFACE_TEST_SLURP_H
#define PGFACE_TEST_SLURP_H

#include <stdio.h>
#include <stdlib.h>

/* The file's bytes in malloc'd memory, or NULL when it cannot be read whole. */
static inline unsigned char *
slurp(const char *path, size_t *length)
{
	FILE *file = fopen(path, "rb");
	unsigned char *data = NULL;
	long size;

	if (file == NULL)
		return NULL;
	if (fseek(file, 0, SEEK_END) == 0 && (size = ftell(file)) >= 0 && fseek(file, 0, SEEK_SET) == 0)
	{
		data = malloc(size > 0 ? (size_t) size : 1);
		if (data != NULL && fread(data, 1, (size_t) size, file) != (size_t) size)
		{
			free(data);
			data = NULL;
		}
		*length = (size_t) size;
	}
	fclose(file);
	return data;
}

#endif
