/*
 * depthwise_conv2d.c: one small filter per channel, as in MobileNet-style
 * separable convolutions. Too little arithmetic per byte for sgemm to help, so
 * it is a direct loop with the channel innermost (contiguous in NHWC).
 */
#include <string.h>

#include "nn/layers.h"

pgface_code
pgface_depthwise_conv2d(const pgface_tensor *in, const float *filters, int kh, int kw, int stride,
                        pgface_padding padding, pgface_tensor *out, pgface_status *status)
{
	int out_h = pgface_output_extent(in->h, kh, stride, padding);
	int out_w = pgface_output_extent(in->w, kw, stride, padding);
	int pad_top = pgface_padding_before(in->h, kh, stride, padding);
	int pad_left = pgface_padding_before(in->w, kw, stride, padding);
	int channels = in->c;

	if (pgface_tensor_alloc(out, out_h, out_w, channels, status) != PGFACE_OK)
		return status->code;
	memset(out->data, 0, pgface_tensor_count(out) * sizeof(float));

	for (int oy = 0; oy < out_h; oy++)
		for (int ox = 0; ox < out_w; ox++)
		{
			float *acc =
			    out->data + ((size_t) oy * (size_t) out_w + (size_t) ox) * (size_t) channels;
			for (int ky = 0; ky < kh; ky++)
			{
				int iy = oy * stride - pad_top + ky;
				if (iy < 0 || iy >= in->h)
					continue;
				for (int kx = 0; kx < kw; kx++)
				{
					int ix = ox * stride - pad_left + kx;
					const float *src;
					const float *weights;
					if (ix < 0 || ix >= in->w)
						continue;
					src =
					    in->data + ((size_t) iy * (size_t) in->w + (size_t) ix) * (size_t) channels;
					weights =
					    filters + ((size_t) ky * (size_t) kw + (size_t) kx) * (size_t) channels;
					for (int c = 0; c < channels; c++)
						acc[c] += src[c] * weights[c];
				}
			}
		}
	return PGFACE_OK;
}
