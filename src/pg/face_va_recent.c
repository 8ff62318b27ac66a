/*
 * face_va_recent.c: the buffers in which this backend last found each page of
 * a face_va index, so that a scan pins a page without the shared buffer
 * table's lookup. A scan reads every page, and perf put a third of a scan's
 * time at 1M faces in those lookups (hash_search_with_hash_value under
 * ReadBuffer): each is a few cache misses into a table as large as
 * shared_buffers. ReadRecentBuffer checks a remembered buffer's tag and pins
 * it, or says it no longer holds the page; then the page is read as usual.
 * The array lives in the index's relcache entry (rd_amcache), which
 * PostgreSQL frees whenever the entry is rebuilt.
 */
#include "face_va.h"

#include "pgstat.h"
#include "utils/memutils.h"

typedef struct FaceVaRecentBuffers
{
	BlockNumber blocks;
	Buffer buffer[FLEXIBLE_ARRAY_MEMBER]; /* InvalidBuffer (0) where unknown */
} FaceVaRecentBuffers;

/* The index's array, grown to hold block; NULL for temporary indexes (local buffers). */
static FaceVaRecentBuffers *
recent_buffers(Relation index, BlockNumber block, BlockNumber blocks)
{
	FaceVaRecentBuffers *recent = (FaceVaRecentBuffers *) index->rd_amcache;
	FaceVaRecentBuffers *grown;
	BlockNumber wanted;

	if (RelationUsesLocalBuffers(index))
		return NULL;
	if (recent != NULL && block < recent->blocks)
		return recent;
	wanted = Max(Max(blocks, block + 1), recent != NULL ? recent->blocks * 2 : 0);
	if ((Size) wanted > (MaxAllocSize - offsetof(FaceVaRecentBuffers, buffer)) / sizeof(Buffer))
		return recent; /* an index this large reads its pages as usual */
	grown = MemoryContextAllocZero(index->rd_indexcxt,
	                               offsetof(FaceVaRecentBuffers, buffer) + sizeof(Buffer) * wanted);
	grown->blocks = wanted;
	if (recent != NULL)
	{
		memcpy(grown->buffer, recent->buffer, sizeof(Buffer) * recent->blocks);
		pfree(recent);
	}
	index->rd_amcache = grown;
	return grown;
}

Buffer
face_va_read_page(Relation index, BlockNumber block, BlockNumber blocks)
{
	FaceVaRecentBuffers *recent = recent_buffers(index, block, blocks);
	Buffer buffer;

	if (recent != NULL && block < recent->blocks && BufferIsValid(recent->buffer[block]) &&
	    ReadRecentBuffer(PGFACE_RELATION_FILE(index), MAIN_FORKNUM, block, recent->buffer[block]))
	{
		/* ReadBuffer would have counted the hit in pg_statio_*_indexes; so does this. */
		pgstat_count_buffer_read(index);
		pgstat_count_buffer_hit(index);
		return recent->buffer[block];
	}
	buffer = ReadBuffer(index, block);
	if (recent != NULL && block < recent->blocks)
		recent->buffer[block] = buffer;
	return buffer;
}
