/*
 * decode.c: bytes to upright RGB pixels. The format is told from its signature, an
 * image that claims to be oversized is refused before any decoder runs, and the
 * format's decoder (img/decoder.h) runs on a thread of its own.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/offload.h"
#include "common/runtime.h"
#include "img/decoder.h"
#include "img/image.h"

#define SUPPORTED_FORMATS "JPEG, PNG, WebP, HEIC/HEIF, AVIF, BMP, GIF"

/*
 * One decode as offloaded to its own thread: everything in it is the thread's, in
 * malloc'd memory, so that it outlives an interrupted caller and is freed with free().
 */
typedef struct decode_job
{
	unsigned char *input; /* a copy: the caller's bytes may be freed while a decoder still reads */
	size_t length;
	int64_t max_pixels;
	pgface_decoder_fn decoder;
	pgface_code code; /* what the decoder returned */
	pgface_decoded decoded;
} decode_job;

static void
decode_job_run(void *arg)
{
	decode_job *job = arg;

	job->decoded.orientation = 1;
	job->code = job->decoder(job->input, job->length, job->max_pixels, &job->decoded);
	/*
	 * After a failure, the malloc arenas give back what the library left freed, so that a
	 * loop of damaged photos does not grow a backend's memory (600 damaged AVIFs grew it by
	 * over 4 MB). Not after a success: trimming there made every photo fault its pages in
	 * again (6 of a 12 ms decode), where the next photo reuses them.
	 */
	if (job->code != PGFACE_OK)
		malloc_trim(0);
}

static void
decode_job_free(void *arg)
{
	decode_job *job = arg;

	free(job->decoded.rgb);
	free(job->input);
	free(job);
}

/*
 * The pixels of the last decode, lent to its image instead of copied into the caller's
 * allocator (the copy cost about 2 ms of a sample photo's 12). They are malloc's; one image at a
 * time holds them, so that a host can free them after a longjmp (pgface_image_reclaim_lent).
 */
static uint8_t *lent_pixels;

/* The decoded pixels into the caller's allocator, answering interrupts between chunks. */
static pgface_code
copy_out(const pgface_decoded *decoded, pgface_image *image, pgface_status *status)
{
	const size_t chunk = 4 << 20;
	size_t size = (size_t) decoded->width * (size_t) decoded->height * 3;

	image->rgb = pgface_alloc(size);
	if (image->rgb == NULL)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for a %dx%d image",
		                   decoded->width, decoded->height);
	image->width = decoded->width;
	image->height = decoded->height;
	/* Fresh pages fault in slowly: copying 50 megapixels takes about half a second here. */
	for (size_t done = 0; done < size; done += chunk)
	{
		pgface_check_interrupts();
		memcpy(image->rgb + done, decoded->rgb + done, size - done < chunk ? size - done : chunk);
	}
	return PGFACE_OK;
}

/*
 * Decodes off the calling thread, then copies the pixels into the caller's allocator:
 * the libraries' decoders run for up to seconds on a large photo without a point where
 * they could be cancelled, so the caller waits where it can answer interrupts.
 */
