/*
 * align.c: the two ways of turning landmarks into a face chip.
 */
#include "face/align.h"

#include <math.h>
#include <string.h>

#include "common/runtime.h"
#include "img/image.h"

/* dlib's mean face, landmarks 17 to 67, in [0, 1] (get_face_chip_details). */
static const double mean_face_x[51] = {
    0.000213256, 0.0752622, 0.18113,  0.29077,  0.393397, 0.586856, 0.689483, 0.799124, 0.904991,
    0.98004,     0.490127,  0.490127, 0.490127, 0.490127, 0.36688,  0.426036, 0.490127, 0.554217,
    0.613373,    0.121737,  0.187122, 0.265825, 0.334606, 0.260918, 0.182743, 0.645647, 0.714428,
    0.793132,    0.858516,  0.79751,  0.719335, 0.254149, 0.340985, 0.428858, 0.490127, 0.551395,
    0.639268,    0.726104,  0.642159, 0.556721, 0.490127, 0.423532, 0.338094, 0.290379, 0.428096,
    0.490127,    0.552157,  0.689874, 0.553364, 0.490127, 0.42689};
static const double mean_face_y[51] = {
    0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915,
    0.106454, 0.203352, 0.307009,  0.409805,  0.515625,  0.587326,  0.609345,  0.628106,  0.609345,
    0.587326, 0.216423, 0.178758,  0.179852,  0.231733,  0.245099,  0.244077,  0.231733,  0.179852,
    0.178758, 0.216423, 0.244077,  0.245099,  0.780233,  0.745405,  0.727388,  0.742578,  0.727388,
    0.745405, 0.780233, 0.864805,  0.902192,  0.909281,  0.902192,  0.864805,  0.784792,  0.778746,
    0.785343, 0.778746, 0.784792,  0.824182,  0.831803,  0.824182};

/* dlib fits its transform to these landmarks: no jaw, no eyebrows, no lower lip. */
static int
used_for_alignment(int i)
{
	return i >= 27 && !(i >= 55 && i <= 59) && !(i >= 65 && i <= 67);
}

/*
 * The least-squares similarity (scale, rotation, translation; no reflection)
 * taking chip points to image points. In 2-D it has a closed form: with both
 * point sets centred, [a -b; b a] = sum(t f^T) / sum(|f|^2) in complex terms.
 */
static int
fit_similarity(const pgface_point *landmarks, const pgface_chip_template *chip, double *a,
               double *b, double *tx, double *ty)
{
	double from_x[51], from_y[51], to_x[51], to_y[51];
	double mean_fx = 0, mean_fy = 0, mean_tx = 0, mean_ty = 0;
	double dot = 0, cross = 0, norm = 0;
	int n = 0;

	for (int i = 17; i < PGFACE_LANDMARKS; i++)
	{
		if (!used_for_alignment(i))
			continue;
		from_x[n] = (chip->padding + mean_face_x[i - 17]) / (2 * chip->padding + 1) * chip->size;
		from_y[n] = (chip->padding + mean_face_y[i - 17]) / (2 * chip->padding + 1) * chip->size;
		to_x[n] = landmarks[i].x;
		to_y[n] = landmarks[i].y;
		mean_fx += from_x[n], mean_fy += from_y[n], mean_tx += to_x[n], mean_ty += to_y[n];
		n++;
	}
	mean_fx /= n, mean_fy /= n, mean_tx /= n, mean_ty /= n;
	for (int k = 0; k < n; k++)
	{
		double fx = from_x[k] - mean_fx, fy = from_y[k] - mean_fy;
		double px = to_x[k] - mean_tx, py = to_y[k] - mean_ty;
		dot += fx * px + fy * py;
		cross += fx * py - fy * px;
		norm += fx * fx + fy * fy;
	}
	if (norm <= 0.0)
		return 0;
	*a = dot / norm;
	*b = cross / norm;
	*tx = mean_tx - (*a * mean_fx - *b * mean_fy);
	*ty = mean_ty - (*b * mean_fx + *a * mean_fy);
	return isfinite(*a) && isfinite(*b) && (*a != 0.0 || *b != 0.0);
}

/*
 * A box-filtered half-size level of in: dlib samples from an image pyramid when a chip
 * shrinks a lot. Only the pixels in window (level coordinates, inside the level) are
 * computed: each level pixel is the mean of its own four source pixels, so a window is
 * what the whole level would hold there, and a chip reads a small part of a photo that
 * the whole level would have cost a pass over (tens of ms for a 12-megapixel photo).
 */
