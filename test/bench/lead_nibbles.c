/*
 * lead_nibbles.c: a design experiment for face_va's first pass, measured on a
 * gallery before any layout is changed. Today's first pass reads 24 bytes a
 * face (the lead axes' int8 codes) and is bound by memory. This program codes
 * the first 32 axes in 4 bits each instead (16 bytes a face): each axis's
 * codes are cut into 16 bins of equal share of the gallery, and a probe's
 * table holds, for each bin, the smallest term of any code in it, so a sum of
 * bin terms is still a lower bound. It then reports, against today's byte
 * filter over the same pages and probes, in the same run:
 *   - the time of each filter over every page (cold, as a scan reads them),
 *     and the faces a page each keeps;
 *   - the faces whose whole bound (the 32 binned axes, then the other 32 as
 *     bytes) is within the limit, which would become heap rechecks;
 *   - that the AVX2 and AVX-512 kernels keep the scalar definition's faces.
 *
 *   psql ... -Atc "\copy (SELECT emb FROM scale_1000000 ORDER BY id) TO 'gallery.txt'"
 *   psql ... -Atc "\copy (SELECT emb FROM scale_1000000_probes WHERE kind = 'stranger' ORDER BY i
 *     LIMIT 20) TO 'probes.txt'"
 *   make build/lead_nibbles && build/lead_nibbles gallery.txt probes.txt 0.4058 0.473
 *   (LEAD_NIBBLES_KERNEL=avx2 or scalar times that kernel instead of the fastest)
 *
 * Results and their reading: doc/benchmarks.md, "Four-bit lead codes".
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_clock.h"
#include "embedding_file.h"
#include "face/embedding.h"
#include "face/embedding_statistics.h"
#include "face/model_registry.h"
#include "index/columns.h"
#include "index/lead_filter.h"
#include "index/point.h"
#include "index/probe.h"
#include "index/slack.h"
#include "index/terms.h"

#define PAGE_FACES   110
#define BINNED_AXES  32
#define BINS         16
#define PLANES       (BINNED_AXES / 2)
#define BIN_SAMPLE   7 /* the bins are cut from every 7th face */
#define CHECK_PROBES 5 /* probes whose whole bounds are summed face by face */
#define SUM_CEILING  254
#define SUM_MARGIN   1e-5

/* One page of binned codes: plane j holds axis 2j in its low nibble, 2j + 1 in its high. */
typedef struct binned_page
{
	uint8_t plane[PLANES][PAGE_FACES];
	char rest_of_page[8192 - PLANES * PAGE_FACES];
} binned_page;

/* One page as face_va lays it out today, up to its lead codes. */
typedef struct byte_page
{
	float residual[PAGE_FACES];
	int8_t lead[PGFACE_INDEX_LEAD_AXES][PAGE_FACES];
	char rest_of_page[8192 - PAGE_FACES * (sizeof(float) + PGFACE_INDEX_LEAD_AXES)];
} byte_page;

typedef void binned_filter_fn(const binned_page *page, const uint8_t table[BINNED_AXES][BINS],
                              uint64_t kept[2]);

/* Bins of equal share per axis, from a sample of the gallery: bin_of[axis][(uint8_t) code]. */
static void
cut_bins(const pgface_index_point *points, size_t faces, uint8_t bin_of[BINNED_AXES][256])
{
	for (int a = 0; a < BINNED_AXES; a++)
	{
		double count[256] = {0}, sampled = 0, below = 0;
		int bin = 0;

		for (size_t f = 0; f < faces; f += BIN_SAMPLE, sampled++)
			count[(uint8_t) points[f].code[a]]++;
		for (int code = -128; code < 128; code++)
		{
			bin_of[a][(uint8_t) code] = (uint8_t) bin;
			below += count[(uint8_t) code];
			while (bin < BINS - 1 && below * BINS >= (bin + 1) * sampled)
				bin++;
		}
	}
}

/* A term in units of limit / 255, rounded down, as lead_filter.c rounds its bytes. */
static uint8_t
term_byte(float term, double units_per_term)
{
	double scaled = (double) term * units_per_term * (1.0 - 1e-12);

	if (!(scaled >= 0.0))
		return 0;
	return scaled >= 255.0 ? 255 : (uint8_t) floor(scaled);
}

