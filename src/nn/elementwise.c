/*
 * elementwise.c: the cheap per-value operations that follow a convolution.
 */
#include <math.h>

#include "nn/layers.h"

/* A missing term becomes its neutral value, so the inner loop has no branches and vectorises. */
void
pgface_channel_affine(pgface_tensor *t, const float *bias, const float *scale, const float *shift,
                      bool relu)
{
	pgface_channel_affine_add(t, bias, scale, shift, NULL, relu);
}

void
pgface_channel_affine_add(pgface_tensor *t, const float *bias, const float *scale,
                          const float *shift, const pgface_tensor *residual, bool relu)
{
	size_t positions = (size_t) t->h * (size_t) t->w;
	int channels = t->c;
	float floor_value = relu ? 0.0f : -INFINITY;
	float zeros[PGFACE_MAX_AFFINE_CHANNELS] = {0};
	float ones[PGFACE_MAX_AFFINE_CHANNELS];

	for (int c = 0; c < channels && c < PGFACE_MAX_AFFINE_CHANNELS; c++)
		ones[c] = 1.0f;
	bias = bias != NULL ? bias : zeros;
	scale = scale != NULL ? scale : ones;
	shift = shift != NULL ? shift : zeros;

	for (size_t p = 0; p < positions; p++)
	{
		float *x = t->data + p * (size_t) channels;
		const float *r = residual != NULL ? residual->data + p * (size_t) channels : zeros;
		for (int c = 0; c < channels; c++)
		{
			float v = (x[c] + bias[c]) * scale[c] + shift[c] + r[c];
			x[c] = v > floor_value ? v : floor_value;
		}
	}
}

/*
 * TensorFlow.js's leaky(): relu(x - alpha x) + alpha x, written the same way so
 * the rounding matches the nets converted from it.
 */
void
pgface_leaky_relu(pgface_tensor *t, float alpha)
{
	size_t count = pgface_tensor_count(t);

	for (size_t i = 0; i < count; i++)
		t->data[i] = pgface_leaky_value(t->data[i], alpha);
}

/* The bias of a conv without one. */
static const float no_bias[PGFACE_MAX_AFFINE_CHANNELS];

pgface_epilogue
pgface_bias_epilogue(const float *bias, bool relu, float leak)
{
	pgface_epilogue epilogue = {.bias = bias != NULL ? bias : no_bias,
	                            .scale = NULL,
	                            .shift = NULL,
	                            .residual = NULL,
	                            .residual_stride = 0,
	                            .relu = relu,
	                            .leak = leak};
	return epilogue;
}
