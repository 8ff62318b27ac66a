/*
 * separable_stage.c: a depthwise-separable convolution in one pass over its
 * input, for the detector and the landmark net. Bands of output rows: the
 * band's input rows are pooled and rectified into a scratch row by row (when
 * asked), its depthwise output goes to a second scratch that stays in cache,
 * and the pointwise product reads it from there and writes the stage's output
 * once, with bias, residual and activation fused into the GEMM's epilogue.
 */
#include <string.h>

#include "common/runtime.h"
#include "nn/layers.h"

#define KERNEL_FILE "nn/depthwise_kernel.h"
#include "nn/simd_instances.h"

/* depthwise output per band: about this many floats (128 kB, within a typical L2) */
#define BAND_FLOATS 32768

typedef void prepare_row_fn(const pgface_tensor *in, int y, bool pool, bool relu, int width,
                            float *dst);
typedef void depthwise_row_fn(const float *const rows[3], int width, int channels, int stride,
                              int pad_left, int out_width, const float *filters, float *out);

/* The kernels of the instruction set the GEMM picked: one dispatch for the whole engine. */
static void
pick_kernels(prepare_row_fn **prepare, depthwise_row_fn **depthwise)
{
	*prepare = PGFACE_SIMD_PICK(prepare_row);
	*depthwise = PGFACE_SIMD_PICK(depthwise_row);
}

/* The stage's scratch, allocated together so that one free releases it. */
typedef struct stage_scratch
{
	float *prepared;    /* the band's input rows, pooled and rectified; NULL when neither */
	float *zeros;       /* one padding row */
	float *depthwise;   /* the band's depthwise output */
	const float **rows; /* input row pointers of the band */
	void *block;
} stage_scratch;

static pgface_code
alloc_scratch(bool prepare, int band_in_rows, int band_rows, int width, int out_width, int channels,
              stage_scratch *s, pgface_status *status)
{
	size_t row = (size_t) width * (size_t) channels;
	size_t floats = (prepare ? (size_t) band_in_rows * row : 0) + row +
	                (size_t) band_rows * (size_t) out_width * (size_t) channels;
	size_t bytes = floats * sizeof(float) + (size_t) band_in_rows * sizeof(float *);
	float *f;

	s->block = pgface_alloc(bytes);
	if (s->block == NULL)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for a separable conv");
	/* the pointers first, where the allocator's alignment suits them */
	s->rows = s->block;
	f = (float *) (void *) (s->rows + band_in_rows);
	s->prepared = prepare ? f : NULL;
	f += prepare ? (size_t) band_in_rows * row : 0;
	s->zeros = f;
	memset(s->zeros, 0, row * sizeof(float));
	f += row;
	s->depthwise = f;
	return PGFACE_OK;
}

pgface_code
pgface_separable_stage(const pgface_tensor *in, const pgface_separable_conv *conv, int stride,
                       unsigned input_ops, const pgface_epilogue *epilogue, pgface_tensor *out,
                       pgface_status *status)
{
	bool pool = (input_ops & PGFACE_INPUT_MAX_POOL) != 0;
	bool relu = (input_ops & PGFACE_INPUT_RELU) != 0;
	int channels = in->c;
	int height = pool ? (in->h + 1) / 2 : in->h;
	int width = pool ? (in->w + 1) / 2 : in->w;
	int out_h = pgface_output_extent(height, 3, stride, PGFACE_PAD_SAME);
	int out_w = pgface_output_extent(width, 3, stride, PGFACE_PAD_SAME);
	int pad_top = pgface_padding_before(height, 3, stride, PGFACE_PAD_SAME);
	int pad_left = pgface_padding_before(width, 3, stride, PGFACE_PAD_SAME);
	int band = BAND_FLOATS / (out_w * channels > 0 ? out_w * channels : 1);
	int band_in_rows;
	size_t row_floats = (size_t) width * (size_t) channels;
	prepare_row_fn *prepare;
	depthwise_row_fn *depthwise;
	stage_scratch s = {0};

	if (channels != conv->in_channels)
		return pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT,
		                   "a separable conv for %d channels got %d", conv->in_channels, channels);
	band = band < 1 ? 1 : band > out_h ? out_h : band;
	band_in_rows = (band - 1) * stride + 3;
	pick_kernels(&prepare, &depthwise);
	if (alloc_scratch(pool || relu, band_in_rows, band, width, out_w, channels, &s, status))
		return status->code;
	if (pgface_tensor_alloc(out, out_h, out_w, conv->out_channels, status))
	{
		pgface_free(s.block);
		return status->code;
	}

	for (int first = 0; first < out_h; first += band)
	{
		int rows = out_h - first < band ? out_h - first : band;
		int first_in = first * stride - pad_top;
		int in_rows = (rows - 1) * stride + 3;
		pgface_epilogue shifted;

		for (int r = 0; r < in_rows; r++)
		{
			int y = first_in + r;
			if (y < 0 || y >= height)
				s.rows[r] = s.zeros;
			else if (s.prepared == NULL)
				s.rows[r] = in->data + (size_t) y * row_floats;
			else
			{
				float *dst = s.prepared + (size_t) r * row_floats;
				prepare(in, y, pool, relu, width, dst);
				s.rows[r] = dst;
			}
		}
		for (int r = 0; r < rows; r++)
			depthwise(s.rows + (size_t) r * (size_t) stride, width, channels, stride, pad_left,
			          out_w, conv->depthwise,
			          s.depthwise + (size_t) r * (size_t) out_w * (size_t) channels);
		pgface_gemm(rows * out_w, conv->out_channels, channels, s.depthwise, (size_t) channels,
		            conv->pointwise, (size_t) conv->out_channels,
		            out->data + (size_t) first * (size_t) out_w * (size_t) conv->out_channels,
		            (size_t) conv->out_channels,
		            pgface_epilogue_from_row(epilogue, (size_t) first * (size_t) out_w, &shifted));
	}
	pgface_free(s.block);
	return PGFACE_OK;
}
