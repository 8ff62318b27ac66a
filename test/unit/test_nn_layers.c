/*
 * test_nn_layers.c: each ConvNet operation against a plain, obviously correct
 * loop written here from TensorFlow's definitions.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nn/layers.h"
#include "unit.h"

/* Uniform in [-1, 1) from a fixed stream. */
static float
next_value(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return (float) ((double) (*state >> 11) / 9007199254740992.0 * 2.0 - 1.0);
}

static void
fill(float *values, size_t count, uint64_t *state)
{
	for (size_t i = 0; i < count; i++)
		values[i] = next_value(state);
}

static float
at(const pgface_tensor *t, int y, int x, int c)
{
	return t->data[((size_t) y * (size_t) t->w + (size_t) x) * (size_t) t->c + (size_t) c];
}

/* The reference convolution: the textbook six nested loops, in double. */
static void
naive_conv(const pgface_tensor *in, const float *filters, int kh, int kw, int out_c, int stride,
           pgface_padding padding, pgface_tensor *out)
{
	int pad_top = pgface_padding_before(in->h, kh, stride, padding);
	int pad_left = pgface_padding_before(in->w, kw, stride, padding);

	for (int oy = 0; oy < out->h; oy++)
		for (int ox = 0; ox < out->w; ox++)
			for (int o = 0; o < out_c; o++)
			{
				double sum = 0.0;
				for (int ky = 0; ky < kh; ky++)
					for (int kx = 0; kx < kw; kx++)
						for (int i = 0; i < in->c; i++)
						{
							int y = oy * stride - pad_top + ky;
							int x = ox * stride - pad_left + kx;
							if (y >= 0 && y < in->h && x >= 0 && x < in->w)
								sum += (double) at(in, y, x, i) *
								       filters[(((size_t) ky * kw + kx) * in->c + i) * out_c + o];
						}
				out->data[((size_t) oy * out->w + ox) * out_c + o] = (float) sum;
			}
}

static double
max_difference(const pgface_tensor *a, const pgface_tensor *b)
{
	double worst = 0.0;
	for (size_t i = 0; i < pgface_tensor_count(a); i++)
		worst = fmax(worst, fabs((double) a->data[i] - (double) b->data[i]));
	return worst;
}

static void
output_extents_follow_tensorflow(void)
{
	CHECK(pgface_output_extent(150, 7, 2, PGFACE_PAD_VALID) == 72);
	CHECK(pgface_output_extent(72, 3, 2, PGFACE_PAD_VALID) == 35);
	CHECK(pgface_output_extent(35, 3, 1, PGFACE_PAD_SAME) == 35);
	CHECK(pgface_output_extent(35, 3, 2, PGFACE_PAD_SAME) == 18);
	CHECK(pgface_output_extent(2, 3, 1, PGFACE_PAD_VALID) == 0);
	CHECK(pgface_padding_before(35, 3, 1, PGFACE_PAD_SAME) == 1);
	/* an odd total goes after: 416 with k=3, s=2 pads 0 before, 1 after */
	CHECK(pgface_padding_before(416, 3, 2, PGFACE_PAD_SAME) == 0);
	CHECK(pgface_padding_before(35, 3, 1, PGFACE_PAD_VALID) == 0);
}

