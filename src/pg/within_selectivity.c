/*
 * within_selectivity.c: how many rows a distance threshold keeps, for the
 * <@ operator's estimator, face_within()'s support function and the planner
 * hook. Without it PostgreSQL assumes a third of the table matches, which
 * makes the index look worthless.
 */
#include "face_ball.h"
#include "face_planner.h"

#include "face/embedding_statistics.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/lsyscache.h"
#include "utils/selfuncs.h"

PG_FUNCTION_INFO_V1(face_in_ball_selectivity);

/* The 1:1 verification threshold the model was trained for. */
#define PGFACE_VERIFICATION_TAU 0.6

Selectivity
pgface_within_selectivity(PlannerInfo *root, Node *tau)
{
	const pgface_embedding_statistics *stats =
	    pgface_embedding_statistics_lookup(PGFACE_MODEL_DEFAULT);
	Node *folded = estimate_expression_value(root, tau);
	float8 value = PGFACE_VERIFICATION_TAU;
	Selectivity selectivity;

	if (IsA(folded, Const))
	{
		if (((Const *) folded)->constisnull)
			return 0.0;
		value = DatumGetFloat8(((Const *) folded)->constvalue);
	}
	selectivity = pgface_impostor_fraction(stats, value);
	CLAMP_PROBABILITY(selectivity);
	return selectivity;
}

/*
 * The radius of the ball on the right of <@: a constant ball's own, or the tau
 * of face_ball(probe, tau); NULL when neither can be seen.
 */
static Node *
ball_radius_expression(PlannerInfo *root, Node *ball)
{
	Node *folded = estimate_expression_value(root, ball);

	if (IsA(folded, Const) && !((Const *) folded)->constisnull)
		return (Node *) makeConst(
		    FLOAT8OID, -1, InvalidOid, sizeof(float8),
		    Float8GetDatum(DatumGetFaceBallP(((Const *) folded)->constvalue)->radius), false,
		    FLOAT8PASSBYVAL);
	if (IsA(ball, FuncExpr) && list_length(((FuncExpr *) ball)->args) == 2)
		return (Node *) lsecond(((FuncExpr *) ball)->args);
	return NULL;
}

/* The restriction estimator of embedding <@ ball (and of ball @> embedding). */
Datum
face_in_ball_selectivity(PG_FUNCTION_ARGS)
{
	PlannerInfo *root = (PlannerInfo *) PG_GETARG_POINTER(0);
	Oid operator_oid = PG_GETARG_OID(1);
	List *args = (List *) PG_GETARG_POINTER(2);
	char *name = get_opname(operator_oid);
	/* embedding <@ ball, or its commutator ball @> embedding */
	Node *ball =
	    (Node *) (name != NULL && strcmp(name, "<@") == 0 ? lsecond(args) : linitial(args));
	Node *radius;

	radius = ball_radius_expression(root, ball);
	if (radius == NULL)
		radius =
		    (Node *) makeConst(FLOAT8OID, -1, InvalidOid, sizeof(float8),
		                       Float8GetDatum(PGFACE_VERIFICATION_TAU), false, FLOAT8PASSBYVAL);
	PG_RETURN_FLOAT8(pgface_within_selectivity(root, radius));
}
