/*
 * planner_hook.c: the product query "WHERE emb <-> probe < tau", as users
 * write it, uses a GiST or face_va index. No support function sees that shape, since
 * float8's "<" sits on top of the distance, so after PostgreSQL has planned a
 * table's scans this hook:
 *   - replaces the default guess (a third of the table) for the comparison
 *     with the model's impostor-distance estimate, so row counts, index
 *     choice and parallel plans are sound;
 *   - adds "emb <@ face_ball(probe, tau)" as an extra, implied condition
 *     for index paths only. The original comparison stays as the filter, so
 *     the answer is exactly what the query says, whichever plan runs.
 * It needs pgface loaded when the query is planned: see the README on
 * session_preload_libraries.
 */
#include "face_embedding.h"
#include "face_planner.h"

#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/paths.h"
#include "optimizer/restrictinfo.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"

static set_rel_pathlist_hook_type previous_set_rel_pathlist_hook = NULL;

/* "embedding <-> probe" compared with tau, as found in one restriction clause. */
typedef struct DistanceThreshold
{
	Expr *embedding;  /* a column of the table being planned */
	Expr *probe;      /* the other side of <->: constant for the scan */
	Expr *tau;        /* constant for the scan */
	bool below;       /* distance < tau or <= tau (else > or >=) */
	Oid function_oid; /* pgface's face_distance, to find its schema */
} DistanceThreshold;

/* A constant for the scan: no column of any table at this level, nothing volatile. */
static bool
scan_constant(Node *node)
{
	return !contain_var_clause(node) && !contain_volatile_functions(node);
}

/*
 * The side of a distance that depends on rel rti: a column of it, or an expression of its
 * columns alone that an expression index can hold (values::face_embedding), nothing
 * volatile in it.
 */
static bool
of_this_relation(PlannerInfo *root, Node *node, Index rti)
{
	Relids relids;

	if (IsA(node, Var))
		return (Index) ((Var *) node)->varno == rti && ((Var *) node)->varlevelsup == 0;
	relids = pull_varnos(root, node);
	return bms_membership(relids) == BMS_SINGLETON && bms_is_member((int) rti, relids) &&
	       !contain_volatile_functions(node) && !contain_subplans(node);
}

/*
 * Whether node is pgface's distance of a column of rel rti (or an expression of its
 * columns) and a scan constant.
 */
static bool
match_distance(PlannerInfo *root, Node *node, Index rti, DistanceThreshold *threshold)
{
	List *args;
	Oid function_oid;
	Node *first;
	Node *second;

	if (IsA(node, OpExpr))
	{
		set_opfuncid((OpExpr *) node);
		function_oid = ((OpExpr *) node)->opfuncid;
		args = ((OpExpr *) node)->args;
	}
	else if (IsA(node, FuncExpr))
	{
		function_oid = ((FuncExpr *) node)->funcid;
		args = ((FuncExpr *) node)->args;
	}
	else
		return false;
	if (list_length(args) != 2 || !pgface_is_function(function_oid, face_distance))
		return false;
	first = linitial(args);
	second = lsecond(args);
	if (!of_this_relation(root, first, rti))
	{
		Node *swap = first;

		first = second;
		second = swap;
	}
	if (!of_this_relation(root, first, rti) || !scan_constant(second))
		return false;
	threshold->embedding = (Expr *) first;
	threshold->probe = (Expr *) second;
	threshold->function_oid = function_oid;
	return true;
}

/* Recognises "distance < tau", "<=", and the mirrored "tau > distance", ">=", and the opposites. */
static bool
match_threshold(PlannerInfo *root, RestrictInfo *restriction, Index rti,
                DistanceThreshold *threshold)
{
	OpExpr *comparison;
	bool less;
	Node *left;
	Node *right;

	if (!IsA(restriction->clause, OpExpr))
		return false;
	comparison = (OpExpr *) restriction->clause;
	if (list_length(comparison->args) != 2)
		return false;
	set_opfuncid(comparison);
	switch (comparison->opfuncid)
	{
		case F_FLOAT8LT:
		case F_FLOAT8LE:
			less = true;
			break;
		case F_FLOAT8GT:
		case F_FLOAT8GE:
			less = false;
			break;
		default:
			return false;
	}
	left = linitial(comparison->args);
	right = lsecond(comparison->args);
	if (match_distance(root, left, rti, threshold) && scan_constant(right))
	{
		threshold->tau = (Expr *) right;
		threshold->below = less;
		return true;
	}
	if (match_distance(root, right, rti, threshold) && scan_constant(left))
	{
		threshold->tau = (Expr *) left;
		threshold->below = !less;
		return true;
	}
	return false;
}

