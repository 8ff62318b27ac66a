/*
 * face_va_handler.c: the face_va access method's entry point: what it can
 * do, its options (none), its operator class check, and its cost model.
 */
#include "face_va.h"

#include "access/htup_details.h"
#include "access/reloptions.h"
#include "catalog/pg_amop.h"
#include "catalog/pg_opclass.h"
#include "commands/vacuum.h"
#include "utils/catcache.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(face_va_handler);

/* face_va's kind of reloptions, registered once per backend when pgface loads. */
static relopt_kind face_va_reloption_kind;

/*
 * At load (_PG_init), with the module's other set-up, as contrib's bloom does: not as a
 * side effect of the first options call.
 */
void
face_va_define_reloptions(void)
{
	face_va_reloption_kind = add_reloption_kind();
}

/* The index has no options; asking for any is an error, as for other access methods. */
static bytea *
face_va_options(Datum reloptions, bool validate)
{
	typedef struct
	{
		int32 vl_len_;
	} NoOptions;

	return (bytea *) build_reloptions(reloptions, validate, face_va_reloption_kind,
	                                  sizeof(NoOptions), NULL, 0);
}

/* An operator class may hold only <@ (strategy 1) and <-> for ORDER BY (strategy 15). */
static bool
face_va_validate(Oid opclass_oid)
{
	HeapTuple class_tuple = SearchSysCache1(CLAOID, ObjectIdGetDatum(opclass_oid));
	CatCList *members;
	bool valid = true;

	if (!HeapTupleIsValid(class_tuple))
		elog(ERROR, "cache lookup failed for operator class %u", opclass_oid);
	members = SearchSysCacheList1(
	    AMOPSTRATEGY, ObjectIdGetDatum(((Form_pg_opclass) GETSTRUCT(class_tuple))->opcfamily));
	for (int i = 0; i < members->n_members; i++)
	{
		Form_pg_amop member = (Form_pg_amop) GETSTRUCT(&members->members[i]->tuple);
		bool search =
		    member->amopstrategy == FACE_STRATEGY_IN_BALL && member->amoppurpose == AMOP_SEARCH;
		bool order =
		    member->amopstrategy == FACE_STRATEGY_DISTANCE && member->amoppurpose == AMOP_ORDER;

		if (!search && !order)
		{
			ereport(
			    INFO,
			    (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
			     errmsg(
			         "face_va operator family contains operator %u with invalid strategy number %d",
			         member->amopopr, member->amopstrategy)));
			valid = false;
		}
	}
	ReleaseSysCacheList(members);
	ReleaseSysCache(class_tuple);
	return valid;
}

/* What face_va can do, for CREATE ACCESS METHOD; see face_va.h for why it exists. */
Datum
face_va_handler(PG_FUNCTION_ARGS)
{
	IndexAmRoutine *routine = makeNode(IndexAmRoutine);

	(void) fcinfo;
	routine->amstrategies = 0; /* strategies 1 and 15, as in the GiST operator class */
	routine->amsupport = 0;
	routine->amoptsprocnum = 0;
	routine->amcanorder = false;
	routine->amcanorderbyop = true;
	routine->amcanbackward = false;
	routine->amcanunique = false;
	routine->amcanmulticol = false;
	routine->amoptionalkey = true;
	routine->amsearcharray = false;
	routine->amsearchnulls = false;
	routine->amstorage = false;
	routine->amclusterable = false;
	routine->ampredlocks = false;
	routine->amcanparallel = false;
	routine->amcaninclude = false;
	routine->amusemaintenanceworkmem = false;
	routine->amparallelvacuumoptions = VACUUM_OPTION_PARALLEL_BULKDEL;
	routine->amkeytype = InvalidOid;

	routine->ambuild = face_va_build;
	routine->ambuildempty = face_va_build_empty;
	routine->aminsert = face_va_insert;
	routine->ambulkdelete = face_va_bulk_delete;
	routine->amvacuumcleanup = face_va_vacuum_cleanup;
	routine->amcanreturn = NULL;
	routine->amcostestimate = face_va_cost_estimate;
	routine->amoptions = face_va_options;
	routine->amproperty = NULL;
	routine->ambuildphasename = NULL;
	routine->amvalidate = face_va_validate;
	routine->amadjustmembers = NULL;
	routine->ambeginscan = face_va_begin_scan;
	routine->amrescan = face_va_rescan;
	routine->amgettuple = face_va_get_tuple;
	routine->amgetbitmap = face_va_get_bitmap;
	routine->amendscan = face_va_end_scan;
	routine->ammarkpos = NULL;
	routine->amrestrpos = NULL;
	routine->amestimateparallelscan = NULL;
	routine->aminitparallelscan = NULL;
	routine->amparallelrescan = NULL;
	PG_RETURN_POINTER(routine);
}
