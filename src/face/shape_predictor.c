/*
 * shape_predictor.c: running dlib's shape predictor cascade on an image, with dlib's
 * arithmetic (floats where dlib has floats, its rounding of pixel positions, its grey level)
 * so that the landmarks are dlib's own.
 */
#include "face/shape_predictor.h"

#include <math.h>
#include <string.h>

#include "common/runtime.h"

/* The image the features are read from: RGB (3 channels) or grey (1). */
typedef struct pixels
{
	const uint8_t *data;
	int width;
	int height;
	int channels;
} pixels;

/* dlib's box: the unit square's corners land on left .. right and top .. bottom. */
typedef struct unit_to_image
{
	double left;
	double top;
	double x_scale; /* right - left */
	double y_scale; /* bottom - top */
} unit_to_image;

/*
 * dlib's get_pixel_intensity at a whole pixel: the grey of an rgb_pixel is assign_pixel's
 * integer mean (r + g + b) / 3; pixels outside the image read as 0, as in dlib's
 * extract_feature_pixel_values.
 */
static float
intensity(const pixels *image, double x, double y)
{
	long px;
	long py;
	const uint8_t *p;

	/* dlib rounds to the nearest pixel, floor(v + 0.5), then tests the image's rectangle */
	if (!(x + 0.5 >= 0 && x + 0.5 < image->width && y + 0.5 >= 0 && y + 0.5 < image->height))
		return 0;
	px = (long) floor(x + 0.5);
	py = (long) floor(y + 0.5);
	p = image->data +
	    ((size_t) py * (size_t) image->width + (size_t) px) * (size_t) image->channels;
	if (image->channels == 1)
		return p[0];
	return (float) (((unsigned) p[0] + (unsigned) p[1] + (unsigned) p[2]) / 3);
}

/*
 * The similarity transform's linear part (a, -b; b, a) that best maps the mean shape onto
 * the current one, in the least-squares sense: it carries each feature pixel's offset from
 * its anchor into the current pose. dlib finds it by Umeyama's method (an SVD); for 2-D
 * points that method's answer is this closed form. Computed in double and then, as dlib
 * does, rounded to float.
 */
static void
similarity(const float *from, const float *to, int parts, float *a, float *b)
{
	double from_x = 0, from_y = 0, to_x = 0, to_y = 0;
	double spread = 0, dot = 0, cross = 0;

	for (int i = 0; i < parts; i++)
	{
		from_x += from[2 * i];
		from_y += from[2 * i + 1];
		to_x += to[2 * i];
		to_y += to[2 * i + 1];
	}
	from_x /= parts;
	from_y /= parts;
	to_x /= parts;
	to_y /= parts;
	for (int i = 0; i < parts; i++)
	{
		double fx = from[2 * i] - from_x, fy = from[2 * i + 1] - from_y;
		double tx = to[2 * i] - to_x, ty = to[2 * i + 1] - to_y;

		spread += fx * fx + fy * fy;
		dot += tx * fx + ty * fy;
		cross += ty * fx - tx * fy;
	}
	/* dlib keeps scale 1 (and the rotation) for a shape with no spread */
	if (spread == 0)
	{
		*a = 1;
		*b = 0;
		return;
	}
	*a = (float) (dot / spread);
	*b = (float) (cross / spread);
}

/* One level's pixel values: each feature's delta turned with the shape, from its anchor. */
static void
extract_features(const pgface_shape_predictor *p, const pgface_shape_cascade *level,
                 const float *shape, const pixels *image, const unit_to_image *box, float *out)
{
	const uint32_t *anchors = p->anchors + level->first_feature;
	const float *deltas = p->deltas + 2 * level->first_feature;
	float a;
	float b;

	similarity(p->initial_shape, shape, p->parts, &a, &b);
	for (size_t i = 0; i < level->features; i++)
	{
		float dx = deltas[2 * i], dy = deltas[2 * i + 1];
		/* in float, as dlib's matrix<float,2,2> times vector<float,2> plus a float location */
		float u = (a * dx + -b * dy) + shape[2 * anchors[i]];
		float v = (b * dx + a * dy) + shape[2 * anchors[i] + 1];

		out[i] = intensity(image, box->x_scale * u + box->left, box->y_scale * v + box->top);
	}
}

