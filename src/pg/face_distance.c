/*
 * face_distance.c: the Euclidean distance, as face_distance() and the <-> operator.
 */
#include "face_embedding.h"

PG_FUNCTION_INFO_V1(face_distance);

Datum
face_distance(PG_FUNCTION_ARGS)
{
	FaceEmbedding *a = PG_GETARG_FACE_EMBEDDING_P(0);
	FaceEmbedding *b = PG_GETARG_FACE_EMBEDDING_P(1);

	face_embedding_check_comparable(a, b);
	PG_RETURN_FLOAT8(pgface_l2_distance(a->values, b->values, a->dims));
}
