/*
 * test_gemm.c: pgface_gemm and the fused epilogue of the conv layers, on every
 * instruction set this CPU runs, against plain loops in double.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nn/gemm.h"
#include "nn/layers.h"
#include "unit.h"

static const char *const simd_names[] = {"sse2", "openblas", "avx2", "avx512"};

/* Uniform in [-1, 1) from a fixed stream. */
static float
next_value(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return (float) ((double) (*state >> 11) / 9007199254740992.0 * 2.0 - 1.0);
}

static float *
random_array(size_t count, uint64_t *state)
{
	float *values = malloc(sizeof(float) * (count > 0 ? count : 1));
	for (size_t i = 0; i < count; i++)
		values[i] = next_value(state);
	return values;
}

/* The epilogue's formula for one value, in double. */
static double
naive_finish(double x, const pgface_epilogue *epi, size_t i, int j)
{
	if (epi == NULL)
		return x;
	x = (x + epi->bias[j]) * epi->scale[j] + epi->shift[j];
	if (epi->residual != NULL)
		x += epi->residual[i * epi->residual_stride + (size_t) j];
	return epi->relu && x < 0.0 ? 0.0 : x;
}

/* Every shape class (row tails, column tails, strides) with and without each epilogue term. */
static void
gemm_matches_naive_loops(void)
{
	const int ms[] = {1, 2, 5, 6, 7, 11, 12, 13, 25, 40};
	const int ns[] = {1, 3, 4, 5, 8, 12, 16, 20, 24, 32, 36, 48, 64, 68};
	const int ks[] = {1, 9, 64};
	uint64_t state = 7;
	int instances = 0;

	for (size_t s = 0; s < sizeof(simd_names) / sizeof(simd_names[0]); s++)
	{
		double worst = 0.0;
		int mismatched_padding = 0;
		if (!pgface_simd_force(simd_names[s]))
			continue;
		instances++;
		for (size_t mi = 0; mi < sizeof(ms) / sizeof(ms[0]); mi++)
			for (size_t ni = 0; ni < sizeof(ns) / sizeof(ns[0]); ni++)
				for (size_t ki = 0; ki < sizeof(ks) / sizeof(ks[0]); ki++)
					for (int mode = 0; mode < 3; mode++)
					{
						int m = ms[mi], n = ns[ni], k = ks[ki];
						size_t lda = (size_t) k + 3, ldb = (size_t) n + 5, ldc = (size_t) n + 2;
						float *a = random_array((size_t) m * lda, &state);
						float *b = random_array((size_t) k * ldb, &state);
						float *c = random_array((size_t) m * ldc, &state);
						float *before = malloc(sizeof(float) * (size_t) m * ldc);
						float *bias = random_array((size_t) n, &state);
						float *scale = random_array((size_t) n, &state);
						float *shift = random_array((size_t) n, &state);
						float *residual = random_array((size_t) m * (size_t) (n + 1), &state);
						pgface_epilogue epi = {bias,           scale, shift, NULL,
						                       (size_t) n + 1, false, 0.0f};
						if (mode == 2)
						{
							epi.residual = residual;
							epi.relu = true;
						}
						memcpy(before, c, sizeof(float) * (size_t) m * ldc);
						pgface_gemm(m, n, k, a, lda, b, ldb, c, ldc, mode == 0 ? NULL : &epi);
						for (int i = 0; i < m; i++)
						{
							for (int j = 0; j < n; j++)
							{
								double x = 0.0;
								for (int p = 0; p < k; p++)
									x += (double) a[(size_t) i * lda + (size_t) p] *
									     b[(size_t) p * ldb + (size_t) j];
								x = naive_finish(x, mode == 0 ? NULL : &epi, (size_t) i, j);
								worst = fmax(worst, fabs(x - c[(size_t) i * ldc + (size_t) j]));
							}
							/* the padding between rows of c is left alone */
							for (size_t j = (size_t) n; j < ldc; j++)
								mismatched_padding +=
								    c[(size_t) i * ldc + j] != before[(size_t) i * ldc + j];
						}
						free(a);
						free(b);
						free(c);
						free(before);
						free(bias);
						free(scale);
						free(shift);
						free(residual);
					}
		CHECK(worst < 1e-4);
		CHECK(mismatched_padding == 0);
	}
	CHECK(instances >= 1);
	CHECK(pgface_simd_force("no such set") == false);
	pgface_simd_force(NULL);
}

