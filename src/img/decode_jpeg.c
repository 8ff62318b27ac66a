/*
 * decode_jpeg.c: JPEG with libjpeg-turbo, the decoder JPEG's users trust: baseline,
 * progressive and arithmetic-coded, grey, YCbCr, RGB, CMYK and YCCK, restart markers.
 *
 * libjpeg reports a fatal error by calling error_exit, which here longjmps back into
 * this file on the decode thread. Its warnings about damaged data (a file cut short, a
 * bad Huffman code) are taken as errors: libjpeg would fill the rest with grey, and
 * embed() would return an answer about pixels that are not in the photo.
 */
#include "img/decoder.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "img/image.h"

/* libjpeg-turbo's own advice for untrusted progressive JPEGs (djpeg -maxscans). */
#define MAX_SCANS 500

/*
 * What the decode shares with its error exit. Everything that changes after setjmp and is
 * read after the longjmp lives here, reached through a pointer, never in a plain local.
 */
typedef struct jpeg_failure
{
	struct jpeg_error_mgr manager; /* first: libjpeg hands back a pointer to it */
	jmp_buf escape;
	pgface_code code;
	char reason[JMSG_LENGTH_MAX];
	JSAMPLE *cmyk_row; /* freed on every path */
} jpeg_failure;

/* The code a libjpeg message means: an unsupported variant, memory, or damage. */
static pgface_code
code_of_message(int message)
{
	switch (message)
	{
		case JERR_SOF_UNSUPPORTED:
		case JERR_BAD_PRECISION:
		case JERR_ARITH_NOTIMPL:
		case JERR_NOT_COMPILED:
		case JERR_CONVERSION_NOTIMPL:
			return PGFACE_ERR_IMAGE_FORMAT;
		case JERR_OUT_OF_MEMORY:
		case JERR_NO_BACKING_STORE:
			return PGFACE_ERR_NO_MEMORY;
		case JERR_IMAGE_TOO_BIG:
		case JERR_WIDTH_OVERFLOW:
			return PGFACE_ERR_IMAGE_TOO_LARGE;
		default:
			return PGFACE_ERR_IMAGE_CORRUPT;
	}
}

/* libjpeg's fatal error: keep its reason, then leave by longjmp (never back into libjpeg). */
static void
leave_on_error(j_common_ptr cinfo)
{
	jpeg_failure *failure = (jpeg_failure *) cinfo->err;

	failure->code = code_of_message(cinfo->err->msg_code);
	cinfo->err->format_message(cinfo, failure->reason);
	longjmp(failure->escape, 1);
}

/*
 * Warnings (level -1) that mean the pixels are not what the encoder wrote become
 * errors; the rest (extraneous bytes, an unknown JFIF revision, trace messages) are
 * dropped instead of printed: the server's stderr is its log.
 */
static void
judge_message(j_common_ptr cinfo, int level)
{
	if (level >= 0)
		return;
	switch (cinfo->err->msg_code)
	{
		case JWRN_JPEG_EOF:
		case JWRN_HIT_MARKER:
		case JWRN_MUST_RESYNC:
		case JWRN_HUFF_BAD_CODE:
		case JWRN_ARITH_BAD_CODE:
		case JWRN_NOT_SEQUENTIAL:
		case JWRN_BOGUS_PROGRESSION:
			leave_on_error(cinfo);
			break;
		default:
			break;
	}
}

/* A progressive JPEG of thousands of tiny scans costs minutes for a few kilobytes. */
static void
limit_scans(j_common_ptr cinfo)
{
	j_decompress_ptr decompress = (j_decompress_ptr) cinfo;

	if (cinfo->is_decompressor && decompress->input_scan_number > MAX_SCANS)
	{
		jpeg_failure *failure = (jpeg_failure *) cinfo->err;

		failure->code = PGFACE_ERR_IMAGE_CORRUPT;
		snprintf(failure->reason, sizeof(failure->reason), "it has more than %d scans", MAX_SCANS);
		longjmp(failure->escape, 1);
	}
}

/*
 * CMYK as Adobe writes it (APP14: stored inverted, 255 = no ink) or plain CMYK, to RGB
 * by the naive formula every viewer without a colour profile uses: R = (1 - C)(1 - K).
 */
static void
cmyk_row_to_rgb(const JSAMPLE *cmyk, int width, int adobe_inverted, unsigned char *rgb)
{
	for (int x = 0; x < width; x++)
	{
		const JSAMPLE *p = cmyk + 4 * x;
		int light_k = adobe_inverted ? p[3] : 255 - p[3]; /* 255 - the ink, either way */

		for (int c = 0; c < 3; c++)
		{
			int light = adobe_inverted ? p[c] : 255 - p[c];
			rgb[3 * x + c] = (unsigned char) ((light * light_k + 127) / 255);
		}
	}
}

