/*
 * test_index_columns.c: face_va's columns: the 4-bit bins of the lead axes
 * (every code in its bin, every bin's term at most its codes'), the byte-table
 * filter (which may drop only faces past its limit, with the same bits on
 * every kernel), and the bounds the columns give (never above the point
 * code's, and the same with a filter or without), so that a scan's answers and
 * order do not depend on the CPU; and the engine's one instruction-set choice
 * (PGFACE_SIMD, pgface_simd_force) picks the kernel.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/simd.h"
#include "face/embedding.h"
#include "face/model_registry.h"
#include "index/columns.h"
#include "index/lead_codes.h"
#include "index/lead_filter.h"
#include "index/point_bound.h"
#include "unit.h"

#define FACES PGFACE_INDEX_COLUMNS_MAX /* a face_va page's */

/* Faces laid out as a face_va page lays them out. */
typedef struct page_columns
{
	float residual[FACES];
	uint8_t planes[PGFACE_INDEX_PLANES][FACES];
	int8_t rest[FACES][PGFACE_INDEX_BYTE_AXES];
	pgface_index_point point[FACES]; /* what each face was encoded from */
} page_columns;

static uint32_t columns_rng = 2463534242u;

/* xorshift32: a fixed stream. */
static uint32_t
next_bits(void)
{
	columns_rng ^= columns_rng << 13;
	columns_rng ^= columns_rng >> 17;
	columns_rng ^= columns_rng << 5;
	return columns_rng;
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

/* Face i of the page from a point code, as face_va_page.c writes it. */
static void
set_face(page_columns *page, int i, const pgface_index_point *point)
{
	uint8_t planes[PGFACE_INDEX_PLANES];

	page->point[i] = *point;
	page->residual[i] = point->residual;
	pgface_index_encode_planes(point, planes);
	for (int j = 0; j < PGFACE_INDEX_PLANES; j++)
		page->planes[j][i] = planes[j];
	memcpy(page->rest[i], point->code + PGFACE_INDEX_BINNED_AXES, PGFACE_INDEX_BYTE_AXES);
}

/* The view of count faces of the page. */
static pgface_index_columns
view(page_columns *page, int count)
{
	pgface_index_columns columns = {count, FACES, page->residual, &page->planes[0][0],
	                                &page->rest[0][0]};

	return columns;
}

/*
 * A random page of count faces (codes over the whole int8 range, -128 too, as
 * a damaged page might hold) and a probe near or far, with its gap table.
 */
static pgface_index_columns
random_page(int count, page_columns *page, pgface_index_probe *probe, float (*table)[256])
{
	const pgface_embedding_statistics *stats =
	    pgface_embedding_statistics_lookup(PGFACE_MODEL_DEFAULT);
	float units[PGFACE_INDEX_AXES];

	memset(page, 0, sizeof(*page));
	for (int i = 0; i < count; i++)
	{
		pgface_index_point point;

		point.residual = some_residual();
		for (int a = 0; a < PGFACE_INDEX_AXES; a++)
			point.code[a] = (int8_t) (next_bits() & 0xff);
		set_face(page, i, &point);
	}
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
		units[a] = (float) ((int) (next_bits() % 25401) - 12700) / 100.0f;
	pgface_index_probe_at(stats, units, some_residual(), probe);
	pgface_index_probe_fill_gap_table(probe, table);
	return view(page, count);
}

/*
 * The faces crowded around the probe: each code the probe's own plus noise of
 * spread steps, so that many faces lie near any limit a test picks. With
 * exact_rest, the residual and the byte axes add nothing to a bound, which is
 * then the binned axes' alone, the sum the filter weighs.
 */
static void
crowd_page(page_columns *page, int count, const pgface_index_probe *probe, int spread,
           bool exact_rest)
{
	for (int i = 0; i < count; i++)
	{
		pgface_index_point point = page->point[i];

		for (int a = 0; a < PGFACE_INDEX_AXES; a++)
		{
			int noise = spread == 0 ? 0 : (int) (next_bits() % (2 * spread + 1)) - spread;
			int code = (int) lrintf(probe->units[a]) +
			           (a >= PGFACE_INDEX_BINNED_AXES && exact_rest ? 0 : noise);

			point.code[a] = (int8_t) (code > 127 ? 127 : code < -128 ? -128 : code);
		}
		if (exact_rest)
			point.residual = probe->residual;
		set_face(page, i, &point);
	}
}

/* Every face's full bound. */
static void
full_bounds(const pgface_index_columns *columns, const pgface_index_probe *probe, float *full)
{
	for (int f = 0; f < columns->count; f++)
		full[f] = pgface_index_columns_bound_of(columns, probe, INFINITY, f);
}

/* Every code lies in its bin, the bins run in order and cover the codes, two axes a byte. */
static void
bins_cover_every_code_in_order(void)
{
	pgface_index_point point = {0.0f, {0}};
	uint8_t planes[PGFACE_INDEX_PLANES];
	int previous = 0;

	for (int code = INT8_MIN; code <= INT8_MAX; code++)
	{
		int bin = pgface_index_bin_of((int8_t) code);

		CHECK(bin >= 0 && bin < PGFACE_INDEX_BINS);
		CHECK(pgface_index_bin_first(bin) <= code && code <= pgface_index_bin_last(bin));
		CHECK(bin == previous || bin == previous + 1);
		previous = bin;
	}
	CHECK(pgface_index_bin_of(INT8_MIN) == 0 && pgface_index_bin_of(INT8_MAX) == 15);
	/* The middle bins are a few codes wide, the end ones take the tails. */
	CHECK(pgface_index_bin_of(-1) == 7 && pgface_index_bin_of(0) == 8);
	point.code[0] = INT8_MIN;
	point.code[1] = INT8_MAX;
	point.code[2] = 0;
	point.code[3] = -1;
	pgface_index_encode_planes(&point, planes);
	CHECK(planes[0] == (0 | 15 << 4));
	CHECK(planes[1] == (8 | 7 << 4));
}

/*
 * A bin's term is at most the term of every code in it, so the columns' bound
 * of a face is at most its point code's bound from the gap table (the same
 * sums in the same order, each term no larger).
 */
static void
bounds_are_at_most_the_point_codes(void)
{
	static page_columns page;
	static float table[PGFACE_INDEX_AXES][256];
	int above = 0, terms_above = 0;

	for (int round = 0; round < 40; round++)
	{
		pgface_index_probe probe;
		pgface_index_columns columns = random_page(FACES, &page, &probe, table);

		if (round % 2 == 1)
			crowd_page(&page, FACES, &probe, round % 9, false);
		for (int a = 0; a < PGFACE_INDEX_BINNED_AXES; a++)
			for (int code = INT8_MIN; code <= INT8_MAX; code++)
				terms_above += probe.bin_terms[a][pgface_index_bin_of((int8_t) code)] >
				               table[a][(uint8_t) code];
		for (int f = 0; f < FACES; f++)
			above += pgface_index_columns_bound_of(&columns, &probe, INFINITY, f) >
			         pgface_index_point_bound_squared(&page.point[f], &probe);
	}
	CHECK(terms_above == 0);
	CHECK(above == 0);
}

/* Runs the scalar filter on columns with a filter made for the probe at limit. */
static void
scalar_filter(const pgface_index_columns *columns, const pgface_index_probe *probe, float limit,
              pgface_index_lead_filter *filter, uint64_t kept[2], uint8_t sums[FACES])
{
	pgface_index_lead_filter_prepare(filter, probe, limit);
	pgface_index_lead_filter_scalar(columns, filter, kept, sums);
}

/*
 * The filter only drops faces past its limit: a face it drops has a float
 * bound (the one the scan would use) past the limit. Limits are every face's
 * own bound (a face exactly at the limit is kept), the float just below and
 * above it; on random pages and on pages crowded around the probe, whose
 * residuals and byte axes add nothing, every length. On those, the floor of a
 * kept face's byte sum is at most its bound, the sum of its binned terms.
 */
static void
the_filter_drops_only_faces_past_its_limit(void)
{
	static const int counts[] = {1, 7, 63, 64, 65, 110, 127, 128};
	static const int spreads[] = {-1, 0, 2, 8, 30};
	static page_columns page;
	static float table[PGFACE_INDEX_AXES][256];
	static pgface_index_lead_filter filter;
	long wrongly_dropped = 0, dropped = 0, beyond = 0, stray_bits = 0, floors_above = 0;

	for (int round = 0; round < 4; round++)
		for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++)
			for (size_t s = 0; s < sizeof(spreads) / sizeof(spreads[0]); s++)
			{
				pgface_index_probe probe;
				pgface_index_columns columns = random_page(counts[c], &page, &probe, table);
				float full[FACES];

				if (spreads[s] >= 0)
					crowd_page(&page, counts[c], &probe, spreads[s], true);
				full_bounds(&columns, &probe, full);
				for (int j = 0; j < counts[c]; j += 3)
				{
					float limits[3] = {full[j], nextafterf(full[j], 0.0f),
					                   nextafterf(full[j], INFINITY)};

					for (int l = 0; l < 3; l++)
					{
						uint64_t kept[2];
						uint8_t sums[FACES];

						if (!(isfinite(limits[l]) && limits[l] > 0.0f))
							continue;
						scalar_filter(&columns, &probe, limits[l], &filter, kept, sums);
						for (int f = 0; f < counts[c]; f++)
						{
							bool keeps = (kept[f / 64] >> (f % 64)) & 1;

							beyond += full[f] > limits[l];
							dropped += !keeps;
							wrongly_dropped += !keeps && full[f] <= limits[l];
							floors_above +=
							    keeps && spreads[s] >= 0 &&
							    pgface_index_lead_filter_floor(&filter, sums[f]) > full[f];
						}
						stray_bits +=
						    counts[c] < 128 && kept[counts[c] / 64] >> (counts[c] % 64) != 0;
					}
				}
			}
	CHECK(wrongly_dropped == 0);
	CHECK(stray_bits == 0);
	CHECK(floors_above == 0);
	/* And it drops most faces it may: a filter that keeps all is no filter. */
	CHECK(dropped > beyond / 2);
}