/* Packed panels, whole and sliced by rows (as conv2d's centre tap does), against naive loops. */
static void
packed_gemm_matches_naive_loops(void)
{
	const int ms[] = {1, 3, 6, 9, 12, 13, 64};
	const int ns[] = {16, 32, 48, 64, 96};
	const int ks[] = {1, 9, 70};
	uint64_t state = 5;

	for (size_t s = 0; s < sizeof(simd_names) / sizeof(simd_names[0]); s++)
	{
		double worst = 0.0;
		if (!pgface_simd_force(simd_names[s]))
			continue;
		for (size_t mi = 0; mi < sizeof(ms) / sizeof(ms[0]); mi++)
			for (size_t ni = 0; ni < sizeof(ns) / sizeof(ns[0]); ni++)
				for (size_t ki = 0; ki < sizeof(ks) / sizeof(ks[0]); ki++)
				{
					int m = ms[mi], n = ns[ni], k = ks[ki];
					int skip = 3, depth = k + 5; /* use rows skip..skip+k-1 of depth */
					float *a = random_array((size_t) m * (size_t) k, &state);
					float *b = random_array((size_t) depth * (size_t) n, &state);
					float *panels = malloc(sizeof(float) * (size_t) depth * (size_t) n);
					float *c = malloc(sizeof(float) * (size_t) m * (size_t) n);
					float *bias = random_array((size_t) n, &state);
					float *scale = random_array((size_t) n, &state);
					float *shift = random_array((size_t) n, &state);
					pgface_epilogue epi = {bias, scale, shift, NULL, 0, true, 0.0f};
					pgface_pack_panels(b, depth, n, panels);
					/* row 0, column 17 opens the second panel */
					CHECK(n < 32 || panels[16 * (size_t) depth + 1] == b[17]);
					pgface_gemm_packed(m, n, k, a, (size_t) k, panels + (size_t) skip * 16,
					                   16 * (size_t) depth, c, (size_t) n, &epi);
					for (int i = 0; i < m; i++)
						for (int j = 0; j < n; j++)
						{
							double x = 0.0;
							for (int p = 0; p < k; p++)
								x += (double) a[(size_t) i * (size_t) k + (size_t) p] *
								     b[(size_t) (p + skip) * (size_t) n + (size_t) j];
							x = naive_finish(x, &epi, (size_t) i, j);
							worst = fmax(worst, fabs(x - c[(size_t) i * (size_t) n + (size_t) j]));
						}
					free(a);
					free(b);
					free(panels);
					free(c);
					free(bias);
					free(scale);
					free(shift);
				}
		CHECK(worst < 1e-4);
	}
	pgface_simd_force(NULL);
}

/* The conv with its epilogue against the naive conv, then the formula. */
static void
check_fused_conv(const pgface_tensor *in, const float *filters, const float *winograd,
                 const float *panels, int k, int out_c, int stride, pgface_padding padding,
                 int with_residual, uint64_t *state, double *worst)
{
	pgface_tensor out = {0}, plain = {0}, residual = {0};
	pgface_status status = {0};
	float *bias = random_array((size_t) out_c, state);
	float *scale = random_array((size_t) out_c, state);
	float *shift = random_array((size_t) out_c, state);
	pgface_epilogue epi = {bias, scale, shift, NULL, (size_t) out_c, true, 0.0f};
	int out_h = pgface_output_extent(in->h, k, stride, padding);
	int out_w = pgface_output_extent(in->w, k, stride, padding);

	pgface_tensor_alloc(&residual, out_h, out_w, out_c, &status);
	for (size_t i = 0; i < pgface_tensor_count(&residual); i++)
		residual.data[i] = next_value(state);
	if (with_residual)
		epi.residual = residual.data;
	if (winograd != NULL)
		CHECK(pgface_conv3x3_winograd(in, winograd, out_c, &epi, &out, &status) == PGFACE_OK);
	else
		CHECK(pgface_conv2d(in, filters, panels, k, k, out_c, stride, padding, &epi, &out,
		                    &status) == PGFACE_OK);
	/* the unfused conv is tested against naive loops in test_nn_layers.c */
	CHECK(pgface_conv2d(in, filters, NULL, k, k, out_c, stride, padding, NULL, &plain, &status) ==
	      PGFACE_OK);
	CHECK(out.h == out_h && out.w == out_w && out.c == out_c);
	for (size_t p = 0; p < (size_t) out_h * (size_t) out_w; p++)
		for (int j = 0; j < out_c; j++)
		{
			double x = naive_finish(plain.data[p * (size_t) out_c + (size_t) j], &epi, p, j);
			*worst = fmax(*worst, fabs(x - out.data[p * (size_t) out_c + (size_t) j]));
		}
	pgface_tensor_free(&out);
	pgface_tensor_free(&plain);
	pgface_tensor_free(&residual);
	free(bias);
	free(scale);
	free(shift);
}

