/*
 * stb_image_impl.c: the one translation unit that compiles stb_image, for the two
 * formats that no library users trust more covers and that users still send: BMP and
 * GIF (its first frame). Every other format of stb's is compiled out: JPEG and PNG have
 * libjpeg-turbo and libpng, and TGA, PSD, PIC, PNM and HDR are formats nobody
 * photographs in, whose decoders in stb 2.27 crashed on or misread hostile files
 * (issue 17). Decoding is from memory only, on the decode thread, where allocation is
 * malloc (img/decoder.h), and no assert() may abort the process.
 */
#include <stdlib.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_BMP
#define STBI_ONLY_GIF
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_MAX_DIMENSIONS     (1 << 16)
#define STBI_MALLOC(size)       malloc(size)
#define STBI_REALLOC(ptr, size) realloc(ptr, size)
#define STBI_FREE(ptr)          free(ptr)
#define STBI_ASSERT(condition)  ((void) 0)

#include <stb_image.h>
