/*
 * face_embedding_compare.c: equality and a total order for face_embedding, so that
 * DISTINCT, GROUP BY, UNION, = and a btree index work on embeddings as on any value.
 *
 * Two embeddings are equal when they come from the same model and hold the same values
 * (as float4 compares them: 0 equals -0; NaN cannot be stored). The order means nothing
 * about faces (the distance <-> does that): by model tag, then dimension count, then
 * value by value, so that it is a total order consistent with equality, as btree needs.
 */
#include "pg_compat.h"

#include "fmgr.h"

#include "face_embedding.h"

PG_FUNCTION_INFO_V1(face_embedding_eq);
PG_FUNCTION_INFO_V1(face_embedding_ne);
PG_FUNCTION_INFO_V1(face_embedding_lt);
PG_FUNCTION_INFO_V1(face_embedding_le);
PG_FUNCTION_INFO_V1(face_embedding_gt);
PG_FUNCTION_INFO_V1(face_embedding_ge);
PG_FUNCTION_INFO_V1(face_embedding_cmp);

/* -1, 0 or 1: the one comparison every operator and the btree support function use. */
static int
compare_embeddings(const FaceEmbedding *a, const FaceEmbedding *b)
{
	if (a->model != b->model)
		return a->model < b->model ? -1 : 1;
	if (a->dims != b->dims)
		return a->dims < b->dims ? -1 : 1;
	for (int i = 0; i < a->dims; i++)
		if (a->values[i] != b->values[i])
			return a->values[i] < b->values[i] ? -1 : 1;
	return 0;
}

/* The two arguments compared, each detoasted copy freed, as btree comparisons must. */
static int
compare_arguments(FunctionCallInfo fcinfo)
{
	FaceEmbedding *a = PG_GETARG_FACE_EMBEDDING_P(0);
	FaceEmbedding *b = PG_GETARG_FACE_EMBEDDING_P(1);
	int result = compare_embeddings(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	return result;
}

Datum
face_embedding_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(compare_arguments(fcinfo) == 0);
}

Datum
face_embedding_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(compare_arguments(fcinfo) != 0);
}

Datum
face_embedding_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(compare_arguments(fcinfo) < 0);
}

Datum
face_embedding_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(compare_arguments(fcinfo) <= 0);
}

Datum
face_embedding_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(compare_arguments(fcinfo) > 0);
}

Datum
face_embedding_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(compare_arguments(fcinfo) >= 0);
}

Datum
face_embedding_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(compare_arguments(fcinfo));
}
