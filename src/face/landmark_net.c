/*
 * landmark_net.c: binding and running the 68-point landmark net.
 */
#include "face/landmark_net.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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

/* One convolution of a dense block, bias added, no activation. */
static pgface_code
dense_conv(const pgface_landmark_conv *conv, const pgface_tensor *in, int stride,
           pgface_tensor *out, pgface_status *status)
{
	if (conv->filters == NULL)
		return pgface_separable_conv2d(in, &conv->separable, stride, out, status);
	if (pgface_conv2d(in, conv->filters, NULL, 3, 3, conv->separable.out_channels, stride,
	                  PGFACE_PAD_SAME, NULL, out, status))
		return status->code;
	pgface_channel_affine(out, conv->separable.bias, NULL, NULL, false);
	return PGFACE_OK;
}

/* sum = relu(a + (b + (c + d))) for the terms given, in face-api's association order. */
static void
relu_sum(pgface_tensor *out, const pgface_tensor *const *terms, int count)
{
	size_t n = pgface_tensor_count(out);

	for (size_t i = 0; i < n; i++)
	{
		float sum = terms[count - 1]->data[i];
		for (int t = count - 2; t >= 0; t--)
			sum = terms[t]->data[i] + sum;
		out->data[i] = sum > 0.0f ? sum : 0.0f;
	}
}

/*
 * denseBlock4: out1 = relu(conv0(x)); each later conv reads the relu of the sum
 * of all earlier outputs; the block returns the relu of the sum of all four.
 */
static pgface_code
dense_block(const pgface_landmark_conv *convs, pgface_tensor *x, pgface_status *status)
{
	pgface_tensor outs[4] = {{0}};
	pgface_tensor joined = {0};
	const pgface_tensor *terms[4];
	pgface_code code = PGFACE_OK;

	if (dense_conv(&convs[0], x, 2, &outs[0], status))
		return status->code;
	pgface_channel_affine(&outs[0], NULL, NULL, NULL, true);
	if (pgface_tensor_alloc(&joined, outs[0].h, outs[0].w, outs[0].c, status))
		goto done;
	for (int k = 1; k < 4; k++)
	{
		const pgface_tensor *in = &outs[0];
		if (k > 1)
		{
			for (int t = 0; t < k; t++)
				terms[t] = &outs[t];
			relu_sum(&joined, terms, k);
			in = &joined;
		}
		if (dense_conv(&convs[k], in, 1, &outs[k], status))
			goto done;
	}
	for (int t = 0; t < 4; t++)
		terms[t] = &outs[t];
	relu_sum(&joined, terms, 4);
	pgface_tensor_free(x);
	*x = joined;
	joined.data = NULL;

done:
	code = status->code;
	for (int t = 0; t < 4; t++)
		pgface_tensor_free(&outs[t]);
	pgface_tensor_free(&joined);
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
	pgface_square_resize(&face, PGFACE_LANDMARK_INPUT, 1, x.data);
	for (size_t i = 0; i < pgface_tensor_count(&x); i++)
		x.data[i] = (x.data[i] - landmark_mean_rgb[i % 3]) / 255.0f;

	for (int b = 0; b < PGFACE_LANDMARK_BLOCKS; b++)
		if (dense_block(net->blocks[b], &x, status))
			goto fail;
	if (pgface_avg_pool(&x, 7, 2, PGFACE_PAD_VALID, &pooled, status))
		goto fail;
	pgface_dense(pooled.data, 256, net->fc_weights, net->fc_bias, 2 * PGFACE_LANDMARKS, out);
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
