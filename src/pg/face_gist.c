/*
 * face_gist.c: the GiST operator class face_embedding_ops: the support
 * functions PostgreSQL calls. The keys and their bounds are in
 * face_gist_key.c. Leaves hold the embedding, so every answer is exact and
 * nothing is rechecked against the heap.
 */
#include "face_ball.h"
#include "face_gist_key.h"

#include "index/slack.h"
#include "index/tree_order.h"

#include <float.h>
#include <math.h>

#include "access/gist.h"
#include "access/stratnum.h"
#include "utils/float.h"
#include "utils/sortsupport.h"

PG_FUNCTION_INFO_V1(face_gist_compress);
PG_FUNCTION_INFO_V1(face_gist_consistent);
PG_FUNCTION_INFO_V1(face_gist_distance);
PG_FUNCTION_INFO_V1(face_gist_union);
PG_FUNCTION_INFO_V1(face_gist_penalty);
PG_FUNCTION_INFO_V1(face_gist_picksplit);
PG_FUNCTION_INFO_V1(face_gist_same);
PG_FUNCTION_INFO_V1(face_gist_sortsupport);
PG_FUNCTION_INFO_V1(face_gist_key_in);
PG_FUNCTION_INFO_V1(face_gist_key_out);

/* Leaves are built once, at insertion: the projection is too dear to redo on every visit. */
Datum
face_gist_compress(PG_FUNCTION_ARGS)
{
	GISTENTRY *entry = (GISTENTRY *) PG_GETARG_POINTER(0);
	GISTENTRY *result;

	if (!entry->leafkey)
		PG_RETURN_POINTER(entry);
	result = palloc(sizeof(GISTENTRY));
	gistentryinit(*result, PointerGetDatum(face_gist_make_leaf(DatumGetFaceEmbeddingP(entry->key))),
	              entry->rel, entry->page, entry->offset, false);
	PG_RETURN_POINTER(result);
}

/*
 * The probe as the bounds need it, prepared once per scan: the projection costs
 * a few thousand multiply-adds, and consistent/distance run once per key.
 */
typedef struct ProbeCache
{
	FaceEmbedding *probe; /* a copy, to recognise the same probe on the next call */
	pgface_index_probe prepared;
	/*
	 * Ordered scans: the smallest squared leaf distance computed so far. The
	 * nearest face is at least that close, so a subtree's bound need not be
	 * refined beyond it: the partial sum is still a lower bound, only a looser
	 * one, so it can never hide an answer, whatever k is.
	 */
	float4 nearest_leaf_squared;
	/* Ordered scans: the smallest estimate from above of a face's squared distance. */
	float4 nearest_upper_squared;
} ProbeCache;

/* The probe prepared for this scan; prepared again only when the probe changes (a rescan). */
static ProbeCache *
probe_cache(FunctionCallInfo fcinfo, const FaceEmbedding *probe)
{
	ProbeCache *cache = (ProbeCache *) fcinfo->flinfo->fn_extra;
	Size size = FACE_EMBEDDING_SIZE(probe->dims);
	MemoryContext old_context;

	if (cache != NULL && VARSIZE(cache->probe) == size &&
	    memcmp(cache->probe->values, probe->values, sizeof(float4) * probe->dims) == 0 &&
	    cache->probe->model == probe->model)
		return cache;
	if (cache == NULL)
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ProbeCache));
	else
	{
		pfree(cache->probe);
		pfree(cache->prepared.gap_table);
	}
	old_context = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	cache->probe = palloc(size);
	memcpy(cache->probe, probe, size);
	SET_VARSIZE(cache->probe, size);
	face_index_prepare_probe(probe, &cache->prepared);
	MemoryContextSwitchTo(old_context);
	cache->nearest_leaf_squared = FLT_MAX;
	cache->nearest_upper_squared = FLT_MAX;
	fcinfo->flinfo->fn_extra = cache;
	return cache;
}

