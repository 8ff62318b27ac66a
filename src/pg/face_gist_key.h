/*
 * face_gist_key.h: what the GiST index stores (face_va stores the same point codes),
 * and the distance bounds both prune with.
 *
 * Boxes prune badly in a ~100-dimensional space: a box around even a dozen
 * faces spans most of the range on most axes. A single face's coordinates on
 * the model's 64 principal axes, though, bound its distance from a probe
 * tightly (|q - x|^2 >= |Pq - Px|^2 + (|rq| - |rx|)^2, see
 * embedding_statistics.h). So every face gets a 68-byte "point code": those
 * coordinates quantised to int8, plus its residual length. The parent of a
 * leaf page keeps the codes of all its faces (a SUMMARY key), and the index
 * tests each face's bound before it reads the page. Higher up, where a list
 * would not fit, keys are BOXes of codes.
 *
 *   LEAF     a face: its point code, then the embedding itself (exact answers)
 *   SUMMARY  up to FACE_GIST_SUMMARY_MAX point codes of the faces below
 *   BOX      per-axis code ranges and the residual-length range below
 */
#ifndef PGFACE_PG_FACE_GIST_KEY_H
#define PGFACE_PG_FACE_GIST_KEY_H

#include "face_embedding.h"

#include <math.h>

#include "face/embedding_statistics.h"

/*
 * The key kinds carry the index format in their high bits, so that code of
 * another format refuses an index instead of misreading it. The codes are
 * coordinates on the fitted principal axes, so refitted statistics are a new
 * format too. Format 2: 64 axes; 3: axes refitted on mirror-averaged embeddings.
 */
#define FACE_GIST_FORMAT  3
#define FACE_GIST_LEAF    (FACE_GIST_FORMAT << 4 | 1)
#define FACE_GIST_SUMMARY (FACE_GIST_FORMAT << 4 | 2)
#define FACE_GIST_BOX     (FACE_GIST_FORMAT << 4 | 3)

/* A leaf page holds 13 faces; the slack absorbs faces deleted but still summarised. */
#define FACE_GIST_SUMMARY_MAX 24

/* Codes span +-127 steps of 6 sigma / 127; the end codes mean "this far or beyond". */
#define FACE_GIST_CODE_LIMIT 127

typedef struct FaceGistPoint
{
	float4 residual;
	int8 code[PGFACE_INDEX_AXES];
} FaceGistPoint;

typedef struct FaceGistBox
{
	float4 residual_low;
	float4 residual_high;
	int8 low[PGFACE_INDEX_AXES];
	int8 high[PGFACE_INDEX_AXES];
} FaceGistBox;

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
	(FACE_GIST_HEADER_SIZE + sizeof(FaceGistPoint) + sizeof(float4) * (dims))
#define FACE_GIST_SUMMARY_SIZE(n)                                                                  \
	(FACE_GIST_HEADER_SIZE + (sizeof(float4) + PGFACE_INDEX_AXES) * (n))
#define FACE_GIST_BOX_SIZE      (FACE_GIST_HEADER_SIZE + sizeof(FaceGistBox))
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

/* Axes are read in blocks of eight, largest variance first; most faces are ruled out by the first.
 */
#define FACE_GIST_BLOCK  8
#define FACE_GIST_BLOCKS (PGFACE_INDEX_AXES / FACE_GIST_BLOCK)

/* LEAF: its one point. */
static inline FaceGistPoint *
face_gist_leaf_point(FaceGistKey *key)
{
	return (FaceGistPoint *) key->body;
}

/*
 * A SUMMARY is stored block-major: the faces' residual lengths, then for each
 * block of eight axes the codes of every face. A scan reads the first block of
 * all faces as one run of memory and touches the rest only for the few faces
 * that survive it.
 */
static inline float4 *
face_gist_summary_residuals(FaceGistKey *key)
{
	return (float4 *) key->body;
}

static inline int8 *
face_gist_summary_block(FaceGistKey *key, int block)
{
	return (int8 *) (key->body + sizeof(float4) * key->count) +
	       (Size) block * key->count * FACE_GIST_BLOCK;
}

static inline float4 *
face_gist_leaf_values(FaceGistKey *key)
{
	return (float4 *) (key->body + sizeof(FaceGistPoint));
}

static inline int
face_gist_leaf_dims(const FaceGistKey *key)
{
	return (int) ((VARSIZE(key) - FACE_GIST_LEAF_SIZE(0)) / sizeof(float4));
}

static inline FaceGistBox *
face_gist_box(FaceGistKey *key)
{
	return (FaceGistBox *) key->body;
}

/*
 * A probe as the bounds need it: its coordinates in code units (clamped to the
 * code range, which can only lower a bound), the squared step of each axis,
 * and its residual length.
 */
