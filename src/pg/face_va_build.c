/*
 * face_va_build.c: CREATE INDEX and INSERT for the face_va access method.
 * Faces are appended to the last page of their kind; order does not matter,
 * since every scan reads every page. All page changes go through generic WAL.
 */
#include "face_va.h"

#include "access/tableam.h"
#include "catalog/index.h"
#include "miscadmin.h"
#include "storage/freespace.h"
#include "storage/lmgr.h"
#include "storage/smgr.h"
#include "utils/memutils.h"

/* Appends a fresh page to the index; returns its buffer, locked. */
static Buffer
extend_index(Relation index)
{
	Buffer buffer;

	LockRelationForExtension(index, ExclusiveLock);
	buffer = ReadBufferExtended(index, MAIN_FORKNUM, P_NEW, RBM_NORMAL, NULL);
	UnlockRelationForExtension(index, ExclusiveLock);
	LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
	return buffer;
}

/* Whether a locked page is a page of this kind with room for one more entry. */
static bool
page_has_room(Relation index, Buffer buffer, uint16 kind)
{
	Page page = BufferGetPage(buffer);

	return face_va_checked_kind(index, page, BufferGetBlockNumber(buffer)) == kind &&
	       face_va_page_entries(page)->count < FACE_VA_CAPACITY;
}

/*
 * A page of faces that VACUUM left room on, locked, from the free space map; an
 * invalid buffer when there is none. Entries that turn out stale (the page has
 * filled since) are cleared on the way. The page found becomes the insert page,
 * so its entry is cleared too: inserts fill it from now on.
 */
static Buffer
page_with_freed_room(Relation index)
{
	for (;;)
	{
		BlockNumber block = GetPageWithFreeSpace(index, 2 * FACE_VA_ENTRY_BYTES);
		Buffer buffer;
		bool room;

		if (block == InvalidBlockNumber || block == FACE_VA_METAPAGE ||
		    block >= RelationGetNumberOfBlocks(index))
			return InvalidBuffer;
		buffer = ReadBuffer(index, block);
		LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
		room = page_has_room(index, buffer, FACE_VA_PAGE_FACES);
		RecordPageWithFreeSpace(index, block, 0);
		if (room)
			return buffer;
		UnlockReleaseBuffer(buffer);
	}
}

/*
 * Puts one entry in the index: on the current insert page of its kind when it
 * has room, else on a page VACUUM left room on, else on a new page; either
 * becomes the insert page. The metapage is locked exclusively only when the
 * insert page is full or the model unset.
 */
