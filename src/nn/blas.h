/*
 * blas.h: how many threads OpenBLAS may use. Inside a PostgreSQL backend it is
 * one: parallelism comes from PostgreSQL's own workers and sessions.
 */
#ifndef PGFACE_BLAS_H
#define PGFACE_BLAS_H

void pgface_blas_set_threads(int threads);

#endif
