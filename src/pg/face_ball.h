/*
 * face_ball.h: a ball in embedding space, a centre and a radius. It is the
 * right-hand side of the indexable "within" operator, so that one index
 * condition can carry both the probe and tau.
 */
#ifndef PGFACE_PG_FACE_BALL_H
#define PGFACE_PG_FACE_BALL_H

#include "face_embedding.h"

/* A varlena: radius, then the centre as a whole face_embedding (header included). */
typedef struct FaceBall
{
	int32 vl_len_;
	int32 unused; /* keeps radius 8-byte aligned within the value */
	float8 radius;
	FaceEmbedding center;
} FaceBall;

#define FACE_BALL_SIZE(dims)     (offsetof(FaceBall, center) + FACE_EMBEDDING_SIZE(dims))
#define DatumGetFaceBallP(x)     ((FaceBall *) PG_DETOAST_DATUM(x))
#define PG_GETARG_FACE_BALL_P(n) DatumGetFaceBallP(PG_GETARG_DATUM(n))

/* face_ball(center, radius), the SQL function; the planner knows it by its address. */
extern Datum face_ball(PG_FUNCTION_ARGS);

/* A new ball around a copy of center. */
extern FaceBall *face_ball_make(const FaceEmbedding *center, float8 radius);

/*
 * Whether the embedding lies in the ball, decided exactly as "emb <-> center <=
 * radius" is in SQL (a NaN radius holds everything, as float8 comparison says).
 */
extern bool face_ball_contains(const FaceBall *ball, const FaceEmbedding *embedding);

/* a <-> b <= tau, with float8's rules; the one definition behind <@, @> and face_within(). */
extern bool face_embeddings_within(const FaceEmbedding *a, const FaceEmbedding *b, float8 tau);

#endif
