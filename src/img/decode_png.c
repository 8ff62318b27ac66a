/*
 * decode_png.c: PNG with libpng: every bit depth (16-bit kept to its high byte, as
 * stb_image did), palette, grey and grey+alpha, interlaced. Alpha is dropped, keeping
 * the colour under it; an eXIf chunk's orientation is applied as in a JPEG.
 *
 * libpng reports a fatal error by longjmp to the setjmp here, on the decode thread.
 */
#include "img/decoder.h"

#include <png.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "img/image.h"

typedef struct png_memory
{
	const unsigned char *bytes;
	size_t length;
	size_t at;
} png_memory;

typedef struct png_failure
{
	char reason[128];
	size_t allocated; /* what libpng holds now, of its budget */
} png_failure;

/*
 * libpng's own memory (row buffers, zlib's window, chunk data; the pixels are pgface's)
 * has a budget: far more than any valid PNG needs, and an error instead of a swap storm
 * when a file asks for more.
 */
#define PNG_MEMORY_BUDGET (64 << 20)

/* Each block carries its size in front, for the budget. */
static png_voidp
budgeted_malloc(png_structp png, png_alloc_size_t size)
{
	png_failure *failure = png_get_mem_ptr(png);
	size_t *block;

	if (size > PNG_MEMORY_BUDGET - failure->allocated ||
	    (block = malloc(sizeof(max_align_t) + size)) == NULL)
		return NULL;
	failure->allocated += size;
	*block = size;
	return (char *) block + sizeof(max_align_t);
}

static void
budgeted_free(png_structp png, png_voidp pointer)
{
	png_failure *failure = png_get_mem_ptr(png);
	size_t *block;

	if (pointer == NULL)
		return;
	block = (size_t *) ((char *) pointer - sizeof(max_align_t));
	failure->allocated -= *block;
	free(block);
}

/* libpng's read callback over the bytes in memory; running out is libpng's error. */
static void
read_from_memory(png_structp png, png_bytep into, png_size_t count)
{
	png_memory *memory = png_get_io_ptr(png);

	if (count > memory->length - memory->at)
		png_error(png, "the file ends early");
	memcpy(into, memory->bytes + memory->at, count);
	memory->at += count;
}

/* Keeps libpng's reason and leaves by longjmp; libpng must not go on after an error. */
static void
leave_on_error(png_structp png, png_const_charp message)
{
	png_failure *failure = png_get_error_ptr(png);

	snprintf(failure->reason, sizeof(failure->reason), "%s", message);
	png_longjmp(png, 1);
}

/* Warnings are about ancillary chunks libpng has skipped; the server's stderr is its log. */
static void
ignore_warning(png_structp png, png_const_charp message)
{
	(void) png;
	(void) message;
}

/*
 * Text, colour profiles, palettes of suggestions and the like are skipped unread: a
 * 4-kilobyte PNG whose tEXt chunk claims 2 GB made libpng 1.6 allocate that much
 * (found by decode_PNG_fuzz). Only the pixels and eXIf matter here, and no chunk pgface
 * keeps may hold more than 1 MB.
 */
static void
skip_what_pgface_does_not_read(png_structp png)
{
	static const png_byte ignored[] = "tEXt\0zTXt\0iTXt\0iCCP\0sPLT\0hIST\0pCAL\0sCAL\0"
	                                  "sTER\0tIME\0bKGD\0pHYs\0oFFs\0gIFg\0gIFx\0";

	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, ignored,
	                            (int) (sizeof(ignored) - 1) / 5);
	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, 0); /* and unknown ones */
	png_set_chunk_malloc_max(png, 1 << 20);
}

/* The orientation of an eXIf chunk read so far, 1 without one. */
static int
exif_orientation(png_structp png, png_infop info)
{
	png_bytep exif = NULL;
	png_uint_32 length = 0;

	if (!png_get_valid(png, info, PNG_INFO_eXIf) || png_get_eXIf_1(png, info, &length, &exif) == 0)
		return 1;
	return pgface_exif_orientation(exif, length);
}

/* Everything that can longjmp, in one frame; what must survive a longjmp lives in out. */
static pgface_code
decode_into(png_structp png, png_infop info, int64_t max_pixels, pgface_decoded *out)
{
	png_uint_32 width;
	png_uint_32 height;
	int passes;

	png_read_info(png, info);
	width = png_get_image_width(png, info);
	height = png_get_image_height(png, info);
	if (pgface_image_check_size(&out->status, "PNG", width, height, max_pixels) != PGFACE_OK)
		return out->status.code;
	png_set_expand(png); /* palette to RGB, grey below 8 bits to 8, tRNS to alpha */
	png_set_strip_16(png);
	png_set_strip_alpha(png);
	png_set_gray_to_rgb(png);
	passes = png_set_interlace_handling(png);
	png_read_update_info(png, info);
	if (png_get_rowbytes(png, info) != (size_t) width * 3)
		png_error(png, "unexpected row layout after the transforms");
	if (pgface_decoded_allocate(out, (int) width, (int) height) != PGFACE_OK)
		return out->status.code;
	/* Interlaced images take several passes over every row: the whole image at once. */
	for (int pass = 0; pass < passes; pass++)
		for (png_uint_32 y = 0; y < height; y++)
			png_read_row(png, out->rgb + (size_t) y * width * 3, NULL);
	png_read_end(png, info); /* an eXIf chunk may follow the pixels */
	out->orientation = exif_orientation(png, info);
	return PGFACE_OK;
}

pgface_code
pgface_decode_png(const unsigned char *bytes, size_t length, int64_t max_pixels,
                  pgface_decoded *out)
{
	png_memory memory = {bytes, length, 0};
	png_failure failure = {"", 0};
	png_structp png;
	png_infop info = NULL;
	pgface_code code;

	png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &failure, leave_on_error, ignore_warning,
	                               &failure, budgeted_malloc, budgeted_free);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL)
	{
		png_destroy_read_struct(&png, NULL, NULL);
		return pgface_fail(&out->status, PGFACE_ERR_NO_MEMORY, "out of memory to read a PNG");
	}
	if (setjmp(png_jmpbuf(png)))
	{
		/* libpng's allocation failures say "Out of memory" or "Insufficient memory". */
		code = strstr(failure.reason, "memory") != NULL ? PGFACE_ERR_NO_MEMORY
		                                                : PGFACE_ERR_IMAGE_CORRUPT;
		png_destroy_read_struct(&png, &info, NULL);
		pgface_decoded_discard(out);
		return pgface_fail(&out->status, code, "the PNG %s: %s", pgface_decode_failure_verb(code),
		                   failure.reason);
	}
	png_set_read_fn(png, &memory, read_from_memory);
	skip_what_pgface_does_not_read(png);
	code = decode_into(png, info, max_pixels, out);
	png_destroy_read_struct(&png, &info, NULL);
	if (code != PGFACE_OK)
		pgface_decoded_discard(out);
	return code;
}
