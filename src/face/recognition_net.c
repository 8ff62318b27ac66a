/*
 * recognition_net.c: binding and running the recognition ResNet.
 */
#include "face/recognition_net.h"

#include <stdio.h>

#include "common/runtime.h"
#include "nn/layers.h"

/* The blocks in order, as FaceRecognitionNet.forwardInput runs them. */
static const struct
{
	const char *prefix;
	int in_channels;
	int out_channels;
	int down;
} block_specs[PGFACE_RECOGNITION_BLOCKS] = {
    {"conv32_1", 32, 32, 0},    {"conv32_2", 32, 32, 0},           {"conv32_3", 32, 32, 0},
    {"conv64_down", 32, 64, 1}, {"conv64_1", 64, 64, 0},           {"conv64_2", 64, 64, 0},
    {"conv64_3", 64, 64, 0},    {"conv128_down", 64, 128, 1},      {"conv128_1", 128, 128, 0},
    {"conv128_2", 128, 128, 0}, {"conv256_down", 128, 256, 1},     {"conv256_1", 256, 256, 0},
    {"conv256_2", 256, 256, 0}, {"conv256_down_out", 256, 256, 1},
};

/* face-api's input normalisation: subtract the mean colour, then divide by 255. */
static const float mean_rgb[3] = {122.782f, 117.001f, 104.298f};

/*
 * Convolutions this narrow run by Winograd (their model file carries the
 * transformed filters, see models/convert.js); wider ones by im2col + sgemm.
 */
#define WINOGRAD_MAX_CHANNELS 64

/*
 * Binds one conv; a narrow stride-1 3x3 conv also binds its Winograd-transformed
 * filters, and the convs models/convert.js gives no Winograd transform (wider,
 * or not 3x3) their filters packed in panels of 16 output channels.
 */
static pgface_code
bind_conv(const pgface_model_file *model, const char *prefix, int kernel, int in_channels,
          int out_channels, int stride, pgface_conv_scale *conv, pgface_status *status)
{
	const int filter_shape[4] = {kernel, kernel, in_channels, out_channels};
	const int winograd_shape[3] = {16, in_channels, out_channels};
	const int vector_shape[1] = {out_channels};
	const int panels_shape[3] = {out_channels / 16, kernel * kernel * in_channels, 16};
	int narrow3x3 = kernel == 3 && in_channels <= WINOGRAD_MAX_CHANNELS &&
	                out_channels <= WINOGRAD_MAX_CHANNELS;
	char name[PGFACE_MODEL_NAME_BYTES];

	conv->kernel = kernel;
	conv->in_channels = in_channels;
	conv->out_channels = out_channels;
	conv->winograd = NULL;
	conv->panels = NULL;
	snprintf(name, sizeof(name), "%s/conv/filters", prefix);
	if (pgface_model_tensor_checked(model, name, 4, filter_shape, &conv->filters, status))
		return status->code;
	snprintf(name, sizeof(name), "%s/conv/filters@winograd", prefix);
	if (narrow3x3 && stride == 1 &&
	    pgface_model_tensor_checked(model, name, 3, winograd_shape, &conv->winograd, status))
		return status->code;
	snprintf(name, sizeof(name), "%s/conv/filters@panels16", prefix);
	if (!narrow3x3 && out_channels % 16 == 0 &&
	    pgface_model_tensor_checked(model, name, 3, panels_shape, &conv->panels, status))
		return status->code;
	snprintf(name, sizeof(name), "%s/conv/bias", prefix);
	if (pgface_model_tensor_checked(model, name, 1, vector_shape, &conv->bias, status))
		return status->code;
	snprintf(name, sizeof(name), "%s/scale/weights", prefix);
	if (pgface_model_tensor_checked(model, name, 1, vector_shape, &conv->scale, status))
		return status->code;
	snprintf(name, sizeof(name), "%s/scale/biases", prefix);
	return pgface_model_tensor_checked(model, name, 1, vector_shape, &conv->shift, status);
}