static void
conv2d_matches_naive_loops(void)
{
	const struct
	{
		int h, w, in_c, k, out_c, stride;
		pgface_padding padding;
	} cases[] = {
	    {9, 7, 3, 3, 5, 1, PGFACE_PAD_SAME},   {9, 7, 3, 3, 5, 2, PGFACE_PAD_SAME},
	    {9, 7, 4, 3, 6, 2, PGFACE_PAD_VALID},  {15, 15, 3, 7, 8, 2, PGFACE_PAD_VALID},
	    {6, 5, 16, 1, 7, 1, PGFACE_PAD_SAME},  {6, 5, 16, 1, 7, 2, PGFACE_PAD_VALID},
	    {4, 4, 32, 3, 32, 1, PGFACE_PAD_SAME}, {1, 1, 8, 3, 4, 1, PGFACE_PAD_SAME},
	};
	uint64_t state = 1;
	double worst = 0.0;

	for (size_t n = 0; n < sizeof(cases) / sizeof(cases[0]); n++)
	{
		pgface_tensor in = {0}, out = {0}, expected = {0};
		pgface_status status = {0};
		float *filters =
		    malloc(sizeof(float) * cases[n].k * cases[n].k * cases[n].in_c * cases[n].out_c);

		pgface_tensor_alloc(&in, cases[n].h, cases[n].w, cases[n].in_c, &status);
		fill(in.data, pgface_tensor_count(&in), &state);
		fill(filters, (size_t) cases[n].k * cases[n].k * cases[n].in_c * cases[n].out_c, &state);
		CHECK(pgface_conv2d(&in, filters, NULL, cases[n].k, cases[n].k, cases[n].out_c,
		                    cases[n].stride, cases[n].padding, NULL, &out, &status) == PGFACE_OK);
		CHECK(out.h ==
		      pgface_output_extent(cases[n].h, cases[n].k, cases[n].stride, cases[n].padding));
		CHECK(out.w ==
		      pgface_output_extent(cases[n].w, cases[n].k, cases[n].stride, cases[n].padding));
		CHECK(out.c == cases[n].out_c);
		pgface_tensor_alloc(&expected, out.h, out.w, out.c, &status);
		naive_conv(&in, filters, cases[n].k, cases[n].k, cases[n].out_c, cases[n].stride,
		           cases[n].padding, &expected);
		worst = fmax(worst, max_difference(&out, &expected));
		pgface_tensor_free(&in);
		pgface_tensor_free(&out);
		pgface_tensor_free(&expected);
		free(filters);
	}
	CHECK(worst < 1e-5);
}

static void
winograd_matches_naive_loops(void)
{
	const int shapes[][4] = {
	    {35, 35, 32, 32}, {17, 17, 32, 64}, {4, 5, 8, 3}, {1, 1, 4, 4}, {2, 3, 5, 2}};
	uint64_t state = 2;
	double worst = 0.0;

	for (size_t n = 0; n < sizeof(shapes) / sizeof(shapes[0]); n++)
	{
		int h = shapes[n][0], w = shapes[n][1], in_c = shapes[n][2], out_c = shapes[n][3];
		pgface_tensor in = {0}, out = {0}, expected = {0};
		pgface_status status = {0};
		float *filters = malloc(sizeof(float) * 9 * in_c * out_c);
		float *transformed = malloc(sizeof(float) * 16 * in_c * out_c);

		pgface_tensor_alloc(&in, h, w, in_c, &status);
		fill(in.data, pgface_tensor_count(&in), &state);
		fill(filters, (size_t) 9 * in_c * out_c, &state);
		pgface_winograd_transform_filters(filters, in_c, out_c, transformed);
		CHECK(pgface_conv3x3_winograd(&in, transformed, out_c, NULL, &out, &status) == PGFACE_OK);
		CHECK(out.h == h && out.w == w && out.c == out_c);
		pgface_tensor_alloc(&expected, h, w, out_c, &status);
		naive_conv(&in, filters, 3, 3, out_c, 1, PGFACE_PAD_SAME, &expected);
		worst = fmax(worst, max_difference(&out, &expected));
		pgface_tensor_free(&in);
		pgface_tensor_free(&out);
		pgface_tensor_free(&expected);
		free(filters);
		free(transformed);
	}
	CHECK(worst < 1e-4);
}

