/*
 * embed.c: embed(photo bytea, detect boolean DEFAULT true) -> face_embedding:
 * the most prominent face of a photo (the best-scoring face covering its
 * centre, else the best-scoring face), or with
 * detect => false the whole image as the face chip.
 */
#include "face_embedding.h"
#include "pgface_pg.h"

#include "face/pipeline.h"

/*
 * The C symbol carries the prefix, because PostgreSQL loads modules RTLD_GLOBAL: a bare
 * "embed" could bind to, or shadow, another library's.
 */
PG_FUNCTION_INFO_V1(pgface_embed);

Datum
pgface_embed(PG_FUNCTION_ARGS)
{
	bytea *photo = PG_GETARG_BYTEA_PP(0);
	bool detect = PG_GETARG_BOOL(1);
	const unsigned char *bytes = (const unsigned char *) VARDATA_ANY(photo);
	size_t length = VARSIZE_ANY_EXHDR(photo);
	const pgface_pipeline_options options = pgface_current_pipeline_options();
	const pgface_models *models = pgface_backend_models();
	pgface_status status = {0};
	FaceEmbedding *result = face_embedding_alloc(options.model);
	pgface_code code;

	code = detect ? pgface_embed_photo(models, bytes, length, &options, result->values, &status)
	              : pgface_embed_chip(models, bytes, length, &options, result->values, &status);
	if (code != PGFACE_OK)
		pgface_report_core_error(&status);
	PG_RETURN_FACE_EMBEDDING_P(result);
}