/* The leaf a tree sends these pixel values to: left when the difference exceeds the threshold. */
static const float *
tree_leaf(const pgface_shape_predictor *p, const pgface_shape_tree *tree, const float *features)
{
	const pgface_shape_split *splits = p->splits + tree->first_split;
	size_t i = 0;

	while (i < tree->splits)
		i = features[splits[i].idx1] - features[splits[i].idx2] > splits[i].thresh ? 2 * i + 1
		                                                                           : 2 * i + 2;
	return p->leaves + (tree->first_leaf + (i - tree->splits)) * 2 * (size_t) p->parts;
}

/* The cascade itself, shared by both pixel layouts. */
static pgface_code
predict(const pgface_shape_predictor *p, const pixels *image, const pgface_box *box,
        pgface_point *points, pgface_status *status)
{
	size_t values = 2 * (size_t) p->parts;
	unit_to_image unit;
	float *shape;
	float *features;

	if (p->parts <= 0 || p->initial_shape == NULL)
		return pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT, "no shape predictor loaded");
	if (image->data == NULL || image->width <= 0 || image->height <= 0)
		return pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT, "empty image");
	if (!isfinite(box->x) || !isfinite(box->y) || !isfinite(box->width) || !isfinite(box->height) ||
	    box->width <= 0 || box->height <= 0)
		return pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT,
		                   "the face box must be finite, with a positive size");
	unit = (unit_to_image){
	    .left = box->x, .top = box->y, .x_scale = box->width - 1, .y_scale = box->height - 1};
	shape = pgface_alloc_array(values + p->max_features, sizeof(float));
	if (shape == NULL)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for the shape");
	features = shape + values;
	memcpy(shape, p->initial_shape, values * sizeof(float));
	for (int c = 0; c < p->cascades; c++)
	{
		const pgface_shape_cascade *level = &p->cascade[c];

		pgface_check_interrupts();
		extract_features(p, level, shape, image, &unit, features);
		for (size_t t = level->first_tree; t < level->first_tree + level->trees; t++)
		{
			const float *leaf = tree_leaf(p, &p->trees[t], features);

			for (size_t j = 0; j < values; j++)
				shape[j] += leaf[j];
		}
	}
	for (int i = 0; i < p->parts; i++)
	{
		points[i].x = unit.x_scale * shape[2 * i] + unit.left;
		points[i].y = unit.y_scale * shape[2 * i + 1] + unit.top;
	}
	pgface_free(shape);
	return PGFACE_OK;
}

pgface_code
pgface_shape_predict(const pgface_shape_predictor *predictor, const pgface_image *image,
                     const pgface_box *box, pgface_point *points, pgface_status *status)
{
	pixels source = {
	    .data = image->rgb, .width = image->width, .height = image->height, .channels = 3};

	return predict(predictor, &source, box, points, status);
}

pgface_code
pgface_shape_predict_grey(const pgface_shape_predictor *predictor, const uint8_t *grey, int width,
                          int height, const pgface_box *box, pgface_point *points,
                          pgface_status *status)
{
	pixels source = {.data = grey, .width = width, .height = height, .channels = 1};

	return predict(predictor, &source, box, points, status);
}

/* The fit is of centres and sizes, so it is applied to them; the score is kept. */
pgface_box
pgface_shape_box_from_detector(const pgface_box *detected)
{
	double cx = detected->x + detected->width * (0.5 + 0.0112);
	double cy = detected->y + detected->height * (0.5 - 0.0628);
	double width = detected->width * 0.7374;
	double height = detected->height * 0.7919;

	return (pgface_box){.x = cx - width / 2,
	                    .y = cy - height / 2,
	                    .width = width,
	                    .height = height,
	                    .score = detected->score};
}
