/*
 * face_va_scan.c: scans of the face_va index (see face_va.h). Every scan
 * reads every page; what it returns is a candidate, which the executor
 * rechecks against the table, so answers are exact.
 *
 * Threshold scans ("emb <@ face_ball(probe, tau)") stream page by page.
 * Ordered scans ("ORDER BY emb <-> probe") must hand out faces in order of a
 * lower bound on their distance, which the executor's reorder queue turns into
 * exact order. They work in passes over distance bands: the first pass takes
 * every face whose bound is below an estimate from above of the nearest
 * face's distance, so a LIMIT 1 query is usually answered by one pass; each
 * later pass takes the next band, chosen from the model's impostor statistics
 * to hold about eight times as many faces. Rows whose embedding is NULL come
 * last, as they sort last.
 *
 * Where the indexed column is a plain column, an ordered scan reads each
 * candidate's exact distance from the table (face_va_distance.c) and hands
 * out rows in exact order, the multi-step nearest-neighbour search of Seidl
 * and Kriegel (SIGMOD 1998): a row goes out once its distance is at most the
 * bound of every face not yet read, so LIMIT 1 ends in the first band.
 * Otherwise (an expression index) it hands out rows in order of bound, and
 * the executor's reorder queue, which rechecks each distance, restores the
 * exact order.
 */
#include "face_ball.h"
#include "face_va.h"
#include "face_va_distance.h"

#include <math.h>

#include "index/bands.h"
#include "index/slack.h"

#include "access/itup.h"
#include "access/relscan.h"
#include "lib/pairingheap.h"
#include "miscadmin.h"
#include "nodes/tidbitmap.h"
#include "pgstat.h"
#include "utils/float.h"
#include "utils/memutils.h"

/* A face to hand to the executor, with the squared lower bound it is ordered by. */
typedef struct Candidate
{
	ItemPointerData tid;
	float4 bound;
} Candidate;

/* A candidate whose exact distance has been read, waiting for its turn. */
typedef struct FetchedFace
{
	pairingheap_node node;
	ItemPointerData tid;
	float8 distance;
} FetchedFace;

/* A threshold condition "emb <@ ball", prepared. */
typedef struct BallFilter
{
	FaceEmbedding *center;
	pgface_index_probe probe;
	float4 limit;    /* a face with a larger squared bound cannot be inside */
	bool everything; /* a NaN radius: every face is inside, as float8 comparison says */
} BallFilter;

#define NO_LOWER_BOUND (-1.0f)
/* No limit: infinite, not FLT_MAX, so that faces whose bound overflows are still found. */
#define UNBOUNDED     INFINITY
#define SAMPLE_STRIDE 64

typedef struct VaScan
{
	MemoryContext context; /* what one rescan prepares: probes, candidates */
	bool prepared;
	bool nothing; /* some condition no row can meet */
	BlockNumber blocks;
	BlockNumber next_block; /* threshold scans: the next page to read */
	const pgface_embedding_statistics *stats;

	int ball_count;
	BallFilter *balls;
	int primary_ball; /* the ball whose probe prunes first, or -1 */

	bool ordered; /* an ORDER BY probe that is not NULL */
	FaceEmbedding *order_probe;
	bool order_by_null;       /* ORDER BY emb <-> NULL: every distance is NULL */
	pgface_index_probe order; /* the ORDER BY probe */
	float4 cap;               /* no face beyond this squared bound can pass the balls */
	float4 pass_low;          /* squared bounds handed out so far are at most this */
	float4 nearest_upper;     /* first pass: estimate from above of the nearest face */
	bool passes_done;         /* every face has been in some band */
	bool nulls_due;           /* ordered scans hand out NULL rows at the end */
	bool handing_out_null;    /* the candidates are NULL rows */

	/* The pruning probe's byte-table filter, remade as the limit moves (lead_filter.h). */
	pgface_index_lead_filter *filter;

	/* The page to be read next, pinned and on its way into the CPU's caches, or invalid. */
	Buffer ahead;
	BlockNumber ahead_block;

	/*
	 * An ordered pass's last page, still share-locked, whose kept faces are
	 * bounded once the next page's filter has asked for that page's codes
	 * (face_va_page_keep), or invalid; and the kept faces of both pages.
	 */
	Buffer deferred;
	pgface_index_kept *deferred_kept;
	pgface_index_kept *page_kept;
	float4 deferred_limit;
	int tightened_from; /* the first candidate tighten_with_distance has not looked at */

	Candidate *candidates;
	int count;
	int next;
	int capacity;

	/* Ordered scans by exact distance: the table's rows, and the faces read from it. */
	FaceVaDistances *distances; /* lives as long as the scan; NULL: by bound */
	pairingheap *fetched;       /* nearest first */
	FetchedFace *handed_out;    /* the row get_tuple returns */

	IndexTuple null_tuple; /* index-only scans: an index tuple whose value is NULL */
} VaScan;

