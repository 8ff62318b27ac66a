/*
 * landmark_net.c: binding and running the 68-point landmark net.
 */
#include "face/landmark_net.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/layer_clock.h"
#include "common/runtime.h"
#include "nn/layers.h"

static const int block_channels[PGFACE_LANDMARK_BLOCKS + 1] = {3, 32, 64, 128, 256};
static const float landmark_mean_rgb[3] = {122.782f, 117.001f, 104.298f};

/* The first conv of the first block is a plain 3x3 convolution; every other is separable. */
static pgface_code
bind_conv(const pgface_model_file *model, int block, int index, pgface_landmark_conv *conv,
          pgface_status *status)
{
	int in = index == 0 ? block_channels[block] : block_channels[block + 1];
	int out = block_channels[block + 1];
	const int filter_shape[4] = {3, 3, in, out};
	const int bias_shape[1] = {out};
	char prefix[64];

	memset(conv, 0, sizeof(*conv));
	snprintf(prefix, sizeof(prefix), "dense%d/conv%d", block, index);
	if (block > 0 || index > 0)
		return pgface_separable_conv_bind(model, prefix, in, out, &conv->separable, status);
	conv->separable.in_channels = in;
	conv->separable.out_channels = out;
	if (pgface_model_tensor_checked(model, "dense0/conv0/filters", 4, filter_shape, &conv->filters,
	                                status))
		return status->code;
	return pgface_model_tensor_checked(model, "dense0/conv0/bias", 1, bias_shape,
	                                   &conv->separable.bias, status);
}

pgface_code
pgface_landmark_net_bind(const pgface_model_file *model, pgface_landmark_net *net,
                         pgface_status *status)
{
	const int fc_shape[2] = {256, 2 * PGFACE_LANDMARKS};
	const int fc_bias_shape[1] = {2 * PGFACE_LANDMARKS};

	for (int b = 0; b < PGFACE_LANDMARK_BLOCKS; b++)
		for (int i = 0; i < 4; i++)
			if (bind_conv(model, b, i, &net->blocks[b][i], status))
				return status->code;
	if (pgface_model_tensor_checked(model, "fc/weights", 2, fc_shape, &net->fc_weights, status))
		return status->code;
	return pgface_model_tensor_checked(model, "fc/bias", 1, fc_bias_shape, &net->fc_bias, status);
}

/*
 * One convolution of a dense block: bias, then + residual (NULL: none), then
 * relu if asked; the input rectified first if relu_input. The first block's
 * first conv is a plain 3x3 conv; every other goes through the one-pass stage.
 */
static pgface_code
dense_conv(const pgface_landmark_conv *conv, const pgface_tensor *in, int stride, bool relu_input,
           const pgface_tensor *residual, bool relu, pgface_tensor *out, pgface_status *status)
{
	pgface_epilogue epilogue = pgface_bias_epilogue(conv->separable.bias, relu, 0.0f);

	if (residual != NULL)
	{
		epilogue.residual = residual->data;
		epilogue.residual_stride = (size_t) residual->c;
	}
	if (conv->filters == NULL)
		return pgface_separable_stage(in, &conv->separable, stride,
		                              relu_input ? PGFACE_INPUT_RELU : 0u, &epilogue, out, status);
	return pgface_conv2d(in, conv->filters, NULL, 3, 3, conv->separable.out_channels, stride,
	                     PGFACE_PAD_SAME, &epilogue, out, status);
}

/*
 * denseBlock4: out1 = relu(conv0(x)); each later conv reads the relu of the sum
 * of all earlier outputs; the block returns the relu of the sum of all four.
 * The sums run along in the epilogues: sums[k] = out1 + ... + out(k+1), each
 * conv adding its output to the sum before it, so no pass adds tensors.
 */
static pgface_code
dense_block(const pgface_landmark_conv *convs, pgface_tensor *x, pgface_status *status)
{
	pgface_tensor sums[4] = {{0}};
	pgface_code code = PGFACE_OK;

	if (dense_conv(&convs[0], x, 2, false, NULL, true, &sums[0], status))
		return status->code;
	for (int k = 1; k < 4 && code == PGFACE_OK; k++)
		code =
		    dense_conv(&convs[k], &sums[k - 1], 1, k > 1, &sums[k - 1], k == 3, &sums[k], status);
	if (code == PGFACE_OK)
	{
		pgface_tensor_free(x);
		*x = sums[3];
		sums[3].data = NULL;
	}
	for (int k = 0; k < 4; k++)
		pgface_tensor_free(&sums[k]);
	return code;
}

pgface_code
pgface_landmarks_detect(const pgface_landmark_net *net, const pgface_image *image,
                        const pgface_box *box, pgface_point *points, pgface_status *status)
{
	pgface_image face = {0};
	pgface_tensor x = {0};
	pgface_tensor pooled = {0};
	float out[2 * PGFACE_LANDMARKS];
	double scale, width, height, pad_x, pad_y;

	if (pgface_image_crop(image, box->x, box->y, box->width, box->height, &face, status))
		return status->code;
	if (pgface_tensor_alloc(&x, PGFACE_LANDMARK_INPUT, PGFACE_LANDMARK_INPUT, 3, status))
	{
		pgface_image_free(&face);
		return status->code;
	}
	pgface_square_resize_normalised(&face, PGFACE_LANDMARK_INPUT, 1, landmark_mean_rgb, 255.0f,
	                                x.data);
	pgface_layer_done("landmarks", "crop + resize to 112 + normalise");

	for (int b = 0; b < PGFACE_LANDMARK_BLOCKS; b++)
	{
		static const char *const block_names[PGFACE_LANDMARK_BLOCKS] = {
		    "dense block 0 (56x56x32)", "dense block 1 (28x28x64)", "dense block 2 (14x14x128)",
		    "dense block 3 (7x7x256)"};
		if (dense_block(net->blocks[b], &x, status))
			goto fail;
		pgface_layer_done("landmarks", block_names[b]);
	}
	if (pgface_avg_pool(&x, 7, 2, PGFACE_PAD_VALID, &pooled, status))
		goto fail;
	pgface_dense(pooled.data, 256, net->fc_weights, net->fc_bias, 2 * PGFACE_LANDMARKS, out);
	pgface_layer_done("landmarks", "average pool + fc 256x136");
	pgface_tensor_free(&pooled);
	pgface_tensor_free(&x);

	/* postProcess: undo the centred padding, then back to pixels of the crop and the image */
	scale = (double) PGFACE_LANDMARK_INPUT / fmax(face.width, face.height);
	width = face.width * scale;
	height = face.height * scale;
	pad_x = width < height ? fabs(width - height) / 2 : 0.0;
	pad_y = height < width ? fabs(width - height) / 2 : 0.0;
	for (int i = 0; i < PGFACE_LANDMARKS; i++)
	{
		points[i].x = (out[2 * i] * PGFACE_LANDMARK_INPUT - pad_x) / width * face.width + box->x;
		points[i].y =
		    (out[2 * i + 1] * PGFACE_LANDMARK_INPUT - pad_y) / height * face.height + box->y;
	}
	pgface_image_free(&face);
	return PGFACE_OK;

fail:
	pgface_tensor_free(&x);
	pgface_tensor_free(&pooled);
	pgface_image_free(&face);
	return status->code;
}

PGFACE_DEFINE_NET_BINDING(pgface_landmark_net_binding, PGFACE_LANDMARK_MODEL_FILE,
                          pgface_landmark_net, pgface_landmark_net_bind);
