/*
 * blas.c: OpenBLAS thread control, kept apart so only one file names OpenBLAS's extensions.
 */
#include "nn/blas.h"

#include <cblas.h>

void
pgface_blas_set_threads(int threads)
{
	openblas_set_num_threads(threads > 0 ? threads : 1);
}
