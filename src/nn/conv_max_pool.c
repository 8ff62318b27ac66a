/*
 * conv_max_pool.c: a convolution and the 2x2 max-pool after it in bands of
 * output rows, so that the convolution's full-size output is never written
 * out: the detector's first conv would write 414x414x16 floats (11 MB) only
 * for the pool to read them back and keep a quarter.
 */
#include <float.h>
#include <string.h>

#include "common/runtime.h"
#include "nn/layers.h"

#define KERNEL_FILE "nn/conv_max_pool_kernel.h"
#include "nn/simd_instances.h"

/* conv rows per band: two per pooled row; the band's output stays in cache */
#define BAND_FLOATS 32768

/* The composed ops, for CPUs whose GEMM takes no panels. */
static pgface_code
conv_then_pool(const pgface_tensor *in, const float *filters, int kh, int kw, int out_c,
               const pgface_epilogue *epilogue, pgface_tensor *out, pgface_status *status)
{
	pgface_tensor conv = {0};
	pgface_code code;

	if (pgface_conv2d(in, filters, NULL, kh, kw, out_c, 1, PGFACE_PAD_VALID, epilogue, &conv,
	                  status))
		return status->code;
	code = pgface_max_pool(&conv, 2, 2, PGFACE_PAD_SAME, out, status);
	pgface_tensor_free(&conv);
	return code;
}

/*
 * The detector's first layer (3x3, 3 channels into 16, bias and leaky relu, even
 * sides) pooled in registers, where this engine's GEMM is its own: nothing of
 * the convolution goes through memory, and no row pointers are made.
 */
static bool
pools_in_registers(const pgface_tensor *in, int kh, int kw, int out_c, int conv_h, int conv_w,
                   const pgface_epilogue *epilogue)
{
	return kh == 3 && kw == 3 && in->c == 3 && out_c == 16 && conv_h > 0 && conv_w > 0 &&
	       conv_h % 2 == 0 && conv_w % 2 == 0 && epilogue != NULL && epilogue->bias != NULL &&
	       epilogue->scale == NULL && epilogue->residual == NULL && pgface_gemm_takes_panels();
}

/* Pooled rows at a time between interrupt checks. */
#define POOLED_ROWS_PER_CHECK 16

static pgface_code
conv3x3x3_max_pool(const pgface_tensor *in, const float *filters, int conv_h, int conv_w,
                   const pgface_epilogue *epilogue, pgface_tensor *out, pgface_status *status)
{
	if (pgface_tensor_alloc(out, conv_h / 2, conv_w / 2, 16, status))
		return status->code;
	for (int first = 0; first < out->h; first += POOLED_ROWS_PER_CHECK)
	{
		int rows = out->h - first < POOLED_ROWS_PER_CHECK ? out->h - first : POOLED_ROWS_PER_CHECK;

		pgface_check_interrupts();
		PGFACE_SIMD_PICK(conv3x3x3_max_pool)
		(in->data, in->w, first, rows, out->w, filters, epilogue, out->data);
	}
	return PGFACE_OK;
}

pgface_code
pgface_conv2d_max_pool(const pgface_tensor *in, const float *filters, int kh, int kw, int out_c,
                       const pgface_epilogue *epilogue, pgface_tensor *out, pgface_status *status)
{
	int conv_h = pgface_output_extent(in->h, kh, 1, PGFACE_PAD_VALID);
	int conv_w = pgface_output_extent(in->w, kw, 1, PGFACE_PAD_VALID);
	int out_w = (conv_w + 1) / 2;
	int band = BAND_FLOATS / (2 * conv_w * out_c > 0 ? 2 * conv_w * out_c : 1);
	size_t depth = (size_t) kh * (size_t) kw * (size_t) in->c;
	const float **rows;
	float *scratch;

	if (pools_in_registers(in, kh, kw, out_c, conv_h, conv_w, epilogue))
		return conv3x3x3_max_pool(in, filters, conv_h, conv_w, epilogue, out, status);
	/* the filters are their own panel only when there is exactly one */
	if (out_c != 16 || !pgface_gemm_takes_panels() || conv_h < 1 || conv_w < 1)
		return conv_then_pool(in, filters, kh, kw, out_c, epilogue, out, status);
	band = band < 1 ? 1 : band;
	rows = pgface_alloc_array((size_t) 2 * (size_t) band * (size_t) conv_w, sizeof(*rows));
	scratch = pgface_alloc_array((size_t) 2 * (size_t) band * (size_t) conv_w * (size_t) out_c,
	                             sizeof(float));
	if (rows == NULL || scratch == NULL ||
	    pgface_tensor_alloc(out, (conv_h + 1) / 2, out_w, out_c, status))
	{
		pgface_free(rows);
		pgface_free(scratch);
		return rows == NULL || scratch == NULL
		           ? pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for a conv")
		           : status->code;
	}

	for (int first = 0; first < out->h; first += band)
	{
		int pooled_rows = out->h - first < band ? out->h - first : band;
		int conv_first = 2 * first;
		int conv_rows =
		    2 * pooled_rows <= conv_h - conv_first ? 2 * pooled_rows : conv_h - conv_first;
		int positions = conv_rows * conv_w;
		pgface_epilogue shifted;

		for (int r = 0; r < conv_rows; r++)
		{
			const float *row =
			    in->data + (size_t) (conv_first + r) * (size_t) in->w * (size_t) in->c;
			for (int x = 0; x < conv_w; x++)
				rows[(size_t) r * conv_w + x] = row + (size_t) x * (size_t) in->c;
		}
		pgface_gemm_rows(
		    positions, out_c, rows, kh, kw * in->c, (size_t) in->w * (size_t) in->c, filters,
		    16 * depth, scratch, (size_t) out_c,
		    pgface_epilogue_from_row(epilogue, (size_t) conv_first * (size_t) conv_w, &shifted));
		/* the band starts on an even conv row, so its windows are the whole pool's */
		pgface_max_pool_2x2_into(scratch, conv_rows, conv_w, out_c,
		                         out->data + (size_t) first * (size_t) out_w * (size_t) out_c);
	}
	pgface_free(rows);
	pgface_free(scratch);
	return PGFACE_OK;
}
