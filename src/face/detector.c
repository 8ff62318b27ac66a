/*
 * detector.c: running the tiny face detector and decoding its boxes, as
 * TinyYolov2Base.detect does it.
 */
#include "face/detector.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/layer_clock.h"
#include "common/runtime.h"
#include "nn/layers.h"

static const int stage_channels[PGFACE_DETECTOR_STAGES + 1] = {16, 32, 64, 128, 256, 512};
static const char *const stage_names[PGFACE_DETECTOR_STAGES] = {
    "conv1 separable 16->32", "pool + conv2 separable 32->64", "pool + conv3 separable 64->128",
    "pool + conv4 separable 128->256", "pool + conv5 separable 256->512"};

/* tinyFaceDetector/const.ts */
static const float detector_mean_rgb[3] = {117.001f, 114.697f, 97.404f};
static const double anchors[PGFACE_DETECTOR_ANCHORS][2] = {
    {1.603231, 2.094468}, {6.041143, 7.080126}, {2.882459, 3.518061},
    {4.266906, 5.178857}, {9.041765, 10.66308},
};
#define IOU_THRESHOLD 0.4
#define BOX_ENCODING  5 /* x, y, w, h, score per anchor */

pgface_code
pgface_detector_bind(const pgface_model_file *model, pgface_detector *detector,
                     pgface_status *status)
{
	const int conv0_shape[4] = {3, 3, 3, 16};
	const int conv0_bias_shape[1] = {16};
	const int head_shape[4] = {1, 1, 512, PGFACE_DETECTOR_ANCHORS * BOX_ENCODING};
	const int head_bias_shape[1] = {PGFACE_DETECTOR_ANCHORS * BOX_ENCODING};

	if (pgface_model_tensor_checked(model, "conv0/filters", 4, conv0_shape,
	                                &detector->conv0_filters, status) ||
	    pgface_model_tensor_checked(model, "conv0/bias", 1, conv0_bias_shape, &detector->conv0_bias,
	                                status))
		return status->code;
	for (int s = 0; s < PGFACE_DETECTOR_STAGES; s++)
	{
		char prefix[16];
		snprintf(prefix, sizeof(prefix), "conv%d", s + 1);
		if (pgface_separable_conv_bind(model, prefix, stage_channels[s], stage_channels[s + 1],
		                               &detector->stages[s], status))
			return status->code;
	}
	if (pgface_model_tensor_checked(model, "conv8/filters", 4, head_shape, &detector->head_filters,
	                                status))
		return status->code;
	return pgface_model_tensor_checked(model, "conv8/bias", 1, head_bias_shape,
	                                   &detector->head_bias, status);
}

/* tinyYolov2's leaky(): TensorFlow.js's 0.1, as float */
#define LEAKY_ALPHA 0.10000000149011612f

/* Replaces *x with op's output, freeing the input: keeps the forward pass linear. */
static void
replace(pgface_tensor *x, pgface_tensor *next)
{
	pgface_tensor_free(x);
	*x = *next;
}

/*
 * runMobilenet: the network from the normalised input to the 13x13x25 head.
 * conv0 takes its 3x3x3x16 filters as the one 16-column panel they already
 * are (no im2col), with the first max-pool after it in the same pass; each
 * stage is the max-pool, depthwiseSeparableConv and leaky of tinyYolov2 in one
 * pass (pgface_separable_stage).
 */
static pgface_code
run_net(const pgface_detector *detector, pgface_tensor *x, pgface_status *status)
{
	pgface_tensor next = {0};
	pgface_epilogue conv0 = pgface_bias_epilogue(detector->conv0_bias, true, LEAKY_ALPHA);
	pgface_epilogue head = pgface_bias_epilogue(detector->head_bias, false, 0.0f);

	if (pgface_conv2d_max_pool(x, detector->conv0_filters, 3, 3, 16, &conv0, &next, status))
		return status->code;
	replace(x, &next);
	pgface_layer_done("detector", "conv0 3x3x3x16 + leaky + max-pool");
	for (int s = 0; s < PGFACE_DETECTOR_STAGES; s++)
	{
		pgface_epilogue stage = pgface_bias_epilogue(detector->stages[s].bias, true, LEAKY_ALPHA);
		/* the first stage's pool went with conv0 */
		unsigned ops = s > 0 ? PGFACE_INPUT_MAX_POOL : 0u;
		pgface_check_interrupts();
		if (pgface_separable_stage(x, &detector->stages[s], 1, ops, &stage, &next, status))
			return status->code;
		replace(x, &next);
		pgface_layer_done("detector", stage_names[s]);
	}
	if (pgface_max_pool(x, 2, 1, PGFACE_PAD_SAME, &next, status))
		return status->code;
	replace(x, &next);
	if (pgface_conv2d(x, detector->head_filters, NULL, 1, 1, PGFACE_DETECTOR_ANCHORS * BOX_ENCODING,
	                  1, PGFACE_PAD_VALID, &head, &next, status))
		return status->code;
	replace(x, &next);
	pgface_layer_done("detector", "max-pool + head 1x1x512x25");
	return PGFACE_OK;
}

