/*
 * models.h: the nets pgface runs, loaded from one model directory: the
 * detector, the landmark net, and the weights of every registered recognition
 * model (face/model_registry.h).
 */
#ifndef PGFACE_MODELS_H
#define PGFACE_MODELS_H

#include "common/status.h"
#include "face/detector.h"
#include "face/landmark_net.h"
#include "face/model_registry.h"
#include "face/shape_predictor.h"
#include "nn/model_file.h"

/* One net's mapped file and the struct its binding pointed at the file's tensors. */
typedef struct pgface_bound_net
{
	const pgface_net_binding *binding;
	pgface_model_file file;
	void *net; /* binding->net_size bytes from the runtime allocator; NULL until bound */
} pgface_bound_net;

typedef struct pgface_models
{
	pgface_bound_net detector;  /* a pgface_detector */
	pgface_bound_net landmarks; /* a pgface_landmark_net */
	int recognition_count;
	pgface_bound_net recognition[PGFACE_MAX_RECOGNITION_MODELS]; /* pgface_model_at(i)'s */
	/*
	 * dlib's 68-point predictor, a file of its own (Debian's libdlib-data), read only for
	 * the landmark settings that use it: NULL until pgface_models_open_shape_predictor.
	 */
	pgface_shape_predictor *shape_predictor;
} pgface_models;

/* Maps and binds every net in dir; on failure nothing stays open. */
pgface_code pgface_models_open(const char *dir, pgface_models *models, pgface_status *status);

/*
 * Reads dlib's shape predictor from path into models, unless it is there already; a
 * missing file is PGFACE_ERR_MODEL_MISSING. On failure models is as it was.
 */
pgface_code pgface_models_open_shape_predictor(pgface_models *models, const char *path,
                                               pgface_status *status);

/* Unmaps everything; safe after a failed or interrupted open. */
void pgface_models_close(pgface_models *models);

/* The bound detector and landmark net of an open set of models. */
const pgface_detector *pgface_models_detector(const pgface_models *models);
const pgface_landmark_net *pgface_models_landmarks(const pgface_models *models);

/* The bound net of a registered recognition model, to pass to model->embed. */
const void *pgface_models_recognition(const pgface_models *models,
                                      const pgface_recognition_model *model);

#endif
