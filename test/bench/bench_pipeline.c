/*
 * bench_pipeline.c: the whole photo pipeline, stage by stage, on one thread:
 * decode (with EXIF), detect (one size), landmarks, align, embed (the chip
 * and its mirror image), for every face; then embed() and faces() end to end.
 *
 *   bench_pipeline MODEL_DIR RUNS PHOTO...
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common/heap_reuse.h"
#include "bench_clock.h"
#include "face/model_dlib_resnet_v1.h"
#include "face/models.h"
#include "face/pipeline.h"
#include "nn/blas.h"
#include "../common/slurp.h"

enum
{
	DECODE,
	DETECT,
	LANDMARKS,
	ALIGN,
	EMBED,
	MIRROR,
	EMBED_PHOTO,
	FACES,
	STAGES
};
static const char *const stage_names[STAGES] = {"decode + EXIF",
                                                "detect (416)",
                                                "landmarks, all faces",
                                                "align, all faces",
                                                "recognition net, all faces",
                                                "mirrored chip + net, all",
                                                "embed(photo) end to end",
                                                "faces(photo) end to end"};

int
main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 10;
	int photos = argc - 3;
	pgface_models models;
	const pgface_recognition_net *net;
	pgface_status status = {0};
	pgface_pipeline_options options = pgface_default_pipeline_options();
	double *times[STAGES];
	double total_faces = 0;

	if (argc < 4 || runs < 1)
	{
		fprintf(stderr, "usage: bench_pipeline MODEL_DIR RUNS PHOTO...\n");
		return 2;
	}
	pgface_blas_set_threads(1);
	pgface_keep_freed_memory(); /* as the pipeline does before its first photo */
	if (pgface_models_open(argv[1], &models, &status))
	{
		fprintf(stderr, "bench_pipeline: %s\n", status.message);
		return 1;
	}
	net = pgface_models_recognition(&models, &pgface_model_dlib_resnet_v1);
	for (int s = 0; s < STAGES; s++)
		times[s] = calloc((size_t) runs, sizeof(double));

	for (int r = 0; r < runs; r++)
		for (int p = 0; p < photos; p++)
		{
			size_t length;
			unsigned char *bytes = slurp(argv[3 + p], &length);
			pgface_image image;
			pgface_box *boxes;
			pgface_face *faces;
			int count;
			float chip[PGFACE_RESNET_CHIP_SIZE * PGFACE_RESNET_CHIP_SIZE * 3];
			float mirrored[PGFACE_RESNET_CHIP_SIZE * PGFACE_RESNET_CHIP_SIZE * 3];
			float embedding[PGFACE_RESNET_DIMS];
			double t = now_ms();

			if (bytes == NULL || pgface_image_decode(bytes, length, 50000000, &image, &status))
			{
				fprintf(stderr, "bench_pipeline: cannot decode %s\n", argv[3 + p]);
				return 1;
			}
			times[DECODE][r] += now_ms() - t;
			t = now_ms();
			pgface_detect_faces(pgface_models_detector(&models), &image, 416, 0.5, &boxes, &count,
			                    &status);
			times[DETECT][r] += now_ms() - t;
			if (r == 0)
				total_faces += count;
			for (int f = 0; f < count; f++)
			{
				pgface_point landmarks[PGFACE_LANDMARKS];
				t = now_ms();
				pgface_landmarks_detect(pgface_models_landmarks(&models), &image, &boxes[f],
				                        landmarks, &status);
				times[LANDMARKS][r] += now_ms() - t;
				t = now_ms();
				pgface_align_face(&image, landmarks, PGFACE_ALIGN_DLIB,
				                  &pgface_model_dlib_resnet_v1.chip, chip, &status);
				times[ALIGN][r] += now_ms() - t;
				t = now_ms();
				pgface_recognition_net_embed(net, chip, embedding, &status);
				times[EMBED][r] += now_ms() - t;
				t = now_ms();
				pgface_chip_mirror(chip, PGFACE_RESNET_CHIP_SIZE, mirrored);
				pgface_recognition_net_embed(net, mirrored, embedding, &status);
				times[MIRROR][r] += now_ms() - t;
			}
			free(boxes);
			free(image.rgb);

			t = now_ms();
			pgface_embed_photo(&models, bytes, length, &options, embedding, &status);
			times[EMBED_PHOTO][r] += now_ms() - t;
			t = now_ms();
			pgface_find_faces(&models, bytes, length, &options, &faces, &count, &status);
			times[FACES][r] += now_ms() - t;
			free(faces);
			free(bytes);
		}

	printf("photo pipeline, one thread, %d photos (%.0f faces), median of %d runs, ms per photo\n",
	       photos, total_faces, runs);
	for (int s = 0; s < STAGES; s++)
	{
		if (s == EMBED_PHOTO)
			printf("  ---\n");
		printf("  %-28s %8.2f\n", stage_names[s], median(times[s], runs) / photos);
	}
	pgface_models_close(&models);
	return 0;
}