/* The scanlines into out->rgb, through a CMYK row when the file holds CMYK or YCCK. */
static void
read_scanlines(j_decompress_ptr cinfo, pgface_decoded *out, JSAMPLE *cmyk_row)
{
	while (cinfo->output_scanline < cinfo->output_height)
	{
		unsigned char *rgb = out->rgb + (size_t) cinfo->output_scanline * out->width * 3;
		JSAMPROW row = cmyk_row != NULL ? cmyk_row : rgb;

		if (jpeg_read_scanlines(cinfo, &row, 1) != 1)
			ERREXIT(cinfo, JERR_INPUT_EMPTY); /* only a suspending source returns 0 */
		if (cmyk_row != NULL)
			cmyk_row_to_rgb(cmyk_row, out->width, cinfo->saw_Adobe_marker, rgb);
	}
}

/*
 * Everything that can longjmp, in one frame. Its locals that outlive a longjmp live in
 * out and in the caller's cmyk_row, which the caller frees.
 */
static pgface_code
decode_into(j_decompress_ptr cinfo, const unsigned char *bytes, size_t length, int64_t max_pixels,
            int scale_denom, pgface_decoded *out, jpeg_failure *failure)
{
	int cmyk;

	jpeg_mem_src(cinfo, bytes, (unsigned long) length);
	jpeg_read_header(cinfo, TRUE);
	if (pgface_image_check_size(&out->status, "JPEG", cinfo->image_width, cinfo->image_height,
	                            max_pixels) != PGFACE_OK)
		return out->status.code;
	/* Bounded by the size just approved: a progressive file's coefficients take 8 bytes a
	 * pixel at most, and libjpeg stops with an error rather than go past the limit. */
	cinfo->mem->max_memory_to_use =
	    (long) cinfo->image_width * (long) cinfo->image_height * 8 + (64L << 20);
	cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
	cinfo->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
	cinfo->scale_num = 1;
	cinfo->scale_denom = (unsigned) scale_denom;
	jpeg_start_decompress(cinfo);
	if (pgface_decoded_allocate(out, (int) cinfo->output_width, (int) cinfo->output_height) !=
	    PGFACE_OK)
		return out->status.code;
	if (cmyk && (failure->cmyk_row = malloc((size_t) out->width * 4)) == NULL)
		return pgface_fail(&out->status, PGFACE_ERR_NO_MEMORY, "out of memory for a CMYK row");
	read_scanlines(cinfo, out, failure->cmyk_row);
	jpeg_finish_decompress(cinfo);
	return PGFACE_OK;
}

pgface_code
pgface_decode_jpeg(const unsigned char *bytes, size_t length, int64_t max_pixels,
                   pgface_decoded *out)
{
	return pgface_decode_jpeg_scaled(bytes, length, max_pixels, 1, out);
}

/* The IDCT scaled down in libjpeg itself: a 1/4 decode does far less work than a full one. */
pgface_code
pgface_decode_jpeg_scaled(const unsigned char *bytes, size_t length, int64_t max_pixels,
                          int scale_denom, pgface_decoded *out)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_progress_mgr progress = {.progress_monitor = limit_scans};
	jpeg_failure failure = {.code = PGFACE_OK, .cmyk_row = NULL};
	pgface_code code;

	/* Zeroed first: an error inside jpeg_create_decompress destroys a struct it never set. */
	memset(&cinfo, 0, sizeof(cinfo));
	cinfo.err = jpeg_std_error(&failure.manager);
	failure.manager.error_exit = leave_on_error;
	failure.manager.emit_message = judge_message;
	if (setjmp(failure.escape))
	{
		jpeg_destroy_decompress(&cinfo);
		free(failure.cmyk_row);
		pgface_decoded_discard(out);
		return pgface_fail(&out->status, failure.code, "the JPEG %s: %s",
		                   pgface_decode_failure_verb(failure.code), failure.reason);
	}
	jpeg_create_decompress(&cinfo);
	cinfo.progress = &progress;
	code = decode_into(&cinfo, bytes, length, max_pixels, scale_denom, out, &failure);
	jpeg_destroy_decompress(&cinfo);
	free(failure.cmyk_row);
	if (code != PGFACE_OK)
		pgface_decoded_discard(out);
	else
		out->orientation = pgface_jpeg_orientation(bytes, length);
	return code;
}