static void
depthwise_matches_naive_loops(void)
{
	uint64_t state = 3;
	const int strides[] = {1, 2};

	for (int s = 0; s < 2; s++)
	{
		pgface_tensor in = {0}, out = {0};
		pgface_status status = {0};
		float filters[3 * 3 * 5];
		double worst = 0.0;
		int stride = strides[s];
		int pad = pgface_padding_before(8, 3, stride, PGFACE_PAD_SAME);

		pgface_tensor_alloc(&in, 8, 7, 5, &status);
		fill(in.data, pgface_tensor_count(&in), &state);
		fill(filters, sizeof(filters) / sizeof(filters[0]), &state);
		CHECK(pgface_depthwise_conv2d(&in, filters, 3, 3, stride, PGFACE_PAD_SAME, &out, &status) ==
		      PGFACE_OK);
		for (int oy = 0; oy < out.h; oy++)
			for (int ox = 0; ox < out.w; ox++)
				for (int c = 0; c < 5; c++)
				{
					double sum = 0.0;
					int pad_left = pgface_padding_before(7, 3, stride, PGFACE_PAD_SAME);
					for (int ky = 0; ky < 3; ky++)
						for (int kx = 0; kx < 3; kx++)
						{
							int y = oy * stride - pad + ky, x = ox * stride - pad_left + kx;
							if (y >= 0 && y < 8 && x >= 0 && x < 7)
								sum += (double) at(&in, y, x, c) * filters[(ky * 3 + kx) * 5 + c];
						}
					worst = fmax(worst, fabs(sum - at(&out, oy, ox, c)));
				}
		CHECK(out.h == pgface_output_extent(8, 3, stride, PGFACE_PAD_SAME));
		CHECK(worst < 1e-5);
		pgface_tensor_free(&in);
		pgface_tensor_free(&out);
	}
}

static void
pools_match_tensorflow(void)
{
	pgface_tensor in = {0}, out = {0};
	pgface_status status = {0};

	/* 3x3 single channel, values 1..9 */
	pgface_tensor_alloc(&in, 3, 3, 1, &status);
	for (int i = 0; i < 9; i++)
		in.data[i] = (float) (i + 1);

	CHECK(pgface_max_pool(&in, 2, 2, PGFACE_PAD_VALID, &out, &status) == PGFACE_OK);
	CHECK(out.h == 1 && out.w == 1 && out.data[0] == 5.0f);
	pgface_tensor_free(&out);

	/* SAME: 2x2 output, the windows at the edge see only real cells */
	CHECK(pgface_max_pool(&in, 2, 2, PGFACE_PAD_SAME, &out, &status) == PGFACE_OK);
	CHECK(out.h == 2 && out.w == 2);
	CHECK(out.data[0] == 5.0f && out.data[1] == 6.0f && out.data[2] == 8.0f && out.data[3] == 9.0f);
	pgface_tensor_free(&out);

	CHECK(pgface_avg_pool(&in, 2, 2, PGFACE_PAD_SAME, &out, &status) == PGFACE_OK);
	/* (1+2+4+5)/4, (3+6)/2, (7+8)/2, 9/1: padding is not counted */
	CHECK(out.data[0] == 3.0f && out.data[1] == 4.5f && out.data[2] == 7.5f && out.data[3] == 9.0f);
	pgface_tensor_free(&out);

	CHECK(pgface_max_pool(&in, 3, 1, PGFACE_PAD_SAME, &out, &status) == PGFACE_OK);
	CHECK(out.h == 3 && out.data[0] == 5.0f && out.data[8] == 9.0f && out.data[4] == 9.0f);
	pgface_tensor_free(&out);

	/* all-negative input: max must not be 0 from padding */
	for (int i = 0; i < 9; i++)
		in.data[i] = -(float) (i + 1);
	CHECK(pgface_max_pool(&in, 3, 1, PGFACE_PAD_SAME, &out, &status) == PGFACE_OK);
	CHECK(out.data[0] == -1.0f && out.data[8] == -5.0f);
	pgface_tensor_free(&out);
	pgface_tensor_free(&in);
}

