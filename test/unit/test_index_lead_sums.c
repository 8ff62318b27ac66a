/*
 * test_index_lead_sums.c: face_va's lead-sum kernels. The scalar and the AVX2
 * kernel must give the same sums to the bit, whatever the limit (a face's sum
 * stops at the same block in both), so that a scan's answers and order do not
 * depend on the CPU; both must agree with the gap table GiST's bounds read; and
 * the engine's one instruction-set choice (PGFACE_SIMD, pgface_simd_force) picks them.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/simd.h"
#include "face/embedding.h"
#include "face/model_registry.h"
#include "index/lead_sums.h"
#include "index/point_bound.h"
#include "unit.h"

#define FACES 110 /* a face_va page's */
#define LEAD  PGFACE_INDEX_LEAD_BLOCKS

/* Faces laid out as a face_va page lays them out. */
typedef struct page_columns
{
	float residual[FACES];
	int8_t lead[LEAD * PGFACE_INDEX_BLOCK][FACES];
	int8_t rest[PGFACE_INDEX_BLOCKS - LEAD][FACES][PGFACE_INDEX_BLOCK];
} page_columns;

static uint32_t lead_rng = 2463534242u;

/* xorshift32: a fixed stream. */
static uint32_t
next_bits(void)
{
	lead_rng ^= lead_rng << 13;
	lead_rng ^= lead_rng >> 17;
	lead_rng ^= lead_rng << 5;
	return lead_rng;
}

/* A residual length as stored: mostly ordinary, sometimes 0, denormal, huge or FLT_MAX. */
static float
some_residual(void)
{
	static const float odd[] = {0.0f, FLT_TRUE_MIN, 1e-30f, 1e19f, 3e38f, FLT_MAX};
	uint32_t pick = next_bits() % 16;

	if (pick < sizeof(odd) / sizeof(odd[0]))
		return odd[pick];
	return (float) (next_bits() % 100000) / 100000.0f;
}

/*
 * A random page of count faces (codes over the whole int8 range, -128 too, as
 * a damaged page might hold) and a probe near or far, with its gap table.
 */
static pgface_index_columns
random_page(int count, page_columns *page, pgface_index_probe *probe, float (*table)[256])
{
	pgface_index_columns columns = {count, FACES, page->residual, &page->lead[0][0],
	                                &page->rest[0][0][0]};
	const pgface_embedding_statistics *stats =
	    pgface_embedding_statistics_lookup(PGFACE_MODEL_DEFAULT);
	float units[PGFACE_INDEX_AXES];

	memset(page, 0, sizeof(*page));
	for (int i = 0; i < count; i++)
	{
		page->residual[i] = some_residual();
		for (int a = 0; a < LEAD * PGFACE_INDEX_BLOCK; a++)
			page->lead[a][i] = (int8_t) (next_bits() & 0xff);
		for (int b = 0; b < PGFACE_INDEX_BLOCKS - LEAD; b++)
			for (int a = 0; a < PGFACE_INDEX_BLOCK; a++)
				page->rest[b][i][a] = (int8_t) (next_bits() & 0xff);
	}
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
		units[a] = (float) ((int) (next_bits() % 25401) - 12700) / 100.0f;
	pgface_index_probe_at(stats, units, some_residual(), probe);
	pgface_index_probe_fill_gap_table(probe, table);
	return columns;
}

/* Face i of the page, as one point, for the table path. */
static void
page_point(const page_columns *page, int i, pgface_index_point *point)
{
	point->residual = page->residual[i];
	for (int a = 0; a < LEAD * PGFACE_INDEX_BLOCK; a++)
		point->code[a] = page->lead[a][i];
	for (int b = 0; b < PGFACE_INDEX_BLOCKS - LEAD; b++)
		memcpy(point->code + (LEAD + b) * PGFACE_INDEX_BLOCK, page->rest[b][i], PGFACE_INDEX_BLOCK);
}

/* The limits a scan passes: none, FLT_MAX, the median of the full sums, 0, and below all. */
static int
limits_for(const float *full, int count, float *limits)
{
	float sorted[FACES];

	memcpy(sorted, full, sizeof(float) * count);
	for (int i = 1; i < count; i++)
		for (int j = i; j > 0 && sorted[j - 1] > sorted[j]; j--)
		{
			float t = sorted[j];

			sorted[j] = sorted[j - 1];
			sorted[j - 1] = t;
		}
	limits[0] = INFINITY;
	limits[1] = FLT_MAX;
	limits[2] = count > 0 ? sorted[count / 2] : 1.0f;
	limits[3] = count > 0 ? sorted[count / 8] : 0.5f;
	limits[4] = 0.0f;
	limits[5] = -1.0f;
	return 6;
}

