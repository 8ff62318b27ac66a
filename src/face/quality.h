/*
 * quality.h: how good a face is to compare, measured on the face as the pipeline found
 * and aligned it: its size in the photo, its pose, the chip's sharpness and exposure, the
 * detector's confidence, and one combined score fitted to predict which comparisons fail.
 */
#ifndef PGFACE_QUALITY_H
#define PGFACE_QUALITY_H

#include "face/detector.h"
#include "face/landmark_net.h"
#include "img/image.h"

/* The components, and the score combined from them. */
typedef struct pgface_face_quality
{
	double eye_distance; /* pixels between the eyes' centres, in the photo */
	double yaw;       /* degrees, head turned: positive when the nose points to the photo's right */
	double pitch;     /* degrees, head nodding: positive when the nose points down */
	double roll;      /* degrees, head leaning: positive counter-clockwise as the photo is seen */
	double sharpness; /* the chip's Laplacian against its contrast; blur lowers it */
	double brightness;     /* mean grey level of the chip's face, 0 to 255 */
	double contrast;       /* standard deviation of that grey level */
	double detector_score; /* the detector's confidence in the box */
	/*
	 * JPEG's 8x8 blocks in the face's box: the mean step across the strongest of the eight
	 * column (and row) phases over the others'; about 1 without them, 2 and more for a
	 * heavily compressed photo. Compression lowers detail but raises the Laplacian at the
	 * blocks' edges, so sharpness alone misses it.
	 */
	double blockiness;
	double score; /* combined, 0 to 1, higher is better: see quality.c */
} pgface_face_quality;

/*
 * The combined score's calibration for one recognition model: a logistic model of a
 * comparison's failure, fitted on LFW, whose logit is the intercept plus each face's
 * weighted "badness" features (quality.c lists them). NULL in a model: no score (NaN).
 */
#define PGFACE_QUALITY_FEATURES 10

typedef struct pgface_quality_calibration
{
	double intercept;
	double weights[PGFACE_QUALITY_FEATURES]; /* >= 0: a worse component never helps */
} pgface_quality_calibration;

/*
 * The mean 3D face the pose is fitted to (x right, y up, z toward the camera): 1 and the
 * point of the 68-point landmark index when the fit uses it, else 0. For the tests.
 */
int pgface_mean_face_point(int landmark, double point[3]);

/* The head pose from the 68 landmarks, by a scaled orthographic fit of a mean 3D face. */
void pgface_head_pose(const pgface_point *landmarks, double *yaw, double *pitch, double *roll);

/*
 * Measures a face: box and landmarks in the photo's pixels, chip as the recognition
 * model read it (chip_size^2 RGB floats, 0..255), the score from calibration (NaN
 * without one).
 */
void pgface_face_quality_measure(const pgface_image *photo, const pgface_box *box,
                                 const pgface_point *landmarks, const float *chip, int chip_size,
                                 const pgface_quality_calibration *calibration,
                                 pgface_face_quality *quality);

/* The badness features the calibration weighs, for the fitting tool and the tests. */
void pgface_quality_features(const pgface_face_quality *quality,
                             double features[PGFACE_QUALITY_FEATURES]);

#endif
