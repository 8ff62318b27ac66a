/*
 * io.h: what every pgface command does with files and standard output: read a photo
 * whole, print a JSON string.
 */
#ifndef PGFACE_CLI_IO_H
#define PGFACE_CLI_IO_H

#include <stddef.h>

/* Reads a whole file; NULL with errno set on failure. */
unsigned char *read_file(const char *path, size_t *length);

/* A JSON string literal on stdout: quotes, backslashes and control characters escaped. */
void print_json_string(const char *text);

#endif
