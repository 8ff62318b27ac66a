/*
 * face_gist.c: the GiST operator class face_embedding_ops. Inner keys are
 * boxes on the model's principal axes (see face_gist_key.h); the lower bound
 * they give on the distance drives both the "within a ball" search and
 * ordered (KNN) scans. Leaves hold the embedding, so every answer is exact.
 */
#include "face_ball.h"
#include "face_gist_key.h"

#include <float.h>
#include <math.h>

#include "access/gist.h"
#include "access/stratnum.h"
#include "utils/float.h"

/* Strategy numbers, as the operator class in pgface--*.sql assigns them. */
#define FACE_STRATEGY_IN_BALL  1
#define FACE_STRATEGY_DISTANCE 15

PG_FUNCTION_INFO_V1(face_gist_compress);
PG_FUNCTION_INFO_V1(face_gist_consistent);
PG_FUNCTION_INFO_V1(face_gist_distance);
PG_FUNCTION_INFO_V1(face_gist_union);
PG_FUNCTION_INFO_V1(face_gist_penalty);
PG_FUNCTION_INFO_V1(face_gist_picksplit);
PG_FUNCTION_INFO_V1(face_gist_same);

/* The statistics an index on this model keys on; without them it cannot be built. */
static const pgface_embedding_statistics *
index_statistics(int model_tag)
{
	const pgface_embedding_statistics *stats = pgface_embedding_statistics_lookup(model_tag);

	if (stats == NULL)
		ereport(ERROR,
		        (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
		         errmsg("face_embedding_ops cannot index embeddings of model tag %d", model_tag)));
	return stats;
}

/* The leaf key: the embedding and where it sits on the principal axes. */
static FaceGistKey *
make_leaf_key(const FaceEmbedding *embedding)
{
	const pgface_embedding_statistics *stats = index_statistics(embedding->model);
	Size size = FACE_GIST_LEAF_SIZE(embedding->dims);
	FaceGistKey *key;

	if (embedding->dims != stats->dims)
		face_embedding_check_dims(pgface_model_lookup(embedding->model), embedding->dims);
	key = palloc0(size);
	SET_VARSIZE(key, size);
	key->kind = FACE_GIST_LEAF;
	key->model = embedding->model;
	memcpy(key->rest, embedding->values, sizeof(float4) * embedding->dims);
	pgface_project_embedding(stats, embedding->values, key->low, &key->residual_low);
	key->residual_high = key->residual_low;
	return key;
}

static FaceGistKey *
make_inner_key(const FaceGistKey *first)
{
	FaceGistKey *key = palloc0(FACE_GIST_INNER_SIZE);

	SET_VARSIZE(key, FACE_GIST_INNER_SIZE);
	key->kind = FACE_GIST_INNER;
	key->model = first->model;
	key->residual_low = first->residual_low;
	key->residual_high = first->residual_high;
	memcpy(key->low, first->low, sizeof(key->low));
	memcpy(key->rest, face_gist_high(first), sizeof(float4) * PGFACE_INDEX_AXES);
	return key;
}

/* Grows an inner key to cover another key of the same model. */
static void
extend_key(FaceGistKey *key, const FaceGistKey *other)
{
	const float4 *other_high = face_gist_high(other);

	if (other->model != key->model)
		ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
		                errmsg("cannot index face embeddings of different models together")));
	key->residual_low = Min(key->residual_low, other->residual_low);
	key->residual_high = Max(key->residual_high, other->residual_high);
	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
	{
		key->low[a] = Min(key->low[a], other->low[a]);
		key->rest[a] = Max(key->rest[a], other_high[a]);
	}
}

Datum
face_gist_compress(PG_FUNCTION_ARGS)
{
	GISTENTRY *entry = (GISTENTRY *) PG_GETARG_POINTER(0);
	GISTENTRY *result;

	if (!entry->leafkey)
		PG_RETURN_POINTER(entry);
	result = palloc(sizeof(GISTENTRY));
	gistentryinit(*result, PointerGetDatum(make_leaf_key(DatumGetFaceEmbeddingP(entry->key))),
	              entry->rel, entry->page, entry->offset, false);
	PG_RETURN_POINTER(result);
}

/*
 * The probe as the index sees it, computed once per scan: the projection costs
 * a few thousand multiply-adds, and consistent/distance run once per key.
 */
typedef struct ProbeCache
{
	FaceEmbedding *probe; /* a copy, to recognise the same probe on the next call */
	float4 coordinates[PGFACE_INDEX_AXES];
	float4 residual;
} ProbeCache;

static ProbeCache *
probe_cache(FunctionCallInfo fcinfo, const FaceEmbedding *probe)
{
	ProbeCache *cache = (ProbeCache *) fcinfo->flinfo->fn_extra;
	Size size = FACE_EMBEDDING_SIZE(probe->dims);

	if (cache != NULL && VARSIZE(cache->probe) == size && memcmp(cache->probe, probe, size) == 0)
		return cache;
	if (cache == NULL)
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ProbeCache));
	else
		pfree(cache->probe);
	cache->probe = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, size);
	memcpy(cache->probe, probe, size);
	SET_VARSIZE(cache->probe, size);
	pgface_project_embedding(index_statistics(probe->model), probe->values, cache->coordinates,
	                         &cache->residual);
	fcinfo->flinfo->fn_extra = cache;
	return cache;
}