static void
elementwise_ops_follow_their_formulas(void)
{
	pgface_tensor t = {0}, r = {0};
	pgface_status status = {0};
	const float bias[2] = {1.0f, -1.0f};
	const float scale[2] = {2.0f, 3.0f};
	const float shift[2] = {0.5f, -0.5f};

	pgface_tensor_alloc(&t, 1, 2, 2, &status);
	pgface_tensor_alloc(&r, 1, 2, 2, &status);
	t.data[0] = 0.0f, t.data[1] = 0.0f, t.data[2] = -3.0f, t.data[3] = 2.0f;
	r.data[0] = 1.0f, r.data[1] = 1.0f, r.data[2] = 1.0f, r.data[3] = -10.0f;
	/* (x + b) * s + h: 2.5, -3.5, -3.5, 2.5 ; + r: 3.5, -2.5, -2.5, -7.5 ; relu */
	pgface_channel_affine_add(&t, bias, scale, shift, &r, true);
	CHECK(t.data[0] == 3.5f && t.data[1] == 0.0f && t.data[2] == 0.0f && t.data[3] == 0.0f);

	t.data[0] = -2.0f, t.data[1] = 4.0f, t.data[2] = 0.0f, t.data[3] = -1.0f;
	pgface_channel_affine(&t, NULL, scale, NULL, false);
	CHECK(t.data[0] == -4.0f && t.data[1] == 12.0f && t.data[3] == -3.0f);
	pgface_leaky_relu(&t, 0.1f);
	CHECK(t.data[0] == -4.0f * 0.1f && t.data[1] == 12.0f && t.data[3] == -3.0f * 0.1f);
	pgface_tensor_free(&t);
	pgface_tensor_free(&r);
}

static void
dense_and_mean_follow_their_formulas(void)
{
	const float in[3] = {1.0f, 2.0f, 3.0f};
	const float weights[3 * 2] = {1, 2, 3, 4, 5, 6}; /* [3, 2] */
	const float bias[2] = {0.5f, -0.5f};
	float out[2];
	pgface_tensor t = {0};
	pgface_status status = {0};
	float mean[2];

	pgface_dense(in, 3, weights, bias, 2, out);
	CHECK(out[0] == 1 + 6 + 15 + 0.5f && out[1] == 2 + 8 + 18 - 0.5f);

	pgface_tensor_alloc(&t, 2, 1, 2, &status);
	t.data[0] = 1.0f, t.data[1] = 10.0f, t.data[2] = 3.0f, t.data[3] = 20.0f;
	pgface_global_mean(&t, mean);
	CHECK(mean[0] == 2.0f && mean[1] == 15.0f);
	pgface_tensor_free(&t);
}

/*
 * The larger of worst and the tensors' largest error relative to 1 + |want|; 1 when
 * their shapes differ, which fails any bound.
 */
static double
worse_of(double worst, const pgface_tensor *got, const pgface_tensor *want)
{
	if (got->h != want->h || got->w != want->w || got->c != want->c)
		return 1.0;
	for (size_t i = 0; i < pgface_tensor_count(want); i++)
	{
		double error =
		    fabs((double) got->data[i] - want->data[i]) / (1.0 + fabs((double) want->data[i]));
		worst = error > worst ? error : worst;
	}
	return worst;
}

/*
 * The composed reference for pgface_separable_stage: the separate ops it fuses
 * (max-pool, relu, depthwise, 1x1 conv, bias + residual, relu or leaky relu).
 */
static void
composed_stage(const pgface_tensor *in, const pgface_separable_conv *conv, int stride, unsigned ops,
               const pgface_tensor *residual, bool relu, float leak, pgface_tensor *out)
{
	pgface_status status = {0};
	pgface_tensor pooled = {0};
	pgface_tensor depthwise = {0};
	const pgface_tensor *x = in;

	if (ops & PGFACE_INPUT_MAX_POOL)
	{
		pgface_max_pool(in, 2, 2, PGFACE_PAD_SAME, &pooled, &status);
		x = &pooled;
	}
	if (ops & PGFACE_INPUT_RELU)
	{
		if (x == in)
		{
			pgface_tensor_alloc(&pooled, in->h, in->w, in->c, &status);
			memcpy(pooled.data, in->data, pgface_tensor_count(in) * sizeof(float));
			x = &pooled;
		}
		pgface_channel_affine(&pooled, NULL, NULL, NULL, true);
	}
	pgface_depthwise_conv2d(x, conv->depthwise, 3, 3, stride, PGFACE_PAD_SAME, &depthwise, &status);
	pgface_conv2d(&depthwise, conv->pointwise, NULL, 1, 1, conv->out_channels, 1, PGFACE_PAD_VALID,
	              NULL, out, &status);
	pgface_channel_affine_add(out, conv->bias, NULL, NULL, residual, relu && leak == 0.0f);
	if (relu && leak != 0.0f)
		pgface_leaky_relu(out, leak);
	pgface_tensor_free(&pooled);
	pgface_tensor_free(&depthwise);
}

