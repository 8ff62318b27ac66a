/*
 * model_cache.c: each backend maps the model files once, on first use, and
 * keeps them for its lifetime. The mapping is read-only and shared through the
 * page cache, so a thousand backends hold one copy of the weights.
 */
#include "pgface_pg.h"

#include "miscadmin.h"
#include "utils/memutils.h"

static pgface_models loaded_models;
static char *loaded_dir = NULL;

/* pgface.model_dir, or SHAREDIR/pgface where "make install" puts the models. */
char *
pgface_effective_model_dir(void)
{
	char share_path[MAXPGPATH];

	if (pgface_model_dir_setting != NULL && pgface_model_dir_setting[0] != '\0')
		return pstrdup(pgface_model_dir_setting);
	get_share_path(my_exec_path, share_path);
	return psprintf("%s/pgface", share_path);
}

const pgface_models *
pgface_backend_models(void)
{
	char *dir = pgface_effective_model_dir();
	MemoryContext old_context;
	pgface_status status = {0};

	if (loaded_dir != NULL && strcmp(loaded_dir, dir) == 0)
		return &loaded_models;

	if (loaded_dir != NULL)
	{
		pgface_models_close(&loaded_models);
		pfree(loaded_dir);
		loaded_dir = NULL;
	}
	/* The tensor table outlives the query, so it is allocated in TopMemoryContext. */
	old_context = MemoryContextSwitchTo(TopMemoryContext);
	/* A cancel while the files are read (their checksum answers interrupts) unmaps them. */
	PG_TRY();
	{
		if (pgface_models_open(dir, &loaded_models, &status) != PGFACE_OK)
		{
			MemoryContextSwitchTo(old_context);
			pgface_report_core_error(&status);
		}
	}
	PG_CATCH();
	{
		pgface_models_close(&loaded_models);
		PG_RE_THROW();
	}
	PG_END_TRY();
	loaded_dir = pstrdup(dir);
	MemoryContextSwitchTo(old_context);
	return &loaded_models;
}
