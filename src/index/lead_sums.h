/*
 * lead_sums.h: the residual gap and lead blocks of every face of a set of
 * columns, the most of a face_va scan's work: a scalar kernel and an AVX2 one
 * that gives the very same sums, picked by the engine's instruction set.
 */
#ifndef PGFACE_INDEX_LEAD_SUMS_H
#define PGFACE_INDEX_LEAD_SUMS_H

#include "index/columns.h"

/*
 * sum[f] for every face f of the columns: its residual term, then each lead
 * block's, a face's sum stopping once it is past limit (it is then a bound
 * past limit, which is all a caller may use of it).
 */
typedef void pgface_index_lead_sums_fn(const pgface_index_columns *columns,
                                       const pgface_index_probe *probe, float limit, float *sum);

pgface_index_lead_sums_fn pgface_index_lead_sums_scalar;

/* Face f's sum, as every kernel gives it: for the few faces a filter keeps (lead_filter.h). */
float pgface_index_lead_sum_of(const pgface_index_columns *columns, const pgface_index_probe *probe,
                               float limit, int f);
#if defined(__x86_64__)
pgface_index_lead_sums_fn pgface_index_lead_sums_avx2;
#endif

/* The kernel of the instruction set in use (common/simd.h): AVX2 for "avx2" and "avx512". */
pgface_index_lead_sums_fn *pgface_index_lead_kernel(void);

#endif