pgface_code
pgface_recognition_net_bind(const pgface_model_file *model, pgface_recognition_net *net,
                            pgface_status *status)
{
	const int fc_shape[2] = {256, PGFACE_RESNET_DIMS};

	if (bind_conv(model, "conv32_down", 7, 3, 32, 2, &net->stem, status))
		return status->code;
	for (int b = 0; b < PGFACE_RECOGNITION_BLOCKS; b++)
	{
		char prefix[64];
		pgface_residual_block *block = &net->blocks[b];

		block->down = block_specs[b].down;
		snprintf(prefix, sizeof(prefix), "%s/conv1", block_specs[b].prefix);
		if (bind_conv(model, prefix, 3, block_specs[b].in_channels, block_specs[b].out_channels,
		              block->down ? 2 : 1, &block->conv1, status))
			return status->code;
		snprintf(prefix, sizeof(prefix), "%s/conv2", block_specs[b].prefix);
		if (bind_conv(model, prefix, 3, block_specs[b].out_channels, block_specs[b].out_channels, 1,
		              &block->conv2, status))
			return status->code;
	}
	return pgface_model_tensor_checked(model, "fc", 2, fc_shape, &net->fc, status);
}

/*
 * Convolution, bias, scale layer, then the residual (may be NULL, same shape
 * as the output) and relu if asked, all fused into the convolution's output
 * pass: face-api's convLayer (and a residual block's tail). Winograd where the
 * conv has transformed filters, else im2col + pgface_gemm.
 */
static pgface_code
conv_scale(const pgface_tensor *in, const pgface_conv_scale *conv, int stride,
           pgface_padding padding, const pgface_tensor *residual, int relu, pgface_tensor *out,
           pgface_status *status)
{
	pgface_epilogue epilogue = {conv->bias,
	                            conv->scale,
	                            conv->shift,
	                            residual != NULL ? residual->data : NULL,
	                            (size_t) conv->out_channels,
	                            relu != 0,
	                            0.0f};

	if (conv->winograd != NULL && stride == 1 && padding == PGFACE_PAD_SAME)
		return pgface_conv3x3_winograd(in, conv->winograd, conv->out_channels, &epilogue, out,
		                               status);
	return pgface_conv2d(in, conv->filters, conv->panels, conv->kernel, conv->kernel,
	                     conv->out_channels, stride, padding, &epilogue, out, status);
}

/*
 * One pixel of a down block's output: relu(0 + pooled + branch) channel by channel, the
 * pooled input only in its first pooled_channels and the branch only where it reaches
 * (branch NULL past it). The cases are separate loops so that each vectorises; the sums
 * are the same operations as one loop with a test per channel.
 */
static void
shortcut_pixel(const float *pooled, int pooled_channels, const float *branch, int channels,
               float *out)
{
	int c = 0;

	if (branch != NULL)
	{
		for (; c < pooled_channels; c++)
		{
			float sum = (0.0f + pooled[c]) + branch[c];
			out[c] = sum < 0.0f ? 0.0f : sum;
		}
		for (; c < channels; c++)
		{
			float sum = 0.0f + branch[c];
			out[c] = sum < 0.0f ? 0.0f : sum;
		}
		return;
	}
	for (; c < pooled_channels; c++)
	{
		float sum = 0.0f + pooled[c];
		out[c] = sum < 0.0f ? 0.0f : sum;
	}
	for (; c < channels; c++)
		out[c] = 0.0f;
}

/*
 * The shortcut of a down block: a 2x2 average pool of the input, zero-padded
 * in channels to the block's width; the block's output is zero-padded at the
 * bottom and right when the pool came out one larger (face-api's residualDown).
 */
