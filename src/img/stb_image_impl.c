/*
 * stb_image_impl.c: the one translation unit that compiles stb_image, configured
 * for untrusted input inside a server: decoding from memory only, every
 * allocation through the runtime allocator (palloc inside PostgreSQL), and no
 * assert() that could abort the process.
 */
#include "common/runtime.h"

#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
/* Softimage PIC: nobody photographs in it, and stb 2.27 converts the NULL that its
 * decoder returns for cut-short pixel data (SIGSEGV on 111 bytes, issue 17). */
#define STBI_NO_PIC
#define STBI_MAX_DIMENSIONS     (1 << 16)
#define STBI_MALLOC(size)       pgface_alloc(size)
#define STBI_REALLOC(ptr, size) pgface_realloc(ptr, size)
#define STBI_FREE(ptr)          pgface_free(ptr)
#define STBI_ASSERT(condition)  ((void) 0)

#include <stb_image.h>
