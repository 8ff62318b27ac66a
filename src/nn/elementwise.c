/*
 * elementwise.c: the cheap per-value operations that follow a convolution.
 */
#include "nn/layers.h"

void
pgface_channel_affine(pgface_tensor *t, const float *bias, const float *scale, const float *shift,
					  bool relu)
{
	size_t positions = (size_t) t->h * (size_t) t->w;
	int channels = t->c;

	for (size_t p = 0; p < positions; p++)
	{
		float *x = t->data + p * (size_t) channels;
		for (int c = 0; c < channels; c++)
		{
			float v = x[c];
			if (bias != NULL)
				v += bias[c];
			if (scale != NULL)
				v *= scale[c];
			if (shift != NULL)
				v += shift[c];
			x[c] = relu && v < 0.0f ? 0.0f : v;
		}
	}
}

void
pgface_leaky_relu(pgface_tensor *t, float alpha)
{
	size_t count = pgface_tensor_count(t);

	for (size_t i = 0; i < count; i++)
		if (t->data[i] < 0.0f)
			t->data[i] *= alpha;
}

void
pgface_add_relu(pgface_tensor *acc, const pgface_tensor *other)
{
	size_t count = pgface_tensor_count(acc);

	for (size_t i = 0; i < count; i++)
	{
		float v = acc->data[i] + other->data[i];
		acc->data[i] = v < 0.0f ? 0.0f : v;
	}
}
