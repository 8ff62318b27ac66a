/*
 * decode_webp.c: WebP with libwebp: lossy (VP8), lossless (VP8L), with alpha (dropped,
 * keeping the colour under it), and animated, of which the first frame is taken, on a
 * black canvas of the animation's size. An EXIF chunk's orientation is applied as in a
 * JPEG. libwebp returns status codes and frees its own memory on every path.
 */
#include "img/decoder.h"

#include <stdlib.h>
#include <string.h>

#include <webp/decode.h>
#include <webp/demux.h>

#include "img/image.h"

/* libwebp's status as pgface's code and a reason. */
static pgface_code
fail_with_status(pgface_decoded *out, VP8StatusCode status)
{
	pgface_code code;
	const char *reason;

	switch (status)
	{
		case VP8_STATUS_OUT_OF_MEMORY:
			code = PGFACE_ERR_NO_MEMORY, reason = "libwebp ran out of memory";
			break;
		case VP8_STATUS_UNSUPPORTED_FEATURE:
			code = PGFACE_ERR_IMAGE_FORMAT, reason = "it uses a feature libwebp does not support";
			break;
		case VP8_STATUS_NOT_ENOUGH_DATA:
			code = PGFACE_ERR_IMAGE_CORRUPT, reason = "the bitstream ends early";
			break;
		case VP8_STATUS_INVALID_PARAM:
			code = PGFACE_ERR_IMAGE_CORRUPT, reason = "invalid parameter";
			break;
		default:
			code = PGFACE_ERR_IMAGE_CORRUPT, reason = "the bitstream is corrupt";
			break;
	}
	pgface_decoded_discard(out);
	return pgface_fail(&out->status, code, "the WebP %s: %s", pgface_decode_failure_verb(code),
	                   reason);
}

/* One frame's bitstream into an RGB buffer of exactly its size. */
static VP8StatusCode
decode_frame(const WebPData *fragment, int width, int height, unsigned char *rgb)
{
	WebPDecoderConfig config;
	VP8StatusCode status;

	if (!WebPInitDecoderConfig(&config))
		return VP8_STATUS_INVALID_PARAM;
	status = WebPGetFeatures(fragment->bytes, fragment->size, &config.input);
	if (status != VP8_STATUS_OK)
		return status;
	if (config.input.width != width || config.input.height != height)
		return VP8_STATUS_BITSTREAM_ERROR;
	config.output.colorspace = MODE_RGB;
	config.output.is_external_memory = 1;
	config.output.u.RGBA.rgba = rgb;
	config.output.u.RGBA.stride = width * 3;
	config.output.u.RGBA.size = (size_t) width * (size_t) height * 3;
	status = WebPDecode(fragment->bytes, fragment->size, &config);
	WebPFreeDecBuffer(&config.output);
	return status;
}

/* The first frame onto the canvas: in place when it covers it, else through its own buffer. */
static pgface_code
decode_first_frame(const WebPIterator *frame, pgface_decoded *out)
{
	unsigned char *pixels;
	VP8StatusCode status;

	if (frame->x_offset < 0 || frame->y_offset < 0 || frame->width <= 0 || frame->height <= 0 ||
	    frame->x_offset + frame->width > out->width ||
	    frame->y_offset + frame->height > out->height)
		return fail_with_status(out, VP8_STATUS_BITSTREAM_ERROR);
	if (frame->width == out->width && frame->height == out->height)
	{
		status = decode_frame(&frame->fragment, frame->width, frame->height, out->rgb);
		return status == VP8_STATUS_OK ? PGFACE_OK : fail_with_status(out, status);
	}
	pixels = malloc((size_t) frame->width * (size_t) frame->height * 3);
	if (pixels == NULL)
		return fail_with_status(out, VP8_STATUS_OUT_OF_MEMORY);
	status = decode_frame(&frame->fragment, frame->width, frame->height, pixels);
	memset(out->rgb, 0, (size_t) out->width * (size_t) out->height * 3);
	for (int y = 0; status == VP8_STATUS_OK && y < frame->height; y++)
		memcpy(out->rgb + ((size_t) (frame->y_offset + y) * out->width + frame->x_offset) * 3,
		       pixels + (size_t) y * frame->width * 3, (size_t) frame->width * 3);
	free(pixels);
	return status == VP8_STATUS_OK ? PGFACE_OK : fail_with_status(out, status);
}

/* The orientation in the EXIF chunk, 1 without one. */
static int
exif_orientation(const WebPDemuxer *demux)
{
	WebPChunkIterator chunk;
	int orientation = 1;

	if (WebPDemuxGetChunk(demux, "EXIF", 1, &chunk))
		orientation = pgface_exif_orientation(chunk.chunk.bytes, chunk.chunk.size);
	WebPDemuxReleaseChunkIterator(&chunk);
	return orientation;
}

pgface_code
pgface_decode_webp(const unsigned char *bytes, size_t length, int64_t max_pixels,
                   pgface_decoded *out)
{
	WebPData data = {bytes, length};
	WebPDemuxer *demux = WebPDemux(&data);
	WebPIterator frame;
	pgface_code code;

	if (demux == NULL)
		return pgface_fail(&out->status, PGFACE_ERR_IMAGE_CORRUPT,
		                   "the WebP is corrupt or truncated: its RIFF container does not parse");
	code = pgface_image_check_size(&out->status, "WebP", WebPDemuxGetI(demux, WEBP_FF_CANVAS_WIDTH),
	                               WebPDemuxGetI(demux, WEBP_FF_CANVAS_HEIGHT), max_pixels);
	if (code == PGFACE_OK)
		code = pgface_decoded_allocate(out, (int) WebPDemuxGetI(demux, WEBP_FF_CANVAS_WIDTH),
		                               (int) WebPDemuxGetI(demux, WEBP_FF_CANVAS_HEIGHT));
	if (code == PGFACE_OK)
	{
		if (WebPDemuxGetFrame(demux, 1, &frame))
			code = decode_first_frame(&frame, out);
		else
			code = fail_with_status(out, VP8_STATUS_BITSTREAM_ERROR);
		WebPDemuxReleaseIterator(&frame);
	}
	if (code == PGFACE_OK)
		out->orientation = exif_orientation(demux);
	WebPDemuxDelete(demux);
	return code;
}
