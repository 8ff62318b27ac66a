/*
 * face_embedding_cast.c: casts between face_embedding and real[].
 */
#include "face_embedding.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(face_embedding);
PG_FUNCTION_INFO_V1(face_embedding_to_real_array);

/* An array carries no model tag, so it is read as the default model, like the text form. */
Datum
face_embedding(PG_FUNCTION_ARGS)
{
	ArrayType *array = PG_GETARG_ARRAYTYPE_P(0);
	const pgface_recognition_model *model = face_embedding_default_model();
	FaceEmbedding *result;
	int count;

	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
		        (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
		         errmsg("cannot cast a %d-dimensional array to face_embedding", ARR_NDIM(array)),
		         errhint("Use a one-dimensional real[] of %d values.", model->dims)));
	if (array_contains_nulls(array))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
		                errmsg("cannot cast an array containing NULLs to face_embedding")));
	if (ARR_ELEMTYPE(array) != FLOAT4OID)
		elog(ERROR, "face_embedding(real[]) called with array of type %u", ARR_ELEMTYPE(array));

	count = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
	face_embedding_check_dims(model, count);
	face_embedding_check_finite((const float4 *) ARR_DATA_PTR(array), count);

	result = face_embedding_alloc(model);
	memcpy(result->values, ARR_DATA_PTR(array), sizeof(float4) * count);
	PG_RETURN_FACE_EMBEDDING_P(result);
}

Datum
face_embedding_to_real_array(PG_FUNCTION_ARGS)
{
	FaceEmbedding *embedding = PG_GETARG_FACE_EMBEDDING_P(0);
	Datum *elements = palloc(sizeof(Datum) * embedding->dims);

	for (int i = 0; i < embedding->dims; i++)
		elements[i] = Float4GetDatum(embedding->values[i]);
	PG_RETURN_ARRAYTYPE_P(
	    construct_array(elements, embedding->dims, FLOAT4OID, sizeof(float4), true, TYPALIGN_INT));
}
