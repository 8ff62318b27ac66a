/*
 * face_index.c: the index core (src/index) as both index methods call it, with
 * PostgreSQL's ERRORs and memory (see face_index.h).
 */
#include "face_index.h"

/* The message names face_embedding_ops for both methods, as it always has. */
const pgface_embedding_statistics *
face_index_statistics(int model_tag)
{
	const pgface_embedding_statistics *stats = pgface_embedding_statistics_lookup(model_tag);

	if (stats == NULL)
		ereport(ERROR,
		        (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
		         errmsg("face_embedding_ops cannot index embeddings of model tag %d", model_tag)));
	return stats;
}

/* The core reads stats->dims values, so a value of another size is an ERROR first. */
void
face_index_encode_point(const FaceEmbedding *embedding, pgface_index_point *point)
{
	const pgface_embedding_statistics *stats = face_index_statistics(embedding->model);

	if (embedding->dims != stats->dims)
		face_embedding_check_dims(pgface_model_lookup(embedding->model), embedding->dims);
	pgface_index_encode_point(stats, embedding->values, point);
}

/* The gap table lives in the current memory context, as long as the scan that asked for it. */
void
face_index_prepare_probe(const FaceEmbedding *probe, pgface_index_probe *prepared)
{
	pgface_index_probe_prepare(face_index_statistics(probe->model), probe->values, prepared);
	pgface_index_probe_fill_gap_table(prepared, palloc(PGFACE_INDEX_GAP_TABLE_BYTES));
}

/* One index holds one model: its codes are coordinates on that model's axes. */
void
face_index_check_models(int model_a, int model_b)
{
	if (model_a != model_b)
		ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
		                errmsg("cannot index face embeddings of different models together")));
}