static pgface_code
add_down_shortcut(const pgface_tensor *x, const pgface_tensor *branch, pgface_tensor *out,
                  pgface_status *status)
{
	pgface_tensor pooled = {0};

	if (pgface_avg_pool(x, 2, 2, PGFACE_PAD_VALID, &pooled, status))
		return status->code;
	if (branch->h > pooled.h || branch->w > pooled.w ||
	    pgface_tensor_alloc(out, pooled.h, pooled.w, branch->c, status))
	{
		pgface_tensor_free(&pooled);
		return status->code != PGFACE_OK
		           ? status->code
		           : pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT, "shortcut shape mismatch");
	}
	for (int y = 0; y < out->h; y++)
		for (int xx = 0; xx < out->w; xx++)
			shortcut_pixel(pooled.data + ((size_t) y * pooled.w + xx) * pooled.c,
			               pooled.c < out->c ? pooled.c : out->c,
			               y < branch->h && xx < branch->w
			                   ? branch->data + ((size_t) y * branch->w + xx) * branch->c
			                   : NULL,
			               out->c, out->data + ((size_t) y * out->w + xx) * out->c);
	pgface_tensor_free(&pooled);
	return PGFACE_OK;
}

/* One residual block; consumes x (frees it) and leaves the result in x. */
static pgface_code
residual_block(const pgface_residual_block *block, pgface_tensor *x, pgface_status *status)
{
	pgface_tensor a = {0};
	pgface_tensor b = {0};
	pgface_tensor joined = {0};

	if (conv_scale(x, &block->conv1, block->down ? 2 : 1,
	               block->down ? PGFACE_PAD_VALID : PGFACE_PAD_SAME, NULL, 1, &a, status))
		return status->code;
	/* a plain block adds x and applies relu in conv2's epilogue; a down block's shortcut differs */
	if (conv_scale(&a, &block->conv2, 1, PGFACE_PAD_SAME, block->down ? NULL : x, !block->down, &b,
	               status))
	{
		pgface_tensor_free(&a);
		return status->code;
	}
	pgface_tensor_free(&a);

	if (!block->down)
	{
		pgface_tensor_free(x);
		*x = b;
		return PGFACE_OK;
	}
	if (add_down_shortcut(x, &b, &joined, status))
	{
		pgface_tensor_free(&b);
		return status->code;
	}
	pgface_tensor_free(&b);
	pgface_tensor_free(x);
	*x = joined;
	return PGFACE_OK;
}

/*
 * (chip - mean) / 255 per value, twelve values (four pixels) a step, so that it vectorises:
 * the same division per value, not a multiplication by 1/255, as face-api computes it.
 */
static void
normalise_chip(const float *chip, size_t values, float *out)
{
	float means[12];
	size_t i = 0;

	for (int k = 0; k < 12; k++)
		means[k] = mean_rgb[k % 3];
	for (; i + 12 <= values; i += 12)
		for (int k = 0; k < 12; k++)
			out[i + k] = (chip[i + k] - means[k]) / 255.0f;
	for (; i < values; i++)
		out[i] = (chip[i] - mean_rgb[i % 3]) / 255.0f;
}

pgface_code
pgface_recognition_net_embed(const pgface_recognition_net *net, const float *chip, float *embedding,
                             pgface_status *status)
{
	pgface_tensor input = {0};
	pgface_tensor stem = {0};
	pgface_tensor x = {0};
	float pooled[256];

	if (pgface_tensor_alloc(&input, PGFACE_RESNET_CHIP_SIZE, PGFACE_RESNET_CHIP_SIZE, 3, status))
		return status->code;
	normalise_chip(chip, pgface_tensor_count(&input), input.data);

	if (conv_scale(&input, &net->stem, 2, PGFACE_PAD_VALID, NULL, 1, &stem, status))
		goto fail;
	pgface_tensor_free(&input);
	if (pgface_max_pool(&stem, 3, 2, PGFACE_PAD_VALID, &x, status))
		goto fail;
	pgface_tensor_free(&stem);

	for (int b = 0; b < PGFACE_RECOGNITION_BLOCKS; b++)
	{
		pgface_check_interrupts();
		if (residual_block(&net->blocks[b], &x, status))
			goto fail;
	}

	pgface_global_mean(&x, pooled);
	pgface_tensor_free(&x);
	pgface_dense(pooled, 256, net->fc, NULL, PGFACE_RESNET_DIMS, embedding);
	return PGFACE_OK;

fail:
	pgface_tensor_free(&input);
	pgface_tensor_free(&stem);
	pgface_tensor_free(&x);
	return status->code;
}
