/*
 * face_embedding_io.c: the type's text and binary input and output.
 */
#include "face_embedding.h"

#include "libpq/pqformat.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(face_embedding_in);
PG_FUNCTION_INFO_V1(face_embedding_out);
PG_FUNCTION_INFO_V1(face_embedding_recv);
PG_FUNCTION_INFO_V1(face_embedding_send);
PG_FUNCTION_INFO_V1(face_model);

/* Turns the core parser's verdict into the SQLSTATE a client can act on. */
static void
report_parse_failure(const char *input, pgface_emb_parse_result result,
                     const pgface_recognition_model *model)
{
	const char *at = input + result.offset;

	switch (result.status)
	{
		case PGFACE_EMB_OK:
			return;
		case PGFACE_EMB_EMPTY:
			ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			                errmsg("invalid input syntax for type face_embedding: \"%s\"", input),
			                errdetail("The input is empty."),
			                errhint("A face_embedding is written as [v1,...,v%d].", model->dims)));
			break;
		case PGFACE_EMB_SYNTAX:
			ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			                errmsg("invalid input syntax for type face_embedding: \"%s\"", input),
			                *at == '\0' ? errdetail("Unexpected end of input.")
			                            : errdetail("Unexpected character \"%c\" at position %zu.",
			                                        *at, result.offset + 1),
			                errhint("A face_embedding is written as [v1,...,v%d].", model->dims)));
			break;
		case PGFACE_EMB_BAD_NUMBER:
			ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			                errmsg("invalid input syntax for type face_embedding: \"%s\"", input),
			                errdetail("Value %d at position %zu is not a number.", result.count + 1,
			                          result.offset + 1)));
			break;
		case PGFACE_EMB_OUT_OF_RANGE:
			ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			                errmsg("value %d of face_embedding is out of range for type real",
			                       result.count + 1),
			                errdetail("The value starts at position %zu.", result.offset + 1)));
			break;
		case PGFACE_EMB_NOT_FINITE:
			ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
			                errmsg("face_embedding values must be finite"),
			                errdetail("Value %d at position %zu is NaN or infinite.",
			                          result.count + 1, result.offset + 1)));
			break;
		case PGFACE_EMB_WRONG_DIMS:
			face_embedding_check_dims(model, result.count);
			break;
	}
	elog(ERROR, "pgface: unexpected parse status %d", (int) result.status);
}

/* The model a "name:" prefix names; an unknown name is refused with the names there are. */
static const pgface_recognition_model *
model_named_in_text(const char *input, size_t name_start, size_t name_length)
{
	char *name = pnstrdup(input + name_start, name_length);
	const pgface_recognition_model *model = pgface_model_by_name(name);

	if (model != NULL)
		return model;
	ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
	                errmsg("invalid input syntax for type face_embedding: \"%s\"", input),
	                errdetail("There is no recognition model named \"%s\".", name),
	                errhint("Registered recognition models: %s.", face_registered_model_names())));
	return NULL;
}

/*
 * "[v1,...,vN]" means the default model, as it always has; another model's values
 * are written "name:[v1,...,vN]", so that the text form (and so pg_dump) keeps the tag.
 */
FaceEmbedding *
face_embedding_from_text(const char *input)
{
	size_t name_start = 0, name_length = 0;
	size_t prefix = pgface_emb_model_prefix(input, &name_start, &name_length);
	const pgface_recognition_model *model =
	    prefix > 0 ? model_named_in_text(input, name_start, name_length)
	               : face_embedding_default_model();
	FaceEmbedding *result = face_embedding_alloc(model);
	pgface_emb_parse_result parsed = pgface_emb_parse(input + prefix, result->values, model->dims);

	parsed.offset += prefix;
	if (parsed.status != PGFACE_EMB_OK)
		report_parse_failure(input, parsed, model);
	return result;
}

Datum
face_embedding_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_FACE_EMBEDDING_P(face_embedding_from_text(PG_GETARG_CSTRING(0)));
}

Datum
face_embedding_out(PG_FUNCTION_ARGS)
{
	FaceEmbedding *embedding = PG_GETARG_FACE_EMBEDDING_P(0);
	const pgface_recognition_model *model = pgface_model_lookup(embedding->model);
	const char *name =
	    model != NULL && model != face_embedding_default_model() ? model->name : NULL;
	size_t prefix = name != NULL ? strlen(name) + 1 : 0;
	size_t size = prefix + PGFACE_EMB_TEXT_MAX(embedding->dims);
	char *text = palloc(size);

	if (model == NULL)
		ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
		                errmsg("face_embedding has unknown model tag %d", embedding->model)));
	if (name != NULL)
		snprintf(text, size, "%s:", name);
	pgface_emb_format(embedding->values, embedding->dims, text + prefix, size - prefix);
	PG_RETURN_CSTRING(text);
}

/*
 * Wire format: int16 dims, int16 model tag, then dims float4 values. Every
 * field is checked before use, so a hostile client gets an error, not a bad row.
 */
Datum
face_embedding_recv(PG_FUNCTION_ARGS)
{
	StringInfo buf = (StringInfo) PG_GETARG_POINTER(0);
	const pgface_recognition_model *model;
	FaceEmbedding *result;
	int dims;
	int tag;

	if (buf->len - buf->cursor < 4)
		ereport(ERROR,
		        (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
		         errmsg("invalid binary face_embedding: %d bytes is too short for the header",
		                buf->len - buf->cursor)));
	dims = (int16) pq_getmsgint(buf, 2); /* signed, as sent: 0xffff is -1, not 65535 */
	tag = pq_getmsgint(buf, 2);
	model = pgface_model_lookup(tag);
	if (model == NULL)
		ereport(ERROR, (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
		                errmsg("invalid binary face_embedding: unknown model tag %d", tag)));
	face_embedding_check_dims(model, dims);
	if (buf->len - buf->cursor != (int) sizeof(float4) * dims)
		ereport(ERROR, (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
		                errmsg("invalid binary face_embedding: expected %d bytes of values, got %d",
		                       (int) sizeof(float4) * dims, buf->len - buf->cursor)));

	result = face_embedding_alloc(model);
	for (int i = 0; i < dims; i++)
		result->values[i] = pq_getmsgfloat4(buf);
	face_embedding_check_finite(result->values, dims);
	PG_RETURN_FACE_EMBEDDING_P(result);
}

void
face_embedding_send_to(StringInfo buf, const FaceEmbedding *embedding)
{
	pq_sendint16(buf, embedding->dims);
	pq_sendint16(buf, embedding->model);
	for (int i = 0; i < embedding->dims; i++)
		pq_sendfloat4(buf, embedding->values[i]);
}

Datum
face_embedding_send(PG_FUNCTION_ARGS)
{
	FaceEmbedding *embedding = PG_GETARG_FACE_EMBEDDING_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	face_embedding_send_to(&buf, embedding);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* The default model's text form hides the tag, so users need a way to see which model made a value.
 */
Datum
face_model(PG_FUNCTION_ARGS)
{
	FaceEmbedding *embedding = PG_GETARG_FACE_EMBEDDING_P(0);
	const pgface_recognition_model *model = pgface_model_lookup(embedding->model);

	if (model == NULL)
		ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
		                errmsg("face_embedding has unknown model tag %d", embedding->model)));
	PG_RETURN_TEXT_P(cstring_to_text(model->name));
}
