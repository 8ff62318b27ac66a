/*
 * conv2d.c: convolution as a matrix product (pgface_gemm, with the conv's epilogue fused). im2col
 * lays every receptive field out as a row; with NHWC input and HWIO filters the filter tensor
 * already is the right-hand matrix, so nothing is transposed.
 */
#include <string.h>

#include "common/runtime.h"
#include "nn/gemm.h"
#include "nn/layers.h"

/*
 * Rows first..first+count-1 of the patch matrix (row = output position oy * out_w + ox):
 * kh*kw runs of in->c floats, zeros where the window leaves the input. The
 * in-bounds taps of one window row are adjacent in NHWC, so each window row is
 * one copy (the stem's 3-channel taps would otherwise be 12-byte copies).
 */
static void
im2col(const pgface_tensor *in, int kh, int kw, int stride, int pad_top, int pad_left, int first,
       int count, int out_w, float *patches)
{
	size_t run = (size_t) in->c;
	size_t row_length = (size_t) kh * (size_t) kw * run;

	for (int n = 0; n < count; n++)
	{
		int oy = (first + n) / out_w;
		int ox = (first + n) % out_w;
		int ix0 = ox * stride - pad_left;
		int kx_begin = ix0 < 0 ? -ix0 : 0;
		int kx_end = ix0 + kw > in->w ? in->w - ix0 : kw;
		float *row = patches + (size_t) n * row_length;
		if (kx_end < kx_begin)
			kx_end = kx_begin;
		for (int ky = 0; ky < kh; ky++)
		{
			int iy = oy * stride - pad_top + ky;
			float *dst = row + (size_t) ky * (size_t) kw * run;
			if (iy < 0 || iy >= in->h || kx_begin == kx_end)
			{
				memset(dst, 0, (size_t) kw * run * sizeof(float));
				continue;
			}
			memset(dst, 0, (size_t) kx_begin * run * sizeof(float));
			memcpy(dst + (size_t) kx_begin * run,
			       in->data + ((size_t) iy * (size_t) in->w + (size_t) (ix0 + kx_begin)) * run,
			       (size_t) (kx_end - kx_begin) * run * sizeof(float));
			memset(dst + (size_t) kx_end * run, 0, (size_t) (kw - kx_end) * run * sizeof(float));
		}
	}
}

/*
 * c = a x rows first_row..first_row+k-1 of the filter matrix (depth rows in
 * all), from the packed panels when there are any, else from the HWIO filters.
 */
static void
multiply(int m, int out_c, int k, const float *a, size_t lda, const float *filters,
         const float *panels, size_t first_row, size_t depth, float *c,
         const pgface_epilogue *epilogue)
{
	if (panels != NULL)
		pgface_gemm_packed(m, out_c, k, a, lda, panels + first_row * 16, 16 * depth, c,
		                   (size_t) out_c, epilogue);
	else
		pgface_gemm(m, out_c, k, a, lda, filters + first_row * (size_t) out_c, (size_t) out_c, c,
		            (size_t) out_c, epilogue);
}

/* im2col chunks stay within about this many floats (a quarter of a typical L2) */
#define CHUNK_FLOATS 32768

pgface_code
pgface_conv2d(const pgface_tensor *in, const float *filters, const float *panels, int kh, int kw,
              int out_c, int stride, pgface_padding padding, const pgface_epilogue *epilogue,
              pgface_tensor *out, pgface_status *status)
{
	int out_h = pgface_output_extent(in->h, kh, stride, padding);
	int out_w = pgface_output_extent(in->w, kw, stride, padding);
	int pad_top = pgface_padding_before(in->h, kh, stride, padding);

	int pad_left = pgface_padding_before(in->w, kw, stride, padding);
	int depth = kh * kw * in->c;
	int positions = out_h * out_w;
	int chunk = positions;
	float *scratch = NULL;

	/* Without AVX2 the plain filters go to OpenBLAS, which beats any kernel on panels there. */
	if (!pgface_gemm_takes_panels())
		panels = NULL;
	if (pgface_tensor_alloc(out, out_h, out_w, out_c, status) != PGFACE_OK)
		return status->code;

	if (kh == 1 && kw == 1 && stride == 1)
	{
		multiply(positions, out_c, depth, in->data, (size_t) depth, filters, panels, 0,
		         (size_t) depth, out->data, epilogue);
		return PGFACE_OK;
	}
	/* a 1x1 input under 'same' padding: only the centre tap meets it (the net's last conv) */
	if (in->h == 1 && in->w == 1 && stride == 1 && padding == PGFACE_PAD_SAME)
	{
		size_t centre = (size_t) pgface_padding_before(1, kh, 1, padding) * (size_t) kw +
		                (size_t) pgface_padding_before(1, kw, 1, padding);
		multiply(1, out_c, in->c, in->data, (size_t) in->c, filters, panels,
		         centre * (size_t) in->c, (size_t) depth, out->data, epilogue);
		return PGFACE_OK;
	}

	/*
	 * Many positions, few (packed) filters and no padding (the stem): no
	 * im2col at all; each position's window is kh runs of kw * c floats, one
	 * per input row, read where they lie.
	 */
	if (panels != NULL && padding == PGFACE_PAD_VALID && out_c < positions)
	{
		const float **rows = pgface_alloc_array((size_t) positions, sizeof(*rows));
		if (rows == NULL)
		{
			pgface_tensor_free(out);
			return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for a conv");
		}
		for (int p = 0; p < positions; p++)
			rows[p] = in->data + ((size_t) (p / out_w) * (size_t) stride * (size_t) in->w +
			                      (size_t) (p % out_w) * (size_t) stride) *
			                         (size_t) in->c;
		pgface_gemm_rows(positions, out_c, rows, kh, kw * in->c, (size_t) in->w * (size_t) in->c,
		                 panels, 16 * (size_t) depth, out->data, (size_t) out_c, epilogue);
		pgface_free(rows);
		return PGFACE_OK;
	}

	/*
	 * Many positions and few filters: patches in chunks of whole output rows
	 * that stay in cache. Few positions and many filters: one chunk,
	 * so the filters stream past once.
	 */
	if (out_c < positions && (size_t) positions * (size_t) depth > CHUNK_FLOATS)
	{
		int rows = CHUNK_FLOATS / (depth * out_w);
		chunk = (rows < 1 ? 1 : rows) * out_w;
	}
	scratch = pgface_alloc_array((size_t) chunk * (size_t) depth, sizeof(float));
	if (scratch == NULL)
	{
		pgface_tensor_free(out);
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for im2col (%dx%d)", chunk,
		                   depth);
	}
	for (int first = 0; first < positions; first += chunk)
	{
		int count = positions - first < chunk ? positions - first : chunk;
		pgface_epilogue shifted;
		im2col(in, kh, kw, stride, pad_top, pad_left, first, count, out_w, scratch);
		multiply(count, out_c, depth, scratch, (size_t) depth, filters, panels, 0, (size_t) depth,
		         out->data + (size_t) first * (size_t) out_c,
		         pgface_epilogue_from_row(epilogue, (size_t) first, &shifted));
	}
	pgface_free(scratch);
	return PGFACE_OK;
}
