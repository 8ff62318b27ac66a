/*
 * draw.c: pgface draw FILE -o OUT.png. The photo as the pipeline sees it (decoded, turned
 * upright by its EXIF orientation), with every face faces() finds drawn on: its box, its
 * 68 landmarks and a label with its number and quality score; the face embed() picks is
 * drawn in another colour and labelled "embed". A picture to see what pgface saw.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/runtime.h"
#include "face/embedding.h"

#include "draw.h"
#include "font.h"
#include "io.h"
#include "png_write.h"
#include "raster.h"

/* faces()'s faces, and embed()'s: clear on most photos, and apart from each other. */
static const raster_colour face_colour = {0, 255, 0};
static const raster_colour embed_colour = {255, 0, 255};
static const raster_colour text_colour = {0, 0, 0};

/* embed()'s face is one of faces()'s when their boxes overlap this much (intersection over union).
 */
#define SAME_FACE_IOU 0.5

/* Line width, dot radius and font scale, grown with the photo so that they show at any size. */
typedef struct draw_style
{
	double thickness;
	double dot_radius;
	int text_scale;
	int padding; /* around a label's text */
} draw_style;

/* The style for a photo: lines of min(w, h) / 400 (at least 2 pixels), text of about 1/45. */
static draw_style
style_for(const pgface_image *image)
{
	int side = image->width < image->height ? image->width : image->height;
	draw_style style;

	style.thickness = side / 400 > 2 ? side / 400 : 2;
	style.dot_radius = style.thickness * 0.9;
	style.text_scale = (side + 160) / 320 > 1 ? (side + 160) / 320 : 1;
	style.padding = style.text_scale;
	return style;
}

/* A face's box and its landmarks as dots, smaller on a small face so that they stay apart. */
static void
draw_marks(pgface_image *image, const pgface_face *face, raster_colour colour,
           const draw_style *style)
{
	double radius = fmin(style->dot_radius, fmax(1.0, face->box.width / 90));

	raster_box(image, face->box.x, face->box.y, face->box.width, face->box.height, style->thickness,
	           colour);
	for (int p = 0; p < PGFACE_LANDMARKS; p++)
		raster_dot(image, face->landmarks[p].x, face->landmarks[p].y, radius, colour);
}

/*
 * A face's label: its number among faces()'s (0: embed()'s face is none of them), its
 * quality score ("-" until a calibration gives one), and "embed" on embed()'s face.
 */
static void
format_label(char *text, size_t size, int number, double quality, int is_embed)
{
	char score[16] = "-";
	int used = 0;

	if (isfinite(quality))
		snprintf(score, sizeof(score), "%.2f", quality);
	if (number > 0)
		used = snprintf(text, size, "%d  ", number);
	snprintf(text + used, size - (size_t) used, "%sq %s%s", number > 0 ? "" : "embed  ", score,
	         number > 0 && is_embed ? "  embed" : "");
}

/* Clamps a label's corner so that the whole label fits the image where it can. */
static int
clamp_corner(int corner, int extent, int size)
{
	if (corner > size - extent)
		corner = size - extent;
	return corner < 0 ? 0 : corner;
}

/*
 * A label on the box's colour, a tab on the box's top edge (its lower edge on the
 * outline's), or inside the box's top when the photo has no room above.
 */
static void
draw_label(pgface_image *image, const pgface_box *box, const char *text, raster_colour colour,
           const draw_style *style)
{
	int width = font_text_width(text, style->text_scale) + 2 * style->padding;
	int height = FONT_GLYPH_HEIGHT * style->text_scale + 2 * style->padding;
	double half = style->thickness / 2;
	double above = ceil(box->y + half) - height;
	double x = above >= 0 ? floor(box->x - half) : ceil(box->x + half);
	double y = above >= 0 ? above : ceil(box->y + half);
	int left, top;

	/* In range before the conversion: a box may lie far outside the photo. */
	x = fmax(fmin(x, image->width), 0);
	y = fmax(fmin(y, image->height), 0);
	left = clamp_corner((int) x, width, image->width);
	top = clamp_corner((int) y, height, image->height);
	raster_fill(image, left, top, left + width, top + height, colour);
	font_draw_text(image, left + style->padding, top + style->padding, text, style->text_scale,
	               text_colour);
}

/* Intersection over union of two boxes; 0 when they do not meet. */
static double
box_iou(const pgface_box *a, const pgface_box *b)
{
	double width = fmin(a->x + a->width, b->x + b->width) - fmax(a->x, b->x);
	double height = fmin(a->y + a->height, b->y + b->height) - fmax(a->y, b->y);
	double inter = width > 0 && height > 0 ? width * height : 0;
	double total = a->width * a->height + b->width * b->height - inter;

	return total > 0 ? inter / total : 0;
}

