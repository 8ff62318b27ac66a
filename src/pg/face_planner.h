/*
 * face_planner.h: what the planner-facing files share: finding pgface's own
 * catalog objects, building the indexable "within a ball" condition, and the
 * selectivity of a distance threshold.
 */
#ifndef PGFACE_PG_FACE_PLANNER_H
#define PGFACE_PG_FACE_PLANNER_H

#include "pg_compat.h"

#include "fmgr.h"
#include "nodes/pathnodes.h"
#include "nodes/primnodes.h"

#include "index/tightness.h"

/* pgface's objects in the schema it was installed in. */
typedef struct PgfaceCatalog
{
	Oid embedding_type;
	Oid ball_type;
	Oid ball_function;    /* face_ball(face_embedding, float8) */
	Oid in_ball_operator; /* face_embedding <@ face_ball */
} PgfaceCatalog;

/* pgface's objects in this schema; false if any is missing (say, mid-upgrade). */
extern bool pgface_catalog_in_schema(Oid namespace_oid, PgfaceCatalog *catalog);

/* Whether a function OID is pgface's own C function (compared by address, not by name). */
extern bool pgface_is_function(Oid function_oid, PGFunction function);

/* "embedding <@ face_ball(probe, tau)", the form both index methods (GiST, face_va) answer. */
extern Expr *pgface_in_ball_clause(const PgfaceCatalog *catalog, Expr *embedding, Expr *probe,
                                   Expr *tau);

/*
 * The share of rows within tau of a probe: the model's impostor-distance
 * fraction, since nearly every row is somebody else. The model is that of
 * whichever of a and b (either may be NULL) is a constant embedding, else the
 * one pgface.model names. When the planner cannot fold tau to a constant, the
 * verification threshold stands in.
 */
extern Selectivity pgface_within_selectivity(PlannerInfo *root, Node *a, Node *b, Node *tau);

/* planner_hook.c: makes "emb <-> probe < tau" indexable and well estimated. */
extern void pgface_install_planner_hook(void);

/*
 * index_sample.c: the pairs of the embeddings ANALYZE sampled from the index's column
 * (or expression), weighed by the index core; NULL without statistics to go on.
 */
extern const pgface_index_pair_sample *pgface_index_sample_of(PlannerInfo *root,
                                                              IndexOptInfo *index);

/* index_cost.c: gives GiST indexes of faces an estimator that follows what their scans read. */
extern void pgface_install_index_cost_hook(void);

#endif