static float4
gap(float4 value, float4 low, float4 high)
{
	if (value < low)
		return low - value;
	if (value > high)
		return value - high;
	return 0.0f;
}

/*
 * A lower bound on the distance from the probe to anything under an inner key.
 * The box is computed in float, so the bound is lowered by a margin far above
 * float rounding: a pruned subtree must never hold an answer.
 */
static float8
inner_lower_bound(const FaceGistKey *key, const ProbeCache *probe)
{
	const float4 *high = face_gist_high(key);
	float8 sum = 0.0;
	float8 bound;
	float4 r = gap(probe->residual, key->residual_low, key->residual_high);

	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
	{
		float4 g = gap(probe->coordinates[a], key->low[a], high[a]);

		sum += (float8) g * g;
	}
	sum += (float8) r * r;
	bound = sqrt(sum) * (1.0 - 1e-5) - 1e-5;
	return bound > 0.0 ? bound : 0.0;
}

/* The exact distance from a leaf, computed as the <-> operator computes it. */
static float8
leaf_distance(const FaceGistKey *key, const FaceEmbedding *probe)
{
	int key_dims = (int) ((VARSIZE(key) - offsetof(FaceGistKey, rest)) / sizeof(float4));

	face_embedding_check_same_model(key->model, key_dims, probe->model, probe->dims);
	return pgface_l2_distance(key->rest, probe->values, probe->dims);
}

Datum
face_gist_consistent(PG_FUNCTION_ARGS)
{
	GISTENTRY *entry = (GISTENTRY *) PG_GETARG_POINTER(0);
	StrategyNumber strategy = (StrategyNumber) PG_GETARG_UINT16(2);
	bool *recheck = (bool *) PG_GETARG_POINTER(4);
	FaceGistKey *key = DatumGetFaceGistKeyP(entry->key);
	FaceBall *ball;

	if (strategy != FACE_STRATEGY_IN_BALL)
		elog(ERROR, "face_gist_consistent: unknown strategy %d", strategy);
	ball = PG_GETARG_FACE_BALL_P(1);
	*recheck = false;
	if (isnan(ball->radius))
		PG_RETURN_BOOL(true);
	if (GIST_LEAF(entry))
		PG_RETURN_BOOL(float8_le(leaf_distance(key, &ball->center), ball->radius));
	PG_RETURN_BOOL(inner_lower_bound(key, probe_cache(fcinfo, &ball->center)) <= ball->radius);
}

Datum
face_gist_distance(PG_FUNCTION_ARGS)
{
	GISTENTRY *entry = (GISTENTRY *) PG_GETARG_POINTER(0);
	FaceEmbedding *probe = PG_GETARG_FACE_EMBEDDING_P(1);
	StrategyNumber strategy = (StrategyNumber) PG_GETARG_UINT16(2);
	bool *recheck = (bool *) PG_GETARG_POINTER(4);
	FaceGistKey *key = DatumGetFaceGistKeyP(entry->key);

	if (strategy != FACE_STRATEGY_DISTANCE)
		elog(ERROR, "face_gist_distance: unknown strategy %d", strategy);
	*recheck = false;
	if (GIST_LEAF(entry))
		PG_RETURN_FLOAT8(leaf_distance(key, probe));
	PG_RETURN_FLOAT8(inner_lower_bound(key, probe_cache(fcinfo, probe)));
}

Datum
face_gist_union(PG_FUNCTION_ARGS)
{
	GistEntryVector *entries = (GistEntryVector *) PG_GETARG_POINTER(0);
	int *size = (int *) PG_GETARG_POINTER(1);
	FaceGistKey *result = make_inner_key(DatumGetFaceGistKeyP(entries->vector[0].key));

	for (int i = 1; i < entries->n; i++)
		extend_key(result, DatumGetFaceGistKeyP(entries->vector[i].key));
	*size = FACE_GIST_INNER_SIZE;
	PG_RETURN_POINTER(result);
}

/*
 * How much the subtree's box must grow, by margin, to take the new key. Margin,
 * not volume: in 16 dimensions volumes underflow and a flat box hides any growth.
 */
Datum
face_gist_penalty(PG_FUNCTION_ARGS)
{
	GISTENTRY *original = (GISTENTRY *) PG_GETARG_POINTER(0);
	GISTENTRY *added = (GISTENTRY *) PG_GETARG_POINTER(1);
	float *penalty = (float *) PG_GETARG_POINTER(2);
	FaceGistKey *key = DatumGetFaceGistKeyP(original->key);
	FaceGistKey *add = DatumGetFaceGistKeyP(added->key);
	const float4 *key_high = face_gist_high(key);
	const float4 *add_high = face_gist_high(add);
	float8 growth = Max(key->residual_high, add->residual_high) -
	                Min(key->residual_low, add->residual_low) -
	                (key->residual_high - key->residual_low);

	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
		growth += (float8) Max(key_high[a], add_high[a]) - Min(key->low[a], add->low[a]) -
		          ((float8) key_high[a] - key->low[a]);
	*penalty = (float) growth;
	PG_RETURN_POINTER(penalty);
}

