/*
 * models.h: the nets pgface runs, loaded from one model directory.
 */
#ifndef PGFACE_MODELS_H
#define PGFACE_MODELS_H

#include "common/status.h"
#include "face/detector.h"
#include "face/landmark_net.h"
#include "face/recognition_net.h"
#include "nn/model_file.h"

#define PGFACE_RECOGNITION_MODEL_FILE "face_recognition_model.pgfm"
#define PGFACE_DETECTOR_MODEL_FILE    "tiny_face_detector_model.pgfm"
#define PGFACE_LANDMARK_MODEL_FILE    "face_landmark_68_model.pgfm"

typedef struct pgface_models
{
	pgface_model_file recognition_file;
	pgface_recognition_net recognition;
	pgface_model_file detector_file;
	pgface_detector detector;
	pgface_model_file landmark_file;
	pgface_landmark_net landmarks;
} pgface_models;

/* Maps and binds every model in dir; on failure nothing stays open. */
pgface_code pgface_models_open(const char *dir, pgface_models *models, pgface_status *status);

/* Unmaps everything; safe after a failed open. */
void pgface_models_close(pgface_models *models);

#endif
