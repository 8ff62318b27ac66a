/*
 * runtime_pg.c: the core's allocator and interrupt hook inside a backend. Every
 * core allocation lands in the current memory context, so an ERROR or a cancel
 * in the middle of an embed frees everything with the context.
 */
#include "pgface_pg.h"

#include "common/offload.h"
#include "common/runtime.h"
#include "img/image.h"
#include "miscadmin.h"
#include "utils/memutils.h"

/* NULL on out-of-memory, so the core can report it as a status. */
static void *
pg_alloc(size_t size)
{
	return MemoryContextAllocExtended(CurrentMemoryContext, size,
	                                  MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

static void *
pg_realloc(void *ptr, size_t size)
{
	return repalloc_huge(ptr, size);
}

static void
pg_free(void *ptr)
{
	pfree(ptr);
}

/*
 * A cancel that arrives while a decode runs on its own thread leaves by longjmp from
 * the wait: the thread is told, on the way out, to free the decode when it ends. Pixels
 * a finished decode lent to its image are malloc's, not the context's: freed here too.
 */
static void
pg_check_interrupts(void)
{
	if (!INTERRUPTS_PENDING_CONDITION())
		return;
	PG_TRY();
	{
		ProcessInterrupts();
	}
	PG_CATCH();
	{
		pgface_offload_abandon();
		pgface_image_reclaim_lent();
		PG_RE_THROW();
	}
	PG_END_TRY();
}

void
pgface_install_pg_runtime(void)
{
	static const pgface_runtime runtime = {pg_alloc, pg_realloc, pg_free, pg_check_interrupts};

	pgface_set_runtime(&runtime);
}