typedef struct SplitItem
{
	OffsetNumber offset;
	float4 position;
} SplitItem;

static int
compare_split_items(const void *a, const void *b)
{
	float4 pa = ((const SplitItem *) a)->position;
	float4 pb = ((const SplitItem *) b)->position;

	return pa < pb ? -1 : pa > pb ? 1 : 0;
}

/*
 * A k-d tree's split: along the axis where the keys' centres spread widest, at
 * the median, so both halves are equal and each page's box stays narrow on the
 * axes that carry the most distance.
 */
Datum
face_gist_picksplit(PG_FUNCTION_ARGS)
{
	GistEntryVector *entries = (GistEntryVector *) PG_GETARG_POINTER(0);
	GIST_SPLITVEC *split = (GIST_SPLITVEC *) PG_GETARG_POINTER(1);
	OffsetNumber last = entries->n - 1;
	int count = last - FirstOffsetNumber + 1;
	SplitItem *items = palloc(sizeof(SplitItem) * count);
	float4 low[PGFACE_INDEX_AXES + 1];
	float4 high[PGFACE_INDEX_AXES + 1];
	int best_axis = 0;
	float4 best_spread = -1.0f;
	FaceGistKey *left = NULL;
	FaceGistKey *right = NULL;

	/* Axis PGFACE_INDEX_AXES stands for the residual length. */
	for (int a = 0; a <= PGFACE_INDEX_AXES; a++)
	{
		low[a] = FLT_MAX;
		high[a] = -FLT_MAX;
	}
	for (OffsetNumber i = FirstOffsetNumber; i <= last; i++)
	{
		FaceGistKey *key = DatumGetFaceGistKeyP(entries->vector[i].key);
		const float4 *key_high = face_gist_high(key);

		for (int a = 0; a <= PGFACE_INDEX_AXES; a++)
		{
			float4 centre = a < PGFACE_INDEX_AXES ? (key->low[a] + key_high[a]) / 2
			                                      : (key->residual_low + key->residual_high) / 2;

			low[a] = Min(low[a], centre);
			high[a] = Max(high[a], centre);
		}
	}
	for (int a = 0; a <= PGFACE_INDEX_AXES; a++)
		if (high[a] - low[a] > best_spread)
		{
			best_spread = high[a] - low[a];
			best_axis = a;
		}

	for (OffsetNumber i = FirstOffsetNumber; i <= last; i++)
	{
		FaceGistKey *key = DatumGetFaceGistKeyP(entries->vector[i].key);
		SplitItem *item = &items[i - FirstOffsetNumber];

		item->offset = i;
		item->position = best_axis < PGFACE_INDEX_AXES
		                     ? (key->low[best_axis] + face_gist_high(key)[best_axis]) / 2
		                     : (key->residual_low + key->residual_high) / 2;
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
			split->spl_left[split->spl_nleft++] = items[k].offset;
			if (left == NULL)
				left = make_inner_key(key);
			else
				extend_key(left, key);
		}
		else
		{
			split->spl_right[split->spl_nright++] = items[k].offset;
			if (right == NULL)
				right = make_inner_key(key);
			else
				extend_key(right, key);
		}
	}
	split->spl_ldatum = PointerGetDatum(left);
	split->spl_rdatum = PointerGetDatum(right);
	PG_RETURN_POINTER(split);
}

Datum
face_gist_same(PG_FUNCTION_ARGS)
{
	FaceGistKey *a = DatumGetFaceGistKeyP(PG_GETARG_DATUM(0));
	FaceGistKey *b = DatumGetFaceGistKeyP(PG_GETARG_DATUM(1));
	bool *result = (bool *) PG_GETARG_POINTER(2);

	*result = VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0;
	PG_RETURN_POINTER(result);
}

PG_FUNCTION_INFO_V1(face_gist_key_in);
PG_FUNCTION_INFO_V1(face_gist_key_out);

/* Keys exist only inside indexes; a key typed in by hand could only corrupt one. */
Datum
face_gist_key_in(PG_FUNCTION_ARGS)
{
	ereport(ERROR,
	        (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("face_gist_key has no text input"),
	         errdetail("It is the storage type of the face_embedding_ops index.")));
	PG_RETURN_NULL();
}

/* Shown by pageinspect's gist_page_items: the kind of key and its first axis. */
Datum
face_gist_key_out(PG_FUNCTION_ARGS)
{
	FaceGistKey *key = DatumGetFaceGistKeyP(PG_GETARG_DATUM(0));

	PG_RETURN_CSTRING(psprintf("%s axis1 [%g,%g] residual [%g,%g]",
	                           key->kind == FACE_GIST_LEAF ? "leaf" : "inner", key->low[0],
	                           face_gist_high(key)[0], key->residual_low, key->residual_high));
}
