/*
 * align.h: from a face's 68 landmarks to the chip a recognition model reads.
 */
#ifndef PGFACE_ALIGN_H
#define PGFACE_ALIGN_H

#include "common/status.h"
#include "face/landmark_net.h"
#include "img/image.h"

typedef enum pgface_alignment
{
	/*
	 * dlib's get_face_chip_details(shape, 150, 0.25) + extract_image_chip: the
	 * similarity transform that best maps dlib's mean face onto the landmarks
	 * (eyes, nose, upper lip), then bilinear sampling. The net was trained on
	 * chips made this way. The pipeline embeds the chip and its mirror image.
	 */
	PGFACE_ALIGN_DLIB,
	/*
	 * face-api's (FaceLandmarks.alignDlib): an upright square sized by the
	 * eye-to-mouth distance around the eyes' and mouth's centre, embedded once,
	 * so that descriptors equal face-api's.
	 */
	PGFACE_ALIGN_FACEAPI
} pgface_alignment;

/*
 * A model's chip: size x size RGB pixels, in which dlib's mean face
 * (get_face_chip_details) fills all but padding of the side on each edge,
 * relative to the face's size (dlib's own chips: 150 and 0.25).
 */
typedef struct pgface_chip_template
{
	int size;
	double padding;
} pgface_chip_template;

/* Writes chip->size^2 RGB floats (0..255) to chip_pixels. */
pgface_code pgface_align_face(const pgface_image *image, const pgface_point *landmarks,
                              pgface_alignment alignment, const pgface_chip_template *chip,
                              float *chip_pixels, pgface_status *status);

#endif
