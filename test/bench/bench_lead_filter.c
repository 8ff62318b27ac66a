/*
 * bench_lead_filter: face_va's first-pass filter kernels (src/index/lead_filter.c),
 * nanoseconds a page, each against the portable C kernel in the same run: on one page
 * that stays in cache (the kernel's own cost), and on pages spread over 64 MB, one after
 * another (what a scan of an index larger than the caches pays). A full page (128 faces,
 * as a build writes them) and one of 100 (as inserts leave the last page), whose last
 * group of 32 is partial.
 *   make build/bench_lead_filter && build/bench_lead_filter [ROUNDS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index/columns.h"
#include "index/lead_filter.h"

#define PAGE_BYTES     8192
#define STREAMED_PAGES 8192 /* 64 MB */

typedef struct
{
	const char *name;
	pgface_index_lead_filter_fn *kernel;
} kernel_entry;

/* Seconds on the monotonic clock. */
static double
seconds_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double) now.tv_sec + (double) now.tv_nsec * 1e-9;
}

/* Nanoseconds a page over calls pages (page i is i % pages of the buffer), best of rounds. */
static double
ns_per_page(pgface_index_lead_filter_fn *kernel, const pgface_index_lead_filter *filter, int faces,
            const uint8_t *buffer, int pages, int calls, int rounds, uint64_t *checksum)
{
	double best = 1e30;

	for (int round = 0; round < rounds; round++)
	{
		double start = seconds_now();

		for (int i = 0; i < calls; i++)
		{
			pgface_index_columns columns = {faces, PGFACE_INDEX_COLUMNS_MAX, NULL,
			                                buffer + (size_t) (i % pages) * PAGE_BYTES, NULL};
			uint64_t kept[2];
			uint8_t sums[PGFACE_INDEX_COLUMNS_MAX];

			kernel(&columns, filter, kept, sums);
			*checksum += kept[0] ^ kept[1] ^ sums[i % faces];
		}
		double elapsed = (seconds_now() - start) / calls * 1e9;
		best = elapsed < best ? elapsed : best;
	}
	return best;
}

/* The kernels this CPU runs, the portable one first (the baseline). */
static int
kernels_here(kernel_entry *kernels)
{
	int count = 0;

	kernels[count++] = (kernel_entry){"scalar (C)", pgface_index_lead_filter_scalar};
#if defined(__x86_64__)
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2"))
		kernels[count++] = (kernel_entry){"avx2", pgface_index_lead_filter_avx2};
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"))
		kernels[count++] = (kernel_entry){"avx512bw", pgface_index_lead_filter_avx512};
#endif
	return count;
}

int
main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	uint8_t *buffer = aligned_alloc(4096, (size_t) STREAMED_PAGES * PAGE_BYTES);
	static pgface_index_lead_filter filter;
	/* a full page, as a build writes them, and one whose last group of 32 is partial */
	static const int face_counts[] = {PGFACE_INDEX_COLUMNS_MAX, 100};
	kernel_entry kernels[3];
	int count = kernels_here(kernels);
	double cached_base = 0, streamed_base = 0;
	uint64_t checksum = 0;
	uint32_t bits = 2463534242u;

	if (buffer == NULL || rounds < 1)
	{
		fprintf(stderr, "usage: bench_lead_filter [ROUNDS >= 1]\n");
		return 2;
	}
	for (size_t i = 0; i < (size_t) STREAMED_PAGES * PAGE_BYTES; i++)
	{
		bits ^= bits << 13, bits ^= bits >> 17, bits ^= bits << 5;
		buffer[i] = (uint8_t) bits;
	}
	/* Byte terms as a probe's would be, small enough that some faces are kept. */
	filter.active = true;
	for (int axis = 0; axis < PGFACE_INDEX_BINNED_AXES; axis++)
		for (int bin = 0; bin < PGFACE_INDEX_BINS; bin++)
			filter.table[axis][bin] = (uint8_t) ((axis * 7 + bin * 5) % 13);

	printf("face_va lead filter, ns a page (best of %d rounds)\n", rounds);
	printf("%-12s %6s %12s %10s %14s %10s\n", "kernel", "faces", "in cache", "vs C", "from memory",
	       "vs C");
	for (size_t c = 0; c < sizeof(face_counts) / sizeof(face_counts[0]); c++)
		for (int k = 0; k < count; k++)
		{
			int faces = face_counts[c];
			double cached = ns_per_page(kernels[k].kernel, &filter, faces, buffer, 1, 200000,
			                            rounds, &checksum);
			double streamed = ns_per_page(kernels[k].kernel, &filter, faces, buffer, STREAMED_PAGES,
			                              STREAMED_PAGES, rounds, &checksum);

			if (k == 0)
				cached_base = cached, streamed_base = streamed;
			printf("%-12s %6d %12.1f %9.2fx %14.1f %9.2fx\n", kernels[k].name, faces, cached,
			       cached_base / cached, streamed, streamed_base / streamed);
		}
	printf("(checksum %llu)\n", (unsigned long long) (checksum & 0xffff));
	free(buffer);
	return 0;
}
