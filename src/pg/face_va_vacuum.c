/*
 * face_va_vacuum.c: VACUUM for the face_va index. Dead rows' entries are
 * removed page by page, the last entry moving into each hole (order within a
 * page means nothing). Pages are never merged or freed; the room left on pages
 * of faces goes into the free space map, and inserts use it once the insert
 * page is full, before extending the index.
 */
#include "face_va.h"

#include "commands/vacuum.h"
#include "miscadmin.h"
#include "storage/freespace.h"

/* Whether any entry on a page belongs to a dead row (read under a share lock first). */
static bool
page_has_dead(FaceVaEntries *entries, IndexBulkDeleteCallback callback, void *callback_state)
{
	for (int i = 0; i < entries->count; i++)
		if (callback(&entries->tid[i], callback_state))
			return true;
	return false;
}

/*
 * VACUUM's first step: each page is read under a share lock and rewritten only
 * if it holds a dead row.
 */
IndexBulkDeleteResult *
face_va_bulk_delete(IndexVacuumInfo *info, IndexBulkDeleteResult *stats,
                    IndexBulkDeleteCallback callback, void *callback_state)
{
	Relation index = info->index;
	BlockNumber blocks = RelationGetNumberOfBlocks(index);

	if (stats == NULL)
		stats = palloc0(sizeof(IndexBulkDeleteResult));
	for (BlockNumber block = FACE_VA_METAPAGE + 1; block < blocks; block++)
	{
		Buffer buffer = ReadBufferExtended(index, MAIN_FORKNUM, block, RBM_NORMAL, info->strategy);
		uint16 kind;
		bool dirty;

		pgface_vacuum_delay_point();
		LockBuffer(buffer, BUFFER_LOCK_SHARE);
		kind = face_va_checked_kind(index, BufferGetPage(buffer), block);
		dirty = kind != 0 && page_has_dead(face_va_page_entries(BufferGetPage(buffer)), callback,
		                                   callback_state);
		LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
		if (dirty)
		{
			GenericXLogState *state;
			FaceVaEntries *entries;

			LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
			state = GenericXLogStart(index);
			entries = face_va_page_entries(GenericXLogRegisterBuffer(state, buffer, 0));
			for (int i = 0; i < entries->count;)
			{
				if (callback(&entries->tid[i], callback_state))
				{
					face_va_entry_move(entries, entries->count - 1, i, kind == FACE_VA_PAGE_FACES);
					entries->count--;
					stats->tuples_removed += 1;
				}
				else
					i++;
			}
			GenericXLogFinish(state);
			LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
		}
		ReleaseBuffer(buffer);
	}
	return stats;
}

/* VACUUM's last step: counts what is left, for pg_class and the planner, and records the room. */
IndexBulkDeleteResult *
face_va_vacuum_cleanup(IndexVacuumInfo *info, IndexBulkDeleteResult *stats)
{
	Relation index = info->index;
	BlockNumber blocks;
	FaceVaMeta meta;

	if (info->analyze_only)
		return stats;
	if (stats == NULL)
		stats = palloc0(sizeof(IndexBulkDeleteResult));
	blocks = RelationGetNumberOfBlocks(index);
	stats->num_pages = blocks;
	stats->num_index_tuples = 0;
	face_va_read_meta(index, &meta);
	for (BlockNumber block = FACE_VA_METAPAGE + 1; block < blocks; block++)
	{
		Buffer buffer = ReadBufferExtended(index, MAIN_FORKNUM, block, RBM_NORMAL, info->strategy);
		uint16 kind;
		int count = 0;

		pgface_vacuum_delay_point();
		LockBuffer(buffer, BUFFER_LOCK_SHARE);
		kind = face_va_checked_kind(index, BufferGetPage(buffer), block);
		if (kind != 0)
			count = face_va_page_entries(BufferGetPage(buffer))->count;
		UnlockReleaseBuffer(buffer);
		stats->num_index_tuples += count;
		/* Room on a page of faces, for inserts; not the insert page, which they fill anyway. */
		if (kind == FACE_VA_PAGE_FACES && block != meta.insert_page[FACE_VA_PAGE_FACES - 1])
			RecordPageWithFreeSpace(index, block, (FACE_VA_CAPACITY - count) * FACE_VA_ENTRY_BYTES);
	}
	FreeSpaceMapVacuum(index);
	return stats;
}
