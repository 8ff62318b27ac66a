/*
 * runtime.h: what the host program injects into the core: the allocator every
 * core allocation goes through (stb_image's included), and the hook that long
 * loops call so that a host can cancel them.
 *
 * Inside PostgreSQL the allocator is palloc in the current memory context and
 * the hook runs CHECK_FOR_INTERRUPTS, so an error or a cancel leaks nothing.
 * Elsewhere the defaults are malloc and a no-op.
 */
#ifndef PGFACE_RUNTIME_H
#define PGFACE_RUNTIME_H

#include <stddef.h>

typedef struct pgface_runtime
{
	void *(*alloc)(size_t size);              /* NULL on failure (the host may also not return) */
	void *(*realloc)(void *ptr, size_t size); /* ptr may be NULL */
	void (*free)(void *ptr);                  /* ptr may be NULL */
	void (*check_interrupts)(void);           /* may not return, e.g. on a query cancel */
} pgface_runtime;

/* Installs the host's hooks; NULL restores the defaults. Not thread-safe: call once at start. */
void pgface_set_runtime(const pgface_runtime *runtime);

void *pgface_alloc(size_t size);
/* count * size bytes, NULL if that overflows; uninitialised or zeroed. */
void *pgface_alloc_array(size_t count, size_t size);
void *pgface_alloc_zeroed(size_t count, size_t size);
void *pgface_realloc(void *ptr, size_t size);
void pgface_free(void *ptr);
void pgface_check_interrupts(void);

#endif