/* A scan's state; the conditions are read at the first tuple, when parameters are known. */
IndexScanDesc
face_va_begin_scan(Relation index, int nkeys, int norderbys)
{
	IndexScanDesc scan = RelationGetIndexScan(index, nkeys, norderbys);
	VaScan *state = palloc0(sizeof(VaScan));

	state->context =
	    AllocSetContextCreate(CurrentMemoryContext, "face_va scan", ALLOCSET_DEFAULT_SIZES);
	state->ahead = InvalidBuffer;
	state->deferred = InvalidBuffer;
	scan->opaque = state;
	scan->xs_orderbyvals = palloc0(sizeof(Datum) * Max(norderbys, 1));
	scan->xs_orderbynulls = palloc0(sizeof(bool) * Max(norderbys, 1));
	return scan;
}

/* Unpins the page read ahead, if any: a scan that ends early never reads it. */
static void
release_ahead(VaScan *state)
{
	if (BufferIsValid(state->ahead))
		ReleaseBuffer(state->ahead);
	state->ahead = InvalidBuffer;
}

/* New conditions (a nested loop's next outer row): what the last ones prepared is dropped. */
void
face_va_rescan(IndexScanDesc scan, ScanKey keys, int nkeys, ScanKey orderbys, int norderbys)
{
	VaScan *state = (VaScan *) scan->opaque;
	MemoryContext context = state->context;
	FaceVaDistances *distances = state->distances;

	if (keys != NULL && nkeys > 0)
		memmove(scan->keyData, keys, sizeof(ScanKeyData) * nkeys);
	if (orderbys != NULL && norderbys > 0)
		memmove(scan->orderByData, orderbys, sizeof(ScanKeyData) * norderbys);
	release_ahead(state);
	MemoryContextReset(context);
	memset(state, 0, sizeof(VaScan));
	state->context = context;
	state->distances = distances;
	state->ahead = InvalidBuffer;
	state->deferred = InvalidBuffer;
}

/* Releases the table reader that ordered scans keep across rescans. */
void
face_va_end_scan(IndexScanDesc scan)
{
	VaScan *state = (VaScan *) scan->opaque;

	release_ahead(state);
	face_va_distances_end(state->distances);
	MemoryContextDelete(state->context);
	pfree(state);
}

/* ERROR unless a probe may be compared with the index's faces, as <-> would say. */
static void
check_probe(const FaceVaMeta *meta, const FaceEmbedding *probe)
{
	if (meta->model != FACE_VA_NO_MODEL)
		face_embedding_check_same_model(meta->model, meta->dims, probe->model, probe->dims);
}

/* Pairing heap order: the nearer face first, then the earlier row, so plans are repeatable. */
static int
compare_fetched(const pairingheap_node *a, const pairingheap_node *b, void *arg)
{
	const FetchedFace *fa = pairingheap_const_container(FetchedFace, node, a);
	const FetchedFace *fb = pairingheap_const_container(FetchedFace, node, b);

	(void) arg;
	if (fa->distance != fb->distance)
		return fa->distance < fb->distance ? 1 : -1;
	return -ItemPointerCompare((ItemPointer) &fa->tid, (ItemPointer) &fb->tid);
}