static pgface_code
halve(const pgface_image *in, const pgface_region *window, pgface_image *out, pgface_status *status)
{
	out->width = in->width / 2;
	out->height = in->height / 2;
	out->rgb = pgface_alloc_array((size_t) out->width * out->height, 3);
	if (out->rgb == NULL)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for the image pyramid");
	for (int y = window->top; y < window->top + window->height; y++)
	{
		pgface_check_interrupts(); /* a pass over a whole photo: tens of ms at 50 megapixels */
		for (int x = window->left; x < window->left + window->width; x++)
			for (int c = 0; c < 3; c++)
			{
				const uint8_t *p = in->rgb + ((size_t) (2 * y) * in->width + 2 * x) * 3 + c;
				int sum = p[0] + p[3] + p[in->width * 3] + p[in->width * 3 + 3];
				out->rgb[((size_t) y * out->width + x) * 3 + c] = (uint8_t) ((sum + 2) / 4);
			}
	}
	return PGFACE_OK;
}

/*
 * The window [low, high] of a side, widened by margin and clipped to [0, extent - 1]; the
 * whole side when either end is not a number.
 */
static void
clip_span(double low, double high, int margin, int extent, int *first, int *count)
{
	double from = isnan(low) || isnan(high) ? 0.0 : floor(low) - margin;
	double to = isnan(low) || isnan(high) ? extent - 1.0 : floor(high) + 1 + margin;

	from = from < 0 ? 0 : from;
	to = to > extent - 1 ? extent - 1 : to;
	*first = (int) from;
	*count = to >= from ? (int) (to - from) + 1 : 0;
}

/* dlib's interpolate_bilinear: black unless all four neighbours lie inside the image. */
static void
sample_bilinear(const pgface_image *image, double x, double y, float *rgb)
{
	int left = (int) floor(x);
	int top = (int) floor(y);
	double fx, fy;

	if (!(left >= 0 && top >= 0 && left + 1 < image->width && top + 1 < image->height))
	{
		rgb[0] = rgb[1] = rgb[2] = 0.0f;
		return;
	}
	fx = x - left;
	fy = y - top;
	for (int c = 0; c < 3; c++)
	{
		const uint8_t *p = image->rgb + ((size_t) top * image->width + left) * 3 + c;
		double tl = p[0], tr = p[3], bl = p[image->width * 3], br = p[image->width * 3 + 3];
		rgb[c] = (float) ((1 - fy) * ((1 - fx) * tl + fx * tr) + fy * ((1 - fx) * bl + fx * br));
	}
}

/* Halvings a pyramid may need: a side of 65,536 reaches 2 pixels in 15. */
#define PGFACE_MAX_HALVINGS 16

/*
 * dlib's chip: the rectangle the similarity puts the chip in, rotated by its
 * angle; chip corner pixels map to the rectangle's corners.
 */
