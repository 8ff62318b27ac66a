/*
 * offload.h: running a piece of third-party work that never checks for interrupts
 * (stb_image's decoders) on a thread of its own, while the calling thread keeps
 * answering interrupts. Inside PostgreSQL a cancel or statement_timeout then ends
 * the call within milliseconds instead of when the decoder is done.
 *
 * The work runs with the runtime's plain C defaults (malloc, free, no interrupts):
 * it must touch nothing but its own job, and allocate with pgface_alloc or malloc.
 */
#ifndef PGFACE_OFFLOAD_H
#define PGFACE_OFFLOAD_H

typedef void (*pgface_offload_fn)(void *job);

/*
 * Runs work(job) on a new thread and waits for it, calling pgface_check_interrupts
 * every few milliseconds. Returns 0 once work has returned, or -1 (job untouched, and
 * still the caller's) when no thread could be started. When pgface_check_interrupts
 * does not return, the job is left to its thread: pgface_offload_abandon hands it
 * over, and the thread calls discard(job) when work ends.
 *
 * After a return of 0 the job stays registered while the caller reads it, so that an
 * interrupt then is cleaned up the same way; pgface_offload_finish discards it.
 *
 * Work orphaned by an earlier interrupted call is waited for first (interruptibly), so a
 * process never runs more than one piece of offloaded work at a time.
 */
int pgface_offload(pgface_offload_fn work, pgface_offload_fn discard, void *job);

/* Discards the job of the last pgface_offload that returned 0. */
void pgface_offload_finish(void);

/*
 * Hands a wait that was interrupted over to its thread, or discards a finished job
 * that its caller was reading. A host whose interrupt hook can leave by longjmp calls
 * this on the way out; with nothing registered it does nothing.
 */
void pgface_offload_abandon(void);

#endif
