/*
 * dense.c: the fully connected head and the global average that feeds it.
 */
#include "nn/blas.h"
#include "nn/layers.h"

void
pgface_dense(const float *in, int n_in, const float *weights, const float *bias, int n_out,
             float *out)
{
	pgface_blas_sgemv_transposed(n_in, n_out, weights, in, out);
	if (bias != NULL)
		for (int j = 0; j < n_out; j++)
			out[j] += bias[j];
}

/* Summed in double: the head's input should not depend on the summation order. */
void
pgface_global_mean(const pgface_tensor *in, float *out)
{
	size_t positions = (size_t) in->h * (size_t) in->w;

	for (int c = 0; c < in->c; c++)
	{
		double sum = 0.0;
		for (size_t p = 0; p < positions; p++)
			sum += in->data[p * (size_t) in->c + (size_t) c];
		out[c] = (float) (sum / (double) positions);
	}
}
