/*
 * embedding_model.c: the registry of recognition models an embedding can come from.
 */
#include "face/embedding.h"

static const pgface_model_info known_models[] = {
    {PGFACE_MODEL_DLIB_RESNET_V1, "dlib_resnet_v1", 128},
};

/* Tags are persisted in every stored embedding, so unknown ones must be refused, not guessed. */
const pgface_model_info *
pgface_model_lookup(int tag)
{
	for (size_t i = 0; i < sizeof(known_models) / sizeof(known_models[0]); i++)
		if ((int) known_models[i].tag == tag)
			return &known_models[i];
	return NULL;
}
