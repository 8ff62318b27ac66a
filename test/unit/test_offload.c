/*
 * test_offload.c: work offloaded to its own thread is waited for, and when the wait
 * is interrupted (as a backend's cancel leaves by longjmp) the job is freed exactly
 * once, by the thread, after the work ends. ASan's leak check covers "exactly once".
 */
#include <setjmp.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "common/offload.h"
#include "common/runtime.h"
#include "unit.h"

typedef struct counting_job
{
	int milliseconds; /* how long the work takes */
	int result;
} counting_job;

static atomic_int discarded;
static jmp_buf interrupted;
static int interrupt_checks;

static void
sleep_milliseconds(int milliseconds)
{
	struct timespec pause = {milliseconds / 1000, (long) (milliseconds % 1000) * 1000000L};

	nanosleep(&pause, NULL);
}

static void
slow_work(void *arg)
{
	counting_job *job = arg;

	sleep_milliseconds(job->milliseconds);
	job->result = 42;
}

static void
discard_job(void *arg)
{
	free(arg);
	atomic_fetch_add(&discarded, 1);
}

/* The host's hook: the second check "cancels", leaving the wait by longjmp. */
static void
cancel_on_second_check(void)
{
	if (++interrupt_checks == 2)
		longjmp(interrupted, 1);
}

static void
waits_for_the_work(void)
{
	counting_job *job = calloc(1, sizeof(counting_job));

	job->milliseconds = 30;
	atomic_store(&discarded, 0);
	CHECK(pgface_offload(slow_work, discard_job, job) == 0);
	CHECK(job->result == 42);
	CHECK(atomic_load(&discarded) == 0); /* still the caller's to read */
	pgface_offload_finish();
	CHECK(atomic_load(&discarded) == 1);
}

static void
interrupted_wait_leaves_the_job_to_its_thread(void)
{
	const pgface_runtime interrupting = {malloc, realloc, free, cancel_on_second_check};
	counting_job *job = calloc(1, sizeof(counting_job));
	counting_job *next;

	job->milliseconds = 300;
	atomic_store(&discarded, 0);
	interrupt_checks = 0;
	pgface_set_runtime(&interrupting);
	if (setjmp(interrupted) == 0)
	{
		pgface_offload(slow_work, discard_job, job);
		CHECK(!"the wait should have been interrupted");
	}
	pgface_set_runtime(NULL);
	CHECK(interrupt_checks == 2);
	pgface_offload_abandon();            /* what the host's error cleanup does */
	CHECK(atomic_load(&discarded) == 0); /* the work still runs: the thread owns the job */
	/* The next call waits for the orphaned work to end before it starts its own. */
	next = calloc(1, sizeof(counting_job));
	next->milliseconds = 1;
	CHECK(pgface_offload(slow_work, discard_job, next) == 0);
	CHECK(atomic_load(&discarded) == 1); /* the orphan was discarded first */
	pgface_offload_finish();
	CHECK(atomic_load(&discarded) == 2);
	pgface_offload_abandon(); /* nothing left: a no-op */
	CHECK(atomic_load(&discarded) == 2);
}

/* An interrupt after the work ended, while the caller reads the job: abandon discards it. */
static void
abandon_discards_a_finished_job(void)
{
	counting_job *job = calloc(1, sizeof(counting_job));

	job->milliseconds = 1;
	atomic_store(&discarded, 0);
	CHECK(pgface_offload(slow_work, discard_job, job) == 0);
	pgface_offload_abandon();
	CHECK(atomic_load(&discarded) == 1);
}

const unit_test offload_tests[] = {
    {"offload: waits for the work and keeps the job until finish", waits_for_the_work},
    {"offload: an interrupted wait leaves the job to its thread, freed once",
     interrupted_wait_leaves_the_job_to_its_thread},
    {"offload: abandon discards a finished job", abandon_discards_a_finished_job},
    {NULL, NULL},
};
