/*
 * io.c: reading a photo whole and printing JSON strings, for every pgface command.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "io.h"

/* Reads a whole file; NULL with errno set on failure. */
unsigned char *
read_file(const char *path, size_t *length)
{
	FILE *file = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t capacity = 0;
	size_t used = 0;

	if (file == NULL)
		return NULL;
	for (;;)
	{
		size_t got;
		if (used == capacity)
		{
			unsigned char *grown;
			capacity = capacity ? capacity * 2 : 1 << 16;
			grown = realloc(data, capacity);
			if (grown == NULL)
			{
				free(data);
				fclose(file);
				errno = ENOMEM;
				return NULL;
			}
			data = grown;
		}
		got = fread(data + used, 1, capacity - used, file);
		used += got;
		if (got == 0)
			break;
	}
	if (ferror(file))
	{
		free(data);
		fclose(file);
		errno = EIO;
		return NULL;
	}
	fclose(file);
	*length = used;
	return data;
}

/* A JSON string literal: quotes, backslashes and control characters escaped. */
void
print_json_string(const char *text)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *) text; *p != '\0'; p++)
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	putchar('"');
}
