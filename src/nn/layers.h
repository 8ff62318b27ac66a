/*
 * layers.h: the ConvNet operations, with TensorFlow.js semantics (NHWC
 * activations, HWIO filters, 'same' and 'valid' padding), so that nets written
 * for face-api run unchanged. Each operation lives in its own file.
 */
#ifndef PGFACE_LAYERS_H
#define PGFACE_LAYERS_H

#include <stdbool.h>

#include "nn/gemm.h"
#include "nn/model_file.h"
#include "nn/tensor.h"

typedef enum pgface_padding
{
	PGFACE_PAD_VALID, /* no padding: windows lie inside the input */
	PGFACE_PAD_SAME   /* zero padding so that output = ceil(input / stride) */
} pgface_padding;

/* Output extent and leading padding along one axis, as TensorFlow computes them. */
int pgface_output_extent(int input, int kernel, int stride, pgface_padding padding);
int pgface_padding_before(int input, int kernel, int stride, pgface_padding padding);

/*
 * conv2d.c: filters are [kh, kw, in.c, out_c]; im2col + pgface_gemm, 1x1 stride 1
 * straight to pgface_gemm. panels, if not NULL, are the same filters packed as
 * pgface_pack_panels does (out_c a multiple of 16) and used instead. epilogue
 * (may be NULL) is applied to every output value, its residual indexed by
 * output position (residual_stride floats apart).
 */
pgface_code pgface_conv2d(const pgface_tensor *in, const float *filters, const float *panels,
                          int kh, int kw, int out_c, int stride, pgface_padding padding,
                          const pgface_epilogue *epilogue, pgface_tensor *out,
                          pgface_status *status);

/*
 * conv_max_pool.c: pgface_conv2d ('valid', stride 1, epilogue fused) and then
 * pgface_max_pool (2x2, stride 2, 'same'), without the conv's output ever whole
 * in memory. filters [kh, kw, in.c, out_c]; with 16 outputs they are one GEMM panel.
 * The epilogue's residual, if any, is indexed by the conv's output position, before the pool.
 */
pgface_code pgface_conv2d_max_pool(const pgface_tensor *in, const float *filters, int kh, int kw,
                                   int out_c, const pgface_epilogue *epilogue, pgface_tensor *out,
                                   pgface_status *status);

/*
 * winograd.c: the same result as pgface_conv2d for a 3x3, stride 1, 'same'
 * convolution, with 2.25x fewer multiplications. transformed_filters is
 * [16, in.c, out_c], from pgface_winograd_transform_filters (or the model file).
 * epilogue (may be NULL) as for pgface_conv2d.
 */
pgface_code pgface_conv3x3_winograd(const pgface_tensor *in, const float *transformed_filters,
                                    int out_c, const pgface_epilogue *epilogue, pgface_tensor *out,
                                    pgface_status *status);
/* filters [3, 3, in_c, out_c] -> transformed [16, in_c, out_c], computed in double. */
void pgface_winograd_transform_filters(const float *filters, int in_c, int out_c,
                                       float *transformed);

/* A depthwise-separable convolution: depthwise 3x3, pointwise 1x1, bias. */
typedef struct pgface_separable_conv
{
	int in_channels;
	int out_channels;
	const float *depthwise; /* [3, 3, in, 1] */
	const float *pointwise; /* [1, 1, in, out] */
	const float *bias;      /* [out] */
} pgface_separable_conv;

/* separable_conv2d.c: binds PREFIX/depthwise_filter, PREFIX/pointwise_filter and PREFIX/bias. */
pgface_code pgface_separable_conv_bind(const pgface_model_file *model, const char *prefix,
                                       int in_channels, int out_channels,
                                       pgface_separable_conv *conv, pgface_status *status);
/*
 * separable_stage.c: a separable conv (depthwise 3x3 'same' at stride, then
 * pointwise 1x1, as TensorFlow.js's separableConv2d) in one pass, with the pointwise
 * conv's epilogue fused (its bias, a residual indexed by output position,
 * relu or leaky relu), and optionally, before the depthwise conv, a 2x2
 * max-pool of the input (stride 2, 'same') and a relu of it, as input_ops says.
 */
#define PGFACE_INPUT_MAX_POOL 1u
#define PGFACE_INPUT_RELU     2u
pgface_code pgface_separable_stage(const pgface_tensor *in, const pgface_separable_conv *conv,
                                   int stride, unsigned input_ops, const pgface_epilogue *epilogue,
                                   pgface_tensor *out, pgface_status *status);

/* depthwise_conv2d.c: filters are [kh, kw, in.c, 1]; one filter per channel. */
pgface_code pgface_depthwise_conv2d(const pgface_tensor *in, const float *filters, int kh, int kw,
                                    int stride, pgface_padding padding, pgface_tensor *out,
                                    pgface_status *status);

/* pool.c: padded cells never win a max and are not counted in an average. */
pgface_code pgface_max_pool(const pgface_tensor *in, int kernel, int stride, pgface_padding padding,
                            pgface_tensor *out, pgface_status *status);
pgface_code pgface_avg_pool(const pgface_tensor *in, int kernel, int stride, pgface_padding padding,
                            pgface_tensor *out, pgface_status *status);
/*
 * pool.c: pgface_max_pool's 2x2, stride 2, 'same' pool of rows x width x channels floats
 * written straight into out ((rows + 1) / 2 x (width + 1) / 2 x channels), for a caller
 * that pools in bands of rows starting on even rows.
 */
void pgface_max_pool_2x2_into(const float *in, int rows, int width, int channels, float *out);

/*
 * elementwise.c: in place, per channel: x = (x + bias) * scale + shift, then
 * relu if asked. NULL skips a term; the order matches face-api's.
 */
void pgface_channel_affine(pgface_tensor *t, const float *bias, const float *scale,
                           const float *shift, bool relu);
/*
 * The same, then + residual (same shape) before the relu: a residual block's
 * tail in one pass. residual may be NULL. At most PGFACE_MAX_AFFINE_CHANNELS
 * channels when a term is NULL.
 */
#define PGFACE_MAX_AFFINE_CHANNELS 1024
void pgface_channel_affine_add(pgface_tensor *t, const float *bias, const float *scale,
                               const float *shift, const pgface_tensor *residual, bool relu);
/*
 * An epilogue that adds bias (NULL: none), then relu or, with a nonzero leak,
 * leaky relu when relu is set. At most PGFACE_MAX_AFFINE_CHANNELS columns.
 */
pgface_epilogue pgface_bias_epilogue(const float *bias, bool relu, float leak);
/* t = max(t, alpha * t), computed as TensorFlow.js's leaky() does: relu(t - alpha t) + alpha t */
void pgface_leaky_relu(pgface_tensor *t, float alpha);

/* dense.c: out[n_out] = in[n_in] x weights[n_in, n_out] (+ bias if not NULL). */
void pgface_dense(const float *in, int n_in, const float *weights, const float *bias, int n_out,
                  float *out);
/* dense.c: out[c] = mean of channel c over all positions. */
void pgface_global_mean(const pgface_tensor *in, float *out);

#endif