static pgface_code
decode_pixels(const unsigned char *bytes, size_t length, int64_t max_pixels,
              pgface_decoder_fn decoder, pgface_image *image, int *orientation,
              pgface_status *status)
{
	decode_job *job = calloc(1, sizeof(decode_job));
	pgface_code code;

	if (job == NULL || (job->input = malloc(length)) == NULL)
	{
		free(job);
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for a %zu-byte image",
		                   length);
	}
	memcpy(job->input, bytes, length);
	job->length = length;
	job->max_pixels = max_pixels;
	job->decoder = decoder;
	if (pgface_offload(decode_job_run, decode_job_free, job) != 0)
	{
		decode_job_free(job);
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "cannot start a thread to decode on");
	}
	/* From here the job belongs to the offload: pgface_offload_finish (or an interrupt) frees it.
	 */
	if (job->code != PGFACE_OK || job->decoded.rgb == NULL)
	{
		code = job->decoded.status.code;
		*status = job->decoded.status;
		if (code == PGFACE_OK) /* a decoder must say why; this is a defect if reached */
			code = pgface_fail(status, PGFACE_ERR_IMAGE_CORRUPT, "the image could not be decoded");
	}
	else
	{
		if (lent_pixels == NULL)
		{
			lent_pixels = image->rgb = job->decoded.rgb;
			job->decoded.rgb = NULL; /* no longer the job's to free */
			image->width = job->decoded.width;
			image->height = job->decoded.height;
			code = PGFACE_OK;
		}
		else /* another image holds the lent pixels */
			code = copy_out(&job->decoded, image, status);
		if (code == PGFACE_OK)
			*orientation = job->decoded.orientation;
	}
	pgface_offload_finish();
	return code;
}

/* The decoder for a format, or NULL with the reason the format is refused. */
static pgface_decoder_fn
decoder_for(pgface_image_format format, pgface_status *status)
{
	switch (format)
	{
		case PGFACE_FORMAT_JPEG:
			return pgface_decode_jpeg;
		case PGFACE_FORMAT_PNG:
			return pgface_decode_png;
		case PGFACE_FORMAT_WEBP:
			return pgface_decode_webp;
		case PGFACE_FORMAT_HEIF:
			return pgface_decode_heif;
		case PGFACE_FORMAT_BMP:
		case PGFACE_FORMAT_GIF:
			return pgface_decode_stb;
		case PGFACE_FORMAT_TIFF:
			pgface_fail(status, PGFACE_ERR_IMAGE_FORMAT,
			            "TIFF is not a supported image format (" SUPPORTED_FORMATS ")");
			return NULL;
		case PGFACE_FORMAT_OTHER:
			break;
	}
	pgface_fail(status, PGFACE_ERR_IMAGE_FORMAT,
	            "not a supported image format (" SUPPORTED_FORMATS ")");
	return NULL;
}

pgface_code
pgface_image_decode(const unsigned char *bytes, size_t length, int64_t max_pixels,
                    pgface_image *image, pgface_status *status)
{
	int64_t header_width;
	int64_t header_height;
	pgface_image_format format;
	pgface_decoder_fn decoder;
	int orientation = 1;

	image->rgb = NULL;
	if (length == 0)
		return pgface_fail(status, PGFACE_ERR_IMAGE_EMPTY, "the image is empty (0 bytes)");
	if (length > (size_t) INT32_MAX)
		return pgface_fail(status, PGFACE_ERR_IMAGE_TOO_LARGE, "the image is %zu bytes", length);

	format = pgface_image_header_size(bytes, length, &header_width, &header_height);
	if ((decoder = decoder_for(format, status)) == NULL)
		return status->code;
	/* Our own header read first: a huge claim is refused before a library allocates for it. */
	if (header_width > 0 && header_height > 0 &&
	    pgface_image_check_size(status, pgface_image_format_name(format), header_width,
	                            header_height, max_pixels) != PGFACE_OK)
		return status->code;

	if (decode_pixels(bytes, length, max_pixels, decoder, image, &orientation, status) != PGFACE_OK)
		return status->code;
	if (pgface_image_orient(image, orientation, status) != PGFACE_OK)
	{
		pgface_image_free(image);
		return status->code;
	}
	return PGFACE_OK;
}

void
pgface_image_free(pgface_image *image)
{
	if (pgface_image_holds_lent_pixels(image))
		pgface_image_reclaim_lent();
	else
		pgface_free(image->rgb);
	image->rgb = NULL;
}

int
pgface_image_holds_lent_pixels(const pgface_image *image)
{
	return image->rgb != NULL && image->rgb == lent_pixels;
}

void
pgface_image_reclaim_lent(void)
{
	free(lent_pixels);
	lent_pixels = NULL;
}
