/*
 * faces.c: faces(photo bytea) -> SETOF (face, score, x, y, width, height,
 * landmarks, embedding, quality, eye_distance, yaw, pitch, roll, sharpness,
 * brightness, contrast): every face the detector finds, best score first, and
 * no row at all when there is none.
 */
#include "face_embedding.h"
#include "pgface_pg.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/geo_decls.h"

PG_FUNCTION_INFO_V1(pgface_faces); /* prefixed, as embed.c says why */

/* face, score, x, y, width, height, landmarks, embedding; then the quality's columns */
#define FACES_BASE_COLUMNS 8

/* The 68 landmarks as point[], PostgreSQL's own geometric type. */
static Datum
landmarks_array(const pgface_face *face)
{
	Datum points[PGFACE_LANDMARKS];

	for (int i = 0; i < PGFACE_LANDMARKS; i++)
	{
		Point *p = palloc(sizeof(Point));
		p->x = face->landmarks[i].x;
		p->y = face->landmarks[i].y;
		points[i] = PointPGetDatum(p);
	}
	return PointerGetDatum(
	    construct_array(points, PGFACE_LANDMARKS, POINTOID, sizeof(Point), false, TYPALIGN_DOUBLE));
}

typedef struct faces_state
{
	pgface_face *faces;
	int count;
	const pgface_recognition_model *model; /* the one that embedded them */
} faces_state;

Datum
pgface_faces(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	faces_state *state;

	if (SRF_IS_FIRSTCALL())
	{
		bytea *photo = PG_GETARG_BYTEA_PP(0);
		const pgface_pipeline_options options = pgface_current_pipeline_options();
		const pgface_models *models = pgface_backend_models();
		pgface_status status = {0};
		MemoryContext old_context;
		TupleDesc tupdesc;

		funcctx = SRF_FIRSTCALL_INIT();
		/* The faces must outlive this call: the core allocates them in the SRF's context. */
		old_context = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			                errmsg("faces() must be called where a row type is expected")));
		/* 0.4's faces() had no quality columns: fill the row type that is declared */
		if (tupdesc->natts != FACES_BASE_COLUMNS &&
		    tupdesc->natts != FACES_BASE_COLUMNS + PGFACE_QUALITY_COLUMNS)
			ereport(ERROR,
			        (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			         errmsg("faces() is declared with %d columns, not %d or %d", tupdesc->natts,
			                FACES_BASE_COLUMNS, FACES_BASE_COLUMNS + PGFACE_QUALITY_COLUMNS),
			         errhint("Run ALTER EXTENSION pgface UPDATE.")));
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);
		state = palloc0(sizeof(faces_state));
		state->model = options.model;
		if (pgface_find_faces(models, (const unsigned char *) VARDATA_ANY(photo),
		                      VARSIZE_ANY_EXHDR(photo), &options, &state->faces, &state->count,
		                      &status) != PGFACE_OK)
			pgface_report_core_error(&status);
		funcctx->user_fctx = state;
		funcctx->max_calls = (uint64) state->count;
		MemoryContextSwitchTo(old_context);
	}

	funcctx = SRF_PERCALL_SETUP();
	state = funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		const pgface_face *face = &state->faces[funcctx->call_cntr];
		const pgface_recognition_model *model = state->model;
		FaceEmbedding *embedding = face_embedding_alloc(model);
		Datum values[FACES_BASE_COLUMNS + PGFACE_QUALITY_COLUMNS];
		bool nulls[FACES_BASE_COLUMNS + PGFACE_QUALITY_COLUMNS] = {false};

		memcpy(embedding->values, face->embedding, sizeof(float4) * model->dims);
		values[0] = Int32GetDatum((int32) funcctx->call_cntr + 1);
		values[1] = Float8GetDatum(face->box.score);
		values[2] = Float8GetDatum(face->box.x);
		values[3] = Float8GetDatum(face->box.y);
		values[4] = Float8GetDatum(face->box.width);
		values[5] = Float8GetDatum(face->box.height);
		values[6] = landmarks_array(face);
		values[7] = PointerGetDatum(embedding);
		if (funcctx->tuple_desc->natts > FACES_BASE_COLUMNS)
			pgface_quality_columns(&face->quality, values + FACES_BASE_COLUMNS,
			                       nulls + FACES_BASE_COLUMNS);
		SRF_RETURN_NEXT(funcctx,
		                HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}
