/*
 * model_dlib_resnet_v1.h: the descriptor of the ResNet-29 recognition net, and
 * the pieces another descriptor of the same net can reuse.
 */
#ifndef PGFACE_MODEL_DLIB_RESNET_V1_H
#define PGFACE_MODEL_DLIB_RESNET_V1_H

#include "face/model_registry.h"
#include "face/recognition_net.h"

extern const pgface_recognition_model pgface_model_dlib_resnet_v1;

/* The net's bind and embed with the registry's untyped signatures. */
pgface_code pgface_resnet_bind(const pgface_model_file *file, void *net, pgface_status *status);
pgface_code pgface_resnet_embed(const void *net, const float *chip, float *embedding,
                                pgface_status *status);

/* What the ResNet's statistics were fitted on: LFW through pgface's pipeline. */
extern const pgface_embedding_statistics pgface_dlib_resnet_v1_statistics;

/* face_identify's rule for the ResNet, fitted on LFW (doc/identification.md). */
extern const pgface_identify_calibration pgface_dlib_resnet_v1_identify;
/* Its quality score's calibration, fitted on LFW (doc/quality.md). */
extern const pgface_quality_calibration pgface_dlib_resnet_v1_quality;

/* The ResNet's weights, as a net binding initialiser. */
#define PGFACE_RESNET_NET_BINDING                                                                  \
	{                                                                                              \
		.file = PGFACE_RESNET_MODEL_FILE, .net_size = sizeof(pgface_recognition_net),              \
		.bind = pgface_resnet_bind                                                                 \
	}

#ifdef PGFACE_TEST_MODELS
/* Test builds only: the same net under another tag, to prove the second model path. */
extern const pgface_recognition_model pgface_model_test_resnet_copy;
#endif

#endif