/* Reads the scan's conditions once per rescan: they may be parameters known only now. */
static void
prepare_scan(IndexScanDesc scan)
{
	VaScan *state = (VaScan *) scan->opaque;
	MemoryContext old_context = MemoryContextSwitchTo(state->context);
	FaceVaMeta meta;

	/* pg_stat_user_indexes.idx_scan: a DBA reads it to find the indexes nothing uses */
	pgface_count_index_scan(scan);
	face_va_read_meta(scan->indexRelation, &meta);
	state->blocks = RelationGetNumberOfBlocks(scan->indexRelation);
	state->next_block = FACE_VA_METAPAGE + 1;
	if (meta.model != FACE_VA_NO_MODEL)
		state->stats = face_index_statistics(meta.model);
	state->primary_ball = -1;
	state->cap = UNBOUNDED;
	state->balls = palloc0(sizeof(BallFilter) * Max(scan->numberOfKeys, 1));
	for (int k = 0; k < scan->numberOfKeys; k++)
	{
		ScanKey key = &scan->keyData[k];
		BallFilter *ball;
		FaceBall *value;

		if (key->sk_flags & SK_ISNULL)
		{
			state->nothing = true;
			continue;
		}
		if (key->sk_strategy != FACE_STRATEGY_IN_BALL)
			elog(ERROR, "face_va: unknown strategy %d", key->sk_strategy);
		value = DatumGetFaceBallP(key->sk_argument);
		check_probe(&meta, &value->center);
		if (value->radius < 0.0)
			state->nothing = true;
		if (state->nothing || state->stats == NULL)
			continue;
		ball = &state->balls[state->ball_count++];
		ball->center = &value->center;
		ball->everything = isnan(value->radius);
		if (ball->everything)
			continue;
		ball->limit = pgface_index_float_at_least(pgface_index_stop_squared(value->radius));
		face_index_prepare_probe(&value->center, &ball->probe);
		if (state->primary_ball < 0 || ball->limit < state->balls[state->primary_ball].limit)
			state->primary_ball = state->ball_count - 1;
	}
	if (scan->numberOfOrderBys > 0)
	{
		ScanKey key = &scan->orderByData[0];

		if (key->sk_strategy != FACE_STRATEGY_DISTANCE)
			elog(ERROR, "face_va: unknown ordering strategy %d", key->sk_strategy);
		state->order_by_null = (key->sk_flags & SK_ISNULL) != 0;
		state->ordered = !state->order_by_null;
		state->nulls_due = state->ordered && scan->numberOfKeys == 0;
		if (state->ordered)
		{
			FaceEmbedding *probe = DatumGetFaceEmbeddingP(key->sk_argument);

			check_probe(&meta, probe);
			state->order_probe = probe;
			state->fetched = pairingheap_allocate(compare_fetched, NULL);
			if (state->distances == NULL)
			{
				/* Once per scan, in the scan's own memory: rescans reuse it. */
				MemoryContext scan_context = MemoryContextSwitchTo(GetMemoryChunkContext(state));

				state->distances = face_va_distances_begin(scan);
				MemoryContextSwitchTo(scan_context);
			}
			if (state->stats != NULL)
				face_index_prepare_probe(probe, &state->order);
			/* A ball around the same probe caps the bands: nothing beyond it can pass. */
			for (int b = 0; b < state->ball_count; b++)
				if (!state->balls[b].everything &&
				    VARSIZE(state->balls[b].center) == VARSIZE(probe) &&
				    memcmp(state->balls[b].center, probe, VARSIZE(probe)) == 0)
					state->cap = Min(state->cap, state->balls[b].limit);
		}
		state->nearest_upper = UNBOUNDED;
		state->pass_low = NO_LOWER_BOUND;
	}
	/* Without faces (an empty index, or one of NULLs only) only NULL rows can be handed out. */
	if (state->stats == NULL)
		state->passes_done = true;
	state->prepared = true;
	MemoryContextSwitchTo(old_context);
}