typedef struct FaceGistProbe
{
	float4 units[PGFACE_INDEX_AXES];
	float4 step_squared[PGFACE_INDEX_AXES];
	float4 residual;
	/*
	 * For scans: each axis's squared gap for every possible code, so a face's
	 * bound is a sum of table lookups, as in product quantisation. NULL when
	 * the probe serves a single insertion.
	 */
	float4 (*gap_table)[256];
} FaceGistProbe;

/* Strategy numbers of the operator classes (GiST and face_va), as pgface--*.sql assigns them. */
#define FACE_STRATEGY_IN_BALL  1
#define FACE_STRATEGY_DISTANCE 15

/*
 * The squared gap of one coordinate from the probe's: what is left of their
 * distance outside the code's half step, weighted by the axis's step. The one
 * definition behind the probe's gap table and face_va's vector sums, so both
 * give a face the same bound.
 */
static inline float4
face_gist_axis_term(float4 units, int8 code, float4 step_squared)
{
	float4 gap = fabsf(units - (float4) code) - 0.5f;

	gap = gap > 0.0f ? gap : 0.0f;
	return gap * gap * step_squared;
}

/* The eight lookups of one block of one face in the probe's gap table. */
static inline float4
face_gist_block_from_table(const float4 (*rows)[256], const uint8 *code)
{
	return ((rows[0][code[0]] + rows[1][code[1]]) + (rows[2][code[2]] + rows[3][code[3]])) +
	       ((rows[4][code[4]] + rows[5][code[5]]) + (rows[6][code[6]] + rows[7][code[7]]));
}

/*
 * The gap between two residual lengths, as a bound may use it. Each length is
 * rounded to float4 on its own, so their difference can be off by a float step
 * of the larger, which no fixed margin covers when they are large (any finite
 * values are valid input: two near-duplicates with values around 50 were
 * missed). The gap is shrunk by a slack eight times that rounding. The vector
 * path (face_va_page.c) does the same operations in the same order.
 */
#define FACE_GIST_RESIDUAL_SLACK 4.76837158203125e-07f /* 2^-21 */

static inline float4
face_gist_residual_gap(float4 a, float4 b)
{
	float4 gap = fabsf(a - b) - (a + b) * FACE_GIST_RESIDUAL_SLACK;

	return gap > 0.0f ? gap : 0.0f;
}

/* The statistics an index on this model keys on; ERROR when there are none. */
extern const pgface_embedding_statistics *face_gist_statistics(int model_tag);

/* Face i of a LEAF (i = 0) or SUMMARY key, as one point. */
extern void face_gist_get_point(FaceGistKey *key, int i, FaceGistPoint *point);

/* A face's point code: its coordinates on the model's axes, quantised, and its residual length. */
extern void face_gist_encode_point(const FaceEmbedding *embedding, FaceGistPoint *point);

/* ERROR unless two index entries come from the same model (one index holds one model). */
extern void face_gist_check_models(int model_a, int model_b);

/*
 * An estimate from above of a face's squared distance from the probe. It only
 * steers how far bounds are refined, never what is returned as an answer.
 */
extern float4 face_gist_point_upper_squared(const FaceGistPoint *point, const FaceGistProbe *probe);

/*
 * The codes and the projection are computed in float, so bounds are widened by
 * a margin far above their rounding: a pruned face must never be an answer.
 * face_gist_safe_lower_bound turns a squared bound into a distance that is never
 * above the exact one; face_gist_stop_squared turns a radius into the squared
 * bound at or below which a face may lie within it.
 */
extern float8 face_gist_safe_lower_bound(float8 bound_squared);
extern float8 face_gist_stop_squared(float8 radius);

/* The leaf key of an embedding. */
extern FaceGistKey *face_gist_make_leaf(const FaceEmbedding *embedding);

/* Prepares a probe embedding for the bound computations of a scan (gap table in palloc'd memory).
 */
extern void face_gist_prepare_probe(const FaceEmbedding *probe, FaceGistProbe *prepared);

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
extern float8 face_gist_bound_squared(const FaceGistKey *key, const FaceGistProbe *probe,
                                      float8 stop_below, float8 give_up_above,
                                      float4 *nearest_upper);

/* The union of keys: a SUMMARY when every key is a point or summary and all fit, else a BOX. */
extern FaceGistKey *face_gist_union_keys(FaceGistKey **keys, int count);

/* Where a key sits, as one point in code space: a leaf's code, a summary's mean, a box's middle. */
extern void face_gist_key_centre(FaceGistKey *key, float4 *centre);

/* A squared distance-like cost of adding key add under key into, for choosing a subtree. */
extern float8 face_gist_insert_cost(FaceGistKey *into, FaceGistKey *add);

#endif
