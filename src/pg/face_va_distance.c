/*
 * face_va_distance.c: exact distances for ordered face_va scans, read from
 * the table. The index holds only codes, whose bounds order candidates but do
 * not let the executor stop: it returns the nearest row only once the index
 * has handed out a bound at least as large as that row's distance, which for
 * a lone close face means scanning far past it. With the exact distance of
 * each candidate, the scan can hand out rows in exact order and stop at once.
 */
#include "face_va_distance.h"

#include "access/relscan.h"
#include "access/tableam.h"
#include "executor/tuptable.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

struct FaceVaDistances
{
	IndexFetchTableData *fetch;
	TupleTableSlot *slot;
	AttrNumber column;
	Snapshot snapshot;
	MemoryContext row_context; /* detoasted values, reset after every row */
};

FaceVaDistances *
face_va_distances_begin(IndexScanDesc scan)
{
	Relation index = scan->indexRelation;
	AttrNumber column = index->rd_index->indkey.values[0];
	FaceVaDistances *distances;

	/* An expression index would need the expression evaluated per row: left to the executor. */
	if (scan->heapRelation == NULL || column == InvalidAttrNumber || scan->xs_snapshot == NULL ||
	    !IsMVCCSnapshot(scan->xs_snapshot))
		return NULL;
	distances = palloc0(sizeof(FaceVaDistances));
	distances->fetch = table_index_fetch_begin(scan->heapRelation);
	distances->slot = table_slot_create(scan->heapRelation, NULL);
	distances->column = column;
	distances->snapshot = scan->xs_snapshot;
	distances->row_context =
	    AllocSetContextCreate(CurrentMemoryContext, "face_va row", ALLOCSET_SMALL_SIZES);
	return distances;
}

bool
face_va_distance_of(FaceVaDistances *distances, ItemPointer tid, const FaceEmbedding *probe,
                    float8 *distance)
{
	ItemPointerData at = *tid;
	bool call_again = false;
	bool all_dead = false;
	bool found;
	bool isnull;
	Datum value;
	MemoryContext old_context;

	found = table_index_fetch_tuple(distances->fetch, &at, distances->snapshot, distances->slot,
	                                &call_again, &all_dead);
	if (!found)
		return false;
	value = slot_getattr(distances->slot, distances->column, &isnull);
	if (!isnull)
	{
		FaceEmbedding *row;

		old_context = MemoryContextSwitchTo(distances->row_context);
		row = DatumGetFaceEmbeddingP(value);
		face_embedding_check_comparable(row, probe);
		*distance = pgface_l2_distance(row->values, probe->values, probe->dims);
		MemoryContextSwitchTo(old_context);
		MemoryContextReset(distances->row_context);
	}
	ExecClearTuple(distances->slot);
	return !isnull;
}

void
face_va_distances_end(FaceVaDistances *distances)
{
	if (distances == NULL)
		return;
	table_index_fetch_end(distances->fetch);
	ExecDropSingleTupleTableSlot(distances->slot);
	MemoryContextDelete(distances->row_context);
	pfree(distances);
}
