/*
 * within_selectivity.c: how many rows a distance threshold keeps, for the
 * <@ operator's estimator, face_within()'s support function and the planner
 * hook. Without it PostgreSQL assumes a third of the table matches, which
 * makes the index look worthless.
 */
#include "face_ball.h"
#include "face_planner.h"

#include "face/embedding_statistics.h"
#include "optimizer/optimizer.h"
#include "utils/lsyscache.h"
#include "utils/selfuncs.h"

PG_FUNCTION_INFO_V1(face_in_ball_selectivity);

/* The 1:1 verification threshold the model was trained for. */
#define PGFACE_VERIFICATION_TAU 0.6

/* The impostor share at a known tau; a NULL tau keeps no row. */
static Selectivity
selectivity_at(float8 tau)
{
	Selectivity selectivity =
	    pgface_impostor_fraction(pgface_embedding_statistics_lookup(PGFACE_MODEL_DEFAULT), tau);

	CLAMP_PROBABILITY(selectivity);
	return selectivity;
}

Selectivity
pgface_within_selectivity(PlannerInfo *root, Node *tau)
{
	Node *folded = estimate_expression_value(root, tau);

	if (!IsA(folded, Const))
		return selectivity_at(PGFACE_VERIFICATION_TAU);
	if (((Const *) folded)->constisnull)
		return 0.0;
	return selectivity_at(DatumGetFloat8(((Const *) folded)->constvalue));
}

/*
 * The restriction estimator of embedding <@ ball (and of ball @> embedding):
 * the radius of a constant ball, or the tau of face_ball(probe, tau); when
 * neither can be seen, the model's verification threshold.
 */
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
	Node *folded = estimate_expression_value(root, ball);

	if (IsA(folded, Const) && !((Const *) folded)->constisnull)
		PG_RETURN_FLOAT8(selectivity_at(DatumGetFaceBallP(((Const *) folded)->constvalue)->radius));
	if (IsA(ball, FuncExpr) && list_length(((FuncExpr *) ball)->args) == 2)
		PG_RETURN_FLOAT8(pgface_within_selectivity(root, lsecond(((FuncExpr *) ball)->args)));
	PG_RETURN_FLOAT8(selectivity_at(PGFACE_VERIFICATION_TAU));
}