/* Scales the rows of the unparameterised paths in a list (their costs do not depend on them). */
static void
scale_path_rows(List *paths, double factor)
{
	ListCell *cell;

	foreach (cell, paths)
	{
		Path *path = (Path *) lfirst(cell);

		if (path->param_info == NULL)
			path->rows = clamp_row_est(path->rows * factor);
	}
}

/* Scales the table's row estimate, and the paths already built from it, by factor. */
static void
correct_row_estimates(RelOptInfo *rel, double factor)
{
	rel->rows = clamp_row_est(rel->rows * factor);
	scale_path_rows(rel->pathlist, factor);
	scale_path_rows(rel->partial_pathlist, factor);
}

/*
 * Plans index paths as if the implied conditions were part of the query. They
 * are visible only while the index paths are made: the paths keep them as
 * index conditions, and no other plan evaluates them.
 */
static void
add_index_paths_with(PlannerInfo *root, RelOptInfo *rel, List *implied)
{
	List *saved_restrictions = rel->baserestrictinfo;
	List *saved_index_restrictions = NIL;
	ListCell *cell;

	foreach (cell, rel->indexlist)
	{
		IndexOptInfo *index = (IndexOptInfo *) lfirst(cell);

		saved_index_restrictions = lappend(saved_index_restrictions, index->indrestrictinfo);
		index->indrestrictinfo = list_concat_copy(index->indrestrictinfo, implied);
	}
	rel->baserestrictinfo = list_concat_copy(saved_restrictions, implied);
	create_index_paths(root, rel);
	rel->baserestrictinfo = saved_restrictions;
	foreach (cell, rel->indexlist)
	{
		IndexOptInfo *index = (IndexOptInfo *) lfirst(cell);

		index->indrestrictinfo = (List *) linitial(saved_index_restrictions);
		saved_index_restrictions = list_delete_first(saved_index_restrictions);
	}
}

/* Runs after PostgreSQL has planned a table's scans: corrects estimates, adds index paths. */
static void
pgface_set_rel_pathlist(PlannerInfo *root, RelOptInfo *rel, Index rti, RangeTblEntry *rte)
{
	List *implied = NIL;
	double factor = 1.0;
	ListCell *cell;
	/* A partition (or a UNION ALL member) gets the index paths and the estimate too. */
	bool partition = rel->reloptkind == RELOPT_OTHER_MEMBER_REL;
	/*
	 * An inheritance or partitioned parent is scanned through its members, each planned
	 * on its own, so it gets no index paths, as in the planner itself. Since 17 a
	 * partitioned parent's indexlist holds its partitioned indexes, which have no cost
	 * estimator: costing them crashed.
	 */
	bool indexable = !rte->inh && rel->indexlist != NIL;

	if (previous_set_rel_pathlist_hook != NULL)
		previous_set_rel_pathlist_hook(root, rel, rti, rte);
	if ((rel->reloptkind != RELOPT_BASEREL && !partition) || rte->rtekind != RTE_RELATION)
		return;

	foreach (cell, rel->baserestrictinfo)
	{
		RestrictInfo *restriction = (RestrictInfo *) lfirst(cell);
		DistanceThreshold threshold;
		Selectivity within;
		Selectivity assumed;
		PgfaceCatalog catalog;

		if (!match_threshold(root, restriction, rti, &threshold))
			continue;
		within =
		    pgface_within_selectivity(root, (Node *) threshold.probe, NULL, (Node *) threshold.tau);
		assumed = clause_selectivity(root, (Node *) restriction, 0, JOIN_INNER, NULL);
		if (assumed > 0.0)
			factor *= (threshold.below ? within : 1.0 - within) / assumed;
		if (threshold.below && indexable &&
		    pgface_catalog_in_schema(get_func_namespace(threshold.function_oid), &catalog))
			implied =
			    lappend(implied, make_simple_restrictinfo(
			                         root, pgface_in_ball_clause(&catalog, threshold.embedding,
			                                                     threshold.probe, threshold.tau)));
	}
	/*
	 * A partitioned parent's Append paths add up its partitions' corrected rows already;
	 * only its own estimate, summed from theirs before the correction, is scaled.
	 */
	if (factor != 1.0 && rte->inh)
		rel->rows = clamp_row_est(rel->rows * factor);
	else if (factor != 1.0)
		correct_row_estimates(rel, factor);
	if (implied != NIL)
		add_index_paths_with(root, rel, implied);
}

/* Chained after any hook already installed, so other extensions keep theirs. */
void
pgface_install_planner_hook(void)
{
	previous_set_rel_pathlist_hook = set_rel_pathlist_hook;
	set_rel_pathlist_hook = pgface_set_rel_pathlist;
}
