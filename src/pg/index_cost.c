/*
 * index_cost.c: what the two index methods' scans cost the planner, side by
 * side, so that it picks the faster of GiST, face_va and the seq scan.
 *
 * GiST is a core access method whose generic estimate assumes a scan reads
 * only its answers' pages. Over faces that is far off: a GiST scan reads the
 * codes of every face, and an ordered scan past its first row walks most of
 * the tree (test/bench/plan_choice.js, doc/benchmarks.md "Which plan the
 * planner picks"). So a hook swaps the estimator of every GiST index of
 * face_embedding_ops for one that adds what the scan really does.
 *
 * The per-face costs are in cpu_operator_cost units and were measured, on the
 * 2-core machine at 10k, 100k and 1M synthetic faces in shared buffers,
 * against the seq scan's estimate; they are judged by the plans they pick.
 */
#include "face_ball.h"
#include "face_embedding.h"
#include "face_planner.h"
#include "face_va.h"

#include <math.h>

#include "catalog/pg_am_d.h"
#include "optimizer/optimizer.h"
#include "optimizer/plancat.h"
#include "catalog/pg_type_d.h"
#include "utils/index_selfuncs.h"
#include "utils/lsyscache.h"
#include "utils/selfuncs.h"
#include "utils/spccache.h"

/* One face's first code block in a face_va pass: eight table lookups. */
#define FACE_VA_CODE_COST 0.25

/* A GiST threshold scan: every face's code in the parents of the leaves, and a tree walk. */
#define GIST_FACE_COST_WITHIN 8.0
/* A GiST ordered scan's first row: the same, with the pairing heap's order. */
#define GIST_FACE_COST_FIRST_ROW 12.0
/*
 * A GiST ordered scan that goes on: from about the fifth row on, the loose
 * bounds of the upper levels let almost no subtree be skipped (1M faces: top-1
 * 68 ms, top-5 442 ms, top-10 490 ms, a seq scan 227 ms).
 */
#define GIST_FACE_COST_WALK 60.0

/* face_va's passes grow slowly with k (1M faces: top-1 18 ms, top-10 44, top-100 72). */
#define FACE_VA_PASSES_PER_DECADE 1.6

static get_relation_info_hook_type previous_get_relation_info_hook = NULL;

/*
 * How the scans' candidates are weighed, from a sample of the column
 * (index_sample.c): the share of faces whose bound lets them through, which
 * is tiny on the model's own embeddings and all of them on vectors its axes do
 * not describe. 0 (the model's own) without statistics to go on.
 */
typedef struct CandidateShares
{
	double within;  /* of a threshold scan, at its radius when the plan knows it */
	double ordered; /* of an ordered scan, before its first rows */
} CandidateShares;

/* Under this, a share is a few dozen of the sample's 1,128 pairs: the model's estimate stands. */
#define SAMPLE_SHARE_FLOOR 0.05

/* The radius of the scan's ball when it is a constant of the plan, else -1. */
static double
ball_radius(IndexPath *path)
{
	ListCell *cell;

	foreach (cell, path->indexclauses)
	{
		IndexClause *clause = (IndexClause *) lfirst(cell);
		ListCell *qual;

		foreach (qual, clause->indexquals)
		{
			Expr *expression = ((RestrictInfo *) lfirst(qual))->clause;
			Node *ball;

			if (!IsA(expression, OpExpr) || list_length(((OpExpr *) expression)->args) != 2)
				continue;
			ball = lsecond(((OpExpr *) expression)->args);
			if (IsA(ball, Const) && !((Const *) ball)->constisnull)
				return DatumGetFaceBallP(((Const *) ball)->constvalue)->radius;
			if (IsA(ball, FuncExpr) && list_length(((FuncExpr *) ball)->args) == 2 &&
			    pgface_is_function(((FuncExpr *) ball)->funcid, face_ball))
			{
				Node *radius = lsecond(((FuncExpr *) ball)->args);

				if (IsA(radius, Const) && !((Const *) radius)->constisnull &&
				    ((Const *) radius)->consttype == FLOAT8OID)
					return DatumGetFloat8(((Const *) radius)->constvalue);
			}
		}
	}
	return -1.0;
}

/* The shares of the index's sample, for this path's radius. */
static CandidateShares
candidate_shares(PlannerInfo *root, IndexPath *path)
{
	const pgface_index_pair_sample *sample = pgface_index_sample_of(root, path->indexinfo);
	CandidateShares shares = {0.0, 0.0};
	double radius;

	if (sample == NULL)
		return shares;
	shares.ordered = pgface_index_ordered_candidate_share(sample);
	radius = ball_radius(path);
	shares.within = radius >= 0.0 ? pgface_index_candidate_share(sample, radius) : 0.0;
	/*
	 * A handful of the sample's thousand pairs says nothing the model's own
	 * estimate does not: shares under SAMPLE_SHARE_FLOOR are left to it.
	 */
	if (shares.within < SAMPLE_SHARE_FLOOR)
		shares.within = 0.0;
	if (shares.ordered < SAMPLE_SHARE_FLOOR)
		shares.ordered = 0.0;
	return shares;
}

/*
 * What a candidate costs a face_va scan beyond its code: the table's row, read
 * where it lies, and the exact distance.
 */
static Cost
candidate_cost(IndexOptInfo *index)
{
	double rows_per_page = index->rel->pages > 0 && index->rel->tuples > 0
	                           ? index->rel->tuples / index->rel->pages
	                           : 1.0;
	double random_page_cost;

	get_tablespace_page_costs(index->rel->reltablespace, &random_page_cost, NULL);
	return random_page_cost / Max(rows_per_page, 1.0) + cpu_tuple_cost + cpu_operator_cost;
}