/* The AVX2 and AVX-512 kernels give the scalar kernel's bits and sums, on every length up to 128.
 */
static void
filter_kernels_give_identical_bits(void)
{
#if defined(__x86_64__)
	static const int counts[] = {0, 1, 8, 31, 32, 33, 63, 64, 65, 96, 100, 110, 127, 128};
	static page_columns page;
	static float table[PGFACE_INDEX_AXES][256];
	static pgface_index_lead_filter filter;
	bool has_avx2, has_avx512;
	int compared = 0, differing = 0;

	__builtin_cpu_init();
	has_avx2 = __builtin_cpu_supports("avx2");
	has_avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
	for (int round = 0; round < 30; round++)
		for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++)
		{
			pgface_index_probe probe;
			pgface_index_columns columns = random_page(FACES, &page, &probe, table);
			float full[FACES];
			uint64_t scalar[2], vector[2];
			uint8_t scalar_sums[FACES], vector_sums[FACES];

			crowd_page(&page, FACES, &probe, round % 12, round % 2 == 0);
			full_bounds(&columns, &probe, full);
			columns.count = counts[c];
			scalar_filter(&columns, &probe, full[(round * 37) % FACES], &filter, scalar,
			              scalar_sums);
			for (int k = 0; k < 2; k++)
			{
				if (!(k == 0 ? has_avx2 : has_avx512))
					continue;
				for (int packed = 0; packed < 2; packed++)
				{
					/*
					 * Packed: planes of exactly count bytes each, in memory of
					 * their own size, so that ASan sees a plain load past them
					 * (it does not check masked loads: for those, the bits and
					 * sums compared here are the check).
					 */
					pgface_index_columns narrow = columns;
					uint8_t *planes = NULL;

					if (packed)
					{
						planes = malloc(
						    counts[c] > 0 ? (size_t) PGFACE_INDEX_PLANES * (size_t) counts[c] : 1);
						for (int j = 0; j < PGFACE_INDEX_PLANES; j++)
							memcpy(planes + (size_t) j * (size_t) counts[c], page.planes[j],
							       (size_t) counts[c]);
						narrow.planes = planes;
						narrow.stride = counts[c];
					}
					memset(vector, 0x5a, sizeof(vector));
					(k == 0 ? pgface_index_lead_filter_avx2 : pgface_index_lead_filter_avx512)(
					    &narrow, &filter, vector, vector_sums);
					differing += scalar[0] != vector[0] || scalar[1] != vector[1] ||
					             memcmp(scalar_sums, vector_sums, (size_t) counts[c]) != 0;
					compared++;
					free(planes);
				}
			}
		}
	CHECK(differing == 0);
	CHECK(compared > 0 || !has_avx2);
