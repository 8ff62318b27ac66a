/*
 * lead_filter.c: the byte-table filter of a page's faces (see lead_filter.h):
 * its tables, a scalar kernel that defines its result, and the AVX2 and
 * AVX-512BW kernels that give the same bits 32 and 64 faces at a time.
 */
#include "index/lead_filter.h"

#include <math.h>
#include <string.h>

#include "common/simd.h"

/* The byte sum past which a face is dropped: every face at 255 (saturated) or more. */
#define FILTER_CEILING 254

/*
 * How much wider than its limit the filter's float arithmetic is taken to be:
 * a float sum of 33 non-negative terms is at least (1 - 33 * 2^-24) times the
 * real one, so with this margin a face the filter drops has a float bound
 * past limit too.
 */
#define FILTER_MARGIN 1e-5

/*
 * A filter is remade once the limit has come down this far (squared: 2.5% in
 * distance). An ordered scan's first pass lowers its limit a few percent at a
 * time as it meets nearer faces; a filter made for the limit a quarter higher
 * that 0.75 allowed kept faces the float path then dropped: 1M faces, top-1
 * 5.9 to 6.5 ms, with 0.95 5.0 to 5.5 (0.98 and 0.99 the same; remaking, 32
 * tables of 16 bytes, costs nothing). doc/benchmarks.md, "Why top-1".
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

/* From the probe's bin terms, which the float path sums: the bytes bound those. */
void
pgface_index_lead_filter_prepare(pgface_index_lead_filter *filter, const pgface_index_probe *probe,
                                 float limit)
{
	double units_per_term;

	filter->active = probe->gap_table != NULL && isfinite(limit) && limit > 0.0f;
	filter->limit = limit;
	if (!filter->active)
		return;
	units_per_term = (FILTER_CEILING + 1) / ((double) limit * (1.0 + FILTER_MARGIN));
	filter->units_per_term = units_per_term;
	for (int a = 0; a < PGFACE_INDEX_BINNED_AXES; a++)
		for (int bin = 0; bin < PGFACE_INDEX_BINS; bin++)
			filter->table[a][bin] = term_byte(probe->bin_terms[a][bin], units_per_term);
}

/* Each byte is at most its term times the units, so the sum over the units bounds the terms'. */
float
pgface_index_lead_filter_floor(const pgface_index_lead_filter *filter, uint8_t sum)
{
	return (float) ((double) sum / filter->units_per_term * (1.0 - PGFACE_INDEX_FILTER_SLACK));
}

bool
pgface_index_lead_filter_fits(const pgface_index_lead_filter *filter, float limit)
{
	return filter->active && limit <= filter->limit && limit >= filter->limit * FILTER_REMAKE_BELOW;
}

/* The definition: each face's saturating byte sum against the ceiling. */
void
pgface_index_lead_filter_scalar(const pgface_index_columns *columns,
                                const pgface_index_lead_filter *filter, uint64_t kept[2],
                                uint8_t sums[PGFACE_INDEX_COLUMNS_MAX])
{
	kept[0] = kept[1] = 0;
	for (int f = 0; f < columns->count; f++)
	{
		unsigned sum = 0;

		for (int j = 0; j < PGFACE_INDEX_PLANES; j++)
		{
			uint8_t both = columns->planes[(size_t) j * columns->stride + f];

			sum += filter->table[2 * j][both & 15];
			sum = sum > 255 ? 255 : sum;
			sum += filter->table[2 * j + 1][both >> 4];
			sum = sum > 255 ? 255 : sum;
		}
		sums[f] = (uint8_t) sum;
		if (sum <= FILTER_CEILING)
			kept[f / 64] |= UINT64_C(1) << (f % 64);
	}
}

/* The bits of faces 0 to count - 1. */
static inline uint64_t
first_faces(int count)
{
	return count >= 64 ? ~UINT64_C(0) : count <= 0 ? 0 : (UINT64_C(1) << count) - 1;
}

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * 32 faces a vector: a byte shuffle looks one nibble of 32 faces up in a
 * plane's table of 16 bins (in both 128-bit lanes). A group of 32 that runs
 * past the faces is read in place when each plane has room for the whole
 * group (a face_va page's planes have room for 128), else from a zeroed copy,
 * so no byte past the planes is read; its extra faces are masked off. With the
 * copy for every partial group, a page of 100 faces took 103 ns, without it 70
 * (a Zen 4, bench_lead_filter).
 */
__attribute__((target("avx2"))) void
pgface_index_lead_filter_avx2(const pgface_index_columns *columns,
                              const pgface_index_lead_filter *filter, uint64_t kept[2],
                              uint8_t sums[PGFACE_INDEX_COLUMNS_MAX])
{
	const __m256i nibble = _mm256_set1_epi8(15);
	const __m256i ceiling = _mm256_set1_epi8((char) FILTER_CEILING);
	uint32_t bits[4] = {0, 0, 0, 0};

	for (int group = 0; group < 4 && 32 * group < columns->count; group++)
	{
		__m256i sum = _mm256_setzero_si256();
		int from = 32 * group;
		bool whole = from + 32 <= columns->stride;
		uint8_t tail[PGFACE_INDEX_PLANES][32];

		if (!whole)
		{
			memset(tail, 0, sizeof(tail));
			for (int j = 0; j < PGFACE_INDEX_PLANES; j++)
				memcpy(tail[j], columns->planes + (size_t) j * columns->stride + from,
				       (size_t) (columns->count - from));
		}
		for (int j = 0; j < PGFACE_INDEX_PLANES; j++)
		{
			__m256i low_table = _mm256_broadcastsi128_si256(
			    _mm_loadu_si128((const __m128i *) filter->table[2 * j]));
			__m256i high_table = _mm256_broadcastsi128_si256(
			    _mm_loadu_si128((const __m128i *) filter->table[2 * j + 1]));
			const uint8_t *row =
			    whole ? columns->planes + (size_t) j * columns->stride + from : tail[j];
			__m256i both = _mm256_loadu_si256((const __m256i *) row);
			__m256i low_bins = _mm256_and_si256(both, nibble);
			__m256i high_bins = _mm256_and_si256(_mm256_srli_epi16(both, 4), nibble);

			sum = _mm256_adds_epu8(sum, _mm256_shuffle_epi8(low_table, low_bins));
			sum = _mm256_adds_epu8(sum, _mm256_shuffle_epi8(high_table, high_bins));
		}
		_mm256_storeu_si256((__m256i *) &sums[from], sum);
		/* unsigned sum <= ceiling: min(sum, ceiling) == sum */
		bits[group] =
		    (uint32_t) _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(sum, ceiling), sum));
	}
	kept[0] = (bits[0] | (uint64_t) bits[1] << 32) & first_faces(columns->count);
	kept[1] = (bits[2] | (uint64_t) bits[3] << 32) & first_faces(columns->count - 64);
}

