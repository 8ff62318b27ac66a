/*
 * lead_filter.c: the byte-table filter of a page's faces (see lead_filter.h):
 * its tables, a scalar kernel that defines its result, and the AVX-512 VBMI
 * kernel that gives the same bits 64 faces at a time.
 */
#include "index/lead_filter.h"

#include <math.h>
#include <string.h>

#include "common/simd.h"

/* The byte sum past which a face is dropped: every face at 255 (saturated) or more. */
#define FILTER_CEILING 254

/*
 * How much wider than its limit the filter's float arithmetic is taken to be:
 * a float sum of 25 non-negative terms is at least (1 - 25 * 2^-24) times the
 * real one, so with this margin a face the filter drops has a float bound
 * past limit too.
 */
#define FILTER_MARGIN 1e-5

/*
 * A filter is remade once the limit has come down this far (squared: 2.5% in
 * distance). An ordered scan's first pass lowers its limit a few percent at a
 * time as it meets nearer faces; a filter made for the limit a quarter higher
 * that 0.75 allowed kept faces the float path then dropped: 1M faces, top-1
 * 5.9 to 6.5 ms, with 0.95 5.0 to 5.5 (0.98 and 0.99 the same; remaking, 24
 * tables of 256 bytes, costs microseconds). doc/benchmarks.md, "Why top-1".
 */
#define FILTER_REMAKE_BELOW 0.95f

/*
 * One entry: the term in units of limit (1 + margin) / 255, rounded down, and
 * then down once more past any double rounding; 255 for anything larger. A
 * term that is not a number gets 0, which keeps the face for the float path.
 */
static uint8_t
term_byte(float term, double units_per_term)
{
	double scaled = (double) term * units_per_term * (1.0 - 1e-12);

	if (!(scaled >= 0.0))
		return 0;
	if (scaled >= 255.0)
		return 255;
	return (uint8_t) floor(scaled);
}

/* From the probe's gap table, whose entries the float path sums: the bytes bound those. */
void
pgface_index_lead_filter_prepare(pgface_index_lead_filter *filter, const pgface_index_probe *probe,
                                 float limit)
{
	bool made = probe->gap_table != NULL && isfinite(limit) && limit > 0.0f;
	double units_per_term;

	/* Made even where no kernel runs it, so that the scalar kernel can be tested anywhere. */
	filter->active = made && pgface_index_lead_filter_kernel() != NULL;
	filter->limit = limit;
	if (!made)
		return;
	units_per_term = (FILTER_CEILING + 1) / ((double) limit * (1.0 + FILTER_MARGIN));
	for (int a = 0; a < PGFACE_INDEX_LEAD_AXES; a++)
		for (int code = 0; code < 256; code++)
			filter->table[a][code] = term_byte(probe->gap_table[a][code], units_per_term);
}

bool
pgface_index_lead_filter_fits(const pgface_index_lead_filter *filter, float limit)
{
	return filter->active && limit <= filter->limit && limit >= filter->limit * FILTER_REMAKE_BELOW;
}

/* The definition: each face's saturating byte sum against the ceiling. */
void
pgface_index_lead_filter_scalar(const pgface_index_columns *columns,
                                const pgface_index_lead_filter *filter, uint64_t kept[2])
{
	kept[0] = kept[1] = 0;
	for (int f = 0; f < columns->count; f++)
	{
		unsigned sum = 0;

		for (int a = 0; a < PGFACE_INDEX_LEAD_AXES; a++)
		{
			sum += filter->table[a][(uint8_t) columns->lead[(size_t) a * columns->stride + f]];
			sum = sum > 255 ? 255 : sum;
		}
		if (sum <= FILTER_CEILING)
			kept[f / 64] |= UINT64_C(1) << (f % 64);
	}
}

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * Each axis's table is four vectors of 64 bytes: two byte permutes look a code
 * up among the non-negative codes and among the negative ones, and its sign
 * bit picks which. The table is loaded once per axis for both halves of the
 * page; codes past the page's count are never loaded (masked) nor kept.
 */
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) void
pgface_index_lead_filter_vbmi(const pgface_index_columns *columns,
                              const pgface_index_lead_filter *filter, uint64_t kept[2])
{
	__m512i sum[2] = {_mm512_setzero_si512(), _mm512_setzero_si512()};
	__mmask64 lanes[2];
	const __m512i ceiling = _mm512_set1_epi8((char) FILTER_CEILING);
	int halves = columns->count > 64 ? 2 : 1;

	for (int h = 0; h < 2; h++)
	{
		int n = columns->count - 64 * h;

		lanes[h] = n >= 64 ? ~(__mmask64) 0 : n <= 0 ? 0 : (((__mmask64) 1 << n) - 1);
	}
	for (int a = 0; a < PGFACE_INDEX_LEAD_AXES; a++)
	{
		const uint8_t *table = filter->table[a];
		__m512i low_codes = _mm512_loadu_si512(table);
		__m512i low_codes_2 = _mm512_loadu_si512(table + 64);
		__m512i high_codes = _mm512_loadu_si512(table + 128);
		__m512i high_codes_2 = _mm512_loadu_si512(table + 192);
		const int8_t *row = columns->lead + (size_t) a * columns->stride;

		for (int h = 0; h < halves; h++)
		{
			__m512i codes = _mm512_maskz_loadu_epi8(lanes[h], row + 64 * h);
			__m512i non_negative = _mm512_permutex2var_epi8(low_codes, codes, low_codes_2);
			__m512i negative = _mm512_permutex2var_epi8(high_codes, codes, high_codes_2);
			__m512i term =
			    _mm512_mask_blend_epi8(_mm512_movepi8_mask(codes), non_negative, negative);

			sum[h] = _mm512_adds_epu8(sum[h], term);
		}
	}
	kept[0] = _mm512_mask_cmple_epu8_mask(lanes[0], sum[0], ceiling);
	kept[1] = halves > 1 ? _mm512_mask_cmple_epu8_mask(lanes[1], sum[1], ceiling) : 0;
}
#endif

/* Asked per scan, so that pgface_simd_force takes effect at once, as for the lead sums. */
pgface_index_lead_filter_fn *
pgface_index_lead_filter_kernel(void)
{
#if defined(__x86_64__)
	if (pgface_simd_byte_permute())
		return pgface_index_lead_filter_vbmi;
#endif
	return NULL;
}