static double
sigmoid(double v)
{
	return 1.0 / (1.0 + exp(-v));
}

static double
iou(const pgface_box *a, const pgface_box *b)
{
	double w = fmin(a->x + a->width, b->x + b->width) - fmax(a->x, b->x);
	double h = fmin(a->y + a->height, b->y + b->height) - fmax(a->y, b->y);
	double inter = fmax(w, 0.0) * fmax(h, 0.0);

	return inter / (a->width * a->height + b->width * b->height - inter);
}

static int
by_score_descending(const void *a, const void *b)
{
	double sa = ((const pgface_box *) a)->score;
	double sb = ((const pgface_box *) b)->score;
	return (sa < sb) - (sa > sb);
}

/* Greedy NMS: keep the best box, drop those overlapping it by more than the IoU threshold. */
static int
non_max_suppression(pgface_box *boxes, int count)
{
	int kept = 0;

	qsort(boxes, (size_t) count, sizeof(pgface_box), by_score_descending);
	for (int i = 0; i < count; i++)
	{
		int suppressed = 0;
		for (int k = 0; k < kept && !suppressed; k++)
			suppressed = iou(&boxes[k], &boxes[i]) > IOU_THRESHOLD;
		if (!suppressed)
			boxes[kept++] = boxes[i];
	}
	return kept;
}

/*
 * extractBoxes: cells x anchors, scored by sigmoid; positions relative to the
 * padded square, stretched back to the image (the padding was at the bottom or
 * right, so only a scale corrects it).
 */
static int
decode_boxes(const pgface_tensor *head, const pgface_image *image, int input_size,
             double score_threshold, pgface_box *boxes)
{
	int cells = head->h;
	double scale = (double) input_size / fmax(image->width, image->height);
	double reshaped_width = round(image->width * scale);
	double reshaped_height = round(image->height * scale);
	double correction_x = fmax(reshaped_width, reshaped_height) / reshaped_width;
	double correction_y = fmax(reshaped_width, reshaped_height) / reshaped_height;
	int count = 0;

	for (int row = 0; row < cells; row++)
		for (int col = 0; col < cells; col++)
			for (int a = 0; a < PGFACE_DETECTOR_ANCHORS; a++)
			{
				const float *v =
				    head->data + ((size_t) row * cells + col) * head->c + a * BOX_ENCODING;
				double score = sigmoid(v[4]);
				double cx, cy, w, h;
				if (score <= score_threshold)
					continue;
				cx = (col + sigmoid(v[0])) / cells * correction_x;
				cy = (row + sigmoid(v[1])) / cells * correction_y;
				w = exp(v[2]) * anchors[a][0] / cells * correction_x;
				h = exp(v[3]) * anchors[a][1] / cells * correction_y;
				boxes[count].x = (cx - w / 2) * image->width;
				boxes[count].y = (cy - h / 2) * image->height;
				boxes[count].width = w * image->width;
				boxes[count].height = h * image->height;
				boxes[count].score = score;
				count++;
			}
	return count;
}

pgface_code
pgface_detect_faces_in_region(const pgface_detector *detector, const pgface_image *image,
                              const pgface_region *region, int orientation, int input_size,
                              double score_threshold, pgface_box **boxes, int *count,
                              pgface_status *status)
{
	pgface_tensor x = {0};
	pgface_image seen = {0, 0, NULL}; /* the region as turned: only its size is read */

	*boxes = NULL;
	*count = 0;
	if (input_size < 32 || input_size % 32 != 0)
		return pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT,
		                   "detector input size %d is not a positive multiple of 32", input_size);
	if (pgface_tensor_alloc(&x, input_size, input_size, 3, status))
		return status->code;
	pgface_region_turned_size(region, orientation, &seen.width, &seen.height);
	pgface_square_resize_region(image, region, orientation, input_size, 0, detector_mean_rgb,
	                            255.0f, x.data);
	pgface_layer_done("detector", "resize to the square + normalise");

	if (run_net(detector, &x, status))
	{
		pgface_tensor_free(&x);
		return status->code;
	}
	*boxes = pgface_alloc_array((size_t) x.h * x.w * PGFACE_DETECTOR_ANCHORS, sizeof(pgface_box));
	if (*boxes == NULL)
	{
		pgface_tensor_free(&x);
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for detections");
	}
	*count =
	    non_max_suppression(*boxes, decode_boxes(&x, &seen, input_size, score_threshold, *boxes));
	pgface_layer_done("detector", "boxes + non-max suppression");
	pgface_tensor_free(&x);
	return PGFACE_OK;
}

pgface_code
pgface_detect_faces(const pgface_detector *detector, const pgface_image *image, int input_size,
                    double score_threshold, pgface_box **boxes, int *count, pgface_status *status)
{
	pgface_region whole = {0, 0, image->width, image->height};

	return pgface_detect_faces_in_region(detector, image, &whole, 1, input_size, score_threshold,
	                                     boxes, count, status);
}

PGFACE_DEFINE_NET_BINDING(pgface_detector_binding, PGFACE_DETECTOR_MODEL_FILE, pgface_detector,
                          pgface_detector_bind);
