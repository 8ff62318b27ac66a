/*
 * face_va_page.c: the face_va index's pages (see face_va.h), and the bounds
 * of the faces on one page from a probe.
 */
#include "face_va.h"

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
		meta->key_format = FACE_GIST_FORMAT;
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

FaceVaMeta *
face_va_checked_meta(Relation index, Page page)
{
	FaceVaMeta *meta = face_va_page_meta(page);

	if (PageIsNew(page) || face_va_page_opaque(page)->page_id != FACE_VA_PAGE_ID ||
	    meta->magic != FACE_VA_MAGIC)
		report_unreadable(index, FACE_VA_METAPAGE, "no metapage");
	if (meta->layout != FACE_VA_LAYOUT || meta->key_format != FACE_GIST_FORMAT)
		report_unreadable(index, FACE_VA_METAPAGE, "a metapage of another format");
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

void
face_va_page_append(Page page, ItemPointer tid, const FaceGistPoint *point)
{
	FaceVaEntries *entries = face_va_page_entries(page);
	int i = entries->count++;

	Assert(i < FACE_VA_CAPACITY);
	entries->tid[i] = *tid;
	if (point == NULL)
		return;
	entries->residual[i] = point->residual;
	for (int block = 0; block < FACE_GIST_BLOCKS; block++)
		memcpy(entries->code[block][i], point->code + block * FACE_GIST_BLOCK, FACE_GIST_BLOCK);
}

void
face_va_entry_point(const FaceVaEntries *entries, int i, FaceGistPoint *point)
{
	point->residual = entries->residual[i];
	for (int block = 0; block < FACE_GIST_BLOCKS; block++)
		memcpy(point->code + block * FACE_GIST_BLOCK, entries->code[block][i], FACE_GIST_BLOCK);
}

int
face_va_page_within(const FaceVaEntries *entries, const FaceGistProbe *probe, float4 limit,
                    int *survivors, float4 *bounds)
{
	int count = entries->count;
	float4 sum[FACE_VA_CAPACITY];
	int alive = 0;

	for (int i = 0; i < count; i++)
	{
		float4 gap = probe->residual - entries->residual[i];

		sum[i] = gap * gap + face_gist_block_from_table(probe->gap_table,
		                                                (const uint8 *) entries->code[0][i]);
		if (sum[i] <= limit)
			survivors[alive++] = i;
	}
	for (int block = 1; block < FACE_GIST_BLOCKS && alive > 0; block++)
	{
		const float4(*rows)[256] = probe->gap_table + block * FACE_GIST_BLOCK;
		int kept = 0;

		for (int k = 0; k < alive; k++)
		{
			int i = survivors[k];

			sum[i] += face_gist_block_from_table(rows, (const uint8 *) entries->code[block][i]);
			if (sum[i] <= limit)
				survivors[kept++] = i;
		}
		alive = kept;
	}
	for (int k = 0; k < alive; k++)
		bounds[k] = sum[survivors[k]];
	return alive;
}

float4
face_va_entry_bound(const FaceVaEntries *entries, int i, const FaceGistProbe *probe)
{
	float4 gap = probe->residual - entries->residual[i];
	float4 sum = gap * gap;

	for (int block = 0; block < FACE_GIST_BLOCKS; block++)
		sum += face_gist_block_from_table(probe->gap_table + block * FACE_GIST_BLOCK,
		                                  (const uint8 *) entries->code[block][i]);
	return sum;
}
