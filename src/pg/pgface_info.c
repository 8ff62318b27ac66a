/*
 * pgface_info.c: pgface_info() -> TABLE (name text, value text), what this backend runs:
 * the library's version, the model directory and each model file's checksum, the kernel
 * set and the index formats. Nodes that must give the same answers (a primary and its
 * replicas, a Citus coordinator and its workers) compare these rows.
 */
#include "pgface_pg.h"

#include "face_embedding.h"
#include "face_gist_key.h"
#include "face_va.h"
#include "funcapi.h"
#include "common/simd.h"
#include "index/lead_filter.h"
#include "utils/builtins.h"

#ifndef PGFACE_LIBRARY_VERSION /* the Makefile passes pgface.control's default_version */
#error "PGFACE_LIBRARY_VERSION is not defined"
#endif

PG_FUNCTION_INFO_V1(pgface_info);

static void
add_row(ReturnSetInfo *rsinfo, const char *name, const char *value)
{
	Datum values[2] = {CStringGetTextDatum(name), CStringGetTextDatum(value)};
	bool nulls[2] = {false, false};

	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/* A model file's checksum (as its header records it, checked at open) and its size. */
static void
add_model_row(ReturnSetInfo *rsinfo, const char *name, const pgface_model_file *file)
{
	add_row(rsinfo, name, psprintf("checksum %08x, %zu bytes", file->checksum, file->size));
}

/* One row per file: models may share their weights (the test-only model shares the ResNet's). */
static void
add_net_row(ReturnSetInfo *rsinfo, const pgface_models *models, const pgface_bound_net *net,
            int recognition_before)
{
	for (int i = 0; i < recognition_before; i++)
		if (strcmp(models->recognition[i].binding->file, net->binding->file) == 0)
			return;
	add_model_row(rsinfo, net->binding->file, &net->file);
}

Datum
pgface_info(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const pgface_models *models;

	InitMaterializedSRF(fcinfo, 0);
	models = pgface_backend_models();
	add_row(rsinfo, "library_version", PGFACE_LIBRARY_VERSION);
	add_row(rsinfo, "model_dir", pgface_effective_model_dir());
	add_row(rsinfo, "embedding_model", pgface_current_model()->name);
	for (int i = 0; i < models->recognition_count; i++)
		add_net_row(rsinfo, models, &models->recognition[i], i);
	add_net_row(rsinfo, models, &models->detector, models->recognition_count);
	add_net_row(rsinfo, models, &models->landmarks, models->recognition_count);
	add_row(rsinfo, "simd", pgface_simd_name());
	/* Which kernel face_va's scans weigh faces with first: it changes speed, never answers. */
	add_row(rsinfo, "face_va_filter", pgface_index_lead_filter_kernel_name());
	add_row(rsinfo, "gist_key_format", psprintf("%d", FACE_GIST_FORMAT));
	add_row(rsinfo, "face_va_layout", psprintf("%d", FACE_VA_LAYOUT));
	return (Datum) 0;
}
