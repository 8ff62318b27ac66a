/*
 * conv2d.c: convolution as one matrix product. im2col lays every receptive field
 * out as a row; with NHWC input and HWIO filters the filter tensor already is
 * the right-hand matrix, so nothing is transposed.
 */
#include <cblas.h>
#include <string.h>

#include "common/runtime.h"
#include "nn/layers.h"

/* Row (oy, ox) of the patch matrix: kh*kw runs of in->c floats, zeros where the window leaves the
 * input. */
static void
im2col(const pgface_tensor *in, int kh, int kw, int stride, int pad_top, int pad_left, int out_h,
       int out_w, float *patches)
{
	size_t run = (size_t) in->c;
	size_t row_length = (size_t) kh * (size_t) kw * run;

	for (int oy = 0; oy < out_h; oy++)
		for (int ox = 0; ox < out_w; ox++)
		{
			float *row = patches + ((size_t) oy * (size_t) out_w + (size_t) ox) * row_length;
			for (int ky = 0; ky < kh; ky++)
			{
				int iy = oy * stride - pad_top + ky;
				for (int kx = 0; kx < kw; kx++)
				{
					int ix = ox * stride - pad_left + kx;
					float *dst = row + ((size_t) ky * (size_t) kw + (size_t) kx) * run;
					if (iy < 0 || iy >= in->h || ix < 0 || ix >= in->w)
						memset(dst, 0, run * sizeof(float));
					else
						memcpy(dst, in->data + ((size_t) iy * (size_t) in->w + (size_t) ix) * run,
						       run * sizeof(float));
				}
			}
		}
}

pgface_code
pgface_conv2d(const pgface_tensor *in, const float *filters, int kh, int kw, int out_c, int stride,
              pgface_padding padding, pgface_tensor *out, pgface_status *status)
{
	int out_h = pgface_output_extent(in->h, kh, stride, padding);
	int out_w = pgface_output_extent(in->w, kw, stride, padding);
	int depth = kh * kw * in->c;
	int positions = out_h * out_w;
	const float *patches = in->data;
	float *scratch = NULL;

	if (pgface_tensor_alloc(out, out_h, out_w, out_c, status) != PGFACE_OK)
		return status->code;

	if (!(kh == 1 && kw == 1 && stride == 1))
	{
		scratch = pgface_alloc_array((size_t) positions * (size_t) depth, sizeof(float));
		if (scratch == NULL)
		{
			pgface_tensor_free(out);
			return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for im2col (%dx%d)",
			                   positions, depth);
		}
		im2col(in, kh, kw, stride, pgface_padding_before(in->h, kh, stride, padding),
		       pgface_padding_before(in->w, kw, stride, padding), out_h, out_w, scratch);
		patches = scratch;
	}

	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, positions, out_c, depth, 1.0f, patches,
	            depth, filters, out_c, 0.0f, out->data, out_c);
	pgface_free(scratch);
	return PGFACE_OK;
}