/* The definition: each face's saturating sum of its bins' bytes against the ceiling. */
static void
binned_filter_scalar(const binned_page *page, const uint8_t table[BINNED_AXES][BINS],
                     uint64_t kept[2])
{
	kept[0] = kept[1] = 0;
	for (int f = 0; f < PAGE_FACES; f++)
	{
		unsigned sum = 0;

		for (int j = 0; j < PLANES; j++)
		{
			uint8_t both = page->plane[j][f];

			sum += table[2 * j][both & 15];
			sum = sum > 255 ? 255 : sum;
			sum += table[2 * j + 1][both >> 4];
			sum = sum > 255 ? 255 : sum;
		}
		if (sum <= SUM_CEILING)
			kept[f / 64] |= UINT64_C(1) << (f % 64);
	}
}

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * 32 faces a vector: a byte shuffle looks up 16 bins at once, which AVX2 has
 * (face_va's byte filter needs AVX-512 VBMI's permutes for 256 codes).
 */
__attribute__((target("avx2"))) static void
binned_filter_avx2(const binned_page *page, const uint8_t table[BINNED_AXES][BINS],
                   uint64_t kept[2])
{
	const __m256i low = _mm256_set1_epi8(15);
	const __m256i ceiling = _mm256_set1_epi8((char) SUM_CEILING);
	uint8_t tail[PLANES][32] = {{0}};
	uint32_t bits[4];

	for (int j = 0; j < PLANES; j++)
		memcpy(tail[j], &page->plane[j][96], PAGE_FACES - 96);
	for (int q = 0; q < 4; q++)
	{
		__m256i sum = _mm256_setzero_si256();

		for (int j = 0; j < PLANES; j++)
		{
			__m256i low_table =
			    _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *) table[2 * j]));
			__m256i high_table =
			    _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *) table[2 * j + 1]));
			__m256i both =
			    _mm256_loadu_si256((const __m256i *) (q < 3 ? &page->plane[j][32 * q] : tail[j]));
			__m256i low_bins = _mm256_and_si256(both, low);
			__m256i high_bins = _mm256_and_si256(_mm256_srli_epi16(both, 4), low);

			sum = _mm256_adds_epu8(sum, _mm256_shuffle_epi8(low_table, low_bins));
			sum = _mm256_adds_epu8(sum, _mm256_shuffle_epi8(high_table, high_bins));
		}
		/* unsigned sum <= ceiling: min(sum, ceiling) == sum */
		bits[q] =
		    (uint32_t) _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(sum, ceiling), sum));
	}
	kept[0] = bits[0] | (uint64_t) bits[1] << 32;
	kept[1] = (bits[2] | (uint64_t) bits[3] << 32) & ((UINT64_C(1) << (PAGE_FACES - 64)) - 1);
}

/* 64 faces a vector, the same lookups with AVX-512BW. */
__attribute__((target("avx512f,avx512bw"))) static void
binned_filter_avx512(const binned_page *page, const uint8_t table[BINNED_AXES][BINS],
                     uint64_t kept[2])
{
	const __m512i low = _mm512_set1_epi8(15);
	const __m512i ceiling = _mm512_set1_epi8((char) SUM_CEILING);
	const __mmask64 second = (UINT64_C(1) << (PAGE_FACES - 64)) - 1;
	__m512i sum[2] = {_mm512_setzero_si512(), _mm512_setzero_si512()};

	for (int j = 0; j < PLANES; j++)
	{
		__m512i low_table = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *) table[2 * j]));
		__m512i high_table =
		    _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *) table[2 * j + 1]));

		for (int h = 0; h < 2; h++)
		{
			__m512i both = h == 0 ? _mm512_loadu_si512(page->plane[j])
			                      : _mm512_maskz_loadu_epi8(second, &page->plane[j][64]);
			__m512i low_bins = _mm512_and_si512(both, low);
			__m512i high_bins = _mm512_and_si512(_mm512_srli_epi16(both, 4), low);

			sum[h] = _mm512_adds_epu8(sum[h], _mm512_shuffle_epi8(low_table, low_bins));
			sum[h] = _mm512_adds_epu8(sum[h], _mm512_shuffle_epi8(high_table, high_bins));
		}
	}
	kept[0] = _mm512_cmple_epu8_mask(sum[0], ceiling);
	kept[1] = _mm512_mask_cmple_epu8_mask(second, sum[1], ceiling);
}
#endif