/*
 * 64 faces a vector, the same lookups with AVX-512BW; the table of a plane is
 * loaded once for both halves of the page, and bytes past the faces are never
 * loaded (masked: a half with no faces has an empty mask, which reads nothing).
 * The two halves' sums are named registers rather than an array indexed in a
 * loop, which the compiler kept on the stack: every plane then reloaded a sum
 * just stored, and a 64-byte store forwards slowly on AMD's Zen 4.
 */
__attribute__((target("avx512f,avx512bw"))) void
pgface_index_lead_filter_avx512(const pgface_index_columns *columns,
                                const pgface_index_lead_filter *filter, uint64_t kept[2],
                                uint8_t sums[PGFACE_INDEX_COLUMNS_MAX])
{
	const __m512i nibble = _mm512_set1_epi8(15);
	const __m512i ceiling = _mm512_set1_epi8((char) FILTER_CEILING);
	const __mmask64 first_lanes = first_faces(columns->count);
	const __mmask64 second_lanes = first_faces(columns->count - 64);
	__m512i first_sum = _mm512_setzero_si512();
	__m512i second_sum = _mm512_setzero_si512();

	for (int j = 0; j < PGFACE_INDEX_PLANES; j++)
	{
		__m512i low_table =
		    _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *) filter->table[2 * j]));
		__m512i high_table =
		    _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *) filter->table[2 * j + 1]));
		const uint8_t *row = columns->planes + (size_t) j * columns->stride;
		__m512i first = _mm512_maskz_loadu_epi8(first_lanes, row);
		/* no pointer past a narrow row is formed when the second half is empty */
		__m512i second = _mm512_maskz_loadu_epi8(second_lanes, row + (second_lanes ? 64 : 0));

		first_sum = _mm512_adds_epu8(
		    first_sum, _mm512_shuffle_epi8(low_table, _mm512_and_si512(first, nibble)));
		first_sum = _mm512_adds_epu8(
		    first_sum,
		    _mm512_shuffle_epi8(high_table, _mm512_and_si512(_mm512_srli_epi16(first, 4), nibble)));
		second_sum = _mm512_adds_epu8(
		    second_sum, _mm512_shuffle_epi8(low_table, _mm512_and_si512(second, nibble)));
		second_sum = _mm512_adds_epu8(
		    second_sum, _mm512_shuffle_epi8(
		                    high_table, _mm512_and_si512(_mm512_srli_epi16(second, 4), nibble)));
	}
	_mm512_storeu_si512(sums, first_sum);
	_mm512_storeu_si512(sums + 64, second_sum);
	kept[0] = _mm512_mask_cmple_epu8_mask(first_lanes, first_sum, ceiling);
	kept[1] = _mm512_mask_cmple_epu8_mask(second_lanes, second_sum, ceiling);
}
#endif

/* Asked per page, so that pgface_simd_force takes effect at once, as for the GEMM. */
pgface_index_lead_filter_fn *
pgface_index_lead_filter_kernel(void)
{
#if defined(__x86_64__)
	if (pgface_simd_avx512_bytes())
		return pgface_index_lead_filter_avx512;
	if (pgface_simd_current() == PGFACE_SIMD_AVX2 || pgface_simd_current() == PGFACE_SIMD_AVX512)
		return pgface_index_lead_filter_avx2;
#endif
	return pgface_index_lead_filter_scalar;
}

/* For pgface_info(). */
const char *
pgface_index_lead_filter_kernel_name(void)
{
	pgface_index_lead_filter_fn *kernel = pgface_index_lead_filter_kernel();

#if defined(__x86_64__)
	if (kernel == pgface_index_lead_filter_avx512)
		return "avx512bw";
	if (kernel == pgface_index_lead_filter_avx2)
		return "avx2";
#endif
	(void) kernel;
	return "scalar";
}
