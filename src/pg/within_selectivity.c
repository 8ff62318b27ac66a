/*
 * within_selectivity.c: how many rows a distance threshold keeps, for the
 * <@ operator's estimator, face_within()'s support function and the planner
 * hook. Without it PostgreSQL assumes a third of the table matches, which
 * makes the index look worthless.
 */
#include "face_ball.h"
#include "face_planner.h"
#include "pgface_pg.h"

#include "face/embedding_statistics.h"
#include "optimizer/optimizer.h"
#include "utils/lsyscache.h"
#include "utils/selfuncs.h"

PG_FUNCTION_INFO_V1(face_in_ball_selectivity);

/* The 1:1 verification threshold the model was trained for. */
#define PGFACE_VERIFICATION_TAU 0.6

/* The impostor share at a known tau, in the model's own distances. */
static Selectivity
selectivity_at(const pgface_recognition_model *model, float8 tau)
{
	Selectivity selectivity;

	if (model->statistics == NULL)
		return 0.005; /* no measured distances: PostgreSQL's own guess for a range */
	selectivity = pgface_impostor_fraction(model->statistics, tau);
	CLAMP_PROBABILITY(selectivity);
	return selectivity;
}

/*
 * The model whose distances a threshold is judged in: a constant embedding's own (embed() of a
 * constant photo is folded to one before the planner gets here), else the model pgface.model
 * names, which is what a probe the planner cannot see, embed($1), will be. Probes are not
 * folded here: estimating would then run the whole photo pipeline.
 */
static const pgface_recognition_model *
model_of(Node *a, Node *b)
{
	Node *sides[2] = {a, b};

	for (int i = 0; i < 2; i++)
		if (sides[i] != NULL && IsA(sides[i], Const) && !((Const *) sides[i])->constisnull)
		{
			const FaceEmbedding *embedding =
			    DatumGetFaceEmbeddingP(((Const *) sides[i])->constvalue);
			const pgface_recognition_model *model = pgface_model_lookup(embedding->model);

			if (model != NULL)
				return model;
		}
	return pgface_current_model();
}

Selectivity
pgface_within_selectivity(PlannerInfo *root, Node *a, Node *b, Node *tau)
{
	const pgface_recognition_model *model = model_of(a, b);
	Node *folded = estimate_expression_value(root, tau);

	if (!IsA(folded, Const))
		return selectivity_at(model, PGFACE_VERIFICATION_TAU);
	if (((Const *) folded)->constisnull)
		return 0.0; /* a NULL tau keeps no row */
	return selectivity_at(model, DatumGetFloat8(((Const *) folded)->constvalue));
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
	{
		const FaceBall *constant = DatumGetFaceBallP(((Const *) folded)->constvalue);
		const pgface_recognition_model *model = pgface_model_lookup(constant->center.model);

		PG_RETURN_FLOAT8(
		    selectivity_at(model != NULL ? model : pgface_current_model(), constant->radius));
	}
	if (IsA(ball, FuncExpr) && list_length(((FuncExpr *) ball)->args) == 2)
		PG_RETURN_FLOAT8(pgface_within_selectivity(root, linitial(((FuncExpr *) ball)->args), NULL,
		                                           lsecond(((FuncExpr *) ball)->args)));
	PG_RETURN_FLOAT8(selectivity_at(pgface_current_model(), PGFACE_VERIFICATION_TAU));
}
