/*
 * png_write.c: pgface draw's output file. stb_image_write encodes the PNG into a callback,
 * so that each write's failure is seen (a full disk, a quota) with its errno, which
 * stbi_write_png's 0 would not tell.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stb_image_write.h>

#include "png_write.h"

/* Where the encoder's bytes go, and the first write's errno that failed (0: none). */
typedef struct png_sink
{
	FILE *file;
	int error;
} png_sink;

/* stb_image_write's callback: appends the bytes, remembering the first failure. */
static void
sink_write(void *context, void *data, int size)
{
	png_sink *sink = context;

	if (sink->error == 0 && fwrite(data, 1, (size_t) size, sink->file) != (size_t) size)
		sink->error = errno ? errno : EIO;
}

/* Encodes the image into an open file and closes it: 0, or the errno of what failed. */
static int
write_stream(FILE *file, const pgface_image *image)
{
	png_sink sink = {file, 0};

	errno = 0;
	if (!stbi_write_png_to_func(sink_write, &sink, image->width, image->height, 3, image->rgb,
	                            image->width * 3) &&
	    sink.error == 0)
		sink.error = ENOMEM; /* the encoder's own allocation failed */
	if (fclose(file) != 0 && sink.error == 0)
		sink.error = errno;
	return sink.error;
}

/* The permissions a plain fopen would give a new file: 0666 less the umask. */
static mode_t
new_file_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

/* A regular file, or a new one: written to a temporary name beside it, then renamed over it. */
static int
write_beside(const char *path, const pgface_image *image)
{
	size_t length = strlen(path);
	char *temporary = malloc(length + sizeof(".XXXXXX"));
	FILE *file = NULL;
	int error = 0;
	int fd;

	if (temporary == NULL)
		return ENOMEM;
	memcpy(temporary, path, length);
	memcpy(temporary + length, ".XXXXXX", sizeof(".XXXXXX"));
	fd = mkstemp(temporary);
	if (fd < 0)
	{
		error = errno;
		free(temporary);
		return error;
	}
	if (fchmod(fd, new_file_mode()) != 0 || (file = fdopen(fd, "wb")) == NULL)
	{
		error = errno;
		close(fd);
	}
	else
		error = write_stream(file, image);
	if (error == 0 && rename(temporary, path) != 0)
		error = errno;
	if (error != 0)
		unlink(temporary);
	free(temporary);
	return error;
}

int
png_write_file(const char *path, const pgface_image *image)
{
	struct stat st;
	FILE *file;

	/* Anything else (a device, a pipe, a symbolic link) is written in place, as it is. */
	if (lstat(path, &st) != 0 || S_ISREG(st.st_mode))
		return write_beside(path, image);
	file = fopen(path, "wb");
	return file == NULL ? errno : write_stream(file, image);
}
