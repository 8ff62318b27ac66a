/*
 * model_registry.c: the list of recognition models this build knows.
 */
#include "face/model_registry.h"

#include <string.h>

#include "face/model_dlib_resnet_v1.h"

static const pgface_recognition_model *const registered_models[] = {
    &pgface_model_dlib_resnet_v1,
#ifdef PGFACE_TEST_MODELS
    &pgface_model_test_resnet_copy,
#endif
};

#define REGISTERED_MODELS ((int) (sizeof(registered_models) / sizeof(registered_models[0])))

_Static_assert(REGISTERED_MODELS <= PGFACE_MAX_RECOGNITION_MODELS,
               "raise PGFACE_MAX_RECOGNITION_MODELS");

/* Tags are persisted in every stored embedding, so unknown ones must be refused, not guessed. */
const pgface_recognition_model *
pgface_model_lookup(int tag)
{
	for (int i = 0; i < REGISTERED_MODELS; i++)
		if (registered_models[i]->tag == tag)
			return registered_models[i];
	return NULL;
}

/* Users and settings name models; tags are for storage. */
const pgface_recognition_model *
pgface_model_by_name(const char *name)
{
	for (int i = 0; i < REGISTERED_MODELS; i++)
		if (strcmp(registered_models[i]->name, name) == 0)
			return registered_models[i];
	return NULL;
}

/* The first entry is the default model, which every build registers. */
const pgface_recognition_model *
pgface_model_default(void)
{
	return registered_models[0];
}

int
pgface_model_count(void)
{
	return REGISTERED_MODELS;
}

/* NULL past the end, so that a caller's loop cannot read outside the list. */
const pgface_recognition_model *
pgface_model_at(int index)
{
	return index >= 0 && index < REGISTERED_MODELS ? registered_models[index] : NULL;
}
