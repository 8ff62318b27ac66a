/*
 * pgface.c: the extension's module entry: the magic block and the set-up that
 * runs once when a backend loads pgface.
 */
#include "pg_compat.h"

#include "fmgr.h"

#include "nn/blas.h"
#include "face_planner.h"
#include "face_va.h"
#include "pgface_pg.h"

PG_MODULE_MAGIC;

void _PG_init(void);

/*
 * Settings first, then the core's hooks, the planner's hooks and face_va's reloption
 * kind; OpenBLAS stays on one thread inside a backend.
 */
void
_PG_init(void)
{
	pgface_define_gucs();
	pgface_install_pg_runtime();
	pgface_blas_set_threads(1);
	pgface_install_planner_hook();
	pgface_install_index_cost_hook();
	face_va_define_reloptions();
}
