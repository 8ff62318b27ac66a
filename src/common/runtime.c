/*
 * runtime.c: the injected allocator and interrupt hook, with plain C defaults.
 */
#include "common/runtime.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void
no_interrupts(void)
{
}

static const pgface_runtime default_runtime = {malloc, realloc, free, no_interrupts};
/* Per thread: the host's runtime is installed on its own thread; offloaded work keeps these
 * defaults. */
static _Thread_local pgface_runtime current_runtime = {malloc, realloc, free, no_interrupts};

void
pgface_set_runtime(const pgface_runtime *runtime)
{
	current_runtime = runtime != NULL ? *runtime : default_runtime;
}

void *
pgface_alloc(size_t size)
{
	return current_runtime.alloc(size > 0 ? size : 1);
}

/* calloc's overflow check, which a host allocator may not have. */
void *
pgface_alloc_array(size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		return NULL;
	return pgface_alloc(count * size);
}

void *
pgface_alloc_zeroed(size_t count, size_t size)
{
	void *ptr = pgface_alloc_array(count, size);

	if (ptr != NULL)
		memset(ptr, 0, count * size);
	return ptr;
}

void *
pgface_realloc(void *ptr, size_t size)
{
	if (ptr == NULL)
		return pgface_alloc(size);
	return current_runtime.realloc(ptr, size > 0 ? size : 1);
}

void
pgface_free(void *ptr)
{
	if (ptr != NULL)
		current_runtime.free(ptr);
}

void
pgface_check_interrupts(void)
{
	current_runtime.check_interrupts();
}
