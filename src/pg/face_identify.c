/*
 * face_identify.c: face_identify(probe, gallery, ...) -> (label, distance, score, threshold):
 * who this is among a table's labelled faces, or nobody, at a stranger-acceptance rate.
 *
 * It reads the probe's nearest faces with one ordered scan (an index scan when the gallery
 * has a GiST or face_va index on the embedding column), keeps each person's nearest face
 * until it has the nearest person and the next k, and applies the rule of face/identify.h
 * with the threshold calibrated for the number of people enrolled.
 */
#include "face_embedding.h"
#include "pgface_pg.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_statistic.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "face/identify.h"

PG_FUNCTION_INFO_V1(face_identify);

/* Rows fetched from the scan at a time: enough for a gallery of one photo a person. */
#define FETCH_ROWS 8

/* The most people the rule reads: the nearest and its cohort. */
#define PGFACE_MAX_IDENTIFY_PEOPLE 16

/* The people nearest the probe, each once, nearest first. */
typedef struct nearest_people
{
	int count;
	char *labels[PGFACE_MAX_IDENTIFY_PEOPLE];
	double distances[PGFACE_MAX_IDENTIFY_PEOPLE];
} nearest_people;

/* The gallery's name as the query must spell it, schema included. */
static char *
qualified_name(Oid relation)
{
	char *name = get_rel_name(relation);

	if (name == NULL)
		ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
		                errmsg("face_identify: relation %u does not exist", relation)));
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relation)), name);
}

/*
 * How many people the gallery holds, when the caller did not say: the planner's estimate
 * of the label column's distinct values (ANALYZE), else the table's row count estimate,
 * else -1 (never analyzed, as a new table is). The threshold moves slowly with it (a factor
 * of 2 in people moves the stranger acceptance by about 10%), so an estimate serves.
 */
static double
estimated_people(Oid relation, const char *label_column)
{
	AttrNumber attribute = get_attnum(relation, label_column);
	float4 tuples = 0.0;
	HeapTuple tuple;
	double people = -1.0;

	if (attribute == InvalidAttrNumber)
		ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
		                errmsg("column \"%s\" of relation \"%s\" does not exist", label_column,
		                       get_rel_name(relation))));
	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relation));
	if (HeapTupleIsValid(tuple))
	{
		tuples = ((Form_pg_class) GETSTRUCT(tuple))->reltuples;
		ReleaseSysCache(tuple);
	}
	tuple = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relation), Int16GetDatum(attribute),
	                        BoolGetDatum(false));
	if (HeapTupleIsValid(tuple))
	{
		float4 distinct = ((Form_pg_statistic) GETSTRUCT(tuple))->stadistinct;

		people = distinct > 0 ? distinct : distinct < 0 && tuples > 0 ? -distinct * tuples : -1.0;
		ReleaseSysCache(tuple);
	}
	if (people < 1.0 && tuples >= 0)
		people = tuples;
	return people >= 1.0 ? people : -1.0;
}

