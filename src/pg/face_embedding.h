/*
 * face_embedding.h: the on-disk face_embedding value and the helpers every SQL entry point shares.
 */
#ifndef PGFACE_PG_FACE_EMBEDDING_H
#define PGFACE_PG_FACE_EMBEDDING_H

#include "pg_compat.h"

#include "fmgr.h"
#include "lib/stringinfo.h"

#include "face/embedding.h"
#include "face/model_registry.h"

/*
 * A varlena: header, dimension count, model tag, then the values. The tag
 * travels with the data so that embeddings of different models are never
 * compared by mistake.
 */
typedef struct FaceEmbedding
{
	int32 vl_len_;
	uint16 dims;
	uint16 model;
	float4 values[FLEXIBLE_ARRAY_MEMBER];
} FaceEmbedding;

#define FACE_EMBEDDING_SIZE(dims)     (offsetof(FaceEmbedding, values) + sizeof(float4) * (dims))
#define DatumGetFaceEmbeddingP(x)     ((FaceEmbedding *) PG_DETOAST_DATUM(x))
#define PG_GETARG_FACE_EMBEDDING_P(n) DatumGetFaceEmbeddingP(PG_GETARG_DATUM(n))
#define PG_RETURN_FACE_EMBEDDING_P(x) PG_RETURN_POINTER(x)

/* A zeroed embedding of the given model, its values left for the caller to fill. */
extern FaceEmbedding *face_embedding_alloc(const pgface_recognition_model *model);

/* The default model's registry entry; its absence is a build defect, reported as such. */
extern const pgface_recognition_model *face_embedding_default_model(void);

/* The text output and binary input functions, for types built on this one. */
extern Datum face_embedding_in(PG_FUNCTION_ARGS);
extern Datum face_embedding_out(PG_FUNCTION_ARGS);
extern Datum face_embedding_recv(PG_FUNCTION_ARGS);

/* The distance's C function, which the planner hook recognises by address. */
extern Datum face_distance(PG_FUNCTION_ARGS);

/* Appends the binary form (int16 dims, int16 model tag, float4 values) to a message. */
extern void face_embedding_send_to(StringInfo buf, const FaceEmbedding *embedding);

/* Reads the text form [v1,...,vN] (default model), with a precise ERROR for each mistake. */
extern FaceEmbedding *face_embedding_from_text(const char *input);

/* The registered models' names, quoted and comma-separated, for messages that list them. */
extern char *face_registered_model_names(void);

/* ERROR unless the count matches the model's dimensions. */
extern void face_embedding_check_dims(const pgface_recognition_model *model, int count);

/* ERROR unless every value is finite. */
extern void face_embedding_check_finite(const float4 *values, int count);

/* ERROR unless two values of these models and sizes may be compared. */
extern void face_embedding_check_same_model(int model_a, int dims_a, int model_b, int dims_b);

/* ERROR unless a and b come from the same model and so may be compared. */
extern void face_embedding_check_comparable(const FaceEmbedding *a, const FaceEmbedding *b);

#endif
