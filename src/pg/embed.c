/*
 * embed.c: embed(photo bytea, detect boolean DEFAULT true) -> face_embedding.
 */
#include "face_embedding.h"
#include "pgface_pg.h"

#include "face/pipeline.h"

PG_FUNCTION_INFO_V1(embed);

Datum
embed(PG_FUNCTION_ARGS)
{
	bytea *photo = PG_GETARG_BYTEA_PP(0);
	bool detect = PG_GETARG_BOOL(1);
	const pgface_model_info *model = face_embedding_default_model();
	const pgface_limits limits = {pgface_max_image_pixels};
	pgface_status status = {0};
	FaceEmbedding *result;

	if (detect)
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
		                errmsg("embed() with face detection is not supported yet"),
		                errhint("Pass a cropped face and call embed(photo, detect => false).")));

	if (model->dims != PGFACE_EMBEDDING_DIMS)
		elog(ERROR, "pgface: model \"%s\" has %d dimensions, the net makes %d", model->name,
		     model->dims, PGFACE_EMBEDDING_DIMS);
	result = face_embedding_alloc(model);
	if (pgface_embed_chip(pgface_backend_models(), (const unsigned char *) VARDATA_ANY(photo),
	                      VARSIZE_ANY_EXHDR(photo), &limits, result->values, &status) != PGFACE_OK)
		pgface_report_core_error(&status);
	PG_RETURN_FACE_EMBEDDING_P(result);
}