#endif
}

/*
 * Through columns_within: the same survivors and bounds, to the bit, with a
 * filter or without, and in two steps (keep at the filter's limit, finish at
 * a lower one, as an ordered scan's deferred page is).
 */
static void
a_filter_changes_no_result(void)
{
	static page_columns page;
	static float table[PGFACE_INDEX_AXES][256];
	static pgface_index_lead_filter filter;
	static pgface_index_kept kept;
	int differing = 0, found = 0;

	for (int round = 0; round < 200; round++)
	{
		pgface_index_probe probe;
		pgface_index_columns columns = random_page(FACES - round % 50, &page, &probe, table);
		float full[FACES];
		int plain_survivors[FACES], filtered_survivors[FACES];
		float plain_bounds[FACES], filtered_bounds[FACES];
		float limit, made_for;
		int plain, filtered;

		crowd_page(&page, columns.count, &probe, round % 16, round % 3 == 1);
		full_bounds(&columns, &probe, full);
		limit = full[round % columns.count];
		made_for = round % 3 == 0 ? limit : limit * (1.0f + (float) (round % 7) / 20.0f);
		pgface_index_lead_filter_prepare(&filter, &probe, made_for);
		plain = pgface_index_columns_within(&columns, &probe, limit, NULL, plain_survivors,
		                                    plain_bounds);
		filtered = pgface_index_columns_within(&columns, &probe, limit, &filter, filtered_survivors,
		                                       filtered_bounds);
		found += plain;
		differing += plain != filtered ||
		             memcmp(plain_survivors, filtered_survivors, sizeof(int) * plain) != 0 ||
		             memcmp(plain_bounds, filtered_bounds, sizeof(float) * plain) != 0;
		/* In two steps, kept at the filter's own limit and bounded at the lower one. */
		pgface_index_columns_keep(&columns, made_for, &filter, &kept);
		filtered = pgface_index_columns_finish(&columns, &probe, limit, &kept, filtered_survivors,
		                                       filtered_bounds);
		differing += plain != filtered ||
		             memcmp(plain_survivors, filtered_survivors, sizeof(int) * plain) != 0 ||
		             memcmp(plain_bounds, filtered_bounds, sizeof(float) * plain) != 0;
	}
	CHECK(differing == 0);
	CHECK(found >= 200); /* each limit is a face's own bound, so that face at least survives */
}

