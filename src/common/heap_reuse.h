/*
 * heap_reuse.h: the process keeps the memory a photo freed, for the next photo.
 */
#ifndef PGFACE_HEAP_REUSE_H
#define PGFACE_HEAP_REUSE_H

/*
 * Sets malloc's thresholds once per process so that the pipeline's buffers (pixels and
 * tensors, tens of MB a photo) are reused from the heap instead of being handed back to
 * the kernel and faulted in again for the next photo. Safe to call often.
 */
void pgface_keep_freed_memory(void);

#endif