/* Adds a candidate, growing the array (beyond 1 GB if a band is that large). */
static void
add_candidate(VaScan *state, ItemPointer tid, float4 bound)
{
	if (state->count == state->capacity)
	{
		int capacity = Max(256, state->capacity * 2);

		state->candidates =
		    state->candidates == NULL
		        ? MemoryContextAllocHuge(state->context, sizeof(Candidate) * capacity)
		        : repalloc_huge(state->candidates, sizeof(Candidate) * capacity);
		state->capacity = capacity;
	}
	state->candidates[state->count].tid = *tid;
	state->candidates[state->count].bound = bound;
	state->count++;
}

/*
 * Whether face i of a page can be inside every ball. A threshold scan has
 * already pruned with the primary ball; an ordered scan pruned with its ORDER
 * BY probe, so it checks them all.
 */
static bool
inside_balls(const VaScan *state, const FaceVaEntries *entries, int i)
{
	for (int b = 0; b < state->ball_count; b++)
	{
		const BallFilter *ball = &state->balls[b];

		if ((state->ordered || b != state->primary_ball) && !ball->everything &&
		    face_va_entry_bound(entries, i, &ball->probe) > ball->limit)
			return false;
	}
	return true;
}

/*
 * The filter for the pruning probe at this limit: the scan's own, remade when
 * the limit has moved past what it fits (an ordered scan's first pass lowers
 * its limit as it goes, and each later band raises it).
 */
static const pgface_index_lead_filter *
filter_for(VaScan *state, const pgface_index_probe *probe, float4 limit)
{
	if (!isfinite(limit))
		return NULL; /* none for an unbounded first band */
	if (state->filter == NULL)
		state->filter = MemoryContextAlloc(state->context, sizeof(pgface_index_lead_filter));
	else if (pgface_index_lead_filter_fits(state->filter, limit))
		return state->filter;
	pgface_index_lead_filter_prepare(state->filter, probe, limit);
	return state->filter;
}

/*
 * A page's faces within the limit, as candidates: in an ordered scan, those
 * whose bound lies in the band (pass_low, limit]; the first pass also lowers
 * its estimate of the nearest face with each.
 */
static void
take_survivors(VaScan *state, FaceVaEntries *entries, const int *survivors, const float4 *bounds,
               int found)
{
	bool first_pass = state->ordered && state->pass_low == NO_LOWER_BOUND;

	for (int k = 0; k < found; k++)
	{
		int i = survivors[k];

		if ((state->ordered && bounds[k] <= state->pass_low) || !inside_balls(state, entries, i))
			continue;
		add_candidate(state, &entries->tid[i], bounds[k]);
		if (first_pass)
			state->nearest_upper =
			    Min(state->nearest_upper, face_va_entry_upper(entries, i, &state->order));
	}
}

/*
 * The candidates on one page of faces. Ordered scans take the faces whose
 * bound lies in the band (pass_low, limit]; the first pass also lowers its
 * estimate of the nearest face as it goes, and with it the limit.
 */
static void
collect_faces(VaScan *state, FaceVaEntries *entries, float4 limit)
{
	int survivors[FACE_VA_CAPACITY];
	float4 bounds[FACE_VA_CAPACITY];
	int found;

	if (state->ordered)
		found = face_va_page_within(entries, &state->order, limit,
		                            filter_for(state, &state->order, limit), survivors, bounds);
	else if (state->primary_ball >= 0)
	{
		const BallFilter *ball = &state->balls[state->primary_ball];

		found =
		    face_va_page_within(entries, &ball->probe, ball->limit,
		                        filter_for(state, &ball->probe, ball->limit), survivors, bounds);
	}
	else
	{
		found = entries->count;
		for (int i = 0; i < found; i++)
		{
			survivors[i] = i;
			bounds[i] = 0.0f;
		}
	}
	take_survivors(state, entries, survivors, bounds, found);
}

/*
 * Bounds the deferred page's kept faces (at the limit now, no larger than the
 * one they were kept at), takes its candidates, and unlocks it.
 */
