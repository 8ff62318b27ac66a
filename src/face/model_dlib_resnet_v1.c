/*
 * model_dlib_resnet_v1.c: the descriptor of the model pgface ships, dlib's
 * ResNet-29 as face-api ports it.
 */
#include "face/model_dlib_resnet_v1.h"

/* The registry's bind takes an untyped net, so that one loop opens every model. */
pgface_code
pgface_resnet_bind(const pgface_model_file *file, void *net, pgface_status *status)
{
	return pgface_recognition_net_bind(file, net, status);
}

/* The registry's embed, over the typed one. */
pgface_code
pgface_resnet_embed(const void *net, const float *chip, float *embedding, pgface_status *status)
{
	return pgface_recognition_net_embed(net, chip, embedding, status);
}

/*
 * Fitted by test/bench/openset.js on LFW's open-set benchmark (1,680 people enrolled, the
 * even half of 4,069 strangers), 2026-12-01; the command is in doc/identification.md.
 */
const pgface_identify_calibration pgface_dlib_resnet_v1_identify = {
    .cohort = 3,
    .c = 1.6875,
    .a = 7.95433,
    .b = 2.66353,
};

const pgface_recognition_model pgface_model_dlib_resnet_v1 = {
    .tag = PGFACE_MODEL_DLIB_RESNET_V1,
    .name = "dlib_resnet_v1",
    .dims = PGFACE_RESNET_DIMS,
    .chip = {.size = PGFACE_RESNET_CHIP_SIZE,
             .padding = 0.25}, /* dlib's get_face_chip_details(shape, 150, 0.25) */
    .net = PGFACE_RESNET_NET_BINDING,
    .embed = pgface_resnet_embed,
    .statistics = &pgface_dlib_resnet_v1_statistics,
    .identify = &pgface_dlib_resnet_v1_identify,
};