/*
 * On the first key of an inner page, asks the CPU to start loading the start of
 * every key on the page: the residuals and first block of a summary, or a box.
 * The keys are read in order, and without this each one waits on its own cache
 * miss (a quarter of a scan's time, by perf). The rest of a summary is read only
 * for the few faces that survive its first block, so it is not fetched ahead.
 */
static void
prefetch_page(const GISTENTRY *entry)
{
	Page page = entry->page;

	if (page != NULL && entry->offset == FirstOffsetNumber)
	{
		OffsetNumber last = PageGetMaxOffsetNumber(page);

		for (OffsetNumber offset = FirstOffsetNumber; offset <= last; offset++)
		{
			ItemId item = PageGetItemId(page, offset);
			const char *start = (const char *) PageGetItem(page, item);
			Size length = Min(ItemIdGetLength(item), 256);

			for (Size at = 0; at < length; at += 64)
				__builtin_prefetch(start + at);
		}
	}
}

/* The exact distance from a leaf, computed as the <-> operator computes it. */
static float8
leaf_distance(FaceGistKey *key, const FaceEmbedding *probe)
{
	face_embedding_check_same_model(key->model, face_gist_leaf_dims(key), probe->model,
	                                probe->dims);
	return pgface_l2_distance(face_gist_leaf_values(key), probe->values, probe->dims);
}

/* "emb <@ ball": exact on leaves; on inner keys, whether any face below could be inside. */
Datum
face_gist_consistent(PG_FUNCTION_ARGS)
{
	GISTENTRY *entry = (GISTENTRY *) PG_GETARG_POINTER(0);
	StrategyNumber strategy = (StrategyNumber) PG_GETARG_UINT16(2);
	bool *recheck = (bool *) PG_GETARG_POINTER(4);
	FaceGistKey *key = DatumGetFaceGistKeyP(entry->key);
	FaceBall *ball;
	float8 stop;

	if (strategy != FACE_STRATEGY_IN_BALL)
		elog(ERROR, "face_gist_consistent: unknown strategy %d", strategy);
	ball = PG_GETARG_FACE_BALL_P(1);
	*recheck = false;
	if (isnan(ball->radius))
		PG_RETURN_BOOL(true);
	if (GIST_LEAF(entry))
		PG_RETURN_BOOL(float8_le(leaf_distance(key, &ball->center), ball->radius));
	if (ball->radius < 0.0)
		PG_RETURN_BOOL(false);
	prefetch_page(entry);
	/* Any face whose bound could be within the radius is enough to visit the subtree. */
	stop = pgface_index_stop_squared(ball->radius);
	PG_RETURN_BOOL(face_gist_bound_squared(key, &probe_cache(fcinfo, &ball->center)->prepared, stop,
	                                       stop, NULL) <= stop);
}

/* Ordered scans: exact on leaves (so no recheck), a lower bound on inner keys. */
Datum
face_gist_distance(PG_FUNCTION_ARGS)
{
	GISTENTRY *entry = (GISTENTRY *) PG_GETARG_POINTER(0);
	FaceEmbedding *probe = PG_GETARG_FACE_EMBEDDING_P(1);
	StrategyNumber strategy = (StrategyNumber) PG_GETARG_UINT16(2);
	bool *recheck = (bool *) PG_GETARG_POINTER(4);
	FaceGistKey *key = DatumGetFaceGistKeyP(entry->key);
	ProbeCache *cache;

	if (strategy != FACE_STRATEGY_DISTANCE)
		elog(ERROR, "face_gist_distance: unknown strategy %d", strategy);
	*recheck = false;
	cache = probe_cache(fcinfo, probe);
	if (GIST_LEAF(entry))
	{
		float8 distance = leaf_distance(key, probe);

		cache->nearest_leaf_squared =
		    Min(cache->nearest_leaf_squared, (float4) (distance * distance));
		PG_RETURN_FLOAT8(distance);
	}
	prefetch_page(entry);
	PG_RETURN_FLOAT8(pgface_index_safe_lower_bound(face_gist_bound_squared(
	    key, &cache->prepared, -1.0, cache->nearest_leaf_squared, &cache->nearest_upper_squared)));
}

