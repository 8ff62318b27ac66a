/*
 * face_gist_key.h: what the GiST index stores. Every face has a point code
 * (src/index/point.h: its coordinates on the model's axes quantised to int8,
 * and its residual length). The parent of a leaf page keeps the codes of all
 * its faces (a SUMMARY key), and the index tests each face's bound before it
 * reads the page. Higher up, where a list would not fit, keys are BOXes of codes.
 *
 *   LEAF     a face: its point code, then the embedding itself (exact answers)
 *   SUMMARY  up to FACE_GIST_SUMMARY_MAX point codes of the faces below
 *   BOX      per-axis code ranges and the residual-length range below
 *
 * The arithmetic (codes, probes, bounds) is the index core's; this is the
 * key's layout and the choice of bound by kind of key.
 */
#ifndef PGFACE_PG_FACE_GIST_KEY_H
#define PGFACE_PG_FACE_GIST_KEY_H

#include "face_index.h"

#include "index/box.h"
#include "index/point_list.h"

/*
 * The key kinds carry the index format in their high bits, so that code of
 * another format refuses an index instead of misreading it. The codes are
 * coordinates on the fitted principal axes, so refitted statistics are a new
 * format too. Format 2: 64 axes; 3: axes refitted on mirror-averaged embeddings.
 */
#define FACE_GIST_FORMAT 3
StaticAssertDecl(FACE_GIST_FORMAT == PGFACE_INDEX_CODE_FORMAT,
                 "new point codes are a new GiST key format: REINDEX, not misreading");
#define FACE_GIST_LEAF    (FACE_GIST_FORMAT << 4 | 1)
#define FACE_GIST_SUMMARY (FACE_GIST_FORMAT << 4 | 2)
#define FACE_GIST_BOX     (FACE_GIST_FORMAT << 4 | 3)

/* A leaf page holds 13 faces; the slack absorbs faces deleted but still summarised. */
#define FACE_GIST_SUMMARY_MAX 24
StaticAssertDecl(FACE_GIST_SUMMARY_MAX <= PGFACE_INDEX_LIST_MAX, "a summary is a list of points");

/* On disk inside keys: the core's types must keep their size. */
StaticAssertDecl(sizeof(pgface_index_point) == sizeof(float4) + PGFACE_INDEX_AXES,
                 "a leaf's point code is 68 bytes");
StaticAssertDecl(sizeof(pgface_index_box) == 2 * sizeof(float4) + 2 * PGFACE_INDEX_AXES,
                 "a box key's body is 136 bytes");

typedef struct FaceGistKey
{
	int32 vl_len_;
	uint8 kind;  /* FACE_GIST_LEAF, _SUMMARY or _BOX */
	uint8 count; /* SUMMARY: how many points */
	uint16 model;
	char body[FLEXIBLE_ARRAY_MEMBER];
} FaceGistKey;

#define FACE_GIST_HEADER_SIZE offsetof(FaceGistKey, body)
#define FACE_GIST_LEAF_SIZE(dims)                                                                  \
	(FACE_GIST_HEADER_SIZE + sizeof(pgface_index_point) + sizeof(float4) * (dims))
#define FACE_GIST_SUMMARY_SIZE(n)                                                                  \
	(FACE_GIST_HEADER_SIZE + (sizeof(float4) + PGFACE_INDEX_AXES) * (n))
#define FACE_GIST_BOX_SIZE      (FACE_GIST_HEADER_SIZE + sizeof(pgface_index_box))
#define DatumGetFaceGistKeyP(x) face_gist_key_from_datum(x)

/* ERROR (index corrupted, REINDEX) unless the key is of this format and a consistent size. */
extern void face_gist_check_key(const FaceGistKey *key);

static inline FaceGistKey *
face_gist_key_from_datum(Datum datum)
{
	FaceGistKey *key = (FaceGistKey *) PG_DETOAST_DATUM(datum);

	face_gist_check_key(key);
	return key;
}

/* LEAF: its one point. */
static inline pgface_index_point *
face_gist_leaf_point(FaceGistKey *key)
{
	return (pgface_index_point *) key->body;
}

static inline float4 *
face_gist_leaf_values(FaceGistKey *key)
{
	return (float4 *) (key->body + sizeof(pgface_index_point));
}

static inline int
face_gist_leaf_dims(const FaceGistKey *key)
{
	return (int) ((VARSIZE(key) - FACE_GIST_LEAF_SIZE(0)) / sizeof(float4));
}

static inline pgface_index_box *
face_gist_box(FaceGistKey *key)
{
	return (pgface_index_box *) key->body;
}

/*
 * The faces of a LEAF (one) or SUMMARY key as a list of points. A SUMMARY is
 * stored block-major (point_list.h); a leaf's point code, residual then codes,
 * is that layout for one face.
 */
extern pgface_index_point_list face_gist_key_points(FaceGistKey *key);

/* The leaf key of an embedding. */
extern FaceGistKey *face_gist_make_leaf(const FaceEmbedding *embedding);

/*
 * A squared lower bound on the distance from the probe to any face under an
 * inner key (SUMMARY or BOX): the smallest over its faces, or the box's.
 * Refinement stops early in two ways, each still returning a valid bound: at
 * the first face whose bound is at most stop_below (pass -1 for none), and
 * wherever a partial sum already exceeds give_up_above (pass FLT_MAX for none).
 * Ordered scans pass nearest_upper, an estimate from above of the nearest
 * face's squared distance that the faces bounded in full lower further, and
 * that limits refinement as give_up_above does (NULL elsewhere).
 */
extern float8 face_gist_bound_squared(const FaceGistKey *key, const pgface_index_probe *probe,
                                      float8 stop_below, float8 give_up_above,
                                      float4 *nearest_upper);

/* The union of keys: a SUMMARY when every key is a point or summary and all fit, else a BOX. */
extern FaceGistKey *face_gist_union_keys(FaceGistKey **keys, int count);

/* Where a key sits, as one point in code space: a leaf's code, a summary's mean, a box's middle. */
extern void face_gist_key_centre(FaceGistKey *key, float4 *centre);

/* A squared distance-like cost of adding key add under key into, for choosing a subtree. */
extern float8 face_gist_insert_cost(FaceGistKey *into, FaceGistKey *add);

#endif
