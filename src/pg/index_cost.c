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
#include "face_embedding.h"
#include "face_planner.h"
#include "face_va.h"

#include <math.h>

#include "access/gist.h"
#include "catalog/pg_am_d.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/plancat.h"
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

	gistcostestimate(root, path, loop_count, startup_cost, total_cost, selectivity, correlation,
	                 pages);
	if (path->indexorderbys != NIL)
	{
		double share = gist_walk_share(ordered_rows_wanted(root));

		*startup_cost += face_cost * (GIST_FACE_COST_FIRST_ROW +
		                              share * (GIST_FACE_COST_WALK - GIST_FACE_COST_FIRST_ROW));
		*total_cost = Max(*total_cost + face_cost * GIST_FACE_COST_WALK, *startup_cost);
	}
	else
		*total_cost += face_cost * GIST_FACE_COST_WITHIN;
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
	/* An ordered scan makes its passes before its rows, more of them for a larger LIMIT. */
	if (path->indexorderbys != NIL)
	{
		Cost passes = pass * FACE_VA_PASSES_PER_DECADE * log10(ordered_rows_wanted(root));

		*startup_cost = pass + passes;
		*total_cost += passes;
	}
	*selectivity = costs.indexSelectivity;
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
