/*
 * bench_layers.c: the detector (at 416) and the landmark net layer by layer, on
 * one thread, each layer against its sgemm bound: the time OpenBLAS needs for
 * that layer's own matrix products, measured in the same run. The layer times
 * come from the nets as they run (common/layer_clock.h).
 *
 *   bench_layers MODEL_DIR RUNS PHOTO...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/heap_reuse.h"
#include "bench_clock.h"
#include "common/layer_clock.h"
#include "face/models.h"
#include "nn/blas.h"
#include "nn/gemm.h"
#include "sgemm_bound.h"
#include "../common/slurp.h"

#define MAX_LAYERS 16
#define MAX_SHAPES 8

/* One net's layers as its clock reports them, in order, with their GEMM shapes. */
typedef struct layer_table
{
	const char *net;
	int layers;
	const char *names[MAX_LAYERS];
	double *times[MAX_LAYERS]; /* per run */
	gemm_shape shapes[MAX_LAYERS][MAX_SHAPES];
	int nshapes[MAX_LAYERS];
} layer_table;

static layer_table tables[2] = {{.net = "detector"}, {.net = "landmarks"}};
static int current_run;
static int layer_index;
static double last_event;

/* The clock: the time since the last event goes to the layer that just ended. */
static void
on_layer_done(const char *net, const char *layer)
{
	double now = now_ms();
	layer_table *t = strcmp(net, "detector") == 0 ? &tables[0] : &tables[1];

	if (layer_index < MAX_LAYERS)
	{
		t->names[layer_index] = layer;
		if (layer_index >= t->layers)
			t->layers = layer_index + 1;
		t->times[layer_index][current_run] += now - last_event;
	}
	layer_index++;
	last_event = now;
}

static void
start_net(void)
{
	layer_index = 0;
	last_event = now_ms();
}

static void
add_shape(layer_table *t, int layer, int positions, int depth, int out)
{
	t->shapes[layer][t->nshapes[layer]++] = (gemm_shape){positions, depth, out};
}

/* The matrix products of each layer, in the order the nets report them. */
static void
describe_shapes(int input_size)
{
	static const int detector_channels[] = {16, 32, 64, 128, 256, 512};
	static const int landmark_channels[] = {3, 32, 64, 128, 256};
	int side = input_size - 2; /* conv0 is 'valid' */

	/* detector: resize, conv0 (+ pool), five stages, pool + head, boxes */
	add_shape(&tables[0], 1, side * side, 27, 16);
	for (int s = 0; s < 5; s++)
	{
		side = (side + 1) / 2;
		add_shape(&tables[0], 2 + s, side * side, detector_channels[s], detector_channels[s + 1]);
	}
	add_shape(&tables[0], 7, side * side, 512, 25);
	/* landmarks: crop + resize, four dense blocks of four convs, pool + fc */
	side = 112;
	for (int b = 0; b < 4; b++)
	{
		int c = landmark_channels[b + 1];
		side /= 2;
		add_shape(&tables[1], 1 + b, side * side, b == 0 ? 27 : landmark_channels[b], c);
		for (int k = 1; k < 4; k++)
			add_shape(&tables[1], 1 + b, side * side, c, c);
	}
	add_shape(&tables[1], 5, 1, 256, 136);
}

/* One net's table: ms per call (median over runs), the layer's sgemm bound and the ratio. */
static void
print_table(const layer_table *t, int runs, double calls_per_run, const char *unit)
{
	double total = 0.0, total_bound = 0.0, flops = 0.0;

	printf("%s, one thread, %s kernels, ms per %s (median of %d runs)\n", t->net,
	       pgface_simd_name(), unit, runs);
	printf("  %-38s %9s %14s %8s\n", "layer", "pgface", "sgemm bound", "ratio");
	for (int l = 0; l < t->layers; l++)
	{
		double ms = median(t->times[l], runs) / calls_per_run;
		double bound = 0.0;
		for (int s = 0; s < t->nshapes[l]; s++)
		{
			bound += time_sgemm(&t->shapes[l][s], 20);
			flops += 2.0 * t->shapes[l][s].positions * (double) t->shapes[l][s].depth *
			         t->shapes[l][s].out;
		}
		total += ms;
		total_bound += bound;
		if (bound > 0.0)
			printf("  %-38s %9.3f %14.3f %7.2fx\n", t->names[l], ms, bound, ms / bound);
		else
			printf("  %-38s %9.3f %14s %8s\n", t->names[l], ms, "-", "-");
	}
	printf("  %-38s %9.3f %14.3f %7.2fx   (%.3f GFLOP of products)\n", "whole net", total,
	       total_bound, total / total_bound, flops / 1e9);
}

int
main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 0;
	int photos = argc - 3;
	pgface_models models;
	pgface_status status = {0};
	pgface_image *images;
	double faces_per_run = 0.0;

	if (argc < 4 || runs < 1)
	{
		fprintf(stderr, "usage: bench_layers MODEL_DIR RUNS PHOTO...\n");
		return 2;
	}
	pgface_blas_set_threads(1);
	pgface_keep_freed_memory(); /* as the pipeline does before its first photo */
	if (pgface_models_open(argv[1], &models, &status) != PGFACE_OK)
	{
		fprintf(stderr, "bench_layers: %s\n", status.message);
		return 1;
	}
	images = calloc((size_t) photos, sizeof(*images));
	for (int p = 0; p < photos; p++)
	{
		size_t length;
		unsigned char *bytes = slurp(argv[3 + p], &length);
		if (bytes == NULL || pgface_image_decode(bytes, length, 50000000, &images[p], &status))
		{
			fprintf(stderr, "bench_layers: cannot decode %s\n", argv[3 + p]);
			return 1;
		}
		free(bytes);
	}
	for (int t = 0; t < 2; t++)
		for (int l = 0; l < MAX_LAYERS; l++)
			tables[t].times[l] = calloc((size_t) runs, sizeof(double));
	describe_shapes(416);

	pgface_set_layer_clock(on_layer_done);
	for (int r = -1; r < runs; r++) /* run -1 warms the caches and is not counted */
	{
		current_run = r < 0 ? 0 : r;
		for (int p = 0; p < photos; p++)
		{
			pgface_box *boxes;
			int count;
			start_net();
			pgface_detect_faces(pgface_models_detector(&models), &images[p], 416, 0.5, &boxes,
			                    &count, &status);
			for (int f = 0; f < count; f++)
			{
				pgface_point landmarks[PGFACE_LANDMARKS];
				start_net();
				pgface_landmarks_detect(pgface_models_landmarks(&models), &images[p], &boxes[f],
				                        landmarks, &status);
			}
			if (r == 0)
				faces_per_run += count;
			free(boxes);
		}
		if (r < 0)
			for (int t = 0; t < 2; t++)
				for (int l = 0; l < MAX_LAYERS; l++)
					tables[t].times[l][0] = 0.0;
	}
	pgface_set_layer_clock(NULL);

	print_table(&tables[0], runs, photos, "photo");
	printf("\n");
	print_table(&tables[1], runs, faces_per_run, "face");
	for (int p = 0; p < photos; p++)
		free(images[p].rgb);
	pgface_models_close(&models);
	return 0;
}
