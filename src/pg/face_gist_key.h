/*
 * face_gist_key.h: what the GiST index stores. A leaf holds the embedding
 * itself (so leaf distances are exact and need no heap recheck) and its
 * coordinates on the model's principal axes. An inner key is a box on those
 * axes plus the range of residual lengths below it, which bounds from below
 * the distance from any probe to anything in the subtree.
 */
#ifndef PGFACE_PG_FACE_GIST_KEY_H
#define PGFACE_PG_FACE_GIST_KEY_H

#include "face_embedding.h"

#include "face/embedding_statistics.h"

#define FACE_GIST_LEAF  1
#define FACE_GIST_INNER 2

typedef struct FaceGistKey
{
	int32 vl_len_;
	uint8 kind; /* FACE_GIST_LEAF or FACE_GIST_INNER */
	uint8 unused;
	uint16 model;
	float4 residual_low; /* leaf: the residual length (twice); inner: its range below */
	float4 residual_high;
	float4 low[PGFACE_INDEX_AXES];      /* leaf: the coordinates; inner: the box's low corner */
	float4 rest[FLEXIBLE_ARRAY_MEMBER]; /* leaf: the embedding; inner: the box's high corner */
} FaceGistKey;

#define FACE_GIST_INNER_SIZE      (offsetof(FaceGistKey, rest) + sizeof(float4) * PGFACE_INDEX_AXES)
#define FACE_GIST_LEAF_SIZE(dims) (offsetof(FaceGistKey, rest) + sizeof(float4) * (dims))
#define DatumGetFaceGistKeyP(x)   ((FaceGistKey *) PG_DETOAST_DATUM(x))

/* A leaf is a point, so its box's high corner is its low corner. */
static inline const float4 *
face_gist_high(const FaceGistKey *key)
{
	return key->kind == FACE_GIST_LEAF ? key->low : key->rest;
}

#endif