static pgface_code
dlib_chip(const pgface_image *image, const pgface_point *landmarks,
          const pgface_chip_template *chip, float *chip_pixels, pgface_status *status)
{
	const int size = chip->size;
	double a, b, tx, ty;
	double scale, angle, cx, cy, half, cosine, sine;
	double tl_x, tl_y, right_x, right_y, down_x, down_y;
	pgface_image levels[2] = {{0}};
	const pgface_image *source = image;
	pgface_region windows[PGFACE_MAX_HALVINGS + 1];
	int widths[PGFACE_MAX_HALVINGS + 1] = {image->width};
	int heights[PGFACE_MAX_HALVINGS + 1] = {image->height};
	int halvings = 0;
	double factor = 1.0;
	double area;

	if (!fit_similarity(landmarks, chip, &a, &b, &tx, &ty))
		return pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT, "the landmarks are degenerate");
	scale = hypot(a, b);
	angle = atan2(b, a);
	cx = a * size / 2.0 - b * size / 2.0 + tx;
	cy = b * size / 2.0 + a * size / 2.0 + ty;
	half = size * scale / 2.0;
	cosine = cos(angle);
	sine = sin(angle);

	/* Shrink by halves while the source rectangle is over four times the chip's area,
	 * and the next level would still be 2x2 or more. */
	for (area = (size * scale) * (size * scale);
	     area / 4 > (double) size * size && halvings < PGFACE_MAX_HALVINGS &&
	     widths[halvings] / 2 >= 2 && heights[halvings] / 2 >= 2;
	     area /= 4)
	{
		widths[halvings + 1] = widths[halvings] / 2;
		heights[halvings + 1] = heights[halvings] / 2;
		halvings++;
		factor *= 2;
	}
	/* pixel centres: level pixel j averages source pixels 2j and 2j+1 */
	cx = (cx - (factor - 1) / 2) / factor;
	cy = (cy - (factor - 1) / 2) / factor;
	half /= factor;

	tl_x = cx + (-half * cosine + half * sine);
	tl_y = cy + (-half * sine - half * cosine);
	right_x = 2 * half * cosine / (size - 1);
	right_y = 2 * half * sine / (size - 1);
	down_x = -2 * half * sine / (size - 1);
	down_y = 2 * half * cosine / (size - 1);

	if (halvings > 0)
	{
		/* The chip's rectangle in the last level, with a pixel to spare for rounding; each
		 * level's window is the pixels the next one's is made of. */
		double xs[4] = {tl_x, tl_x + (size - 1) * right_x, tl_x + (size - 1) * down_x,
		                tl_x + (size - 1) * (right_x + down_x)};
		double ys[4] = {tl_y, tl_y + (size - 1) * right_y, tl_y + (size - 1) * down_y,
		                tl_y + (size - 1) * (right_y + down_y)};
		double min_x = fmin(fmin(xs[0], xs[1]), fmin(xs[2], xs[3]));
		double max_x = fmax(fmax(xs[0], xs[1]), fmax(xs[2], xs[3]));
		double min_y = fmin(fmin(ys[0], ys[1]), fmin(ys[2], ys[3]));
		double max_y = fmax(fmax(ys[0], ys[1]), fmax(ys[2], ys[3]));

		clip_span(min_x, max_x, 1, widths[halvings], &windows[halvings].left,
		          &windows[halvings].width);
		clip_span(min_y, max_y, 1, heights[halvings], &windows[halvings].top,
		          &windows[halvings].height);
		for (int k = halvings; k > 1; k--)
		{
			clip_span(2.0 * windows[k].left, 2.0 * (windows[k].left + windows[k].width) - 1.0, 0,
			          widths[k - 1], &windows[k - 1].left, &windows[k - 1].width);
			clip_span(2.0 * windows[k].top, 2.0 * (windows[k].top + windows[k].height) - 1.0, 0,
			          heights[k - 1], &windows[k - 1].top, &windows[k - 1].height);
		}
	}
	for (int k = 1; k <= halvings; k++)
	{
		pgface_image *next = &levels[source == &levels[0] ? 1 : 0];

		pgface_image_free(next);
		if (halve(source, &windows[k], next, status) != PGFACE_OK)
		{
			pgface_image_free(&levels[0]);
			pgface_image_free(&levels[1]);
			return status->code;
		}
		source = next;
	}
	for (int r = 0; r < size; r++)
		for (int c = 0; c < size; c++)
			sample_bilinear(source, tl_x + c * right_x + r * down_x,
			                tl_y + c * right_y + r * down_y,
			                chip_pixels + ((size_t) r * size + c) * 3);
	pgface_image_free(&levels[0]);
	pgface_image_free(&levels[1]);
	return PGFACE_OK;
}

/* The mean of landmarks first..last, inclusive. */
static pgface_point
centre_of(const pgface_point *landmarks, int first, int last)
{
	pgface_point centre = {0.0, 0.0};

	for (int i = first; i <= last; i++)
		centre.x += landmarks[i].x, centre.y += landmarks[i].y;
	centre.x /= last - first + 1;
	centre.y /= last - first + 1;
	return centre;
}

/*
 * face-api's (FaceLandmarks.alignDlib, which its descriptors use): a square
 * whose side is the mean eye-to-mouth distance / 0.45, placed around the centre
 * of the eyes and the mouth, cut out upright and made into a chip.
 */
static pgface_code
faceapi_chip(const pgface_image *image, const pgface_point *landmarks,
             const pgface_chip_template *chip, float *chip_pixels, pgface_status *status)
{
	pgface_point left_eye = centre_of(landmarks, 36, 41);
	pgface_point right_eye = centre_of(landmarks, 42, 47);
	pgface_point mouth = centre_of(landmarks, 48, 67);
	double eye_to_mouth = (hypot(mouth.x - left_eye.x, mouth.y - left_eye.y) +
	                       hypot(mouth.x - right_eye.x, mouth.y - right_eye.y)) /
	                      2;
	double size = floor(eye_to_mouth / 0.45);
	double centre_x = (left_eye.x + right_eye.x + mouth.x) / 3;
	double centre_y = (left_eye.y + right_eye.y + mouth.y) / 3;
	double x = floor(fmax(0.0, centre_x - 0.5 * size));
	double y = floor(fmax(0.0, centre_y - 0.43 * size));
	pgface_image face;

	if (pgface_image_crop(image, x, y, size, size, &face, status))
		return status->code;
	pgface_chip_from_image(&face, chip->size, chip_pixels);
	pgface_image_free(&face);
	return PGFACE_OK;
}

pgface_code
pgface_align_face(const pgface_image *image, const pgface_point *landmarks,
                  pgface_alignment alignment, const pgface_chip_template *chip, float *chip_pixels,
                  pgface_status *status)
{
	if (alignment == PGFACE_ALIGN_FACEAPI)
		return faceapi_chip(image, landmarks, chip, chip_pixels, status);
	return dlib_chip(image, landmarks, chip, chip_pixels, status);
}