static void
finish_deferred(VaScan *state, float4 limit)
{
	int survivors[FACE_VA_CAPACITY];
	float4 bounds[FACE_VA_CAPACITY];
	FaceVaEntries *entries;
	int found;

	if (!BufferIsValid(state->deferred))
		return;
	entries = face_va_page_entries(BufferGetPage(state->deferred));
	found = face_va_page_finish(entries, &state->order, Min(limit, state->deferred_limit),
	                            state->deferred_kept, survivors, bounds);
	take_survivors(state, entries, survivors, bounds, found);
	UnlockReleaseBuffer(state->deferred);
	state->deferred = InvalidBuffer;
}

/*
 * First pass by exact distance: the page's most promising new candidate, if
 * its bound is below the estimate, is read from the table, and its distance
 * (a real face's, so the nearest is at least that near) becomes the estimate
 * when lower. Read after the index page is unlocked.
 */
static void
tighten_with_distance(VaScan *state)
{
	Candidate *best = NULL;
	float8 distance;
	int first_new = state->tightened_from;

	state->tightened_from = state->count;
	for (int k = first_new; k < state->count; k++)
		if (best == NULL || state->candidates[k].bound < best->bound)
			best = &state->candidates[k];
	if (best == NULL || best->bound >= state->nearest_upper)
		return;
	if (face_va_distance_of(state->distances, &best->tid, state->order_probe, &distance))
		state->nearest_upper =
		    Min(state->nearest_upper, pgface_index_float_at_least(distance * distance));
}

/*
 * The buffer of a page: the one read ahead if it is that page. Then the page
 * after it (then, if valid) is pinned, and the part of it that the filter
 * reads (its header, kind and binned lead, 2.1 kB) is prefetched, so that it
 * arrives while this page is bounded: perf put a scan's time in waiting for
 * each page's lines as much as in bounding them. The residuals are not: the
 * filter keeps a few faces a page, and columns_keep asks for theirs with
 * their other codes (1M faces on a Zen 4, 20 runs a build: threshold 3.50 to
 * 2.96 ms, top-1 5.07 to 4.81; when the residuals were read straight after
 * the filter, waiting for them was a third of the kept faces' sums, so they
 * were prefetched with the page). A prefetch is only a hint to the CPU, so it
 * needs no content lock.
 */
static Buffer
buffer_for(IndexScanDesc scan, BlockNumber block, BlockNumber then)
{
	VaScan *state = (VaScan *) scan->opaque;
	Buffer buffer;

	if (BufferIsValid(state->ahead) && state->ahead_block == block)
	{
		buffer = state->ahead;
		state->ahead = InvalidBuffer;
	}
	else
	{
		release_ahead(state);
		buffer = face_va_read_page(scan->indexRelation, block, state->blocks);
	}
	if (BlockNumberIsValid(then) && then < state->blocks)
	{
		Page page;
		const FaceVaEntries *entries;

		state->ahead = face_va_read_page(scan->indexRelation, then, state->blocks);
		state->ahead_block = then;
		page = BufferGetPage(state->ahead);
		entries = face_va_page_entries(page);
		/*
		 * The header and count, the kind at the page's end (by its place, not
		 * PageGetSpecialPointer, which asserts on a page not yet formatted),
		 * and the binned lead.
		 */
		__builtin_prefetch(page);
		__builtin_prefetch((const char *) page + BLCKSZ - MAXALIGN(sizeof(FaceVaPageOpaque)));
		for (const char *line = (const char *) entries->plane;
		     line <= (const char *) &entries->plane[PGFACE_INDEX_PLANES - 1][FACE_VA_CAPACITY - 1];
		     line += 64)
			__builtin_prefetch(line);
	}
	return buffer;
}

/*
 * Pages an ordered pass reads while it holds the lock of the one before:
 * interrupts wait while a backend holds any lock, so every this many pages
 * a page is bounded at once and every lock dropped, and a cancel waits for
 * that at most (about 25 microseconds).
 */
#define DEFERRED_RUN 64

