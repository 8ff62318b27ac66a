/*
 * stb_image_write_impl.c: the one translation unit that compiles stb_image_write,
 * which the unit tests use to make PNG and JPEG inputs in memory.
 */
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
