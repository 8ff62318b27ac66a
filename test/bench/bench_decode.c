/*
 * bench_decode.c: ms per photo to decode JPEGs, with stb_image (pgface's decoder until
 * issue 17, compiled here for JPEG alone as the baseline) and with libjpeg-turbo as pgface
 * now decodes: the library call at full size and at 1/2 and 1/4 scale (libjpeg scales in
 * the IDCT), and pgface_image_decode end to end (the decode thread, the copy into the
 * caller's memory, EXIF). Every figure is a median over RUNS, measured in the same run.
 *
 *   bench_decode RUNS PHOTO...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Static, so that it cannot clash with the core's stb (BMP and GIF). With JPEG alone, stb
 * declares static functions it never defines; the compiler judges that at the file's end. */
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#define STBI_NO_STDIO
#pragma GCC diagnostic ignored "-Wunused-function"
#include <stb_image.h>

#include "common/heap_reuse.h"
#include "../common/slurp.h"
#include "bench_clock.h"
#include "img/decoder.h"
#include "img/image.h"

enum
{
	STB,
	TURBO_FULL,
	TURBO_HALF,
	TURBO_QUARTER,
	END_TO_END,
	WAYS
};
static const char *const way_names[WAYS] = {"stb_image 2.27", "libjpeg-turbo, full size",
                                            "libjpeg-turbo, 1/2 scale", "libjpeg-turbo, 1/4 scale",
                                            "pgface_image_decode, full"};

/* One decode the way asked, in ms; exits on a failure, which would make the figures lie. */
static double
time_one(int way, const unsigned char *bytes, size_t length)
{
	static const int scales[WAYS] = {0, 1, 2, 4, 0};
	double start = now_ms();
	int ok;

	if (way == STB)
	{
		int width, height, channels;
		unsigned char *rgb =
		    stbi_load_from_memory(bytes, (int) length, &width, &height, &channels, 3);

		ok = rgb != NULL;
		stbi_image_free(rgb);
	}
	else if (way == END_TO_END)
	{
		pgface_image image;
		pgface_status status;

		ok = pgface_image_decode(bytes, length, 100000000, &image, &status) == PGFACE_OK;
		if (ok)
			pgface_image_free(&image);
	}
	else
	{
		pgface_decoded decoded = {0};

		ok =
		    pgface_decode_jpeg_scaled(bytes, length, 100000000, scales[way], &decoded) == PGFACE_OK;
		pgface_decoded_discard(&decoded);
	}
	if (!ok)
	{
		fprintf(stderr, "bench_decode: %s failed\n", way_names[way]);
		exit(1);
	}
	return now_ms() - start;
}

int
main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 0;
	double total[WAYS] = {0};
	double *samples;

	if (runs < 1 || argc < 3)
	{
		fprintf(stderr, "usage: bench_decode RUNS PHOTO...\n");
		return 2;
	}
	pgface_keep_freed_memory(); /* as the pipeline does before its first photo */
	samples = malloc(sizeof(double) * (size_t) runs);
	printf("decode, ms per photo (median of %d runs)\n%-12s", runs, "photo");
	for (int w = 0; w < WAYS; w++)
		printf(" %26s", way_names[w]);
	printf("\n");
	for (int p = 2; p < argc; p++)
	{
		size_t length;
		unsigned char *bytes = slurp(argv[p], &length);
		const char *name = strrchr(argv[p], '/');

		if (bytes == NULL)
		{
			fprintf(stderr, "bench_decode: cannot read %s\n", argv[p]);
			return 1;
		}
		printf("%-12s", name != NULL ? name + 1 : argv[p]);
		for (int w = 0; w < WAYS; w++)
		{
			double ms;

			/* The ways interleave run by run, so that a slow spell of the machine hits all. */
			for (int r = 0; r < runs; r++)
				samples[r] = time_one(w, bytes, length);
			ms = median(samples, runs);
			total[w] += ms;
			printf(" %26.2f", ms);
		}
		printf("\n");
		free(bytes);
	}
	printf("%-12s", "mean");
	for (int w = 0; w < WAYS; w++)
		printf(" %26.2f", total[w] / (argc - 2));
	printf("\n");
	for (int w = TURBO_FULL; w < WAYS; w++)
		printf("  stb_image / %-26s %6.2fx\n", way_names[w], total[STB] / total[w]);
	free(samples);
	return 0;
}
