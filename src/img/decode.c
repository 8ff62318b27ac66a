/*
 * decode.c: bytes to RGB pixels, refusing oversized images before decoding them.
 */
#include <stb_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/offload.h"

#include "common/runtime.h"
#include "img/image.h"

static const char *const format_names[] = {"image", "PNG", "JPEG", "GIF", "BMP"};

/*
 * One decode as offloaded to its own thread: everything in it is the thread's, in
 * malloc'd memory, so that it outlives an interrupted caller and is freed with free().
 */
typedef struct decode_job
{
	unsigned char *input; /* a copy: the caller's bytes may be freed while stb still reads */
	size_t length;
	unsigned char *rgb;
	int width;
	int height;
	int out_of_memory;
	char reason[64]; /* stb's failure reason is per thread: read on the decoding thread */
} decode_job;

/*
 * 16-bit images are decoded at their own channel count and made RGB here, as stb would
 * (grey replicated, alpha dropped): stb_image 2.27 converts a 16-bit PNM's channels as
 * if they were 8-bit and reads past its buffer (found by fuzz/photo_fuzz).
 */
static unsigned char *
load_rgb(const unsigned char *bytes, int length, int *width, int *height, int *out_of_memory)
{
	int channels;
	unsigned char *pixels;
	unsigned char *rgb;
	size_t count;

	if (!stbi_is_16_bit_from_memory(bytes, length))
		return stbi_load_from_memory(bytes, length, width, height, &channels, 3);
	pixels = stbi_load_from_memory(bytes, length, width, height, &channels, 0);
	if (pixels == NULL || channels == 3)
		return pixels;
	count = (size_t) *width * (size_t) *height;
	rgb = malloc(count * 3);
	*out_of_memory = rgb == NULL;
	for (size_t i = 0; rgb != NULL && i < count; i++)
	{
		const unsigned char *from = pixels + i * (size_t) channels;

		rgb[3 * i] = from[0];
		rgb[3 * i + 1] = from[channels >= 3 ? 1 : 0];
		rgb[3 * i + 2] = from[channels >= 3 ? 2 : 0];
	}
	stbi_image_free(pixels);
	return rgb;
}

/* stb's whole decode, on the offload thread (whose allocator is malloc). */
static void
decode_job_run(void *arg)
{
	decode_job *job = arg;

	job->rgb =
	    load_rgb(job->input, (int) job->length, &job->width, &job->height, &job->out_of_memory);
	if (job->rgb == NULL && !job->out_of_memory)
	{
		snprintf(job->reason, sizeof(job->reason), "%s", stbi_failure_reason());
		job->out_of_memory = strcmp(job->reason, "outofmem") == 0;
	}
}

static void
decode_job_free(void *arg)
{
	decode_job *job = arg;

	free(job->rgb);
	free(job->input);
	free(job);
}

/*
 * Decodes off the calling thread, then copies the pixels into the caller's allocator:
 * stb's decoders run for up to seconds on a large photo without a point where they
 * could be cancelled, so the caller waits where it can answer interrupts.
 */
static pgface_code
decode_pixels(const unsigned char *bytes, size_t length, pgface_image *image, pgface_status *status)
{
	const size_t chunk = 4 << 20;
	decode_job *job = calloc(1, sizeof(decode_job));
	size_t size;

	if (job == NULL || (job->input = malloc(length)) == NULL)
	{
		free(job);
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for a %zu-byte image",
		                   length);
	}
	memcpy(job->input, bytes, length);
	job->length = length;
	if (pgface_offload(decode_job_run, decode_job_free, job) != 0)
	{
		decode_job_free(job);
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "cannot start a thread to decode on");
	}
	/* From here the job belongs to the offload: pgface_offload_finish (or an interrupt) frees it.
	 */
	if (job->rgb == NULL)
	{
		if (job->out_of_memory)
			pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory decoding the image");
		else
			pgface_fail(status, PGFACE_ERR_IMAGE_CORRUPT, "the image is corrupt or truncated: %s",
			            job->reason);
		pgface_offload_finish();
		return status->code;
	}
	size = (size_t) job->width * (size_t) job->height * 3;
	image->rgb = pgface_alloc(size);
	if (image->rgb == NULL)
	{
		pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for a %dx%d image", job->width,
		            job->height);
		pgface_offload_finish();
		return status->code;
	}
	image->width = job->width;
	image->height = job->height;
	/* Fresh pages fault in slowly: copying 50 megapixels takes about half a second here. */
	for (size_t done = 0; done < size; done += chunk)
	{
		pgface_check_interrupts();
		memcpy(image->rgb + done, job->rgb + done, size - done < chunk ? size - done : chunk);
	}
	pgface_offload_finish();
	return PGFACE_OK;
}

static pgface_code
too_large(pgface_status *status, int64_t width, int64_t height, int64_t max_pixels)
{
	return pgface_fail(status, PGFACE_ERR_IMAGE_TOO_LARGE,
	                   "the image is %lldx%lld, %.0f pixels, over the limit of %lld",
	                   (long long) width, (long long) height, (double) width * (double) height,
	                   (long long) max_pixels);
}

pgface_code
pgface_image_decode(const unsigned char *bytes, size_t length, int64_t max_pixels,
                    pgface_image *image, pgface_status *status)
{
	int width;
	int height;
	int channels;
	int64_t header_width;
	int64_t header_height;
	pgface_image_format format;

	image->rgb = NULL;
	if (length == 0)
		return pgface_fail(status, PGFACE_ERR_IMAGE_EMPTY, "the image is empty (0 bytes)");
	if (length > (size_t) INT32_MAX)
		return pgface_fail(status, PGFACE_ERR_IMAGE_TOO_LARGE, "the image is %zu bytes", length);

	/* Our own header read first: a huge claim is refused even where stb would not say why. */
	format = pgface_image_header_size(bytes, length, &header_width, &header_height);
	/* Divided, not multiplied: a PNG header's two 32-bit sizes overflow a product. */
	if (header_width > 0 && header_height > 0 && header_width > max_pixels / header_height)
		return too_large(status, header_width, header_height, max_pixels);

	/* Before stb reads a byte: its header parse (stbi_info) builds the Huffman tables too. */
	if (!pgface_jpeg_huffman_tables_fit(bytes, length))
		return pgface_fail(status, PGFACE_ERR_IMAGE_CORRUPT,
		                   "the JPEG is corrupt: a Huffman table holds more than 256 codes");
	if (!pgface_pnm_header_fits(bytes, length))
		return pgface_fail(status, PGFACE_ERR_IMAGE_CORRUPT,
		                   "the PNM header is corrupt: a number is too large");

	if (!stbi_info_from_memory(bytes, (int) length, &width, &height, &channels))
	{
		if (format == PGFACE_FORMAT_OTHER)
			return pgface_fail(status, PGFACE_ERR_IMAGE_FORMAT,
			                   "not a supported image format (JPEG, PNG, BMP, GIF, TGA, PSD, PNM)");
		return pgface_fail(status, PGFACE_ERR_IMAGE_CORRUPT, "the %s header is corrupt",
		                   format_names[format]);
	}
	if ((int64_t) width * (int64_t) height > max_pixels)
		return too_large(status, width, height, max_pixels);

	if (decode_pixels(bytes, length, image, status) != PGFACE_OK)
		return status->code;
	if (pgface_image_orient(image, pgface_jpeg_orientation(bytes, length), status) != PGFACE_OK)
	{
		pgface_image_free(image);
		return status->code;
	}
	return PGFACE_OK;
}

void
pgface_image_free(pgface_image *image)
{
	pgface_free(image->rgb);
	image->rgb = NULL;
}
