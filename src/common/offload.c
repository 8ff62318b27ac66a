/*
 * offload.c: work on a thread of its own, waited for interruptibly.
 */
#include "common/offload.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "common/runtime.h"

#define POLL_NANOSECONDS (5 * 1000 * 1000) /* how often the waiter checks for interrupts */

typedef struct offload_call
{
	pthread_mutex_t lock;
	pthread_cond_t finished;
	int done;     /* work has returned */
	int orphaned; /* nobody waits any more: the thread discards the job */
	pgface_offload_fn work;
	pgface_offload_fn discard;
	void *job;
} offload_call;

/* The call being waited for, or one whose waiter was interrupted and not yet cleaned up. */
static offload_call *pending;

/* Threads of this process whose work has not been handed over yet, orphaned ones included. */
static atomic_int running_threads;

static void
destroy_call(offload_call *call)
{
	pthread_cond_destroy(&call->finished);
	pthread_mutex_destroy(&call->lock);
	free(call);
}

/* The thread: run the work, then hand the result over, or throw it away if orphaned. */
static void *
run_call(void *arg)
{
	offload_call *call = arg;
	int orphaned;

	call->work(call->job);
	pthread_mutex_lock(&call->lock);
	orphaned = call->orphaned;
	/*
	 * With a waiter, the work is over once it is told: counted off first, so that the
	 * waiter's next call does not wait out this thread's exit.
	 */
	if (!orphaned)
		atomic_fetch_sub(&running_threads, 1);
	call->done = 1;
	pthread_cond_signal(&call->finished);
	pthread_mutex_unlock(&call->lock);
	if (orphaned)
	{
		call->discard(call->job);
		destroy_call(call);
		atomic_fetch_sub(&running_threads, 1);
	}
	return NULL;
}

void
pgface_offload_abandon(void)
{
	offload_call *call = pending;
	int done;

	if (call == NULL)
		return;
	pending = NULL;
	pthread_mutex_lock(&call->lock);
	done = call->done;
	call->orphaned = !done;
	pthread_mutex_unlock(&call->lock);
	if (done)
	{
		call->discard(call->job);
		destroy_call(call);
	}
}

/*
 * The thread starts with every signal blocked, so that the host's handlers (a
 * backend's SIGALRM, SIGINT, SIGTERM) keep running on the thread that expects them.
 */
static int
start_thread(offload_call *call)
{
	pthread_t thread;
	pthread_attr_t attributes;
	sigset_t all;
	sigset_t previous;
	int failed;

	if (pthread_attr_init(&attributes) != 0)
		return -1;
	pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &previous);
	atomic_fetch_add(&running_threads, 1);
	failed = pthread_create(&thread, &attributes, run_call, call);
	if (failed)
		atomic_fetch_sub(&running_threads, 1);
	pthread_sigmask(SIG_SETMASK, &previous, NULL);
	pthread_attr_destroy(&attributes);
	return failed ? -1 : 0;
}

/*
 * Until the work orphaned by an earlier interrupted call has ended. Without this a loop of
 * cancelled embeds would pile up decoding threads, each holding its photo's memory, until
 * the kernel's OOM killer took the backend (and with it the whole cluster) down; with it a
 * backend has at most one decode running, and a cancel loop runs at the decoder's pace.
 */
static void
wait_for_orphans(void)
{
	const struct timespec pause = {0, POLL_NANOSECONDS};

	while (atomic_load(&running_threads) > 0)
	{
		nanosleep(&pause, NULL);
		pgface_check_interrupts();
	}
}

int
pgface_offload(pgface_offload_fn work, pgface_offload_fn discard, void *job)
{
	offload_call *call;

	pgface_offload_abandon(); /* a wait interrupted earlier, if the host did not clean up */
	wait_for_orphans();
	call = calloc(1, sizeof(*call));
	if (call == NULL)
		return -1;
	pthread_mutex_init(&call->lock, NULL);
	pthread_cond_init(&call->finished, NULL);
	call->work = work;
	call->discard = discard;
	call->job = job;
	if (start_thread(call) != 0)
	{
		destroy_call(call);
		return -1;
	}

	pending = call;
	pthread_mutex_lock(&call->lock);
	while (!call->done)
	{
		struct timespec deadline;

		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_nsec += POLL_NANOSECONDS;
		if (deadline.tv_nsec >= 1000000000L)
			deadline.tv_sec++, deadline.tv_nsec -= 1000000000L;
		if (pthread_cond_timedwait(&call->finished, &call->lock, &deadline) == ETIMEDOUT &&
		    !call->done)
		{
			/* Unlocked while the hook runs: it may leave by longjmp, leaving the call pending. */
			pthread_mutex_unlock(&call->lock);
			pgface_check_interrupts();
			pthread_mutex_lock(&call->lock);
		}
	}
	pthread_mutex_unlock(&call->lock);
	return 0; /* the call stays pending until pgface_offload_finish: the caller reads the job */
}

void
pgface_offload_finish(void)
{
	offload_call *call = pending;

	if (call == NULL)
		return;
	pending = NULL;
	call->discard(call->job);
	destroy_call(call);
}
