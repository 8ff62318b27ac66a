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
static char *loaded_shape_predictor = NULL; /* the file loaded_models.shape_predictor came from */
static MemoryContext shape_predictor_context = NULL; /* holds the predictor and that name */

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

/*
 * dlib's predictor is 67 MB and half a second to read, so a session reads it only when
 * pgface.landmarks asks for it, and again only when pgface.shape_predictor_file changes.
 */
static void
load_shape_predictor_if_asked(void)
{
	const char *path = pgface_shape_predictor_file != NULL ? pgface_shape_predictor_file : "";
	pgface_status status = {0};
	MemoryContext old_context;

	if (!pgface_landmarks_need_shape_predictor((pgface_landmark_source) pgface_landmarks_setting))
		return;
	if (loaded_shape_predictor != NULL && strcmp(loaded_shape_predictor, path) == 0)
		return;
	/* Its own context: a failed or cancelled read is freed whole, with the file's bytes. */
	if (shape_predictor_context != NULL)
		MemoryContextDelete(shape_predictor_context);
	loaded_models.shape_predictor = NULL;
	loaded_shape_predictor = NULL;
	shape_predictor_context =
	    AllocSetContextCreate(TopMemoryContext, "pgface shape predictor", ALLOCSET_DEFAULT_SIZES);
	old_context = MemoryContextSwitchTo(shape_predictor_context);
	PG_TRY();
	{
		if (pgface_models_open_shape_predictor(&loaded_models, path, &status) != PGFACE_OK)
			pgface_report_core_error(&status);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(old_context);
		MemoryContextDelete(shape_predictor_context);
		shape_predictor_context = NULL;
		loaded_models.shape_predictor = NULL;
		PG_RE_THROW();
	}
	PG_END_TRY();
	loaded_shape_predictor = pstrdup(path);
	MemoryContextSwitchTo(old_context);
}

const pgface_models *
pgface_backend_models(void)
{
	char *dir = pgface_effective_model_dir();
	MemoryContext old_context;
	pgface_status status = {0};

	if (loaded_dir != NULL && strcmp(loaded_dir, dir) == 0)
	{
		load_shape_predictor_if_asked();
		return &loaded_models;
	}

	if (loaded_dir != NULL)
	{
		loaded_models.shape_predictor = NULL; /* its context owns it */
		pgface_models_close(&loaded_models);
		pfree(loaded_dir);
		loaded_dir = NULL;
		if (shape_predictor_context != NULL)
			MemoryContextDelete(shape_predictor_context);
		shape_predictor_context = NULL;
		loaded_shape_predictor = NULL;
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
	load_shape_predictor_if_asked();
	return &loaded_models;
}