/*
 * The one-pass separable stage equals its composed ops, on every instruction
 * set this CPU has, for odd extents, channel counts that are and are not a
 * multiple of the vector width, both strides and every input op and epilogue.
 */
static void
separable_stage_matches_composed_ops(void)
{
	static const char *simd[] = {"avx512", "avx2", "sse2", "openblas"};
	static const int shapes[][4] = {
	    {9, 7, 16, 32}, {8, 11, 20, 16}, {5, 5, 12, 48}, {1, 3, 32, 16}};
	uint64_t state = 11;
	double worst = 0.0;
	int compared = 0;

	for (size_t m = 0; m < sizeof(simd) / sizeof(simd[0]); m++)
	{
		if (!pgface_simd_force(simd[m]))
			continue;
		for (size_t sh = 0; sh < sizeof(shapes) / sizeof(shapes[0]); sh++)
			for (int stride = 1; stride <= 2; stride++)
				for (unsigned ops = 0; ops < 4; ops++)
					for (int variant = 0; variant < 3; variant++)
					{
						pgface_status status = {0};
						int c = shapes[sh][2], n = shapes[sh][3];
						pgface_tensor in = {0}, got = {0}, want = {0}, residual = {0};
						float depthwise[9 * 32], pointwise[32 * 48], bias[48];
						pgface_separable_conv conv = {c, n, depthwise, pointwise, bias};
						bool relu = variant > 0;
						float leak = variant == 2 ? 0.1f : 0.0f;
						pgface_epilogue epi = pgface_bias_epilogue(bias, relu, leak);

						pgface_tensor_alloc(&in, shapes[sh][0], shapes[sh][1], c, &status);
						fill(in.data, pgface_tensor_count(&in), &state);
						fill(depthwise, (size_t) 9 * c, &state);
						fill(pointwise, (size_t) c * n, &state);
						fill(bias, (size_t) n, &state);
						CHECK(pgface_separable_stage(&in, &conv, stride, ops, NULL, &got,
						                             &status) == PGFACE_OK);
						/* a residual of the output's shape, then the same with the epilogue */
						pgface_tensor_alloc(&residual, got.h, got.w, n, &status);
						fill(residual.data, pgface_tensor_count(&residual), &state);
						pgface_tensor_free(&got);
						epi.residual = variant == 1 ? residual.data : NULL;
						epi.residual_stride = (size_t) n;
						CHECK(pgface_separable_stage(&in, &conv, stride, ops, &epi, &got,
						                             &status) == PGFACE_OK);
						composed_stage(&in, &conv, stride, ops, variant == 1 ? &residual : NULL,
						               relu, leak, &want);
						worst = worse_of(worst, &got, &want);
						compared++;
						pgface_tensor_free(&in);
						pgface_tensor_free(&got);
						pgface_tensor_free(&want);
						pgface_tensor_free(&residual);
					}
	}
	pgface_simd_force(NULL);
	CHECK(compared >= 2 * 4 * 2 * 4 * 3);
	CHECK(worst < 1e-5);
}

/*
 * conv + max-pool in one pass equals pgface_conv2d then pgface_max_pool, on odd and
 * even extents (a last band of one conv row) and with 16 outputs (one GEMM panel, the
 * fused path) or not (the composed fallback), on every instruction set this CPU has.
 */