/*
 * An ordered pass's page (share-locked) in two steps: its filter asks for its
 * kept faces' codes; then the page before, whose codes have been on their way
 * meanwhile, is bounded and unlocked; this page is bounded at the next one.
 * perf put a third of a top-1 scan in waiting for those codes when each page
 * was bounded straight after its filter. Both pages are share-locked for a
 * moment, in block order. Tables are read (tighten_with_distance) only when
 * no index page is locked.
 */
static void
defer_page(VaScan *state, Buffer buffer, BlockNumber block, float4 limit)
{
	FaceVaEntries *entries = face_va_page_entries(BufferGetPage(buffer));
	pgface_index_kept *kept;

	if (state->page_kept == NULL)
	{
		state->page_kept = MemoryContextAlloc(state->context, sizeof(pgface_index_kept));
		state->deferred_kept = MemoryContextAlloc(state->context, sizeof(pgface_index_kept));
	}
	kept = state->page_kept;
	face_va_page_keep(entries, limit, filter_for(state, &state->order, limit), kept);
	finish_deferred(state, limit);
	state->page_kept = state->deferred_kept;
	state->deferred_kept = kept;
	state->deferred = buffer;
	state->deferred_limit = limit;
	if (kept->every_face || block % DEFERRED_RUN == 0)
	{
		/* bounded at once: no filter yet (its faces' codes were not asked for), or a run's end */
		finish_deferred(state, limit);
		if (state->distances != NULL && state->pass_low == NO_LOWER_BOUND)
			tighten_with_distance(state);
	}
}

/*
 * Reads one page and collects its candidates: faces (within limit), or NULL
 * rows if wanted; then is the page the scan reads next, if it knows.
 */
static void
scan_page(IndexScanDesc scan, BlockNumber block, BlockNumber then, float4 limit, bool want_nulls)
{
	VaScan *state = (VaScan *) scan->opaque;
	Buffer buffer = buffer_for(scan, block, then);
	Page page;
	uint16 kind;

	if (!BufferIsValid(state->deferred))
		CHECK_FOR_INTERRUPTS(); /* else held off (a lock is held), and run a few pages on */
	LockBuffer(buffer, BUFFER_LOCK_SHARE);
	page = BufferGetPage(buffer);
	kind = face_va_checked_kind(scan->indexRelation, page, block);
	if (kind == FACE_VA_PAGE_FACES && !state->passes_done && state->ordered && !want_nulls &&
	    BlockNumberIsValid(then) && then < state->blocks)
	{
		defer_page(state, buffer, block, limit);
		return;
	}
	finish_deferred(state, limit);
	if (kind == FACE_VA_PAGE_FACES && !state->passes_done)
	{
		collect_faces(state, face_va_page_entries(page), limit);
		UnlockReleaseBuffer(buffer);
		if (state->distances != NULL && state->pass_low == NO_LOWER_BOUND)
			tighten_with_distance(state);
		return;
	}
	if (kind == FACE_VA_PAGE_NULLS && want_nulls)
	{
		FaceVaEntries *entries = face_va_page_entries(page);

		for (int i = 0; i < entries->count; i++)
			add_candidate(state, &entries->tid[i], 0.0f);
	}
	UnlockReleaseBuffer(buffer);
}

/* qsort order of a band: by bound, then by position in the table, so plans are repeatable. */
static int
compare_candidates(const void *a, const void *b)
{
	const Candidate *ca = (const Candidate *) a;
	const Candidate *cb = (const Candidate *) b;

	if (ca->bound != cb->bound)
		return ca->bound < cb->bound ? -1 : 1;
	return ItemPointerCompare((ItemPointer) &ca->tid, (ItemPointer) &cb->tid);
}

/* The upper end of the band after one ending at low (bands.c), for this index's size. */
static float4
next_band(const VaScan *state, float4 low)
{
	double faces = Max(1.0, (double) (state->blocks - 1) * FACE_VA_CAPACITY);

	return pgface_index_next_band(state->stats, faces, low);
}

/* Where the first band ends (bands.c): scans by exact distance need no margin. */
static float4
first_band_end(const VaScan *state)
{
	return pgface_index_first_band_end(state->nearest_upper, state->distances != NULL);
}

