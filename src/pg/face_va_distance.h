/*
 * face_va_distance.h: exact distances of face_va candidates, read from the
 * table (see face_va_distance.c).
 */
#ifndef PGFACE_PG_FACE_VA_DISTANCE_H
#define PGFACE_PG_FACE_VA_DISTANCE_H

#include "face_embedding.h"

#include "access/genam.h"

typedef struct FaceVaDistances FaceVaDistances;

/*
 * Ready to read rows of the scan's table under its snapshot; NULL when the
 * scan cannot (an expression index, a bitmap scan, a non-MVCC snapshot).
 */
extern FaceVaDistances *face_va_distances_begin(IndexScanDesc scan);

/*
 * The distance from the probe to the row at tid, as <-> computes it; false
 * when the row is not visible to the snapshot or its embedding is NULL (the
 * executor would not return it as a face either).
 */
extern bool face_va_distance_of(FaceVaDistances *distances, ItemPointer tid,
                                const FaceEmbedding *probe, float8 *distance);

/* Releases what begin took; NULL is allowed. */
extern void face_va_distances_end(FaceVaDistances *distances);

#endif