/* The parent key: a summary of the faces while they fit, a box beyond (face_gist_union_keys). */
Datum
face_gist_union(PG_FUNCTION_ARGS)
{
	GistEntryVector *entries = (GistEntryVector *) PG_GETARG_POINTER(0);
	int *size = (int *) PG_GETARG_POINTER(1);
	FaceGistKey **keys = palloc(sizeof(FaceGistKey *) * entries->n);
	FaceGistKey *result;

	for (int i = 0; i < entries->n; i++)
		keys[i] = DatumGetFaceGistKeyP(entries->vector[i].key);
	result = face_gist_union_keys(keys, entries->n);
	*size = VARSIZE(result);
	PG_RETURN_POINTER(result);
}

/* Sends a new face towards its nearest summarised neighbour, so pages stay compact. */
Datum
face_gist_penalty(PG_FUNCTION_ARGS)
{
	GISTENTRY *original = (GISTENTRY *) PG_GETARG_POINTER(0);
	GISTENTRY *added = (GISTENTRY *) PG_GETARG_POINTER(1);
	float *penalty = (float *) PG_GETARG_POINTER(2);

	*penalty = (float) face_gist_insert_cost(DatumGetFaceGistKeyP(original->key),
	                                         DatumGetFaceGistKeyP(added->key));
	PG_RETURN_POINTER(penalty);
}

typedef struct SplitItem
{
	OffsetNumber offset;
	float4 position;
} SplitItem;

/* qsort order of a split: position on the chosen axis. */
static int
compare_split_items(const void *a, const void *b)
{
	float4 pa = ((const SplitItem *) a)->position;
	float4 pb = ((const SplitItem *) b)->position;

	return pa < pb ? -1 : pa > pb ? 1 : 0;
}

/*
 * A k-d tree's split: along the axis where the keys' centres spread widest (in
 * distance, not code units), at the median, so both halves are equal.
 */
Datum
face_gist_picksplit(PG_FUNCTION_ARGS)
{
	GistEntryVector *entries = (GistEntryVector *) PG_GETARG_POINTER(0);
	GIST_SPLITVEC *split = (GIST_SPLITVEC *) PG_GETARG_POINTER(1);
	OffsetNumber last = entries->n - 1;
	int count = last - FirstOffsetNumber + 1;
	SplitItem *items = palloc(sizeof(SplitItem) * count);
	float4(*centres)[PGFACE_INDEX_AXES] = palloc(sizeof(*centres) * count);
	FaceGistKey **left = palloc(sizeof(FaceGistKey *) * count);
	FaceGistKey **right = palloc(sizeof(FaceGistKey *) * count);
	const pgface_embedding_statistics *stats = NULL;
	int best_axis;

	for (int k = 0; k < count; k++)
	{
		FaceGistKey *key = DatumGetFaceGistKeyP(entries->vector[FirstOffsetNumber + k].key);

		if (stats == NULL)
			stats = face_index_statistics(key->model);
		face_gist_key_centre(key, centres[k]);
	}
	best_axis =
	    pgface_index_widest_axis(stats, (const float4(*)[PGFACE_INDEX_AXES]) centres, count);
	for (int k = 0; k < count; k++)
	{
		items[k].offset = FirstOffsetNumber + k;
		items[k].position = centres[k][best_axis];
	}
	qsort(items, count, sizeof(SplitItem), compare_split_items);

	split->spl_left = palloc(sizeof(OffsetNumber) * count);
	split->spl_right = palloc(sizeof(OffsetNumber) * count);
	split->spl_nleft = 0;
	split->spl_nright = 0;
	for (int k = 0; k < count; k++)
	{
		FaceGistKey *key = DatumGetFaceGistKeyP(entries->vector[items[k].offset].key);

		if (k < count / 2)
		{
			left[split->spl_nleft] = key;
			split->spl_left[split->spl_nleft++] = items[k].offset;
		}
		else
		{
			right[split->spl_nright] = key;
			split->spl_right[split->spl_nright++] = items[k].offset;
		}
	}
	split->spl_ldatum = PointerGetDatum(face_gist_union_keys(left, split->spl_nleft));
	split->spl_rdatum = PointerGetDatum(face_gist_union_keys(right, split->spl_nright));
	PG_RETURN_POINTER(split);
}

