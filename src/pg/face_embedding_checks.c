/*
 * face_embedding_checks.c: the validation and error reports that text input,
 * binary input, casts and operators share, so that each mistake gets the same
 * SQLSTATE and message whichever way the value arrived.
 */
#include "face_embedding.h"

#include <math.h>

#include "utils/builtins.h"

FaceEmbedding *
face_embedding_alloc(const pgface_recognition_model *model)
{
	FaceEmbedding *result = palloc0(FACE_EMBEDDING_SIZE(model->dims));

	SET_VARSIZE(result, FACE_EMBEDDING_SIZE(model->dims));
	result->dims = (uint16) model->dims;
	result->model = (uint16) model->tag;
	return result;
}

const pgface_recognition_model *
face_embedding_default_model(void)
{
	return pgface_model_default();
}

/* A mistaken model name is answered with the names there are, wherever it was given. */
char *
face_registered_model_names(void)
{
	StringInfoData names;

	initStringInfo(&names);
	for (int i = 0; i < pgface_model_count(); i++)
		appendStringInfo(&names, "%s\"%s\"", i > 0 ? ", " : "", pgface_model_at(i)->name);
	return names.data;
}

/* contrib/cube reports mismatched array lengths as 2202E; a wrong value count is the same mistake.
 */
void
face_embedding_check_dims(const pgface_recognition_model *model, int count)
{
	if (count != model->dims)
		ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
		                errmsg("face_embedding must have %d values, not %d", model->dims, count),
		                errdetail("Model \"%s\" makes %d-dimensional embeddings.", model->name,
		                          model->dims)));
}

void
face_embedding_check_finite(const float4 *values, int count)
{
	int bad = pgface_emb_first_nonfinite(values, count);

	if (bad >= 0)
		ereport(ERROR,
		        (errcode(ERRCODE_DATA_EXCEPTION), errmsg("face_embedding values must be finite"),
		         errdetail("Value %d is %s.", bad + 1, isnan(values[bad]) ? "NaN" : "infinite")));
}

void
face_embedding_check_same_model(int model_a, int dims_a, int model_b, int dims_b)
{
	if (model_a != model_b || dims_a != dims_b)
	{
		const pgface_recognition_model *info_a = pgface_model_lookup(model_a);
		const pgface_recognition_model *info_b = pgface_model_lookup(model_b);

		ereport(ERROR,
		        (errcode(ERRCODE_DATATYPE_MISMATCH),
		         errmsg("cannot compare face embeddings of different models"),
		         errdetail("One comes from \"%s\" (%d values), the other from \"%s\" (%d values).",
		                   info_a ? info_a->name : "unknown", dims_a,
		                   info_b ? info_b->name : "unknown", dims_b),
		         errhint("Re-embed both photos with the same model.")));
	}
}

void
face_embedding_check_comparable(const FaceEmbedding *a, const FaceEmbedding *b)
{
	face_embedding_check_same_model(a->model, a->dims, b->model, b->dims);
}
