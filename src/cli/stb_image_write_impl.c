/*
 * stb_image_write_impl.c: the one translation unit that compiles stb_image_write, for
 * pgface draw's PNG and for the unit tests, which make PNG and JPEG inputs in memory with
 * it. The Makefile compiles it once, without the sanitizers (its JPEG writer shifts
 * signed ints, which UBSan would stop on), and links the object into both.
 */
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
