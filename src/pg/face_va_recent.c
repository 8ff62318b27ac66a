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

#include "miscadmin.h"
#include "pgstat.h"
#include "utils/memutils.h"

typedef struct FaceVaRecentBuffers
{
	BlockNumber blocks;
	uint32 guesses; /* pages looked for in the buffer after the previous page's */
	uint32 guessed; /* and found there */
	Buffer buffer[FLEXIBLE_ARRAY_MEMBER]; /* InvalidBuffer (0) where unknown */
} FaceVaRecentBuffers;

/* Guesses made before their hit rate decides whether to go on guessing. */
#define GUESSES_ON_TRIAL 256

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
		grown->guesses = recent->guesses;
		grown->guessed = recent->guessed;
		memcpy(grown->buffer, recent->buffer, sizeof(Buffer) * recent->blocks);
		pfree(recent);
	}
	index->rd_amcache = grown;
	return grown;
}

/* Pins the page through buffer if that buffer holds it, counting the hit as ReadBuffer would. */
static bool
pin_if_there(Relation index, BlockNumber block, Buffer buffer)
{
	if (!ReadRecentBuffer(PGFACE_RELATION_FILE(index), MAIN_FORKNUM, block, buffer))
		return false;
	pgstat_count_buffer_read(index);
	pgstat_count_buffer_hit(index);
	return true;
}

/*
 * The buffer after the one that held the previous page, as a guess for a page this
 * backend has not pinned yet: a session's first scan would otherwise look up every page
 * in the shared buffer table. Pages read in order into free buffers (after a restart, or
 * by the build) lie in consecutive buffers: after one scan, 9,090 of a 1M index's 9,092
 * did. Once GUESSES_ON_TRIAL guesses have missed more often than not, no more are made.
 */
static Buffer
guessed_buffer(const FaceVaRecentBuffers *recent, BlockNumber block)
{
	Buffer previous;

	if (block == 0 || !BufferIsValid(recent->buffer[block - 1]))
		return InvalidBuffer;
	if (recent->guesses >= GUESSES_ON_TRIAL && recent->guessed < recent->guesses / 2)
		return InvalidBuffer;
	previous = recent->buffer[block - 1];
	return previous < NBuffers ? previous + 1 : InvalidBuffer;
}

Buffer
face_va_read_page(Relation index, BlockNumber block, BlockNumber blocks)
{
	FaceVaRecentBuffers *recent = recent_buffers(index, block, blocks);
	Buffer buffer;

	if (recent == NULL || block >= recent->blocks)
		return ReadBuffer(index, block);
	if (BufferIsValid(recent->buffer[block]) && pin_if_there(index, block, recent->buffer[block]))
		return recent->buffer[block];
	if (BufferIsValid(buffer = guessed_buffer(recent, block)))
	{
		if (recent->guesses >= (1u << 30)) /* the rate, not the count, decides */
			recent->guesses /= 2, recent->guessed /= 2;
		recent->guesses++;
		if (pin_if_there(index, block, buffer))
		{
			recent->guessed++;
			recent->buffer[block] = buffer;
			return buffer;
		}
	}
	buffer = ReadBuffer(index, block);
	recent->buffer[block] = buffer;
	return buffer;
}