/* One pass of an ordered scan: the next band's faces, sorted by bound, replace the last band's. */
static void
ordered_pass(IndexScanDesc scan)
{
	VaScan *state = (VaScan *) scan->opaque;
	bool first_pass = state->pass_low == NO_LOWER_BOUND;
	float4 high = first_pass ? UNBOUNDED : next_band(state, state->pass_low);
	int kept = 0;

	state->count = 0;
	state->next = 0;
	state->tightened_from = 0;
	high = Min(high, state->cap);
	/*
	 * The first pass reads every SAMPLE_STRIDE-th page first: a spread-out
	 * sample that brings the estimate near the nearest face's distance before
	 * most pages are read. Any order finds the same faces.
	 */
	for (int round = first_pass ? 0 : 1; round < 2; round++)
		for (BlockNumber block = FACE_VA_METAPAGE + 1; block < state->blocks; block++)
			if ((round == 0) == (block % SAMPLE_STRIDE == 1) || !first_pass)
				scan_page(scan, block, round == 1 ? block + 1 : InvalidBlockNumber,
				          first_pass ? Min(high, first_band_end(state)) : high, false);
	Assert(!BufferIsValid(state->deferred)); /* a pass's last page finishes the one before */
	if (first_pass)
	{
		/* The band ends past the final estimate; faces kept under earlier, looser ones wait. */
		high = Min(high, first_band_end(state));
		for (int k = 0; k < state->count; k++)
			if (state->candidates[k].bound <= high)
				state->candidates[kept++] = state->candidates[k];
		state->count = kept;
	}
	qsort(state->candidates, state->count, sizeof(Candidate), compare_candidates);
	state->pass_low = high;
	if (high >= state->cap || isinf(high))
		state->passes_done = true;
}

/*
 * Refills the candidates: a threshold scan's next page with any, an ordered
 * scan's next band, and at the end the NULL rows. False when none are left.
 */
static bool
refill(IndexScanDesc scan)
{
	VaScan *state = (VaScan *) scan->opaque;

	state->count = 0;
	state->next = 0;
	state->tightened_from = 0;
	if (state->nothing)
		return false;
	if (state->ordered)
	{
		while (!state->passes_done && state->count == 0)
			ordered_pass(scan);
		if (state->count > 0)
			return true;
		if (!state->nulls_due)
			return false;
		state->nulls_due = false;
		state->handing_out_null = true;
		for (BlockNumber block = FACE_VA_METAPAGE + 1; block < state->blocks; block++)
			scan_page(scan, block, block + 1, UNBOUNDED, true);
		return state->count > 0;
	}
	while (state->count == 0 && state->next_block < state->blocks)
	{
		scan_page(scan, state->next_block, state->next_block + 1, UNBOUNDED,
		          scan->numberOfKeys == 0);
		state->next_block++;
	}
	return state->count > 0;
}

/*
 * The next row of an ordered scan by exact distance, into state->handed_out;
 * false when every face has gone out. The nearest face read so far goes out
 * when no face still unread can be nearer: every face of later bands has a
 * bound above the current band's end, every unread candidate of this band a
 * bound at least the next one's, and a bound is never above the distance.
 */
static bool
next_by_distance(IndexScanDesc scan)
{
	VaScan *state = (VaScan *) scan->opaque;

	for (;;)
	{
		float8 unread = state->passes_done ? get_float8_infinity()
		                                   : pgface_index_safe_lower_bound(state->pass_low);

		if (state->next < state->count)
			unread =
			    Min(unread, pgface_index_safe_lower_bound(state->candidates[state->next].bound));
		if (!pairingheap_is_empty(state->fetched))
		{
			FetchedFace *nearest =
			    pairingheap_container(FetchedFace, node, pairingheap_first(state->fetched));

			if (nearest->distance <= unread)
			{
				pairingheap_remove_first(state->fetched);
				if (state->handed_out != NULL)
					pfree(state->handed_out);
				state->handed_out = nearest;
				return true;
			}
		}
		if (state->next < state->count)
		{
			Candidate *candidate = &state->candidates[state->next++];
			float8 distance;

			CHECK_FOR_INTERRUPTS(); /* a wide band reads many rows between pages */
			if (face_va_distance_of(state->distances, &candidate->tid, state->order_probe,
			                        &distance))
			{
				FetchedFace *face = MemoryContextAlloc(state->context, sizeof(FetchedFace));

				face->tid = candidate->tid;
				face->distance = distance;
				pairingheap_add(state->fetched, &face->node);
			}
			continue;
		}
		if (state->passes_done)
			return false;
		ordered_pass(scan);
	}
}

