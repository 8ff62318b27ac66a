/*
 * pg_compat.h: every difference between the PostgreSQL versions pgface builds
 * against (15 to 18), so that the version tests live in this one file. Included
 * in place of postgres.h.
 */
#ifndef PGFACE_PG_COMPAT_H
#define PGFACE_PG_COMPAT_H

#include "postgres.h"

/* 16 moved the varlena macros (VARSIZE, SET_VARSIZE, VARDATA_ANY...) out of postgres.h. */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/* 16 gave float8in_internal a soft-error context; pgface's input raises its own errors. */
#if PG_VERSION_NUM >= 160000
#define pgface_float8in(text, end, type_name, original)                                            \
	float8in_internal((text), (end), (type_name), (original), NULL)
#else
#define pgface_float8in(text, end, type_name, original)                                            \
	float8in_internal((text), (end), (type_name), (original))
#endif

/* 16 renamed a relation's file identity: RelFileNode became RelFileLocator. */
#if PG_VERSION_NUM >= 160000
#define PGFACE_SMGR_FILE(smgr) (&(smgr)->smgr_rlocator.locator)
#else
#define PGFACE_SMGR_FILE(smgr) (&(smgr)->smgr_rnode.node)
#endif

/* 16 renamed a relation's file identity in the relcache too, as ReadRecentBuffer takes it. */
#if PG_VERSION_NUM >= 160000
#define PGFACE_RELATION_FILE(relation) ((relation)->rd_locator)
#else
#define PGFACE_RELATION_FILE(relation) ((relation)->rd_node)
#endif

/* 18 replaced pg_attribute_noreturn() after a declaration by pg_noreturn before it. */
#if PG_VERSION_NUM >= 180000
#define PGFACE_NORETURN_BEFORE pg_noreturn
#define PGFACE_NORETURN_AFTER
#else
#define PGFACE_NORETURN_BEFORE
#define PGFACE_NORETURN_AFTER pg_attribute_noreturn()
#endif

/*
 * A scan counts in pg_stat_user_indexes.idx_scan, and from 18 on also in EXPLAIN
 * ANALYZE's "Index Searches", which an access method keeps itself.
 */
#if PG_VERSION_NUM >= 180000
#define pgface_count_index_scan(scan)                                                              \
	do                                                                                             \
	{                                                                                              \
		pgstat_count_index_scan((scan)->indexRelation);                                            \
		if ((scan)->instrument != NULL)                                                            \
			(scan)->instrument->nsearches++;                                                       \
	} while (0)
#else
#define pgface_count_index_scan(scan) pgstat_count_index_scan((scan)->indexRelation)
#endif

/* 18's vacuum_delay_point says whether ANALYZE calls it; face_va's VACUUM is not ANALYZE. */
#if PG_VERSION_NUM >= 180000
#define pgface_vacuum_delay_point() vacuum_delay_point(false)
#else
#define pgface_vacuum_delay_point() vacuum_delay_point()
#endif

#endif
