/*
 * separable_conv2d.c: binding MobileNet's depthwise-separable convolution, which
 * both face-api's detector and its landmark net are built from (they run it as
 * pgface_separable_stage).
 */
#include <stdio.h>

#include "nn/layers.h"

pgface_code
pgface_separable_conv_bind(const pgface_model_file *model, const char *prefix, int in_channels,
                           int out_channels, pgface_separable_conv *conv, pgface_status *status)
{
	const int depthwise_shape[4] = {3, 3, in_channels, 1};
	const int pointwise_shape[4] = {1, 1, in_channels, out_channels};
	const int bias_shape[1] = {out_channels};
	char name[PGFACE_MODEL_NAME_BYTES];

	conv->in_channels = in_channels;
	conv->out_channels = out_channels;
	snprintf(name, sizeof(name), "%s/depthwise_filter", prefix);
	if (pgface_model_tensor_checked(model, name, 4, depthwise_shape, &conv->depthwise, status))
		return status->code;
	snprintf(name, sizeof(name), "%s/pointwise_filter", prefix);
	if (pgface_model_tensor_checked(model, name, 4, pointwise_shape, &conv->pointwise, status))
		return status->code;
	snprintf(name, sizeof(name), "%s/bias", prefix);
	return pgface_model_tensor_checked(model, name, 1, bias_shape, &conv->bias, status);
}
