/*
 * blas.c: OpenBLAS, opened on first use (blas.h says why), and the loops that stand in
 * for it when it cannot be. The only file that names OpenBLAS.
 */
#include "nn/blas.h"

#include <cblas.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

static struct
{
	__typeof__(&cblas_sgemm) sgemm;
	__typeof__(&cblas_sgemv) sgemv;
	__typeof__(&openblas_set_num_threads) set_num_threads;
} openblas;
static pthread_once_t openblas_once = PTHREAD_ONCE_INIT;
static int requested_threads = 1;

/*
 * RTLD_LOCAL keeps OpenBLAS's many symbols out of the server's global namespace. A library
 * without one of the functions counts as absent. It stays open for the process's life.
 */
static void
open_openblas(void)
{
	void *library = dlopen(PGFACE_OPENBLAS_SONAME, RTLD_NOW | RTLD_LOCAL);
	void *sgemm, *sgemv, *set_num_threads;

	if (library == NULL)
		return;
	sgemm = dlsym(library, "cblas_sgemm");
	sgemv = dlsym(library, "cblas_sgemv");
	set_num_threads = dlsym(library, "openblas_set_num_threads");
	if (sgemm == NULL || sgemv == NULL || set_num_threads == NULL)
		return;
	*(void **) &openblas.sgemm = sgemm;
	*(void **) &openblas.sgemv = sgemv;
	*(void **) &openblas.set_num_threads = set_num_threads;
	openblas.set_num_threads(requested_threads);
}

int
pgface_blas_available(void)
{
	pthread_once(&openblas_once, open_openblas);
	return openblas.sgemm != NULL;
}

/*
 * Recorded for when OpenBLAS opens, and applied now if it has: opening it just for this would
 * defeat the point. Before it opens, the count also goes into OPENBLAS_NUM_THREADS (unless
 * the environment sets it), which OpenBLAS reads when it starts: otherwise it starts a thread
 * for each other core, and on one call's end they spin on sched_yield on those cores (15 ms
 * of CPU for one photo's embed here, in every backend that embeds), though pgface asks it for
 * one. Hosts call this at start, before any thread of pgface's runs, as setenv needs.
 */
void
pgface_blas_set_threads(int threads)
{
	requested_threads = threads > 0 ? threads : 1;
	if (openblas.set_num_threads != NULL)
		openblas.set_num_threads(requested_threads);
	else
	{
		char count[16];

		snprintf(count, sizeof(count), "%d", requested_threads);
		setenv("OPENBLAS_NUM_THREADS", count, 0);
	}
}

void
pgface_blas_sgemv_transposed(int n_in, int n_out, const float *weights, const float *in, float *out)
{
	if (pgface_blas_available())
	{
		openblas.sgemv(CblasRowMajor, CblasTrans, n_in, n_out, 1.0f, weights, n_out, in, 1, 0.0f,
		               out, 1);
		return;
	}
	for (int j = 0; j < n_out; j++)
		out[j] = 0.0f;
	for (int i = 0; i < n_in; i++)
		for (int j = 0; j < n_out; j++)
			out[j] += in[i] * weights[(size_t) i * n_out + j];
}

void
pgface_blas_sgemm(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c,
                  int ldc)
{
	if (pgface_blas_available())
	{
		openblas.sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, lda, b, ldb,
		               0.0f, c, ldc);
		return;
	}
	for (int i = 0; i < m; i++)
	{
		float *row = c + (size_t) i * ldc;

		for (int j = 0; j < n; j++)
			row[j] = 0.0f;
		for (int p = 0; p < k; p++)
		{
			float scale = a[(size_t) i * lda + p];
			const float *b_row = b + (size_t) p * ldb;

			for (int j = 0; j < n; j++)
				row[j] += scale * b_row[j];
		}
	}
}
