/*
 * test_embedding_model.c: the model registry knows its models and refuses the rest.
 */
#include <string.h>

#include "face/embedding.h"
#include "face/model_registry.h"
#include "unit.h"

static void
default_model_is_128_dimensional(void)
{
	const pgface_recognition_model *model = pgface_model_lookup(PGFACE_MODEL_DEFAULT);

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
	CHECK(pgface_model_by_name("") == NULL);
	CHECK(pgface_model_by_name("dlib_resnet") == NULL);
	CHECK(pgface_model_at(-1) == NULL);
	CHECK(pgface_model_at(pgface_model_count()) == NULL);
}

/*
 * Every descriptor is whole and findable both ways, tags and names are unique,
 * and the default model is the first: what a new model's descriptor must get right.
 */
static void
descriptors_are_complete_and_distinct(void)
{
	CHECK(pgface_model_count() >= 1);
	CHECK(pgface_model_at(0) == pgface_model_default());
	CHECK(pgface_model_default() == pgface_model_lookup(PGFACE_MODEL_DEFAULT));
	for (int i = 0; i < pgface_model_count(); i++)
	{
		const pgface_recognition_model *model = pgface_model_at(i);

		CHECK(pgface_model_lookup(model->tag) == model);
		CHECK(pgface_model_by_name(model->name) == model);
		CHECK(model->tag > 0 && model->tag <= 0xffff); /* stored as uint16 */
		CHECK(model->dims > 0 && model->dims <= PGFACE_MAX_DIMS);
		CHECK(model->chip.size > 0 && model->chip.padding >= 0.0);
		CHECK(model->net.file != NULL && model->net.net_size > 0 && model->net.bind != NULL);
		CHECK(model->embed != NULL);
		CHECK(model->statistics == NULL || model->statistics->dims == model->dims);
		for (int j = 0; j < i; j++)
		{
			CHECK(pgface_model_at(j)->tag != model->tag);
			CHECK(strcmp(pgface_model_at(j)->name, model->name) != 0);
		}
	}
}

const unit_test embedding_model_tests[] = {
    {"model: the default model is 128-dimensional", default_model_is_128_dimensional},
    {"model: unknown tags and names are refused", unknown_tags_are_refused},
    {"model: descriptors are complete and distinct", descriptors_are_complete_and_distinct},
    {NULL, NULL},
};