/* conv2d (chunked and not) and Winograd apply bias, scale, shift, residual and relu. */
static void
fused_conv_epilogues_match_formula(void)
{
	const struct
	{
		int h, w, in_c, k, out_c, stride;
		pgface_padding padding;
	} cases[] = {
	    {40, 40, 3, 7, 32, 2, PGFACE_PAD_VALID}, /* the stem: chunked im2col, or packed no im2col */
	    {9, 9, 16, 3, 40, 2, PGFACE_PAD_VALID},  {5, 5, 8, 3, 20, 1, PGFACE_PAD_SAME},
	    {6, 5, 8, 1, 12, 1, PGFACE_PAD_SAME},    {3, 3, 32, 3, 48, 1, PGFACE_PAD_SAME},
	    {1, 1, 32, 3, 32, 1, PGFACE_PAD_SAME}, /* only the centre tap meets the input */
	};
	const int winograd_shapes[][4] = {{35, 35, 32, 32}, {17, 17, 64, 64}, {5, 4, 6, 5}};
	uint64_t state = 11;

	for (size_t s = 0; s < sizeof(simd_names) / sizeof(simd_names[0]); s++)
	{
		double worst = 0.0;
		if (!pgface_simd_force(simd_names[s]))
			continue;
		for (size_t n = 0; n < sizeof(cases) / sizeof(cases[0]); n++)
		{
			pgface_tensor in = {0};
			pgface_status status = {0};
			size_t filter_count = (size_t) cases[n].k * (size_t) cases[n].k *
			                      (size_t) cases[n].in_c * (size_t) cases[n].out_c;
			float *filters = random_array(filter_count, &state);
			pgface_tensor_alloc(&in, cases[n].h, cases[n].w, cases[n].in_c, &status);
			for (size_t i = 0; i < pgface_tensor_count(&in); i++)
				in.data[i] = next_value(&state);
			float *panels = malloc(sizeof(float) * filter_count);
			int depth = cases[n].k * cases[n].k * cases[n].in_c;
			if (cases[n].out_c % 16 == 0)
				pgface_pack_panels(filters, depth, cases[n].out_c, panels);
			for (int variant = 0; variant < 4; variant++)
				if (variant < 2 || cases[n].out_c % 16 == 0)
					check_fused_conv(&in, filters, NULL, variant < 2 ? NULL : panels, cases[n].k,
					                 cases[n].out_c, cases[n].stride, cases[n].padding, variant % 2,
					                 &state, &worst);
			pgface_tensor_free(&in);
			free(filters);
			free(panels);
		}
		for (size_t n = 0; n < sizeof(winograd_shapes) / sizeof(winograd_shapes[0]); n++)
		{
			int h = winograd_shapes[n][0], w = winograd_shapes[n][1];
			int in_c = winograd_shapes[n][2], out_c = winograd_shapes[n][3];
			pgface_tensor in = {0};
			pgface_status status = {0};
			float *filters = random_array((size_t) 9 * in_c * out_c, &state);
			float *transformed = malloc(sizeof(float) * 16 * (size_t) in_c * (size_t) out_c);
			pgface_winograd_transform_filters(filters, in_c, out_c, transformed);
			pgface_tensor_alloc(&in, h, w, in_c, &status);
			for (size_t i = 0; i < pgface_tensor_count(&in); i++)
				in.data[i] = next_value(&state);
			for (int with_residual = 0; with_residual < 2; with_residual++)
				check_fused_conv(&in, filters, transformed, NULL, 3, out_c, 1, PGFACE_PAD_SAME,
				                 with_residual, &state, &worst);
			pgface_tensor_free(&in);
			free(filters);
			free(transformed);
		}
		CHECK(worst < 1e-4);
	}
	pgface_simd_force(NULL);
}

const unit_test gemm_tests[] = {
    {"gemm: every instruction set matches naive loops, epilogue included",
     gemm_matches_naive_loops},
    {"gemm: packed panels (whole and row slices) match naive loops",
     packed_gemm_matches_naive_loops},
    {"gemm: conv2d (packed or not) and Winograd apply the fused epilogue",
     fused_conv_epilogues_match_formula},
    {NULL, NULL},
};
