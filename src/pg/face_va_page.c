/*
 * face_va_page.c: the face_va index's pages (see face_va.h), and the bounds
 * of the faces on one page from a probe, which the index core computes on the
 * page's columns (src/index/columns.h).
 */
#include "face_va.h"

#include <math.h>

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
	uint8 planes[PGFACE_INDEX_PLANES];

	entries->residual[i] = point->residual;
	pgface_index_encode_planes(point, planes);
	for (int j = 0; j < PGFACE_INDEX_PLANES; j++)
		entries->plane[j][i] = planes[j];
	memcpy(entries->rest[i], point->code + PGFACE_INDEX_BINNED_AXES, PGFACE_INDEX_BYTE_AXES);
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

/* Column by column: the bins cannot be turned back into the codes they came from. */
void
face_va_entry_move(FaceVaEntries *entries, int from, int to, bool faces)
{
	entries->tid[to] = entries->tid[from];
	if (!faces)
		return;
	entries->residual[to] = entries->residual[from];
	for (int j = 0; j < PGFACE_INDEX_PLANES; j++)
		entries->plane[j][to] = entries->plane[j][from];
	memmove(entries->rest[to], entries->rest[from], PGFACE_INDEX_BYTE_AXES);
}

/* A page's faces as the index core's columns. */
static pgface_index_columns
page_columns(const FaceVaEntries *entries)
{
	pgface_index_columns columns;

	columns.count = entries->count;
	columns.stride = FACE_VA_CAPACITY;
	columns.residual = entries->residual;
	columns.planes = &entries->plane[0][0];
	columns.rest = &entries->rest[0][0];
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

/* The first of the two steps of face_va_page_within, on the page's columns. */
void
face_va_page_keep(const FaceVaEntries *entries, float4 limit,
                  const pgface_index_lead_filter *filter, pgface_index_kept *kept)
{
	pgface_index_columns columns = page_columns(entries);

	pgface_index_columns_keep(&columns, limit, filter, kept);
}

/* The second. */
int
face_va_page_finish(const FaceVaEntries *entries, const pgface_index_probe *probe, float4 limit,
                    const pgface_index_kept *kept, int *survivors, float4 *bounds)
{
	pgface_index_columns columns = page_columns(entries);

	return pgface_index_columns_finish(&columns, probe, limit, kept, survivors, bounds);
}

/* With no limit, so the sum runs to its end: an ordered scan checks each of its balls this way. */
float4
face_va_entry_bound(const FaceVaEntries *entries, int i, const pgface_index_probe *probe)
{
	pgface_index_columns columns = page_columns(entries);

	return pgface_index_columns_bound_of(&columns, probe, INFINITY, i);
}

/* The core's estimate on the page's columns. */
float4
face_va_entry_upper(const FaceVaEntries *entries, int i, const pgface_index_probe *probe)
{
	pgface_index_columns columns = page_columns(entries);

	return pgface_index_columns_upper_of(&columns, probe, i);
}
