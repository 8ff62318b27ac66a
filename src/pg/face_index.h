/*
 * face_index.h: what both index methods (GiST's face_embedding_ops and
 * face_va) take from the index core (src/index) with the server's ERRORs and
 * memory: the statistics of a model, a face's point code, a prepared probe.
 */
#ifndef PGFACE_PG_FACE_INDEX_H
#define PGFACE_PG_FACE_INDEX_H

#include "face_embedding.h"

#include "index/point.h"
#include "index/probe.h"

/* Strategy numbers of the operator classes (GiST and face_va), as pgface--*.sql assigns them. */
#define FACE_STRATEGY_IN_BALL  1
#define FACE_STRATEGY_DISTANCE 15

/* The statistics an index on this model keys on; ERROR when there are none. */
extern const pgface_embedding_statistics *face_index_statistics(int model_tag);

/* A face's point code; ERROR for a model without statistics or an embedding of the wrong size. */
extern void face_index_encode_point(const FaceEmbedding *embedding, pgface_index_point *point);

/* Prepares a probe embedding for the bounds of a scan (gap table in palloc'd memory). */
extern void face_index_prepare_probe(const FaceEmbedding *probe, pgface_index_probe *prepared);

/* ERROR unless two index entries come from the same model (one index holds one model). */
extern void face_index_check_models(int model_a, int model_b);

#endif
