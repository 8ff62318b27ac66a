/*
 * face_va.h: the face_va index access method, a vector-approximation file
 * (Weber, Schek and Blott, VLDB 1998), the structure that paper proposes for
 * exactly the case where trees degrade into full scans.
 *
 * Every face gets the point code of the GiST index (its coordinates on 64
 * principal axes quantised to int8, and its residual length; see
 * src/index/point.h), with its first 32 axes cut to 4-bit bins
 * (src/index/lead_codes.h): 52 bytes. The index is nothing but those codes,
 * laid out flat: each page holds FACE_VA_CAPACITY faces column by column, the
 * bins plane by plane. A scan reads every page in order, weighs the bins of
 * 64 faces at a time in one vector register (the filter, lead_filter.h), and
 * bounds only the few faces it keeps in float. What survives is a candidate;
 * the executor fetches it from the table and rechecks it, so answers are
 * exact. Compared with GiST there is no tree to walk, no pairing heap, and one
 * buffer visit per 128 faces instead of per 13.
 *
 *   block 0         the metapage
 *   blocks 1...     pages of faces, or of rows whose embedding is NULL
 */
#ifndef PGFACE_PG_FACE_VA_H
#define PGFACE_PG_FACE_VA_H

#include "face_index.h"

#include "index/columns.h"
#include "index/lead_filter.h"

#include "access/amapi.h"
#include "nodes/pathnodes.h"
#include "access/generic_xlog.h"
#include "nodes/execnodes.h"
#include "storage/bufmgr.h"
#include "storage/bufpage.h"
#include "storage/itemptr.h"
#include "utils/rel.h"

#define FACE_VA_MAGIC 0x46564131 /* "FVA1" */
/* 1: 24 lead axes as int8 codes, 110 faces a page; 2: 32 lead axes as 4-bit bins, 128. */
#define FACE_VA_LAYOUT   2
#define FACE_VA_METAPAGE 0
#define FACE_VA_PAGE_ID  0xFA5A
#define FACE_VA_NO_MODEL (-1)

/*
 * The point codes' format, as the metapage records it: the value is on disk,
 * 3 since face_va was first released (when it was shared with GiST's key
 * format), and new codes (PGFACE_INDEX_CODE_FORMAT) must make it a new one.
 */
#define FACE_VA_KEY_FORMAT 3
StaticAssertDecl(FACE_VA_KEY_FORMAT == PGFACE_INDEX_CODE_FORMAT,
                 "new point codes are a new face_va key format: REINDEX, not misreading");

/* What a data page holds. */
#define FACE_VA_PAGE_FACES 1
#define FACE_VA_PAGE_NULLS 2

/* Faces per page: as many as one set of columns holds (140 would fit). */
#define FACE_VA_CAPACITY 128

/* What one face takes on a page, as the free space map counts it. */
#define FACE_VA_ENTRY_BYTES                                                                        \
	(sizeof(ItemPointerData) + sizeof(float4) + PGFACE_INDEX_PLANES + PGFACE_INDEX_BYTE_AXES)

typedef struct FaceVaMeta
{
	uint32 magic;
	uint16 layout;     /* FACE_VA_LAYOUT */
	uint16 key_format; /* FACE_VA_KEY_FORMAT: the axes the codes were made on */
	int32 model;       /* model tag of every face, or FACE_VA_NO_MODEL before the first */
	int32 dims;
	BlockNumber insert_page[2]; /* where the next face / NULL row goes, by kind - 1 */
} FaceVaMeta;

/*
 * A data page's contents, column by column (kind NULLS uses only count and
 * tid): the core's columns (src/index/columns.h). The binned lead, which scans
 * read for every face, plane by plane, so that one plane of 64 faces is one
 * vector load; the residuals just before it, and the other axes' codes face
 * by face, both read only for the faces the filter keeps (asked for from
 * memory as soon as it keeps them). Another arrangement, or
 * other bins, is another FACE_VA_LAYOUT.
 */
typedef struct FaceVaEntries
{
	uint16 count;
	char to_a_line[38]; /* the columns from the page's second cache line on (asserted below) */
	float4 residual[FACE_VA_CAPACITY];
	uint8 plane[PGFACE_INDEX_PLANES][FACE_VA_CAPACITY];
	int8 rest[FACE_VA_CAPACITY][PGFACE_INDEX_BYTE_AXES];
	ItemPointerData tid[FACE_VA_CAPACITY];
} FaceVaEntries;

/*
 * Buffers start on a cache line, so each plane of 128 faces is two whole
 * lines, and each face's other codes lie in one line, not across two: a face
 * the filter keeps costs one line from memory, not two.
 */
StaticAssertDecl((MAXALIGN(SizeOfPageHeaderData) + offsetof(FaceVaEntries, residual)) % 64 == 0 &&
                     (MAXALIGN(SizeOfPageHeaderData) + offsetof(FaceVaEntries, rest)) % 64 == 0,
                 "face_va's columns start on cache lines");

typedef struct FaceVaPageOpaque
{
	uint16 kind;    /* FACE_VA_PAGE_FACES or _NULLS; 0 on the metapage */
	uint16 page_id; /* FACE_VA_PAGE_ID, so tools can tell our pages */
} FaceVaPageOpaque;