static void
insert_entry(Relation index, ItemPointer tid, const FaceEmbedding *embedding)
{
	pgface_index_point point;
	const pgface_index_point *entry_point = embedding != NULL ? &point : NULL;
	uint16 kind = embedding != NULL ? FACE_VA_PAGE_FACES : FACE_VA_PAGE_NULLS;
	Buffer meta_buffer;
	FaceVaMeta *meta;
	BlockNumber target;
	bool set_model;
	bool have_room = false;
	bool moved = false; /* the insert page changes */
	Buffer buffer = InvalidBuffer;
	GenericXLogState *state;
	Page page;

	if (embedding != NULL)
		face_index_encode_point(embedding, &point);

	meta_buffer = ReadBuffer(index, FACE_VA_METAPAGE);
	LockBuffer(meta_buffer, BUFFER_LOCK_SHARE);
	meta = face_va_checked_meta(index, BufferGetPage(meta_buffer));
	if (embedding != NULL && meta->model != FACE_VA_NO_MODEL)
		face_index_check_models(meta->model, embedding->model);
	target = meta->insert_page[kind - 1];
	set_model = embedding != NULL && meta->model == FACE_VA_NO_MODEL;
	LockBuffer(meta_buffer, BUFFER_LOCK_UNLOCK);

	/* The common case: room on the insert page, the model already set. */
	if (target != InvalidBlockNumber && !set_model)
	{
		buffer = ReadBuffer(index, target);
		LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
		if (page_has_room(index, buffer, kind))
		{
			state = GenericXLogStart(index);
			face_va_page_append(GenericXLogRegisterBuffer(state, buffer, 0), tid, entry_point);
			GenericXLogFinish(state);
			UnlockReleaseBuffer(buffer);
			ReleaseBuffer(meta_buffer);
			return;
		}
		UnlockReleaseBuffer(buffer);
	}

	/* Otherwise under the metapage's exclusive lock: look again, and extend if still full. */
	LockBuffer(meta_buffer, BUFFER_LOCK_EXCLUSIVE);
	meta = face_va_checked_meta(index, BufferGetPage(meta_buffer));
	if (embedding != NULL && meta->model != FACE_VA_NO_MODEL)
		face_index_check_models(meta->model, embedding->model);
	set_model = embedding != NULL && meta->model == FACE_VA_NO_MODEL;
	target = meta->insert_page[kind - 1];
	if (target != InvalidBlockNumber)
	{
		buffer = ReadBuffer(index, target);
		LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
		have_room = page_has_room(index, buffer, kind);
		if (!have_room)
			UnlockReleaseBuffer(buffer);
	}
	if (!have_room && kind == FACE_VA_PAGE_FACES)
	{
		buffer = page_with_freed_room(index);
		have_room = moved = BufferIsValid(buffer);
	}
	if (!have_room)
		buffer = extend_index(index);

	state = GenericXLogStart(index);
	if (set_model || !have_room || moved)
	{
		meta = face_va_page_meta(GenericXLogRegisterBuffer(state, meta_buffer, 0));
		if (set_model)
		{
			meta->model = embedding->model;
			meta->dims = embedding->dims;
		}
		if (!have_room || moved)
			meta->insert_page[kind - 1] = BufferGetBlockNumber(buffer);
	}
	page = GenericXLogRegisterBuffer(state, buffer, have_room ? 0 : GENERIC_XLOG_FULL_IMAGE);
	if (!have_room)
		face_va_init_page(page, kind);
	face_va_page_append(page, tid, entry_point);
	GenericXLogFinish(state);
	UnlockReleaseBuffer(buffer);
	UnlockReleaseBuffer(meta_buffer);
}

/* CREATE INDEX fills one page of each kind in memory and writes it whole when full. */
typedef struct BuildState
{
	Relation index;
	double rows;
	int32 model;
	int32 dims;
	PGAlignedBlock pending[2]; /* by kind - 1 */
	BlockNumber written[2];    /* the last page written of each kind, the insert pages after */
	MemoryContext row_context; /* reset after every row: detoasted values */
} BuildState;

/* Writes a built page as a new block of the index, WAL-logged as a full image. */
static BlockNumber
write_page(Relation index, Page built)
{
	Buffer buffer = extend_index(index);
	GenericXLogState *state = GenericXLogStart(index);
	BlockNumber block = BufferGetBlockNumber(buffer);

	memcpy(GenericXLogRegisterBuffer(state, buffer, GENERIC_XLOG_FULL_IMAGE), built, BLCKSZ);
	GenericXLogFinish(state);
	UnlockReleaseBuffer(buffer);
	return block;
}

/* Writes a new metapage as block 0 of a fork, under WAL when the fork needs it. */
static void
write_metapage(Relation index, ForkNumber fork)
{
	if (fork == INIT_FORKNUM)
	{
		/* An unlogged index's init fork is always WAL-logged, as bloom does it. */
		PGAlignedBlock block;

		face_va_init_page(block.data, 0);
		PageSetChecksumInplace(block.data, FACE_VA_METAPAGE);
		smgrwrite(RelationGetSmgr(index), INIT_FORKNUM, FACE_VA_METAPAGE, block.data, true);
		log_newpage(PGFACE_SMGR_FILE(RelationGetSmgr(index)), INIT_FORKNUM, FACE_VA_METAPAGE,
		            block.data, true);
		smgrimmedsync(RelationGetSmgr(index), INIT_FORKNUM);
		return;
	}
	{
		PGAlignedBlock block;

		face_va_init_page(block.data, 0);
		if (write_page(index, block.data) != FACE_VA_METAPAGE)
			elog(ERROR, "face_va index \"%s\" is not empty at build",
			     RelationGetRelationName(index));
	}
}

/* Writes the pending page of a kind if it holds anything, and starts a fresh one. */
static void
flush_pending(BuildState *state, uint16 kind)
{
	Page page = state->pending[kind - 1].data;

	if (face_va_page_entries(page)->count > 0)
		state->written[kind - 1] = write_page(state->index, page);
	face_va_init_page(page, kind);
}

