/*
 * png_write.h: an RGB image written as a PNG file whole or not at all.
 */
#ifndef PGFACE_CLI_PNG_WRITE_H
#define PGFACE_CLI_PNG_WRITE_H

#include "img/image.h"

/*
 * Writes image to path as PNG (stb_image_write). A new or regular file is written to a
 * temporary name beside it and renamed over it once complete, so that a failure leaves
 * no partial file; anything else (a device, a pipe, a symbolic link) is written in
 * place. 0, or the errno of what failed.
 */
int png_write_file(const char *path, const pgface_image *image);

#endif