/* Byte equality: keys are built deterministically, so equal keys are equal bytes. */
Datum
face_gist_same(PG_FUNCTION_ARGS)
{
	FaceGistKey *a = DatumGetFaceGistKeyP(PG_GETARG_DATUM(0));
	FaceGistKey *b = DatumGetFaceGistKeyP(PG_GETARG_DATUM(1));
	bool *result = (bool *) PG_GETARG_POINTER(2);

	*result = VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0;
	PG_RETURN_POINTER(result);
}

/*
 * The sorted build's order (tree_order.h) rests on a model's statistics, and the
 * model is known only from the keys: it is prepared at the first key sorted.
 */
typedef struct build_order_state
{
	bool prepared;
	int model;
	pgface_index_build_order order;
} build_order_state;

/* The k-d key of a leaf in the sorted build's order; every leaf must be of one model. */
static uint64
build_order_key(build_order_state *state, FaceGistKey *key)
{
	if (!state->prepared)
	{
		pgface_index_build_order_prepare(face_index_statistics(key->model), &state->order);
		state->model = key->model;
		state->prepared = true;
	}
	else if (key->model != state->model)
		face_index_check_models(state->model, key->model);
	return pgface_index_build_order_key(&state->order, face_gist_leaf_point(key));
}

/* The full comparison, for ties of the abbreviated keys (which are the same 64 bits). */
static int
compare_build_order(Datum a, Datum b, SortSupport ssup)
{
	build_order_state *state = (build_order_state *) ssup->ssup_extra;
	uint64 za = build_order_key(state, DatumGetFaceGistKeyP(a));
	uint64 zb = build_order_key(state, DatumGetFaceGistKeyP(b));

	return za < zb ? -1 : za > zb ? 1 : 0;
}

/* The whole k-d key fits in a Datum, so the sort compares integers, not keys. */
static Datum
abbreviate_build_order(Datum original, SortSupport ssup)
{
	return UInt64GetDatum(
	    build_order_key((build_order_state *) ssup->ssup_extra, DatumGetFaceGistKeyP(original)));
}

/* The abbreviated key is the full order, so abbreviation never stops paying. */
static bool
never_abort_abbreviation(int memtupcount, SortSupport ssup)
{
	(void) memtupcount;
	(void) ssup;
	return false;
}

/* Lets CREATE INDEX sort the faces and pack full pages instead of inserting one by one. */
Datum
face_gist_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);
	ssup->ssup_extra = MemoryContextAllocZero(ssup->ssup_cxt, sizeof(build_order_state));
	ssup->comparator = compare_build_order;
	if (ssup->abbreviate)
	{
		ssup->comparator = ssup_datum_unsigned_cmp;
		ssup->abbrev_converter = abbreviate_build_order;
		ssup->abbrev_abort = never_abort_abbreviation;
		ssup->abbrev_full_comparator = compare_build_order;
	}
	PG_RETURN_VOID();
}

/* Keys exist only inside indexes; a key typed in by hand could only corrupt one. */
Datum
face_gist_key_in(PG_FUNCTION_ARGS)
{
	ereport(ERROR,
	        (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("face_gist_key has no text input"),
	         errdetail("It is the storage type of the face_embedding_ops index.")));
	PG_RETURN_NULL();
}

/* Shown by pageinspect's gist_page_items: the kind of key and its size. */
Datum
face_gist_key_out(PG_FUNCTION_ARGS)
{
	FaceGistKey *key = DatumGetFaceGistKeyP(PG_GETARG_DATUM(0));

	switch (key->kind)
	{
		case FACE_GIST_LEAF:
			PG_RETURN_CSTRING(psprintf("(leaf, %d values)", face_gist_leaf_dims(key)));
		case FACE_GIST_SUMMARY:
			PG_RETURN_CSTRING(psprintf("(summary, %d faces)", key->count));
		default:
			PG_RETURN_CSTRING(pstrdup("(box)"));
	}
}
