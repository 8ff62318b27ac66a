/*
 * model_registry.h: the recognition models pgface knows, as runtime descriptors.
 *
 * Everything that depends on which net made an embedding asks the model's
 * descriptor: the type (its tag and dimensions), the pipeline (its chip, its
 * weights and how to run them) and the indexes and the planner (its fitted
 * statistics). Adding a model is adding a descriptor file and one line in
 * model_registry.c. The registry has no PostgreSQL dependency.
 */
#ifndef PGFACE_MODEL_REGISTRY_H
#define PGFACE_MODEL_REGISTRY_H

#include "common/status.h"
#include "face/align.h"
#include "face/embedding_statistics.h"
#include "face/identify.h"
#include "face/net_binding.h"
#include "face/quality.h"

/* Identity of the model that produced an embedding. Stored on disk: never renumber or reuse. */
enum
{
	PGFACE_MODEL_DLIB_RESNET_V1 = 1, /* face-api's port of dlib's ResNet-29, 128-D */
	/* 0x7e00 and up: test-only models (PGFACE_TEST_MODELS builds); never in a release */
	PGFACE_MODEL_TEST_RESNET_COPY = 0x7e01,
};

/*
 * The model that the tag-less text form [v1,...,vN] means, and that embed()
 * uses unless pgface.model names another. The first model pgface shipped: its
 * stored text must keep its meaning.
 */
#define PGFACE_MODEL_DEFAULT PGFACE_MODEL_DLIB_RESNET_V1

/* The largest dimension count any model may have; bounds buffers and binary input. */
#define PGFACE_MAX_DIMS 4096

/* How many recognition models one build may register. */
#define PGFACE_MAX_RECOGNITION_MODELS 8

typedef struct pgface_recognition_model
{
	int tag;          /* stored in every embedding and index */
	const char *name; /* what face_model() and pgface.model say */
	int dims;
	pgface_chip_template chip; /* the chip the net reads, and how the face sits in it */
	pgface_net_binding net;
	/* Embeds one chip (chip_size^2 RGB floats, 0..255) into dims values. */
	pgface_code (*embed)(const void *net, const float *chip, float *embedding,
	                     pgface_status *status);
	const pgface_embedding_statistics *statistics; /* fitted on LFW; NULL when none were */
	const pgface_identify_calibration *identify;   /* face_identify's rule; NULL: not fitted */
	const pgface_quality_calibration *quality; /* the combined quality score; NULL: not fitted */
} pgface_recognition_model;

/* The model registered under this tag, or NULL: stored tags must be refused, not guessed. */
const pgface_recognition_model *pgface_model_lookup(int tag);

/* The model of this name, or NULL. */
const pgface_recognition_model *pgface_model_by_name(const char *name);

/* The model PGFACE_MODEL_DEFAULT names; always registered. */
const pgface_recognition_model *pgface_model_default(void);

/* The registered models, in registration order, for listing and for opening their weights. */
int pgface_model_count(void);
const pgface_recognition_model *pgface_model_at(int index);

#endif
