/*
 * heap_reuse.c: why a photo's freed memory stays in the process.
 *
 * A photo passes through some 20 MB of pixels and tensors, allocated and freed layer by
 * layer (palloc hands chunks this large straight to malloc). glibc gives the top of its
 * heap back to the kernel whenever more than its trim threshold is free there, and that
 * threshold follows the largest chunk freed (about 15 MB here), so after each photo the
 * heap shrank and the next photo faulted its pages in again: 4,600 page faults a photo,
 * a fifth of embed()'s time (doc/pipeline.md). Fixed thresholds end the round trip. The
 * cost: a process that has embedded a photo keeps its peak heap, tens of MB, until it
 * exits; photos larger than the mmap threshold (a 12-megapixel photo's pixels) are still
 * mapped and unmapped on their own, and a failed decode still trims (img/decode.c).
 */
#include "common/heap_reuse.h"

#include <stdlib.h> /* defines __GLIBC__ where it is glibc */

#ifdef __GLIBC__
#include <malloc.h>
#endif

/* glibc's largest mmap threshold on 64-bit platforms (DEFAULT_MMAP_THRESHOLD_MAX). */
#define MMAP_THRESHOLD (32 << 20)
/* Free memory at the heap's top beyond this goes back to the kernel. */
#define TRIM_THRESHOLD (64 << 20)

void
pgface_keep_freed_memory(void)
{
#ifdef __GLIBC__
	static int done;

	if (done)
		return;
	done = 1;
	mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
#endif
}
