/*
 * padding.c: TensorFlow's output-size and padding arithmetic, shared by every windowed op.
 */
#include "nn/layers.h"

int
pgface_output_extent(int input, int kernel, int stride, pgface_padding padding)
{
	if (padding == PGFACE_PAD_SAME)
		return (input + stride - 1) / stride;
	return input >= kernel ? (input - kernel) / stride + 1 : 0;
}

/* SAME puts the odd pixel of padding after the input, as TensorFlow does. */
int
pgface_padding_before(int input, int kernel, int stride, pgface_padding padding)
{
	int output;
	int total;

	if (padding == PGFACE_PAD_VALID)
		return 0;
	output = pgface_output_extent(input, kernel, stride, padding);
	total = (output - 1) * stride + kernel - input;
	return total > 0 ? total / 2 : 0;
}
