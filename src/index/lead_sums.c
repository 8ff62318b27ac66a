/*
 * lead_sums.c: the lead-sum kernels (see lead_sums.h) and their dispatch,
 * which follows the engine's one choice of instruction set (common/simd.h).
 */
#include "index/lead_sums.h"

#include "common/simd.h"
#include "index/terms.h"

/*
 * One face, abandoned once past limit. Sums in the order of the gap-table
 * path: the residual's term, then each block's eight terms as a balanced tree.
 */
float
pgface_index_lead_sum_of(const pgface_index_columns *columns, const pgface_index_probe *probe,
                         float limit, int f)
{
	float gap = pgface_index_residual_gap(probe->residual, columns->residual[f]);
	float sum = gap * gap;

	for (int block = 0; block < PGFACE_INDEX_LEAD_BLOCKS && sum <= limit; block++)
	{
		float t[PGFACE_INDEX_BLOCK];

		for (int a = 0; a < PGFACE_INDEX_BLOCK; a++)
		{
			int axis = block * PGFACE_INDEX_BLOCK + a;
			int8_t code = columns->lead[(size_t) axis * columns->stride + f];

			/* The table holds these very terms (probe.c), for a load instead of six flops. */
			t[a] = probe->gap_table != NULL ? probe->gap_table[axis][(uint8_t) code]
			                                : pgface_index_axis_term(probe->units[axis], code,
			                                                         probe->step_squared[axis]);
		}
		sum += ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
	}
	return sum;
}

/* Faces from onwards, one at a time. */
static void
lead_sums_from(const pgface_index_columns *columns, const pgface_index_probe *probe, float limit,
               int from, float *sum)
{
	for (int f = from; f < columns->count; f++)
		sum[f] = pgface_index_lead_sum_of(columns, probe, limit, f);
}

/* The portable kernel, for CPUs without AVX2 and for the faces after the last group of eight. */
void
pgface_index_lead_sums_scalar(const pgface_index_columns *columns, const pgface_index_probe *probe,
                              float limit, float *sum)
{
	lead_sums_from(columns, probe, limit, 0, sum);
}

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * The same, eight faces at a time with AVX2: this is most of a scan's work
 * (perf), and the axis-major layout makes each axis one load of eight codes.
 * The arithmetic is the scalar kernel's, operation by operation (no FMA: the
 * target is AVX2 alone, so nothing is contracted), and a face's sum stops
 * where the scalar kernel's does: a lane past limit keeps its sum while the
 * others go on, and a group stops when all eight are past it.
 */
__attribute__((target("avx2"))) void
pgface_index_lead_sums_avx2(const pgface_index_columns *columns, const pgface_index_probe *probe,
                            float limit, float *sum)
{
	const __m256 half = _mm256_set1_ps(0.5f);
	const __m256 magnitude = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
	const __m256 zero = _mm256_setzero_ps();
	const __m256 limits = _mm256_set1_ps(limit);
	const __m256 probe_residual = _mm256_set1_ps(probe->residual);
	const __m256 slack = _mm256_set1_ps(PGFACE_INDEX_RESIDUAL_SLACK);
	int f = 0;

	for (; f + 8 <= columns->count; f += 8)
	{
		__m256 residual = _mm256_loadu_ps(&columns->residual[f]);
		/* pgface_index_residual_gap, eight at a time */
		__m256 residual_gap = _mm256_max_ps(
		    _mm256_sub_ps(_mm256_and_ps(_mm256_sub_ps(probe_residual, residual), magnitude),
		                  _mm256_mul_ps(_mm256_add_ps(probe_residual, residual), slack)),
		    zero);
		__m256 total = _mm256_mul_ps(residual_gap, residual_gap);

		for (int block = 0; block < PGFACE_INDEX_LEAD_BLOCKS; block++)
		{
			__m256 term[PGFACE_INDEX_BLOCK];
			__m256 block_sum;
			__m256 going_on = _mm256_cmp_ps(total, limits, _CMP_LE_OQ);

			if (_mm256_movemask_ps(going_on) == 0)
				break;
			for (int a = 0; a < PGFACE_INDEX_BLOCK; a++)
			{
				int axis = block * PGFACE_INDEX_BLOCK + a;
				__m128i codes = _mm_loadl_epi64(
				    (const __m128i *) &columns->lead[(size_t) axis * columns->stride + f]);
				__m256 x = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(codes));
				__m256 gap = _mm256_sub_ps(
				    _mm256_and_ps(_mm256_sub_ps(x, _mm256_set1_ps(probe->units[axis])), magnitude),
				    half);

				gap = _mm256_max_ps(gap, zero);
				term[a] = _mm256_mul_ps(_mm256_mul_ps(gap, gap),
				                        _mm256_set1_ps(probe->step_squared[axis]));
			}
			block_sum = _mm256_add_ps(
			    _mm256_add_ps(_mm256_add_ps(term[0], term[1]), _mm256_add_ps(term[2], term[3])),
			    _mm256_add_ps(_mm256_add_ps(term[4], term[5]), _mm256_add_ps(term[6], term[7])));
			total = _mm256_blendv_ps(total, _mm256_add_ps(total, block_sum), going_on);
		}
		_mm256_storeu_ps(&sum[f], total);
	}
	lead_sums_from(columns, probe, limit, f, sum);
}
#endif

/* Asked per page, so that pgface_simd_force takes effect at once, as for the GEMM. */
pgface_index_lead_sums_fn *
pgface_index_lead_kernel(void)
{
#if defined(__x86_64__)
	pgface_simd_set set = pgface_simd_current();

	if (set == PGFACE_SIMD_AVX2 || set == PGFACE_SIMD_AVX512)
		return pgface_index_lead_sums_avx2;
#endif
	return pgface_index_lead_sums_scalar;
}