/* The fastest binned kernel this CPU runs (or LEAD_NIBBLES_KERNEL=avx2|scalar), and its name. */
static binned_filter_fn *
binned_kernel(const char **name)
{
	const char *wanted = getenv("LEAD_NIBBLES_KERNEL");

	if (wanted != NULL && strcmp(wanted, "scalar") == 0)
	{
		*name = "scalar";
		return binned_filter_scalar;
	}
#if defined(__x86_64__)
	if (wanted != NULL && strcmp(wanted, "avx2") == 0 && __builtin_cpu_supports("avx2"))
	{
		*name = "avx2";
		return binned_filter_avx2;
	}
	if (__builtin_cpu_supports("avx512bw"))
	{
		*name = "avx512bw";
		return binned_filter_avx512;
	}
	if (__builtin_cpu_supports("avx2"))
	{
		*name = "avx2";
		return binned_filter_avx2;
	}
#endif
	*name = "scalar";
	return binned_filter_scalar;
}

/* Faces kept by one filter's bits. */
static int
kept_count(const uint64_t kept[2])
{
	return __builtin_popcountll(kept[0]) + __builtin_popcountll(kept[1]);
}

int
main(int argc, char **argv)
{
	const pgface_embedding_statistics *stats =
	    pgface_embedding_statistics_lookup(pgface_model_default()->tag);
	static float gap_table[PGFACE_INDEX_AXES][256];
	static uint8_t bin_of[BINNED_AXES][256];
	static pgface_index_lead_filter byte_filter;
	const char *kernel_name;
	binned_filter_fn *kernel = binned_kernel(&kernel_name);
	float *gallery, *probe_values;
	size_t faces, probes, pages;
	pgface_index_point *points;
	binned_page *binned;
	byte_page *bytes;

	if (argc < 4)
	{
		fprintf(stderr, "usage: lead_nibbles GALLERY.txt PROBES.txt TAU...\n");
		return 2;
	}
	if (pgface_index_lead_filter_kernel() == NULL)
		fprintf(stderr, "lead_nibbles: no AVX-512 VBMI here: today's filter is timed as its "
		                "scalar definition\n");
	faces = read_embeddings("lead_nibbles", argv[1], stats->dims, &gallery);
	probes = read_embeddings("lead_nibbles", argv[2], stats->dims, &probe_values);
	pages = faces / PAGE_FACES;
	faces = pages * PAGE_FACES;
	points = malloc(faces * sizeof(*points));
	binned = aligned_alloc(64, pages * sizeof(binned_page));
	bytes = aligned_alloc(64, pages * sizeof(byte_page));
	if (points == NULL || binned == NULL || bytes == NULL || pages == 0)
	{
		fprintf(stderr, "lead_nibbles: no memory, or fewer than %d faces\n", PAGE_FACES);
		return 2;
	}
	for (size_t f = 0; f < faces; f++)
		pgface_index_encode_point(stats, gallery + f * stats->dims, &points[f]);
	cut_bins(points, faces, bin_of);
	for (size_t f = 0; f < faces; f++)
	{
		size_t p = f / PAGE_FACES;
		int i = f % PAGE_FACES;

		for (int j = 0; j < PLANES; j++)
			binned[p].plane[j][i] =
			    (uint8_t) (bin_of[2 * j][(uint8_t) points[f].code[2 * j]] |
			               bin_of[2 * j + 1][(uint8_t) points[f].code[2 * j + 1]] << 4);
		bytes[p].residual[i] = points[f].residual;
		for (int a = 0; a < PGFACE_INDEX_LEAD_AXES; a++)
			bytes[p].lead[a][i] = points[f].code[a];
	}
	printf("%zu faces (%zu pages of %d), %zu probes; binned kernel %s\n", faces, pages, PAGE_FACES,
	       probes, kernel_name);
	for (int t = 3; t < argc; t++)
	{
		float limit = pgface_index_float_at_least(pgface_index_stop_squared(atof(argv[t])));
		double binned_seconds = 0, byte_seconds = 0, binned_kept = 0, byte_kept = 0;
		double whole_binned = 0, whole_bytes = 0;
		long disagreements = 0;

		for (size_t q = 0; q < probes; q++)
		{
			pgface_index_probe probe;
			float bin_term[BINNED_AXES][BINS];
			uint8_t table[BINNED_AXES][BINS];
			double units = (SUM_CEILING + 1) / ((double) limit * (1.0 + SUM_MARGIN));
			double start;

			pgface_index_probe_prepare(stats, probe_values + q * stats->dims, &probe);
			pgface_index_probe_fill_gap_table(&probe, gap_table);
			pgface_index_lead_filter_prepare(&byte_filter, &probe, limit);
			for (int a = 0; a < BINNED_AXES; a++)
			{
				for (int b = 0; b < BINS; b++)
					bin_term[a][b] = INFINITY;
				for (int code = 0; code < 256; code++)
					bin_term[a][bin_of[a][code]] =
					    fminf(bin_term[a][bin_of[a][code]], gap_table[a][code]);
				for (int b = 0; b < BINS; b++)
					table[a][b] = term_byte(bin_term[a][b], units);
			}
			start = now_ms();
			for (size_t p = 0; p < pages; p++)
			{
				uint64_t kept[2];

				kernel(&binned[p], table, kept);
				binned_kept += kept_count(kept);
			}
			binned_seconds += (now_ms() - start) / 1e3;
			start = now_ms();
			for (size_t p = 0; p < pages; p++)
			{
				pgface_index_columns columns = {PAGE_FACES, PAGE_FACES, bytes[p].residual,
				                                &bytes[p].lead[0][0], NULL};
				uint64_t kept[2];

				(pgface_index_lead_filter_kernel() != NULL
				     ? pgface_index_lead_filter_kernel()
				     : pgface_index_lead_filter_scalar)(&columns, &byte_filter, kept);
				byte_kept += kept_count(kept);
			}
			byte_seconds += (now_ms() - start) / 1e3;
			for (size_t p = 0; p < pages && q < CHECK_PROBES; p++)
			{
				uint64_t fast[2], defined[2];

				kernel(&binned[p], table, fast);
				binned_filter_scalar(&binned[p], table, defined);
				disagreements += fast[0] != defined[0] || fast[1] != defined[1];
			}
			for (size_t f = 0; f < faces && q < CHECK_PROBES; f++)
			{
				float gap = pgface_index_residual_gap(probe.residual, points[f].residual);
				float with_bins = gap * gap, with_bytes = gap * gap;

				for (int a = 0; a < PGFACE_INDEX_AXES; a++)
				{
					uint8_t code = (uint8_t) points[f].code[a];

					with_bytes += gap_table[a][code];
					with_bins +=
					    a < BINNED_AXES ? bin_term[a][bin_of[a][code]] : gap_table[a][code];
				}
				whole_binned += with_bins <= limit;
				whole_bytes += with_bytes <= limit;
			}
		}
		printf("tau %s: 4-bit filter (%d axes, %d B a face) %.3f ms a probe, keeps %.3f faces a "
		       "page; byte filter (%d axes, %d B) %.3f ms, keeps %.3f; time ratio %.2f\n",
		       argv[t], BINNED_AXES, PLANES, binned_seconds / probes * 1e3,
		       binned_kept / probes / pages, PGFACE_INDEX_LEAD_AXES, PGFACE_INDEX_LEAD_AXES,
		       byte_seconds / probes * 1e3, byte_kept / probes / pages,
		       byte_seconds / binned_seconds);
		printf(
		    "  whole bound within tau (heap rechecks), first %d probes: %.1f faces a probe with "
		    "binned axes, %.1f with bytes; kernel against its definition: %ld pages differ\n",
		    CHECK_PROBES, whole_binned / (double) (probes < CHECK_PROBES ? probes : CHECK_PROBES),
		    whole_bytes / (double) (probes < CHECK_PROBES ? probes : CHECK_PROBES), disagreements);
	}
	return 0;
}