/* One heap row during CREATE INDEX. */
static void
build_callback(Relation index, ItemPointer tid, Datum *values, bool *isnull, bool tuple_is_alive,
               void *state_pointer)
{
	BuildState *state = (BuildState *) state_pointer;
	MemoryContext old_context = MemoryContextSwitchTo(state->row_context);
	uint16 kind = isnull[0] ? FACE_VA_PAGE_NULLS : FACE_VA_PAGE_FACES;
	pgface_index_point point;

	(void) index;
	(void) tuple_is_alive;
	if (!isnull[0])
	{
		FaceEmbedding *embedding = DatumGetFaceEmbeddingP(values[0]);

		face_index_encode_point(embedding, &point);
		if (state->model == FACE_VA_NO_MODEL)
		{
			state->model = embedding->model;
			state->dims = embedding->dims;
		}
		face_index_check_models(state->model, embedding->model);
	}
	if (face_va_page_entries(state->pending[kind - 1].data)->count == FACE_VA_CAPACITY)
		flush_pending(state, kind);
	face_va_page_append(state->pending[kind - 1].data, tid, isnull[0] ? NULL : &point);
	state->rows += 1;
	MemoryContextSwitchTo(old_context);
	MemoryContextReset(state->row_context);
}

/* CREATE INDEX: one scan of the table, pages written whole, the metapage last. */
IndexBuildResult *
face_va_build(Relation heap, Relation index, IndexInfo *index_info)
{
	IndexBuildResult *result = palloc0(sizeof(IndexBuildResult));
	BuildState *state = palloc0(sizeof(BuildState));
	Buffer meta_buffer;
	GenericXLogState *xlog;
	FaceVaMeta *meta;

	if (RelationGetNumberOfBlocks(index) != 0)
		elog(ERROR, "face_va index \"%s\" already contains data", RelationGetRelationName(index));
	write_metapage(index, MAIN_FORKNUM);
	state->index = index;
	state->model = FACE_VA_NO_MODEL;
	state->written[0] = state->written[1] = InvalidBlockNumber;
	face_va_init_page(state->pending[0].data, FACE_VA_PAGE_FACES);
	face_va_init_page(state->pending[1].data, FACE_VA_PAGE_NULLS);
	state->row_context =
	    AllocSetContextCreate(CurrentMemoryContext, "face_va build row", ALLOCSET_DEFAULT_SIZES);
	result->heap_tuples =
	    table_index_build_scan(heap, index, index_info, true, true, build_callback, state, NULL);
	result->index_tuples = state->rows;
	flush_pending(state, FACE_VA_PAGE_FACES);
	flush_pending(state, FACE_VA_PAGE_NULLS);

	meta_buffer = ReadBuffer(index, FACE_VA_METAPAGE);
	LockBuffer(meta_buffer, BUFFER_LOCK_EXCLUSIVE);
	xlog = GenericXLogStart(index);
	meta = face_va_page_meta(GenericXLogRegisterBuffer(xlog, meta_buffer, 0));
	meta->model = state->model;
	meta->dims = state->dims;
	meta->insert_page[0] = state->written[0];
	meta->insert_page[1] = state->written[1];
	GenericXLogFinish(xlog);
	UnlockReleaseBuffer(meta_buffer);
	MemoryContextDelete(state->row_context);
	return result;
}

/* An unlogged table's index starts as a lone metapage after a crash. */
void
face_va_build_empty(Relation index)
{
	write_metapage(index, INIT_FORKNUM);
}

/* One row's entry, in a short-lived context: the value may have been detoasted. */
bool
face_va_insert(Relation index, Datum *values, bool *isnull, ItemPointer heap_tid, Relation heap,
               IndexUniqueCheck check_unique, bool index_unchanged, IndexInfo *index_info)
{
	MemoryContext row_context =
	    AllocSetContextCreate(CurrentMemoryContext, "face_va insert", ALLOCSET_SMALL_SIZES);
	MemoryContext old_context = MemoryContextSwitchTo(row_context);

	(void) heap;
	(void) check_unique;
	(void) index_unchanged;
	(void) index_info;
	insert_entry(index, heap_tid, isnull[0] ? NULL : DatumGetFaceEmbeddingP(values[0]));
	MemoryContextSwitchTo(old_context);
	MemoryContextDelete(row_context);
	return false;
}
