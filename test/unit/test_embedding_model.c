/*
 * test_embedding_model.c: the model registry knows its one model and refuses the rest.
 */
#include <string.h>

#include "face/embedding.h"
#include "unit.h"

static void
default_model_is_128_dimensional(void)
{
	const pgface_model_info *model = pgface_model_lookup(PGFACE_MODEL_DEFAULT);

	CHECK(model != NULL);
	if (model == NULL)
		return;
	CHECK(model->dims == 128);
	CHECK(strcmp(model->name, "dlib_resnet_v1") == 0);
	CHECK(model->dims <= PGFACE_MAX_DIMS);
}

static void
unknown_tags_are_refused(void)
{
	const int unknown[] = {0, 2, 255, 65535, -1};

	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		CHECK(pgface_model_lookup(unknown[i]) == NULL);
}

const unit_test embedding_model_tests[] = {
    {"model: the default model is 128-dimensional", default_model_is_128_dimensional},
    {"model: unknown tags are refused", unknown_tags_are_refused},
    {NULL, NULL},
};
