/*
 * face_within_support.c: the planner support function of face_within(). It
 * turns face_within(emb, probe, tau) into "emb <@ face_ball(probe, tau)",
 * which both index methods (GiST and face_va) answer, the way PostGIS turns ST_DWithin into
 * a bounding-box test; and it tells the planner how many rows match.
 */
#include "face_planner.h"

#include "fmgr.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(face_within_support);

/* The index condition for face_within(a, b, tau) when a or b is the indexed column. */
static List *
within_index_condition(SupportRequestIndexCondition *request)
{
	FuncExpr *call = (FuncExpr *) request->node;
	PgfaceCatalog catalog;
	Node *indexed;
	Node *probe;
	Node *tau;

	if (!IsA(call, FuncExpr) || list_length(call->args) != 3 || request->indexarg > 1)
		return NIL;
	indexed = list_nth(call->args, request->indexarg);
	probe = list_nth(call->args, 1 - request->indexarg);
	tau = lthird(call->args);
	if (!is_pseudo_constant_for_index(request->root, probe, request->index) ||
	    !is_pseudo_constant_for_index(request->root, tau, request->index))
		return NIL;
	if (!pgface_catalog_in_schema(get_func_namespace(call->funcid), &catalog) ||
	    !op_in_opfamily(catalog.in_ball_operator, request->opfamily))
		return NIL;
	/* <@ decides exactly what face_within decides, so nothing is left to recheck. */
	request->lossy = false;
	return list_make1(
	    pgface_in_ball_clause(&catalog, (Expr *) indexed, (Expr *) probe, (Expr *) tau));
}

/* Answers the two requests that matter: selectivity, and the index condition. */
Datum
face_within_support(PG_FUNCTION_ARGS)
{
	Node *request = (Node *) PG_GETARG_POINTER(0);

	if (IsA(request, SupportRequestSelectivity))
	{
		SupportRequestSelectivity *selectivity = (SupportRequestSelectivity *) request;

		if (list_length(selectivity->args) != 3)
			PG_RETURN_POINTER(NULL);
		selectivity->selectivity =
		    pgface_within_selectivity(selectivity->root, linitial(selectivity->args),
		                              lsecond(selectivity->args), lthird(selectivity->args));
		PG_RETURN_POINTER(selectivity);
	}
	if (IsA(request, SupportRequestIndexCondition))
	{
		List *conditions = within_index_condition((SupportRequestIndexCondition *) request);

		PG_RETURN_POINTER(conditions);
	}
	PG_RETURN_POINTER(NULL);
}
