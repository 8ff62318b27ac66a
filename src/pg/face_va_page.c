/*
 * face_va_page.c: the face_va index's pages (see face_va.h), and the bounds
 * of the faces on one page from a probe, which the index core computes on the
 * page's columns (src/index/columns.h).
 */
#include "face_va.h"

#include "index/point_bound.h"

void
face_va_init_page(Page page, uint16 kind)
{
	FaceVaPageOpaque *opaque;

	PageInit(page, BLCKSZ, sizeof(FaceVaPageOpaque));
	opaque = face_va_page_opaque(page);
	opaque->kind = kind;
	opaque->page_id = FACE_VA_PAGE_ID;
	if (kind == 0)
	{
		FaceVaMeta *meta = face_va_page_meta(page);

		memset(meta, 0, sizeof(FaceVaMeta));
		meta->magic = FACE_VA_MAGIC;
		meta->layout = FACE_VA_LAYOUT;
		meta->key_format = FACE_VA_KEY_FORMAT;
		meta->model = FACE_VA_NO_MODEL;
		meta->insert_page[0] = meta->insert_page[1] = InvalidBlockNumber;
		((PageHeader) page)->pd_lower = (char *) meta + sizeof(FaceVaMeta) - (char *) page;
	}
	else
	{
		/* The whole column layout is data, so WAL and checksums cover all of it. */
		memset(face_va_page_entries(page), 0, sizeof(FaceVaEntries));
		((PageHeader) page)->pd_lower =
		    (char *) face_va_page_entries(page) + sizeof(FaceVaEntries) - (char *) page;
	}
}

/* The REINDEX error for a page this version cannot read. */
static void
report_unreadable(Relation index, BlockNumber block, const char *what)
{
	ereport(ERROR,
	        (errcode(ERRCODE_INDEX_CORRUPTED),
	         errmsg("face_va index \"%s\" has %s at block %u", RelationGetRelationName(index), what,
	                block),
	         errhint("REINDEX the index: it was built by another version of pgface, or damaged.")));
}

void
face_va_read_meta(Relation index, FaceVaMeta *copy)
{
	Buffer buffer = ReadBuffer(index, FACE_VA_METAPAGE);

	LockBuffer(buffer, BUFFER_LOCK_SHARE);
	*copy = *face_va_checked_meta(index, BufferGetPage(buffer));
	UnlockReleaseBuffer(buffer);
}

FaceVaMeta *
face_va_checked_meta(Relation index, Page page)
{
	FaceVaMeta *meta = face_va_page_meta(page);

	if (PageIsNew(page) || face_va_page_opaque(page)->page_id != FACE_VA_PAGE_ID ||
	    meta->magic != FACE_VA_MAGIC)
		report_unreadable(index, FACE_VA_METAPAGE, "no metapage");
	if (meta->layout != FACE_VA_LAYOUT || meta->key_format != FACE_VA_KEY_FORMAT)
		ereport(ERROR,
		        (errcode(ERRCODE_INDEX_CORRUPTED),
		         errmsg("face_va index \"%s\" has layout %u and key format %u, but this version "
		                "of pgface reads layout %d and key format %d",
		                RelationGetRelationName(index), meta->layout, meta->key_format,
		                FACE_VA_LAYOUT, FACE_VA_KEY_FORMAT),
		         errhint("REINDEX the index: it was built by another version of pgface.")));
	return meta;
}

uint16
face_va_checked_kind(Relation index, Page page, BlockNumber block)
{
	FaceVaPageOpaque *opaque = face_va_page_opaque(page);

	if (PageIsNew(page))
		return 0; /* extended but never written (a crash mid-extension): holds nothing */
	if (opaque->page_id != FACE_VA_PAGE_ID ||
	    (opaque->kind != FACE_VA_PAGE_FACES && opaque->kind != FACE_VA_PAGE_NULLS) ||
	    face_va_page_entries(page)->count > FACE_VA_CAPACITY)
		report_unreadable(index, block, "a page of unknown format");
	return opaque->kind;
}

/* Writes a point's codes at position i of a page. */
static void
set_codes(FaceVaEntries *entries, int i, const pgface_index_point *point)
{
	entries->residual[i] = point->residual;
	for (int a = 0; a < FACE_VA_LEAD_AXES; a++)
		entries->lead[a][i] = point->code[a];
	for (int block = FACE_VA_LEAD_BLOCKS; block < PGFACE_INDEX_BLOCKS; block++)
		memcpy(entries->code[block - FACE_VA_LEAD_BLOCKS][i],
		       point->code + block * PGFACE_INDEX_BLOCK, PGFACE_INDEX_BLOCK);
}

void
face_va_page_append(Page page, ItemPointer tid, const pgface_index_point *point)
{
	FaceVaEntries *entries = face_va_page_entries(page);
	int i = entries->count++;

	Assert(i < FACE_VA_CAPACITY);
	entries->tid[i] = *tid;
	if (point != NULL)
		set_codes(entries, i, point);
}

void
face_va_entry_point(const FaceVaEntries *entries, int i, pgface_index_point *point)
{
	point->residual = entries->residual[i];
	for (int a = 0; a < FACE_VA_LEAD_AXES; a++)
		point->code[a] = entries->lead[a][i];
	for (int block = FACE_VA_LEAD_BLOCKS; block < PGFACE_INDEX_BLOCKS; block++)
		memcpy(point->code + block * PGFACE_INDEX_BLOCK,
		       entries->code[block - FACE_VA_LEAD_BLOCKS][i], PGFACE_INDEX_BLOCK);
}

void
face_va_entry_move(FaceVaEntries *entries, int from, int to, bool faces)
{
	pgface_index_point point;

	entries->tid[to] = entries->tid[from];
	if (!faces)
		return;
	face_va_entry_point(entries, from, &point);
	set_codes(entries, to, &point);
}

/* A page's faces as the index core's columns: the lead axis by axis, the rest face by face. */
static pgface_index_columns
page_columns(const FaceVaEntries *entries)
{
	pgface_index_columns columns;

	columns.count = entries->count;
	columns.stride = FACE_VA_CAPACITY;
	columns.residual = entries->residual;
	columns.lead = &entries->lead[0][0];
	columns.rest = &entries->code[0][0][0];
	return columns;
}

/* The page's columns as the index core bounds them. */
int
face_va_page_within(const FaceVaEntries *entries, const pgface_index_probe *probe, float4 limit,
                    const pgface_index_lead_filter *filter, int *survivors, float4 *bounds)
{
	pgface_index_columns columns = page_columns(entries);

	return pgface_index_columns_within(&columns, probe, limit, filter, survivors, bounds);
}

/* From the gap table alone: an ordered scan checks each of its balls this way. */
float4
face_va_entry_bound(const FaceVaEntries *entries, int i, const pgface_index_probe *probe)
{
	pgface_index_point point;

	face_va_entry_point(entries, i, &point);
	return pgface_index_point_bound_squared(&point, probe);
}