/* The distinct labels of faces with an embedding, exactly; inside SPI. */
static double
count_people(Oid gallery, const char *label_column, const char *embedding_column)
{
	char *query = psprintf("SELECT count(DISTINCT %s) FROM %s WHERE %s IS NOT NULL",
	                       quote_identifier(label_column), qualified_name(gallery),
	                       quote_identifier(embedding_column));
	bool isnull;

	if (SPI_execute(query, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "face_identify: counting the people of the gallery failed");
	return (double) DatumGetInt64(
	    SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/* Reads the scan until it has `wanted` people or the gallery ends. */
static void
read_nearest_people(Portal portal, int wanted, nearest_people *people)
{
	people->count = 0;
	while (people->count < wanted)
	{
		SPI_cursor_fetch(portal, true, FETCH_ROWS);
		if (SPI_processed == 0)
			return;
		for (uint64 row = 0; row < SPI_processed && people->count < wanted; row++)
		{
			HeapTuple tuple = SPI_tuptable->vals[row];
			TupleDesc desc = SPI_tuptable->tupdesc;
			char *label = SPI_getvalue(tuple, desc, 1);
			bool isnull;
			double distance = DatumGetFloat8(SPI_getbinval(tuple, desc, 2, &isnull));
			bool seen = false;

			for (int i = 0; i < people->count && !seen; i++)
				seen = strcmp(people->labels[i], label) == 0;
			if (seen)
				continue; /* a farther photo of someone already counted */
			people->labels[people->count] = label;
			people->distances[people->count] = distance;
			people->count++;
		}
		SPI_freetuptable(SPI_tuptable);
	}
}

Datum
face_identify(PG_FUNCTION_ARGS)
{
	FaceEmbedding *probe;
	Oid gallery;
	char *embedding_column;
	char *label_column;
	float8 far;
	const pgface_recognition_model *model;
	const pgface_identify_calibration *calibration;
	double people_enrolled;
	nearest_people *people;
	TupleDesc result_desc;
	Datum values[4] = {0};
	bool nulls[4] = {true, true, true, true};
	Oid argument_types[1];
	Datum arguments[1];
	char *query;
	char *winner = NULL;
	MemoryContext caller_context = CurrentMemoryContext;
	Portal portal;
	double score = 0.0, threshold;
	bool accepted;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		PG_RETURN_NULL();
	probe = PG_GETARG_FACE_EMBEDDING_P(0);
	gallery = PG_GETARG_OID(1);
	embedding_column = NameStr(*PG_GETARG_NAME(2));
	label_column = NameStr(*PG_GETARG_NAME(3));
	far = PG_GETARG_FLOAT8(4);
	if (get_call_result_type(fcinfo, NULL, &result_desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "face_identify: its result type is not a row type");
	if (!(far > 0.0 && far < 1.0))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("face_identify: far must lie strictly between 0 and 1, not %g", far),
		                errhint("far is the share of strangers that may be taken for someone, "
		                        "for example 0.01.")));
	model = pgface_model_lookup(probe->model);
	calibration = model != NULL ? model->identify : NULL;
	if (calibration == NULL || model->statistics == NULL ||
	    calibration->cohort + 1 > PGFACE_MAX_IDENTIFY_PEOPLE)
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
		                errmsg("face_identify: no calibration was fitted for model \"%s\"",
		                       model != NULL ? model->name : "unknown")));
	if (!PG_ARGISNULL(5) && PG_GETARG_INT64(5) < 1)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("face_identify: people must be at least 1, not " INT64_FORMAT,
		                       PG_GETARG_INT64(5))));
	people_enrolled =
	    PG_ARGISNULL(5) ? estimated_people(gallery, label_column) : (double) PG_GETARG_INT64(5);

	query = psprintf("SELECT %s::text, %s <-> $1 FROM %s WHERE %s IS NOT NULL AND %s IS NOT "
	                 "NULL ORDER BY %s <-> $1",
	                 quote_identifier(label_column), quote_identifier(embedding_column),
	                 qualified_name(gallery), quote_identifier(label_column),
	                 quote_identifier(embedding_column), quote_identifier(embedding_column));
	argument_types[0] = get_fn_expr_argtype(fcinfo->flinfo, 0);
	arguments[0] = PointerGetDatum(probe);
	people = palloc0(sizeof(nearest_people));

	SPI_connect();
	/* Never analyzed (a new table): counted, which is cheap while it is small. */
	if (people_enrolled < 0)
		people_enrolled = count_people(gallery, label_column, embedding_column);
	portal = SPI_cursor_open_with_args(NULL, query, 1, argument_types, arguments, NULL, true,
	                                   CURSOR_OPT_FAST_PLAN);
	read_nearest_people(portal, calibration->cohort + 1, people);
	/* The labels live in SPI's memory, which SPI_finish frees: the nearest one is copied out. */
	if (people->count > 0)
		winner = MemoryContextStrdup(caller_context, people->labels[0]);
	SPI_cursor_close(portal);
	SPI_finish();

	if (people->count == 0)
		PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(result_desc, values, nulls)));
	if (people->count >= 2 && people_enrolled >= 2)
	{
		score = pgface_identify_score(calibration, people->distances, people->count);
		threshold = pgface_identify_threshold(calibration, far, people_enrolled,
		                                      pgface_identify_cohort(calibration, people->count));
		accepted = score < threshold;
	}
	else
	{
		/* One person enrolled: nobody to compare with, so the distance rule of face_tau. */
		threshold = pgface_open_set_tau(model->statistics, far, 1.0);
		accepted = people->distances[0] < threshold;
	}
	values[0] = CStringGetTextDatum(winner);
	nulls[0] = !accepted;
	values[1] = Float8GetDatum(people->distances[0]);
	nulls[1] = false;
	values[2] = Float8GetDatum(score);
	nulls[2] = people->count < 2 || people_enrolled < 2;
	values[3] = Float8GetDatum(threshold);
	nulls[3] = false;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(result_desc, values, nulls)));
}