/*
 * An index-only scan (count(*) and the like: the planner asks for one when the
 * query needs no column at all) still wants an index tuple per row. The index
 * keeps codes, not embeddings, so it returns one whose value is NULL: no column
 * of it is read, and no condition is rechecked on it, since a query with any
 * condition on the column needs the column and so never gets such a scan.
 */
static void
set_index_tuple(IndexScanDesc scan)
{
	VaScan *state = (VaScan *) scan->opaque;

	if (state->null_tuple == NULL)
	{
		MemoryContext old_context = MemoryContextSwitchTo(state->context);
		Datum value = (Datum) 0;
		bool isnull = true;

		state->null_tuple =
		    index_form_tuple(RelationGetDescr(scan->indexRelation), &value, &isnull);
		MemoryContextSwitchTo(old_context);
	}
	scan->xs_itup = state->null_tuple;
	scan->xs_itupdesc = RelationGetDescr(scan->indexRelation);
}

/*
 * Hands the executor the next candidate: ordered scans by exact distance when
 * they can read it, else by bound (with the distance rechecked); threshold
 * scans page by page. Every row is rechecked against the conditions.
 */
bool
face_va_get_tuple(IndexScanDesc scan, ScanDirection direction)
{
	VaScan *state = (VaScan *) scan->opaque;
	Candidate *candidate;

	if (!ScanDirectionIsForward(direction))
		elog(ERROR, "face_va index scans only go forward");
	if (!state->prepared)
		prepare_scan(scan);
	if (state->ordered && state->distances != NULL && !state->nothing && !state->handing_out_null)
	{
		if (next_by_distance(scan))
		{
			scan->xs_heaptid = state->handed_out->tid;
			scan->xs_recheck = true;
			scan->xs_orderbynulls[0] = false;
			scan->xs_orderbyvals[0] = Float8GetDatum(state->handed_out->distance);
			scan->xs_recheckorderby = false;
			return true;
		}
		/*
		 * Every face has gone out, and so has every candidate (next_by_distance
		 * ends only then): the NULL rows follow by the bound path's refill.
		 */
		Assert(state->next >= state->count);
	}
	if (state->next >= state->count && !refill(scan))
		return false;
	candidate = &state->candidates[state->next++];
	scan->xs_heaptid = candidate->tid;
	scan->xs_recheck = true;
	if (scan->xs_want_itup)
		set_index_tuple(scan);
	if (scan->numberOfOrderBys > 0)
	{
		bool null_distance = state->order_by_null || state->handing_out_null;

		scan->xs_orderbynulls[0] = null_distance;
		scan->xs_orderbyvals[0] =
		    null_distance ? (Datum) 0
		                  : Float8GetDatum(pgface_index_safe_lower_bound(candidate->bound));
		scan->xs_recheckorderby = true;
	}
	return true;
}

/* Bitmap scans: every candidate at once, each to be rechecked on its heap page. */
int64
face_va_get_bitmap(IndexScanDesc scan, TIDBitmap *bitmap)
{
	VaScan *state = (VaScan *) scan->opaque;
	int64 total = 0;

	if (!state->prepared)
		prepare_scan(scan);
	while (refill(scan))
	{
		for (int k = 0; k < state->count; k++)
			tbm_add_tuples(bitmap, &state->candidates[k].tid, 1, true);
		total += state->count;
	}
	return total;
}