/* On pages of every length (whole groups of eight, and tails), at every limit: the same bits. */
static void
scalar_and_avx2_give_identical_sums(void)
{
#if defined(__x86_64__)
	static const int counts[] = {0, 1, 7, 8, 9, 15, 16, 63, 64, 109, 110};
	static page_columns page;
	static float table[PGFACE_INDEX_AXES][256];
	int differing = 0;

	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx2"))
		return; /* nothing to compare on this CPU; the dispatch test still runs */
	for (int round = 0; round < 40; round++)
		for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++)
		{
			pgface_index_probe probe;
			pgface_index_columns columns = random_page(counts[c], &page, &probe, table);
			float full[FACES];
			float limits[6];
			int limit_count;

			pgface_index_lead_sums_scalar(&columns, &probe, INFINITY, full);
			limit_count = limits_for(full, counts[c], limits);
			for (int l = 0; l < limit_count; l++)
			{
				float scalar[FACES];
				float vector[FACES];

				memset(scalar, 0xa5, sizeof(scalar));
				memset(vector, 0x5a, sizeof(vector));
				pgface_index_lead_sums_scalar(&columns, &probe, limits[l], scalar);
				pgface_index_lead_sums_avx2(&columns, &probe, limits[l], vector);
				differing += memcmp(scalar, vector, sizeof(float) * counts[c]) != 0;
			}
		}
	CHECK(differing == 0);
#endif
}

/*
 * With no limit, every face's lead sum plus its other blocks from the table is
 * its bound from the table alone: face_va's vector arithmetic and GiST's
 * lookups give a face the same bound, on every kernel.
 */
static void
kernels_agree_with_the_gap_table(void)
{
	static const char *const sets[] = {"sse2", "avx2"};
	static page_columns page;
	static float table[PGFACE_INDEX_AXES][256];
	int differing = 0;

	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++)
	{
		if (!pgface_simd_force(sets[s]))
			continue;
		for (int round = 0; round < 20; round++)
		{
			pgface_index_probe probe;
			pgface_index_columns columns = random_page(FACES - round, &page, &probe, table);
			int survivors[FACES];
			float bounds[FACES];
			int found = pgface_index_columns_within(&columns, &probe, INFINITY, survivors, bounds);

			differing += found != columns.count;
			for (int k = 0; k < found; k++)
			{
				pgface_index_point point;
				float from_table;

				page_point(&page, survivors[k], &point);
				from_table = pgface_index_point_bound_squared(&point, &probe);
				from_table = from_table < FLT_MAX ? from_table : FLT_MAX;
				differing += memcmp(&from_table, &bounds[k], sizeof(float)) != 0;
			}
		}
	}
	pgface_simd_force(NULL);
	CHECK(differing == 0);
}

/* The engine's choice picks the kernel: SSE2 and OpenBLAS the scalar one, AVX2 and AVX-512 AVX2's.
 */
static void
the_engine_choice_picks_the_kernel(void)
{
	CHECK(pgface_simd_force("sse2"));
	CHECK(pgface_index_lead_kernel() == pgface_index_lead_sums_scalar);
	CHECK(strcmp(pgface_simd_name(), "sse2") == 0);
	CHECK(pgface_simd_force("openblas"));
	CHECK(pgface_index_lead_kernel() == pgface_index_lead_sums_scalar);
#if defined(__x86_64__)
	if (pgface_simd_force("avx2"))
		CHECK(pgface_index_lead_kernel() == pgface_index_lead_sums_avx2);
	if (pgface_simd_force("avx512"))
		CHECK(pgface_index_lead_kernel() == pgface_index_lead_sums_avx2);
#endif
	CHECK(!pgface_simd_force("no such set"));
	CHECK(pgface_simd_force(NULL));
}

const unit_test index_lead_sums_tests[] = {
    {"lead sums: scalar and AVX2 give identical sums at every limit",
     scalar_and_avx2_give_identical_sums},
    {"lead sums and the gap table give a face the same bound on every kernel",
     kernels_agree_with_the_gap_table},
    {"lead sums follow the engine's instruction set (pgface_simd_force)",
     the_engine_choice_picks_the_kernel},
    {NULL, NULL}};
