/*
 * blas.h: the two OpenBLAS products the nets use, and its thread count.
 *
 * OpenBLAS is opened with dlopen on first use, not linked into pgface.so: loading and
 * relocating it (and starting its threads) was most of what loading pgface cost a fresh
 * session, which an index search never needs. Where it cannot be opened, plain C loops
 * compute the same products (slower, in another order of summation).
 */
#ifndef PGFACE_BLAS_H
#define PGFACE_BLAS_H

/* The soname opened: Debian's libopenblas0, whichever variant the alternatives pick. */
#define PGFACE_OPENBLAS_SONAME "libopenblas.so.0"

/* How many threads OpenBLAS may use: one in a backend, where PostgreSQL's own workers run in
 * parallel. */
void pgface_blas_set_threads(int threads);

/* out = weights^T in, weights row-major [n_in][n_out] (cblas_sgemv, row-major, transposed). */
void pgface_blas_sgemv_transposed(int n_in, int n_out, const float *weights, const float *in,
                                  float *out);

/* c = a b, row-major: a [m][k] (leading dimension lda), b [k][n] (ldb), c [m][n] (ldc). */
void pgface_blas_sgemm(int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                       float *c, int ldc);

/* Whether OpenBLAS was opened (0: the plain loops run); opens it if not tried yet. */
int pgface_blas_available(void);

#endif
