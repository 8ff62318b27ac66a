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

/*
 * The quality score's calibration, fitted by test/bench/quality.js on LFW View 2 and on
 * training pairs with a degraded first photo, 2026-12-02 (doc/quality.md). The features in
 * quality.c's order: smallness, yaw, pitch, roll, blur, darkness, glare, flatness, doubt,
 * compression; the zeros are components whose failures LFW did not show.
 */
const pgface_quality_calibration pgface_dlib_resnet_v1_quality = {
    .intercept = -7.91758,
    .weights = {0.06064, 0.0, 0.04827, 0.10218, 0.38332, 0.0, 0.0, 0.0, 2.74254, 1.21807},
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
    .quality = &pgface_dlib_resnet_v1_quality,
};
