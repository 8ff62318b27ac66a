/*
 * catalog_lookup.c: finds pgface's own types, functions and operators, for the
 * planner code that builds expressions with them. Everything is looked up in
 * the schema the extension lives in, never through search_path.
 */
#include "face_planner.h"

#include "catalog/namespace.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

bool
pgface_catalog_in_schema(Oid namespace_oid, PgfaceCatalog *catalog)
{
	char *schema = get_namespace_name(namespace_oid);
	Oid ball_args[2];

	if (schema == NULL)
		return false;
	catalog->embedding_type =
	    GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("face_embedding"),
	                    ObjectIdGetDatum(namespace_oid));
	catalog->ball_type =
	    GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("face_ball"),
	                    ObjectIdGetDatum(namespace_oid));
	if (!OidIsValid(catalog->embedding_type) || !OidIsValid(catalog->ball_type))
		return false;
	ball_args[0] = catalog->embedding_type;
	ball_args[1] = FLOAT8OID;
	catalog->ball_function =
	    LookupFuncName(list_make2(makeString(schema), makeString("face_ball")), 2, ball_args, true);
	catalog->in_ball_operator = OpernameGetOprid(list_make2(makeString(schema), makeString("<@")),
	                                             catalog->embedding_type, catalog->ball_type);
	return OidIsValid(catalog->ball_function) && OidIsValid(catalog->in_ball_operator);
}

/* Resolving the function's address is cached by fmgr, so this is cheap after the first call. */
bool
pgface_is_function(Oid function_oid, PGFunction function)
{
	FmgrInfo info;
	HeapTuple tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(function_oid));
	bool is_c;

	if (!HeapTupleIsValid(tuple))
		return false;
	is_c = ((Form_pg_proc) GETSTRUCT(tuple))->prolang == ClanguageId;
	ReleaseSysCache(tuple);
	if (!is_c)
		return false;
	fmgr_info(function_oid, &info);
	return info.fn_addr == function;
}

Expr *
pgface_in_ball_clause(const PgfaceCatalog *catalog, Expr *embedding, Expr *probe, Expr *tau)
{
	Expr *ball =
	    (Expr *) makeFuncExpr(catalog->ball_function, catalog->ball_type, list_make2(probe, tau),
	                          InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
	OpExpr *clause = (OpExpr *) make_opclause(catalog->in_ball_operator, BOOLOID, false, embedding,
	                                          ball, InvalidOid, InvalidOid);

	clause->opfuncid = get_opcode(catalog->in_ball_operator);
	return (Expr *) clause;
}
