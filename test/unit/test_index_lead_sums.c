/*
 * test_index_lead_sums.c: face_va's lead: its byte-table filter (which may
 * drop only faces past its limit) and its lead-sum kernels. The scalar and the AVX2
 * kernel must give the same sums to the bit, whatever the limit (a face's sum
 * stops at the same block in both), so that a scan's answers and order do not
 * depend on the CPU; both must agree with the gap table GiST's bounds read; and
 * the engine's one instruction-set choice (PGFACE_SIMD, pgface_simd_force) picks them.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/simd.h"
#include "face/embedding.h"
#include "face/model_registry.h"
#include "index/lead_filter.h"
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
			int found =
			    pgface_index_columns_within(&columns, &probe, INFINITY, NULL, survivors, bounds);

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

/*
 * A page of faces near the probe: each code the probe's own plus noise of
 * spread steps, so that many faces lie near any limit a test picks.
 */
static void
crowd_page(page_columns *page, int count, const pgface_index_probe *probe, int spread)
{
	for (int i = 0; i < count; i++)
		for (int a = 0; a < LEAD * PGFACE_INDEX_BLOCK; a++)
		{
			int noise = spread == 0 ? 0 : (int) (next_bits() % (2 * spread + 1)) - spread;
			int code = (int) lrintf(probe->units[a]) + noise;

			page->lead[a][i] = (int8_t) (code > 127 ? 127 : code < -128 ? -128 : code);
		}
}

/* Runs the scalar filter on columns with a filter made for the probe at limit. */
static void
scalar_filter(const pgface_index_columns *columns, const pgface_index_probe *probe, float limit,
              pgface_index_lead_filter *filter, uint64_t kept[2])
{
	pgface_index_lead_filter_prepare(filter, probe, limit);
	pgface_index_lead_filter_scalar(columns, filter, kept);
}

/*
 * The filter only drops faces past its limit: a face it drops has a float
 * lead sum (the one the scan would use) past the limit. Limits are every
 * face's own sum (a face exactly at the limit is kept), the float just below
 * and above it, and the median; on random pages and on pages crowded around
 * the probe, every length.
 */
static void
the_filter_drops_only_faces_past_its_limit(void)
{
	static const int counts[] = {1, 7, 63, 64, 65, 109, 110};
	static const int spreads[] = {-1, 0, 2, 8, 30};
	static page_columns page;
	static float table[PGFACE_INDEX_AXES][256];
	static pgface_index_lead_filter filter;
	long wrongly_dropped = 0, dropped = 0, beyond = 0;

	for (int round = 0; round < 6; round++)
		for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++)
			for (size_t s = 0; s < sizeof(spreads) / sizeof(spreads[0]); s++)
			{
				pgface_index_probe probe;
				pgface_index_columns columns = random_page(counts[c], &page, &probe, table);
				float full[FACES];

				if (spreads[s] >= 0)
					crowd_page(&page, counts[c], &probe, spreads[s]);
				/* The filter leaves the residual to the float path: here it adds nothing. */
				for (int f = 0; f < counts[c]; f++)
					page.residual[f] = probe.residual;
				pgface_index_lead_sums_scalar(&columns, &probe, INFINITY, full);
				for (int j = 0; j < counts[c]; j++)
				{
					float limits[3] = {full[j], nextafterf(full[j], 0.0f),
					                   nextafterf(full[j], INFINITY)};

					for (int l = 0; l < 3; l++)
					{
						uint64_t kept[2];

						if (!(isfinite(limits[l]) && limits[l] > 0.0f))
							continue;
						scalar_filter(&columns, &probe, limits[l], &filter, kept);
						for (int f = 0; f < counts[c]; f++)
						{
							bool keeps = (kept[f / 64] >> (f % 64)) & 1;

							beyond += full[f] > limits[l];
							dropped += !keeps;
							wrongly_dropped += !keeps && full[f] <= limits[l];
						}
						CHECK(kept[1] >> (counts[c] > 64 ? counts[c] - 64 : 0) == 0 ||
						      counts[c] == 128);
					}
				}
			}
	CHECK(wrongly_dropped == 0);
	/* And it drops most faces it may: a filter that keeps all is no filter. */
	fprintf(stderr, "# dropped %ld of %ld beyond\n", dropped, beyond);
	CHECK(dropped > beyond / 2);
}

/* The VBMI kernel gives the scalar kernel's bits, on every length, the 128 of a whole set too. */
static void
filter_kernels_give_identical_bits(void)
{
#if defined(__x86_64__)
	static const int counts[] = {0, 1, 8, 63, 64, 65, 100, 109, 110};
	static page_columns page;
	static float table[PGFACE_INDEX_AXES][256];
	static pgface_index_lead_filter filter;
	static int8_t wide_lead[PGFACE_INDEX_LEAD_AXES][PGFACE_INDEX_COLUMNS_MAX];
	int differing = 0;

	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx512bw") || !__builtin_cpu_supports("avx512vbmi"))
		return; /* nothing to compare on this CPU; the dispatch test still runs */
	for (int round = 0; round < 30; round++)
		for (size_t c = 0; c <= sizeof(counts) / sizeof(counts[0]); c++)
		{
			pgface_index_probe probe;
			pgface_index_columns columns = random_page(FACES, &page, &probe, table);
			float full[FACES];
			uint64_t scalar[2], vector[2];

			crowd_page(&page, FACES, &probe, round % 12);
			pgface_index_lead_sums_scalar(&columns, &probe, INFINITY, full);
			if (c == sizeof(counts) / sizeof(counts[0]))
			{
				/* A set of 128 faces, both halves full: the page's codes twice over, shifted. */
				for (int a = 0; a < PGFACE_INDEX_LEAD_AXES; a++)
					for (int f = 0; f < PGFACE_INDEX_COLUMNS_MAX; f++)
						wide_lead[a][f] = page.lead[a][(f * 7) % FACES];
				columns.lead = &wide_lead[0][0];
				columns.stride = columns.count = PGFACE_INDEX_COLUMNS_MAX;
			}
			else
				columns.count = counts[c];
			scalar_filter(&columns, &probe, full[round % FACES], &filter, scalar);
			pgface_index_lead_filter_vbmi(&columns, &filter, vector);
			differing += scalar[0] != vector[0] || scalar[1] != vector[1];
		}
	CHECK(differing == 0);
#endif
}