/* A filter serves limits at or a little under its own; no limit, or none to speak of, none. */
static void
a_filter_fits_the_limits_it_was_made_for(void)
{
	static page_columns page;
	static float table[PGFACE_INDEX_AXES][256];
	static pgface_index_lead_filter filter;
	pgface_index_probe probe;

	random_page(FACES, &page, &probe, table);
	pgface_index_lead_filter_prepare(&filter, &probe, 1.0f);
	CHECK(filter.active);
	CHECK(pgface_index_lead_filter_fits(&filter, 1.0f));
	CHECK(pgface_index_lead_filter_fits(&filter, 0.96f));
	CHECK(!pgface_index_lead_filter_fits(&filter, 1.01f));
	CHECK(!pgface_index_lead_filter_fits(&filter, 0.9f));
	pgface_index_lead_filter_prepare(&filter, &probe, INFINITY);
	CHECK(!filter.active && !pgface_index_lead_filter_fits(&filter, INFINITY));
	pgface_index_lead_filter_prepare(&filter, &probe, 0.0f);
	CHECK(!filter.active);
	pgface_index_lead_filter_prepare(&filter, &probe, NAN);
	CHECK(!filter.active);
}

/* SSE2 and OpenBLAS get the scalar filter, AVX2 AVX2's, AVX-512 the AVX-512BW one where it runs. */
static void
the_filter_follows_the_engine_choice(void)
{
	CHECK(pgface_simd_force("sse2"));
	CHECK(pgface_index_lead_filter_kernel() == pgface_index_lead_filter_scalar);
	CHECK(strcmp(pgface_index_lead_filter_kernel_name(), "scalar") == 0);
	CHECK(pgface_simd_force("openblas"));
	CHECK(pgface_index_lead_filter_kernel() == pgface_index_lead_filter_scalar);
#if defined(__x86_64__)
	if (pgface_simd_force("avx2"))
	{
		CHECK(pgface_index_lead_filter_kernel() == pgface_index_lead_filter_avx2);
		CHECK(strcmp(pgface_index_lead_filter_kernel_name(), "avx2") == 0);
	}
	if (pgface_simd_force("avx512"))
	{
		__builtin_cpu_init();
		CHECK((pgface_index_lead_filter_kernel() == pgface_index_lead_filter_avx512) ==
		      (bool) __builtin_cpu_supports("avx512bw"));
	}
#endif
	CHECK(!pgface_simd_force("no such set"));
	CHECK(pgface_simd_force(NULL));
}

const unit_test index_columns_tests[] = {
    {"lead bins: every code in its bin, in order, two axes a byte", bins_cover_every_code_in_order},
    {"columns: a bin's term and a face's bound at most the point code's",
     bounds_are_at_most_the_point_codes},
    {"lead filter: drops only faces past its limit, and its sums' floors bound the terms",
     the_filter_drops_only_faces_past_its_limit},
    {"lead filter: the AVX2 and AVX-512 kernels give the scalar kernel's bits and sums",
     filter_kernels_give_identical_bits},
    {"lead filter: the same survivors and bounds with it or without, in one step or two",
     a_filter_changes_no_result},
    {"lead filter: fits its own limit and a little under, not above or far under",
     a_filter_fits_the_limits_it_was_made_for},
    {"lead filter: the engine's choice picks the kernel (pgface_simd_force)",
     the_filter_follows_the_engine_choice},
    {NULL, NULL},
};
