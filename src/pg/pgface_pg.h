/*
 * pgface_pg.h: what the SQL layer's files share beyond the type: settings, the
 * core runtime, the per-backend model cache and the mapping of core failures to
 * SQLSTATEs.
 */
#ifndef PGFACE_PG_H
#define PGFACE_PG_H

#include "pg_compat.h"

#include "common/status.h"
#include "face/models.h"
#include "face/pipeline.h"

/* guc.c: the pgface.* settings. */
extern char *pgface_model_dir_setting;
extern int pgface_max_image_pixels;
extern int pgface_max_image_kb;
extern int pgface_detector_input_size;
extern double pgface_detector_score_threshold;
extern int pgface_alignment_setting;
extern bool pgface_mirror_average;
extern char *pgface_model_setting;
extern int pgface_landmarks_setting;
extern char *pgface_shape_predictor_file;
extern void pgface_define_gucs(void);
/* The recognition model pgface.model names. */
extern const pgface_recognition_model *pgface_current_model(void);
/* The settings as the core's options. */
extern pgface_pipeline_options pgface_current_pipeline_options(void);

/* runtime_pg.c: points the core's allocator at palloc and its interrupt hook at
 * CHECK_FOR_INTERRUPTS. */
extern void pgface_install_pg_runtime(void);

/* model_cache.c: the models of the current pgface.model_dir, loaded once per backend. */
extern const pgface_models *pgface_backend_models(void);
/* The directory pgface_backend_models() reads: pgface.model_dir, or SHAREDIR/pgface. */
extern char *pgface_effective_model_dir(void);

/* core_errors.c: ereport(ERROR) with the SQLSTATE that fits a core failure; never returns. */
/*
 * face_quality.c: a face's quality as the columns faces() and face_quality() share: the
 * combined score, eye distance, yaw, pitch, roll, sharpness, brightness, contrast and
 * blockiness (PGFACE_QUALITY_COLUMNS values; what cannot be measured is NULL).
 */
#define PGFACE_QUALITY_COLUMNS 9
extern void pgface_quality_columns(const pgface_face_quality *quality, Datum *values, bool *nulls);

extern PGFACE_NORETURN_BEFORE void
pgface_report_core_error(const pgface_status *status) PGFACE_NORETURN_AFTER;

#endif