static void
conv_max_pool_matches_conv_then_pool(void)
{
	static const char *simd[] = {"avx512", "avx2", "sse2", "openblas"};
	/* the tall one takes two bands, so that the residual must follow the band; the last has
	 * an odd pooled width, a window left over after the pairs */
	static const int shapes[][4] = {{12, 10, 3, 16}, {11, 9, 3, 16},   {7, 8, 5, 16},
	                                {9, 9, 3, 8},    {300, 10, 3, 16}, {8, 8, 3, 16}};
	uint64_t state = 23;
	double worst = 0.0;
	int compared = 0;
	int bitwise = 0;

	for (size_t m = 0; m < sizeof(simd) / sizeof(simd[0]); m++)
	{
		if (!pgface_simd_force(simd[m]))
			continue;
		for (size_t sh = 0; sh < sizeof(shapes) / sizeof(shapes[0]); sh++)
			for (int with_residual = 0; with_residual <= 1; with_residual++)
			{
				pgface_status status = {0};
				int c = shapes[sh][2], n = shapes[sh][3];
				pgface_tensor in = {0}, conv = {0}, want = {0}, got = {0}, residual = {0};
				float filters[3 * 3 * 5 * 16], bias[16];
				pgface_epilogue epi = pgface_bias_epilogue(bias, true, 0.1f);

				pgface_tensor_alloc(&in, shapes[sh][0], shapes[sh][1], c, &status);
				fill(in.data, pgface_tensor_count(&in), &state);
				fill(filters, (size_t) 9 * c * n, &state);
				fill(bias, (size_t) n, &state);
				/* a residual of the conv's output shape, before the pool */
				pgface_tensor_alloc(&residual, shapes[sh][0] - 2, shapes[sh][1] - 2, n, &status);
				fill(residual.data, pgface_tensor_count(&residual), &state);
				if (with_residual)
				{
					epi.residual = residual.data;
					epi.residual_stride = (size_t) n;
				}
				CHECK(pgface_conv2d_max_pool(&in, filters, 3, 3, n, &epi, &got, &status) ==
				      PGFACE_OK);
				pgface_conv2d(&in, filters, NULL, 3, 3, n, 1, PGFACE_PAD_VALID, &epi, &conv,
				              &status);
				pgface_max_pool(&conv, 2, 2, PGFACE_PAD_SAME, &want, &status);
				worst = worse_of(worst, &got, &want);
				compared++;
				/* the register-pooled first layer (even sides, no residual) is the same to the bit
				 */
				if (c == 3 && n == 16 && !with_residual && (shapes[sh][0] - 2) % 2 == 0 &&
				    (shapes[sh][1] - 2) % 2 == 0 && strcmp(simd[m], "openblas") != 0)
				{
					CHECK(got.h == want.h && got.w == want.w &&
					      memcmp(got.data, want.data, pgface_tensor_count(&want) * sizeof(float)) ==
					          0);
					bitwise++;
				}
				pgface_tensor_free(&in);
				pgface_tensor_free(&conv);
				pgface_tensor_free(&want);
				pgface_tensor_free(&got);
				pgface_tensor_free(&residual);
			}
	}
	pgface_simd_force(NULL);
	CHECK(compared >= 2 * 5 * 2);
	CHECK(bitwise >= 2 * 3);
	CHECK(worst < 1e-5);
}

const unit_test nn_layer_tests[] = {
    {"nn: output extents and padding follow TensorFlow", output_extents_follow_tensorflow},
    {"nn: conv2d (im2col + sgemm) matches naive loops", conv2d_matches_naive_loops},
    {"nn: Winograd 3x3 matches naive loops", winograd_matches_naive_loops},
    {"nn: depthwise conv matches naive loops", depthwise_matches_naive_loops},
    {"nn: the one-pass separable stage equals its composed ops",
     separable_stage_matches_composed_ops},
    {"nn: conv + max-pool in one pass equals conv then pool", conv_max_pool_matches_conv_then_pool},
    {"nn: max and average pools match TensorFlow", pools_match_tensorflow},
    {"nn: affine, residual, relu and leaky relu", elementwise_ops_follow_their_formulas},
    {"nn: dense layer and global mean", dense_and_mean_follow_their_formulas},
    {NULL, NULL},
};
