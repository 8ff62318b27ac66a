/*
 * model_test_resnet_copy.c: a second recognition model for tests only
 * (compiled into PGFACE_TEST_MODELS builds, never into a release).
 *
 * The same net, weights and statistics under its own tag and name. Its
 * embeddings equal the real model's value for value, so only the tag keeps
 * the two apart: the type must refuse to compare them, and every path (embed,
 * both indexes, face_tau, dump and restore) must carry it. It is also the
 * example of what a new model needs: a file like this and one line in
 * model_registry.c.
 */
#include "face/model_dlib_resnet_v1.h"

const pgface_recognition_model pgface_model_test_resnet_copy = {
    .tag = PGFACE_MODEL_TEST_RESNET_COPY,
    .name = "test_resnet_copy",
    .dims = PGFACE_RESNET_DIMS,
    .chip = {.size = PGFACE_RESNET_CHIP_SIZE, .padding = 0.25},
    .net = PGFACE_RESNET_NET_BINDING,
    .embed = pgface_resnet_embed,
    .statistics = &pgface_dlib_resnet_v1_statistics,
    .identify = &pgface_dlib_resnet_v1_identify,
    .quality = &pgface_dlib_resnet_v1_quality,
};