StaticAssertDecl(MAXALIGN(SizeOfPageHeaderData) + MAXALIGN(sizeof(FaceVaEntries)) +
                         MAXALIGN(sizeof(FaceVaPageOpaque)) <=
                     BLCKSZ,
                 "a face_va page must hold FACE_VA_CAPACITY faces");
StaticAssertDecl(FACE_VA_CAPACITY <= PGFACE_INDEX_COLUMNS_MAX,
                 "a page's faces are one set of columns");

static inline FaceVaPageOpaque *
face_va_page_opaque(Page page)
{
	return (FaceVaPageOpaque *) PageGetSpecialPointer(page);
}

static inline FaceVaMeta *
face_va_page_meta(Page page)
{
	return (FaceVaMeta *) PageGetContents(page);
}

static inline FaceVaEntries *
face_va_page_entries(Page page)
{
	return (FaceVaEntries *) PageGetContents(page);
}

/* face_va_page.c: pages, and the bounds of the faces on one. */

/* Formats a page of the given kind (0: the metapage, with no model yet). */
extern void face_va_init_page(Page page, uint16 kind);

/* The metapage of an index, checked: ERROR (REINDEX) for another format. */
extern FaceVaMeta *face_va_checked_meta(Relation index, Page page);

/* A copy of the metapage, read under a share lock and checked. */
extern void face_va_read_meta(Relation index, FaceVaMeta *copy);

/* The kind of a data page, checked: ERROR (index corrupted) for anything else. */
extern uint16 face_va_checked_kind(Relation index, Page page, BlockNumber block);

/* Appends a face (point NULL: a NULL row) to a page that has room. */
extern void face_va_page_append(Page page, ItemPointer tid, const pgface_index_point *point);

/* Moves entry from to position to on the same page (VACUUM fills holes this way). */
extern void face_va_entry_move(FaceVaEntries *entries, int from, int to, bool faces);

/*
 * The faces of a page whose squared bound from the probe is at most limit:
 * their positions go to survivors and their bounds to bounds, in page order;
 * returns how many. A filter made for the probe (NULL: none) drops most faces
 * first; the rest are bounded one by one.
 */
extern int face_va_page_within(const FaceVaEntries *entries, const pgface_index_probe *probe,
                               float4 limit, const pgface_index_lead_filter *filter, int *survivors,
                               float4 *bounds);

/*
 * The same in two steps (columns.h): the faces a filter keeps, their other
 * codes and residuals asked for from memory; then their bounds, at a limit
 * no larger.
 */
extern void face_va_page_keep(const FaceVaEntries *entries, float4 limit,
                              const pgface_index_lead_filter *filter, pgface_index_kept *kept);
extern int face_va_page_finish(const FaceVaEntries *entries, const pgface_index_probe *probe,
                               float4 limit, const pgface_index_kept *kept, int *survivors,
                               float4 *bounds);

/* One face's full squared bound from a probe. */
extern float4 face_va_entry_bound(const FaceVaEntries *entries, int i,
                                  const pgface_index_probe *probe);

/* An estimate from above of one face's squared distance from a probe: it only steers. */
extern float4 face_va_entry_upper(const FaceVaEntries *entries, int i,
                                  const pgface_index_probe *probe);

/* face_va_handler.c: registers the index's reloption kind; _PG_init calls it. */
/*
 * face_va_recent.c: a page of the index pinned, through the buffer this backend
 * last found it in when that still holds it; blocks is the index's size as the
 * caller knows it, to size the memory of those buffers at once.
 */
extern Buffer face_va_read_page(Relation index, BlockNumber block, BlockNumber blocks);

extern void face_va_define_reloptions(void);

/* index_cost.c: face_va's cost model, next to the one it is weighed against (GiST's). */
extern void face_va_cost_estimate(PlannerInfo *root, IndexPath *path, double loop_count,
                                  Cost *startup_cost, Cost *total_cost, Selectivity *selectivity,
                                  double *correlation, double *pages);

/* face_va_build.c: building, inserting. */
extern IndexBuildResult *face_va_build(Relation heap, Relation index, IndexInfo *index_info);
extern void face_va_build_empty(Relation index);
extern bool face_va_insert(Relation index, Datum *values, bool *isnull, ItemPointer heap_tid,
                           Relation heap, IndexUniqueCheck check_unique, bool index_unchanged,
                           IndexInfo *index_info);

/* face_va_scan.c: index scans and bitmap scans. */
extern IndexScanDesc face_va_begin_scan(Relation index, int nkeys, int norderbys);
extern void face_va_rescan(IndexScanDesc scan, ScanKey keys, int nkeys, ScanKey orderbys,
                           int norderbys);
extern bool face_va_get_tuple(IndexScanDesc scan, ScanDirection direction);
extern int64 face_va_get_bitmap(IndexScanDesc scan, TIDBitmap *bitmap);
extern void face_va_end_scan(IndexScanDesc scan);

/* face_va_vacuum.c: removing dead rows' entries. */
extern IndexBulkDeleteResult *face_va_bulk_delete(IndexVacuumInfo *info,
                                                  IndexBulkDeleteResult *stats,
                                                  IndexBulkDeleteCallback callback,
                                                  void *callback_state);
extern IndexBulkDeleteResult *face_va_vacuum_cleanup(IndexVacuumInfo *info,
                                                     IndexBulkDeleteResult *stats);

#endif