/* The index of faces()'s face that is embed()'s (the best overlap of at least SAME_FACE_IOU), or
 * -1. */
static int
matching_face(const pgface_face *faces, int count, const pgface_box *box)
{
	int best = -1;
	double best_iou = SAME_FACE_IOU;

	for (int i = 0; i < count; i++)
	{
		double iou = box_iou(&faces[i].box, box);

		if (iou >= best_iou)
			best = i, best_iou = iou;
	}
	return best;
}

/*
 * Draws the faces, then embed()'s face (chosen, NULL when there is none; match is its
 * index among faces, or -1) over them, then the labels over every line and dot.
 */
static void
draw_faces(pgface_image *image, const pgface_face *faces, int count, const pgface_face *chosen,
           int match)
{
	draw_style style = style_for(image);
	char text[64];

	for (int i = 0; i < count; i++)
		if (i != match)
			draw_marks(image, &faces[i], face_colour, &style);
	if (chosen != NULL)
		draw_marks(image, match >= 0 ? &faces[match] : chosen, embed_colour, &style);
	for (int i = 0; i < count; i++)
		if (i != match)
		{
			format_label(text, sizeof(text), i + 1, faces[i].quality.score, 0);
			draw_label(image, &faces[i].box, text, face_colour, &style);
		}
	if (chosen != NULL)
	{
		const pgface_face *face = match >= 0 ? &faces[match] : chosen;

		format_label(text, sizeof(text), match + 1, face->quality.score, 1);
		draw_label(image, &face->box, text, embed_colour, &style);
	}
}

/* The one JSON line: the files, how many faces, which is embed()'s and where embed()'s box is. */
static void
print_result(const char *file, const char *out, int count, const pgface_face *chosen, int match)
{
	printf("{\"file\": ");
	print_json_string(file);
	printf(", \"out\": ");
	print_json_string(out);
	printf(", \"faces\": %d, \"embed_face\": ", count);
	if (match >= 0)
		printf("%d", match + 1);
	else
		printf("null");
	printf(", \"embed_box\": ");
	if (chosen != NULL)
		printf("[%.2f, %.2f, %.2f, %.2f]", chosen->box.x, chosen->box.y, chosen->box.width,
		       chosen->box.height);
	else
		printf("null");
	printf("}\n");
}

/*
 * embed()'s face in the photo's own pixels into chosen: 1 when there is one, 0 when embed()
 * finds none (noted on stderr: the other faces are still drawn), -1 on a failure.
 */
static int
find_chosen_face(const pgface_models *models, const pgface_pipeline_options *options,
                 const char *file, const unsigned char *bytes, size_t length, pgface_face *chosen,
                 pgface_status *status)
{
	if (pgface_photo_face(models, bytes, length, options, chosen, status) == PGFACE_OK)
		return 1;
	if (status->code != PGFACE_ERR_NO_FACE)
		return -1;
	fprintf(stderr, "pgface: %s: embed() finds no face; the picture has none marked\n", file);
	return 0;
}

int
command_draw(const pgface_models *models, const pgface_pipeline_options *options, const char *file,
             const char *out)
{
	size_t length = 0;
	unsigned char *bytes = read_file(file, &length);
	pgface_status status = {0};
	pgface_image image = {0};
	pgface_face *faces = NULL;
	int count = 0;
	float embedding[PGFACE_MAX_DIMS];
	pgface_face chosen = {.embedding = embedding};
	int found = -1; /* find_chosen_face's answer */
	int match = -1;
	int error;

	if (bytes == NULL)
	{
		fprintf(stderr, "pgface: %s: %s\n", file, strerror(errno));
		return 1;
	}
	/* faces() first: it refuses the photo over the byte and pixel limits, as SQL would. */
	if (pgface_find_faces(models, bytes, length, options, &faces, &count, &status) != PGFACE_OK ||
	    pgface_image_decode(bytes, length, options->max_image_pixels, &image, &status) !=
	        PGFACE_OK ||
	    (found = find_chosen_face(models, options, file, bytes, length, &chosen, &status)) < 0)
	{
		fprintf(stderr, "pgface: %s: %s\n", file, status.message);
		pgface_image_free(&image);
		pgface_free(faces);
		free(bytes);
		return 1;
	}
	if (found)
		match = matching_face(faces, count, &chosen.box);
	draw_faces(&image, faces, count, found ? &chosen : NULL, match);
	error = png_write_file(out, &image);
	if (error != 0)
		fprintf(stderr, "pgface: %s: %s\n", out, strerror(error));
	else
		print_result(file, out, count, found ? &chosen : NULL, match);
	pgface_image_free(&image);
	pgface_free(faces);
	free(bytes);
	return error != 0;
}