/* Through columns_within: the same survivors and bounds, to the bit, with a filter or without. */
static void
a_filter_changes_no_result(void)
{
	static page_columns page;
	static float table[PGFACE_INDEX_AXES][256];
	static pgface_index_lead_filter filter;
	int differing = 0;

	for (int round = 0; round < 200; round++)
	{
		pgface_index_probe probe;
		pgface_index_columns columns = random_page(FACES - round % 50, &page, &probe, table);
		float full[FACES];
		int plain_survivors[FACES], filtered_survivors[FACES];
		float plain_bounds[FACES], filtered_bounds[FACES];
		float limit, made_for;
		int plain, filtered;

		crowd_page(&page, columns.count, &probe, round % 16);
		pgface_index_lead_sums_scalar(&columns, &probe, INFINITY, full);
		limit = full[round % columns.count];
		made_for = round % 3 == 0 ? limit : limit * (1.0f + (float) (round % 7) / 20.0f);
		pgface_index_lead_filter_prepare(&filter, &probe, made_for);
		plain = pgface_index_columns_within(&columns, &probe, limit, NULL, plain_survivors,
		                                    plain_bounds);
		filtered = pgface_index_columns_within(&columns, &probe, limit, &filter, filtered_survivors,
		                                       filtered_bounds);
		differing += plain != filtered ||
		             memcmp(plain_survivors, filtered_survivors, sizeof(int) * plain) != 0 ||
		             memcmp(plain_bounds, filtered_bounds, sizeof(float) * plain) != 0;
	}
	CHECK(differing == 0);
}

/* A filter serves limits at or a little under its own; no limit, or none to speak of, none. */
static void
a_filter_fits_the_limits_it_was_made_for(void)
{
	static page_columns page;
	static float table[PGFACE_INDEX_AXES][256];
	static pgface_index_lead_filter filter;
	pgface_index_probe probe;
	bool has_kernel = pgface_index_lead_filter_kernel() != NULL;

	random_page(FACES, &page, &probe, table);
	pgface_index_lead_filter_prepare(&filter, &probe, 1.0f);
	CHECK(filter.active == has_kernel);
	CHECK(pgface_index_lead_filter_fits(&filter, 1.0f) == has_kernel);
	CHECK(pgface_index_lead_filter_fits(&filter, 0.96f) == has_kernel);
	CHECK(!pgface_index_lead_filter_fits(&filter, 1.01f));
	CHECK(!pgface_index_lead_filter_fits(&filter, 0.9f));
	pgface_index_lead_filter_prepare(&filter, &probe, INFINITY);
	CHECK(!filter.active && !pgface_index_lead_filter_fits(&filter, INFINITY));
	pgface_index_lead_filter_prepare(&filter, &probe, 0.0f);
	CHECK(!filter.active);
	pgface_index_lead_filter_prepare(&filter, &probe, NAN);
	CHECK(!filter.active);
}

/* The filter runs with AVX-512 where the CPU permutes bytes, and nowhere else. */
static void
the_filter_follows_the_engine_choice(void)
{
	CHECK(pgface_simd_force("avx2") || !pgface_simd_force("sse2"));
	CHECK(pgface_index_lead_filter_kernel() == NULL);
#if defined(__x86_64__)
	if (pgface_simd_force("avx512"))
	{
		__builtin_cpu_init();
		CHECK((pgface_index_lead_filter_kernel() == pgface_index_lead_filter_vbmi) ==
		      (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi")));
	}
#endif
	CHECK(pgface_simd_force(NULL));
}

const unit_test index_lead_sums_tests[] = {
    {"lead filter: drops only faces past its limit (each face's own sum as the limit)",
     the_filter_drops_only_faces_past_its_limit},
    {"lead filter: the VBMI kernel gives the scalar kernel's bits",
     filter_kernels_give_identical_bits},
    {"lead filter: columns_within gives the same survivors and bounds with it or without",
     a_filter_changes_no_result},
    {"lead filter: fits its own limit and a little under, not above or far under",
     a_filter_fits_the_limits_it_was_made_for},
    {"lead filter: runs with AVX-512 VBMI only (pgface_simd_force)",
     the_filter_follows_the_engine_choice},

    {"lead sums: scalar and AVX2 give identical sums at every limit",
     scalar_and_avx2_give_identical_sums},
    {"lead sums and the gap table give a face the same bound on every kernel",
     kernels_agree_with_the_gap_table},
    {"lead sums follow the engine's instruction set (pgface_simd_force)",
     the_engine_choice_picks_the_kernel},
    {NULL, NULL}};