/*
 * The rows an ordered scan of this query must hand out: its LIMIT when the
 * query reads one table and nothing between the scan and the LIMIT changes the
 * row count (PostgreSQL clears limit_tuples where grouping or aggregates do);
 * else 1, the first row.
 */
static double
ordered_rows_wanted(PlannerInfo *root)
{
	if (root->limit_tuples >= 1.0 && bms_membership(root->all_baserels) == BMS_SINGLETON)
		return root->limit_tuples;
	return 1.0;
}

/*
 * The share of a full walk that a GiST ordered scan pays for its first k rows,
 * from 0 at one row to 1 at ten, in between by the logarithm: the measured
 * shares lie on both sides of it (10k faces: 0.08 at two rows, 0.62 at five;
 * 1M: 0.57 and 0.89).
 */
static double
gist_walk_share(double rows)
{
	return rows <= 1.0 ? 0.0 : Min(1.0, log10(rows));
}

/*
 * PostgreSQL costs a LIMIT by interpolating between startup and total, which
 * cannot follow a scan whose first rows are cheap and whose next few cost most
 * of a full walk; so the startup of an ordered scan is the cost of the rows
 * the LIMIT asks for, and the total that of every row.
 */
static void
face_gist_cost_estimate(PlannerInfo *root, IndexPath *path, double loop_count, Cost *startup_cost,
                        Cost *total_cost, Selectivity *selectivity, double *correlation,
                        double *pages)
{
	double faces = Max(path->indexinfo->tuples, 0.0);
	Cost face_cost = faces * cpu_operator_cost;
	CandidateShares candidates = candidate_shares(root, path);

	gistcostestimate(root, path, loop_count, startup_cost, total_cost, selectivity, correlation,
	                 pages);
	/* Faces whose bounds let them through are read from the leaves, as in a walk. */
	if (path->indexorderbys != NIL)
	{
		double share = Max(gist_walk_share(ordered_rows_wanted(root)), candidates.ordered);

		*startup_cost += face_cost * (GIST_FACE_COST_FIRST_ROW +
		                              share * (GIST_FACE_COST_WALK - GIST_FACE_COST_FIRST_ROW));
		*total_cost = Max(*total_cost + face_cost * GIST_FACE_COST_WALK, *startup_cost);
	}
	else
		*total_cost +=
		    face_cost * (GIST_FACE_COST_WITHIN +
		                 candidates.within * (GIST_FACE_COST_WALK - GIST_FACE_COST_WITHIN));
}

void
face_va_cost_estimate(PlannerInfo *root, IndexPath *path, double loop_count, Cost *startup_cost,
                      Cost *total_cost, Selectivity *selectivity, double *correlation,
                      double *pages)
{
	IndexOptInfo *index = path->indexinfo;
	GenericCosts costs;
	double seq_page_cost;
	Cost pass;

	MemSet(&costs, 0, sizeof(costs));
	genericcostestimate(root, path, loop_count, &costs);
	get_tablespace_page_costs(index->reltablespace, NULL, &seq_page_cost);
	/* Every scan reads every page in order, and every face's first code block. */
	pass = index->pages * seq_page_cost + index->tuples * cpu_operator_cost * FACE_VA_CODE_COST;
	*startup_cost = 0.0;
	*total_cost = pass + costs.numIndexTuples * cpu_index_tuple_cost;
	*selectivity = costs.indexSelectivity;
	/*
	 * An ordered scan makes its passes before its rows, more of them for a larger
	 * LIMIT, and reads its candidates' rows first. A threshold scan hands its
	 * candidates to the executor to recheck: they are its rows.
	 */
	if (path->indexorderbys != NIL)
	{
		Cost passes = pass * FACE_VA_PASSES_PER_DECADE * log10(ordered_rows_wanted(root));
		Cost candidates =
		    candidate_shares(root, path).ordered * index->tuples * candidate_cost(index);

		*startup_cost = pass + passes + candidates;
		*total_cost += passes + candidates;
	}
	else
		*selectivity = Max(*selectivity, candidate_shares(root, path).within);
	*correlation = 0.0;
	*pages = index->pages;
}

/* Whether an index's first column holds face_embedding, told by the type's input function. */
static bool
indexes_faces(const IndexOptInfo *index)
{
	Oid input_function;
	Oid input_parameter;

	if (index->ncolumns < 1)
		return false;
	getTypeInputInfo(index->opcintype[0], &input_function, &input_parameter);
	return pgface_is_function(input_function, face_embedding_in);
}

/* Gives each GiST index of faces on the table being planned pgface's estimator. */
static void
pgface_get_relation_info(PlannerInfo *root, Oid relation_oid, bool inheritance_parent,
                         RelOptInfo *rel)
{
	ListCell *cell;

	if (previous_get_relation_info_hook != NULL)
		previous_get_relation_info_hook(root, relation_oid, inheritance_parent, rel);
	foreach (cell, rel->indexlist)
	{
		IndexOptInfo *index = (IndexOptInfo *) lfirst(cell);

		if (index->relam == GIST_AM_OID && indexes_faces(index))
			index->amcostestimate = face_gist_cost_estimate;
	}
}

/* Chained after any hook already installed, so other extensions keep theirs. */
void
pgface_install_index_cost_hook(void)
{
	previous_get_relation_info_hook = get_relation_info_hook;
	get_relation_info_hook = pgface_get_relation_info;
}
