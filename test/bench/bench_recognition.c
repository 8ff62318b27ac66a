/*
 * bench_recognition.c: how fast the recognition net embeds one chip on one
 * thread, against the sgemm bound measured in the same run: the time OpenBLAS
 * needs for the net's own matrix products, at the net's own shapes.
 *
 *   bench_recognition MODEL_DIR [RUNS [SIMD]]
 *
 * SIMD (avx512, avx2 or sse2) forces pgface's own kernels onto that instruction set.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_clock.h"
#include "sgemm_bound.h"
#include "face/model_dlib_resnet_v1.h"
#include "face/models.h"
#include "nn/blas.h"
#include "nn/layers.h"

/* Walks the net's layers the way recognition_net.c runs them, collecting each conv's GEMM. */
static int
net_gemm_shapes(const pgface_recognition_net *net, gemm_shape *shapes)
{
	int n = 0;
	int size = pgface_output_extent(PGFACE_RESNET_CHIP_SIZE, 7, 2, PGFACE_PAD_VALID);

	shapes[n++] = (gemm_shape){size * size, 7 * 7 * 3, net->stem.out_channels};
	size = pgface_output_extent(size, 3, 2, PGFACE_PAD_VALID);
	for (int b = 0; b < PGFACE_RECOGNITION_BLOCKS; b++)
	{
		const pgface_residual_block *block = &net->blocks[b];
		int out_size = block->down ? pgface_output_extent(size, 3, 2, PGFACE_PAD_VALID) : size;
		shapes[n++] = (gemm_shape){out_size * out_size, 9 * block->conv1.in_channels,
		                           block->conv1.out_channels};
		shapes[n++] = (gemm_shape){out_size * out_size, 9 * block->conv2.in_channels,
		                           block->conv2.out_channels};
		size = block->down ? pgface_output_extent(size, 2, 2, PGFACE_PAD_VALID) : size;
	}
	return n;
}

/* The sgemm bound of the whole net when BATCH chips share each product (their positions
 * stacked), per chip: what batching a chip with its mirror, or a photo's faces, could gain. */
static double
bound_ms_per_chip(const gemm_shape *shapes, int nshapes, int batch)
{
	double total = 0.0;

	for (int i = 0; i < nshapes; i++)
	{
		gemm_shape stacked = shapes[i];
		stacked.positions *= batch;
		total += time_sgemm(&stacked, batch > 2 ? 10 : 20);
	}
	return total / batch;
}

int
main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 100;
	pgface_models models;
	const pgface_recognition_net *net;
	pgface_status status = {0};
	gemm_shape shapes[64];
	int nshapes;
	double flops = 0.0;
	double bound_ms = 0.0;
	double *times;
	float *chip;
	float embedding[PGFACE_RESNET_DIMS];

	if (argc < 2 || runs < 1)
	{
		fprintf(stderr, "usage: bench_recognition MODEL_DIR [RUNS [SIMD]]\n");
		return 2;
	}
	if (argc > 3 && !pgface_simd_force(argv[3]))
	{
		fprintf(stderr, "bench_recognition: this CPU does not run %s\n", argv[3]);
		return 2;
	}
	pgface_blas_set_threads(1);
	if (pgface_models_open(argv[1], &models, &status) != PGFACE_OK)
	{
		fprintf(stderr, "bench_recognition: %s\n", status.message);
		return 1;
	}
	net = pgface_models_recognition(&models, &pgface_model_dlib_resnet_v1);

	chip = malloc(sizeof(float) * PGFACE_RESNET_CHIP_SIZE * PGFACE_RESNET_CHIP_SIZE * 3);
	srand(42);
	for (int i = 0; i < PGFACE_RESNET_CHIP_SIZE * PGFACE_RESNET_CHIP_SIZE * 3; i++)
		chip[i] = (float) (rand() % 256);
	times = malloc(sizeof(double) * (size_t) runs);
	for (int warm = 0; warm < 5; warm++)
		pgface_recognition_net_embed(net, chip, embedding, &status);
	for (int r = 0; r < runs; r++)
	{
		double start = now_ms();
		pgface_recognition_net_embed(net, chip, embedding, &status);
		times[r] = now_ms() - start;
	}

	nshapes = net_gemm_shapes(net, shapes);
	for (int i = 0; i < nshapes; i++)
	{
		flops += 2.0 * shapes[i].positions * (double) shapes[i].depth * shapes[i].out;
		bound_ms += time_sgemm(&shapes[i], 20);
	}

	printf("recognition net, one thread, %d runs, %s kernels\n", runs, pgface_simd_name());
	printf("  pgface ms per chip (median)      %8.3f\n", median(times, runs));
	printf("  net GFLOP per chip               %8.3f\n", flops / 1e9);
	printf("  sgemm bound ms (net's shapes)    %8.3f   (%.1f GFLOPS)\n", bound_ms,
	       flops / bound_ms / 1e6);
	printf("  pgface / sgemm bound             %8.2fx\n", median(times, runs) / bound_ms);
	for (int batch = 2; batch <= 8; batch *= 2)
	{
		double batched = bound_ms_per_chip(shapes, nshapes, batch);
		printf("  sgemm bound, %d chips per product %8.3f   (%.2fx one chip alone)\n", batch,
		       batched, batched / bound_ms);
	}

	free(times);
	free(chip);
	pgface_models_close(&models);
	return 0;
}
