/*
 * pgface.c: the extension's module entry: the magic block PostgreSQL checks on load.
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;
