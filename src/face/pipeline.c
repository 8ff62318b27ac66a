/*
 * pipeline.c: decode, prepare the chip, run the net.
 */
#include "face/pipeline.h"

#include <math.h>
#include <string.h>

#include "common/heap_reuse.h"
#include "common/runtime.h"
#include "img/image.h"

/* Runs the model's net on one chip; a model whose weights were not opened is a caller's error. */
static pgface_code
embed_chip_pixels(const pgface_models *models, const pgface_recognition_model *model,
                  const float *chip, float *embedding, pgface_status *status)
{
	const void *net = pgface_models_recognition(models, model);

	if (net == NULL)
		return pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT,
		                   "recognition model \"%s\" is not loaded", model->name);
	return model->embed(net, chip, embedding, status);
}

/*
 * The net's embedding of an aligned chip averaged with its mirror image's. A
 * face and its mirror are the same person, and the net's errors on the two
 * are partly independent, so the mean is the better estimate: on LFW it moves
 * 10-fold accuracy from 98.83% to 99.07% for one more pass of the net. The
 * faceapi alignment keeps face-api's single pass, to reproduce its descriptors,
 * and options->mirror_average lets a user trade the gain for the pass.
 */
static pgface_code
embed_with_mirror(const pgface_models *models, const pgface_recognition_model *model,
                  const float *chip, float *embedding, pgface_status *status)
{
	const size_t chip_floats = (size_t) model->chip.size * model->chip.size * 3;
	float *mirrored = pgface_alloc(sizeof(float) * (chip_floats + (size_t) model->dims));
	float *mirrored_embedding = mirrored + chip_floats;
	pgface_code code;

	if (mirrored == NULL)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for the mirrored chip");
	pgface_chip_mirror(chip, model->chip.size, mirrored);
	code = embed_chip_pixels(models, model, chip, embedding, status);
	if (code == PGFACE_OK)
	{
		pgface_check_interrupts();
		code = embed_chip_pixels(models, model, mirrored, mirrored_embedding, status);
	}
	if (code == PGFACE_OK)
		for (int i = 0; i < model->dims; i++)
			embedding[i] = 0.5f * (embedding[i] + mirrored_embedding[i]);
	pgface_free(mirrored);
	return code;
}

/* One definition of the defaults, so the CLI and the benchmarks embed as the extension does. */
pgface_pipeline_options
pgface_default_pipeline_options(void)
{
	pgface_pipeline_options options = {.max_image_pixels = PGFACE_DEFAULT_MAX_IMAGE_PIXELS,
	                                   .detector_input_size = 416,
	                                   .detector_threshold = 0.5,
	                                   .alignment = PGFACE_ALIGN_DLIB,
	                                   .max_image_bytes =
	                                       (size_t) PGFACE_DEFAULT_MAX_IMAGE_KB * 1024,
	                                   .mirror_average = 1,
	                                   .model = pgface_model_default(),
	                                   .landmarks = PGFACE_LANDMARKS_FACEAPI};
	return options;
}

int
pgface_landmarks_need_shape_predictor(pgface_landmark_source source)
{
	return source == PGFACE_LANDMARKS_DLIB || source == PGFACE_LANDMARKS_MEAN;
}

/*
 * The 68 landmarks of the face in box by the configured source. dlib's predictor was
 * trained on its own detector's boxes, so the tiny detector's box is mapped to that
 * convention first; the predictor must have been read (the caller's job, since only it
 * knows where the file is and how to report its absence).
 */
static pgface_code
find_landmarks(const pgface_models *models, const pgface_image *image, const pgface_box *box,
               pgface_landmark_source source, pgface_point *points, pgface_status *status)
{
	pgface_point dlib_points[PGFACE_LANDMARKS];
	pgface_box dlib_box;

	if (source == PGFACE_LANDMARKS_FACEAPI)
		return pgface_landmarks_detect(pgface_models_landmarks(models), image, box, points, status);
	if (models->shape_predictor == NULL)
		return pgface_fail(status, PGFACE_ERR_INVALID_ARGUMENT,
		                   "dlib's shape predictor is not loaded");
	if (models->shape_predictor->parts != PGFACE_LANDMARKS)
		return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT,
		                   "the shape predictor has %d landmarks, not %d",
		                   models->shape_predictor->parts, PGFACE_LANDMARKS);
	dlib_box = pgface_shape_box_from_detector(box);
	if (source == PGFACE_LANDMARKS_DLIB)
		return pgface_shape_predict(models->shape_predictor, image, &dlib_box, points, status);
	if (pgface_landmarks_detect(pgface_models_landmarks(models), image, box, points, status) ||
	    pgface_shape_predict(models->shape_predictor, image, &dlib_box, dlib_points, status))
		return status->code;
	for (int i = 0; i < PGFACE_LANDMARKS; i++)
	{
		points[i].x = 0.5 * (points[i].x + dlib_points[i].x);
		points[i].y = 0.5 * (points[i].y + dlib_points[i].y);
	}
	return PGFACE_OK;
}

/* Landmarks, alignment, quality and the recognition net for one detected face. */
static pgface_code
describe_face(const pgface_models *models, const pgface_image *image, const pgface_box *box,
              const pgface_pipeline_options *options, pgface_face *face, pgface_status *status)
{
	const pgface_recognition_model *model = options->model;
	float *chip = pgface_alloc(sizeof(float) * model->chip.size * model->chip.size * 3);
	pgface_code code;

	if (chip == NULL)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for the face chip");
	face->box = *box;
	face->turn = 1;
	code = find_landmarks(models, image, box, options->landmarks, face->landmarks, status);
	if (code == PGFACE_OK)
		code = pgface_align_face(image, face->landmarks, options->alignment, &model->chip, chip,
		                         status);
	if (code == PGFACE_OK)
		pgface_face_quality_measure(image, box, face->landmarks, chip, model->chip.size,
		                            model->quality, &face->quality);
	if (code == PGFACE_OK &&
	    (options->alignment == PGFACE_ALIGN_FACEAPI || !options->mirror_average))
		code = embed_chip_pixels(models, model, chip, face->embedding, status);
	else if (code == PGFACE_OK)
		code = embed_with_mirror(models, model, chip, face->embedding, status);
	pgface_free(chip);
	return code;
}

/*
 * The tiny detector sees faces over a limited range of sizes relative to its
 * input: at 416 it misses faces that fill much of the photo (an ID picture, a
 * tight crop, most of LFW), which it finds when shown the photo smaller. So
 * embed() also looks at these sizes, but only for a face covering the centre
 * of the photo, which a face that fills it does. faces() keeps to the
 * configured size, and so to the reference detector's precision.
 *
 * They all run for every photo: a smaller size often frames a face better even
 * where the configured one finds it (on LFW, 320 scores best for half the faces
 * that 416 finds), and the box decides the landmarks. Cheaper rules that stop at
 * the first size finding a centred face cost accuracy (doc/pipeline.md): 416 and
 * 320 always, LFW 99.05% and the ratio rule's DIR at FAR 0.1% 1.7 points lower;
 * 416 first, 99.02%; every size, 99.15%.
 */
static const int extra_input_sizes[] = {320, 224, 160, 128};

/*
 * The one way the pipeline decodes: the input's length is judged before any byte of it is
 * read, then the decoder judges the pixel count from the header before allocating.
 */
static pgface_code
decode_within_limits(const unsigned char *bytes, size_t length,
                     const pgface_pipeline_options *options, pgface_image *image,
                     pgface_status *status)
{
	pgface_keep_freed_memory(); /* every photo's path starts here */
	image->rgb = NULL;
	if (options->max_image_bytes > 0 && length > options->max_image_bytes)
		return pgface_fail(status, PGFACE_ERR_INPUT_TOO_LARGE,
		                   "the image is %zu bytes, over the limit of %zu", length,
		                   options->max_image_bytes);
	return pgface_image_decode(bytes, length, options->max_image_pixels, image, status);
}

/* Decodes the photo and runs the detector at one size; the caller frees both outputs. */
static pgface_code
detect(const pgface_models *models, const unsigned char *bytes, size_t length,
       const pgface_pipeline_options *options, pgface_image *image, pgface_box **boxes, int *count,
       pgface_status *status)
{
	*boxes = NULL;
	if (decode_within_limits(bytes, length, options, image, status) != PGFACE_OK)
		return status->code;
	if (pgface_detect_faces(pgface_models_detector(models), image, options->detector_input_size,
	                        options->detector_threshold, boxes, count, status) != PGFACE_OK)
	{
		pgface_image_free(image);
		return status->code;
	}
	return PGFACE_OK;
}

static int
covers(const pgface_box *box, double x, double y)
{
	return box->x <= x && x <= box->x + box->width && box->y <= y && y <= box->y + box->height;
}

/*
 * The detector at one size: its best-scoring face covering the centre of the
 * photo into *centred unless *found_centred says a better one is there; and,
 * when anywhere is set, the best-scoring face anywhere into *anywhere. Each
 * found flag is left alone when there is none.
 */
static pgface_code
best_faces_at(const pgface_models *models, const pgface_image *image, int input_size,
              const pgface_pipeline_options *options, pgface_box *centred, int *found_centred,
              pgface_box *anywhere, int *found_anywhere, pgface_status *status)
{
	pgface_box *boxes;
	int count;

	pgface_check_interrupts();
	if (pgface_detect_faces(pgface_models_detector(models), image, input_size,
	                        options->detector_threshold, &boxes, &count, status) != PGFACE_OK)
		return status->code;
	/* best score first: the first box that qualifies is the one */
	for (int i = 0; i < count; i++)
		if (covers(&boxes[i], image->width / 2.0, image->height / 2.0))
		{
			if (!*found_centred || boxes[i].score > centred->score)
				*centred = boxes[i];
			*found_centred = 1;
			break;
		}
	if (anywhere != NULL && count > 0)
	{
		*anywhere = boxes[0];
		*found_anywhere = 1;
	}
	pgface_free(boxes);
	return PGFACE_OK;
}

/*
 * The most prominent face: the best-scoring face covering the centre of the
 * photo (the subject of a portrait, an ID photo, a cropped picture) at any of
 * the sizes; else the best-scoring face anywhere at the configured size. *found
 * is 0 when there is none. The smaller sizes never give a face off the centre,
 * where at those sizes the detector's false faces lie (a photo of dogs has two
 * at 320).
 */
static pgface_code
most_prominent_face(const pgface_models *models, const pgface_image *image,
                    const pgface_pipeline_options *options, pgface_box *best, int *found,
                    pgface_status *status)
{
	pgface_box anywhere;
	int found_anywhere = 0;

	*found = 0;
	if (best_faces_at(models, image, options->detector_input_size, options, best, found, &anywhere,
	                  &found_anywhere, status) != PGFACE_OK)
		return status->code;
	for (size_t i = 0; i < sizeof(extra_input_sizes) / sizeof(extra_input_sizes[0]); i++)
		if (extra_input_sizes[i] < options->detector_input_size &&
		    best_faces_at(models, image, extra_input_sizes[i], options, best, found, NULL, NULL,
		                  status) != PGFACE_OK)
			return status->code;
	if (!*found && found_anywhere)
	{
		*best = anywhere;
		*found = 1;
	}
	return PGFACE_OK;
}

/* EXIF orientations that turn an image by a half turn, and by a quarter turn either way. */
static const int quarter_turns[] = {3, 6, 8};

/*
 * How much above the crop as it is a turned crop must score for the photo to be searched
 * again turned (the search then decides). An upside-down face often scores nearly as high
 * as the same face upright, so a half turn is tried even when it scores a little lower; a
 * sideways face scores low, so a quarter turn must score higher. Each search costs a whole
 * detection, and with the half turn's margin on every turn one in several upright photos
 * paid for one (about 19 ms a photo on average, against 3 ms now).
 */
#define HALF_TURN_SCORE_MARGIN    (-0.1)
#define QUARTER_TURN_SCORE_MARGIN 0.05

/*
 * How much higher the turned photo's face must score than the face as it is, for the
 * turned one to be taken: between the two populations measured on LFW. Three of its 7,701
 * upright faces scored 0.05 to 0.10 higher turned upside down; of 300 of its photos turned
 * by a half, 90% gained more than 0.13 (doc/landmarks.md).
 */
#define TURN_SCORE_GAIN 0.12

/* The detector's input size for judging a face's turn: small, since the crop is the face. */
#define TURN_INPUT_SIZE 160

/*
 * The best score of a face covering the centre of a region of the image turned by an EXIF
 * orientation, at TURN_INPUT_SIZE; 0 for none.
 */
static pgface_code
centred_score(const pgface_models *models, const pgface_image *image, const pgface_region *region,
              int orientation, const pgface_pipeline_options *options, double *score,
              pgface_status *status)
{
	pgface_box *boxes;
	int count, width, height;

	*score = 0.0;
	if (pgface_detect_faces_in_region(pgface_models_detector(models), image, region, orientation,
	                                  TURN_INPUT_SIZE, options->detector_threshold, &boxes, &count,
	                                  status))
		return status->code;
	pgface_region_turned_size(region, orientation, &width, &height);
	for (int i = 0; i < count; i++)
		if (covers(&boxes[i], width / 2.0, height / 2.0))
		{
			*score = boxes[i].score;
			break;
		}
	pgface_free(boxes);
	return PGFACE_OK;
}

/*
 * The turn (an EXIF orientation: 1 for none, or one of quarter_turns) that makes the face
 * in box upright. The tiny detector finds some upside-down faces at its small sizes, and
 * the landmark net then puts an upright face's 68 points on them, so the chip would be of
 * nobody (0.57 to 0.78 from the upright photo's embedding). The detector, trained on
 * upright faces, scores a face highest the right way up: the square around the face is
 * shown to it turned each way, at a small size (a few ms each), read from the photo in
 * place rather than cut out and turned.
 */
static pgface_code
upright_turn(const pgface_models *models, const pgface_image *image, const pgface_box *box,
             const pgface_pipeline_options *options, int *turn, pgface_status *status)
{
	double side = 1.6 * fmax(box->width, box->height);
	pgface_region square;
	double upright_score, best_score = 0.0;

	*turn = 1;
	if (pgface_image_crop_region(image, box->x + box->width / 2 - side / 2,
	                             box->y + box->height / 2 - side / 2, side, side, &square,
	                             status) ||
	    centred_score(models, image, &square, 1, options, &upright_score, status))
		return status->code;
	for (size_t i = 0; i < sizeof(quarter_turns) / sizeof(quarter_turns[0]); i++)
	{
		double score;

		pgface_check_interrupts();
		if (centred_score(models, image, &square, quarter_turns[i], options, &score, status))
			return status->code;
		score -= quarter_turns[i] == 3 ? HALF_TURN_SCORE_MARGIN : QUARTER_TURN_SCORE_MARGIN;
		if (score > upright_score && score > best_score)
		{
			best_score = score;
			*turn = quarter_turns[i];
		}
	}
	return PGFACE_OK;
}

/*
 * The photo turned by turn and searched again. Its face replaces *best, and the turned photo
 * the photo, when the detector judges that face upright and it scores TURN_SCORE_GAIN higher
 * than *best (when *found is 0: any score); otherwise both stay as they were.
 */
static pgface_code
search_turned(const pgface_models *models, pgface_image *image,
              const pgface_pipeline_options *options, int turn, pgface_box *best, int *found,
              int *turned_by, pgface_status *status)
{
	pgface_image turned = {0};
	pgface_box turned_best;
	int turned_found = 0;
	int turned_turn = 1;

	if (pgface_image_crop(image, 0, 0, image->width, image->height, &turned, status) ||
	    pgface_image_orient(&turned, turn, status) ||
	    most_prominent_face(models, &turned, options, &turned_best, &turned_found, status) ||
	    (turned_found &&
	     upright_turn(models, &turned, &turned_best, options, &turned_turn, status)))
	{
		pgface_image_free(&turned);
		return status->code;
	}
	if (turned_found && turned_turn == 1 &&
	    (!*found || turned_best.score > best->score + TURN_SCORE_GAIN))
	{
		pgface_image_free(image);
		*image = turned;
		*best = turned_best;
		*found = 1;
		*turned_by = turn;
		return PGFACE_OK;
	}
	pgface_image_free(&turned);
	return PGFACE_OK;
}

/*
 * The most prominent face, upright. When the detector's scores say the face it found is
 * turned, the photo is turned and searched again, so that the face is found, framed and
 * aligned the right way up; the turned photo's face is taken when it scores clearly
 * higher. When it finds none, the photo is searched turned each way: a face found so, and
 * upright by the same test, is the face (a photo taken sideways without an EXIF tag).
 */
static pgface_code
most_prominent_upright_face(const pgface_models *models, pgface_image *image,
                            const pgface_pipeline_options *options, pgface_box *best, int *found,
                            int *turned_by, pgface_status *status)
{
	int turn;

	*turned_by = 1;
	if (most_prominent_face(models, image, options, best, found, status))
		return status->code;
	if (*found)
	{
		/*
		 * A turned photo's face is taken only when it scores TURN_SCORE_GAIN higher, which
		 * no score (a sigmoid's, at most 1) can when this one is within that gain of 1: the
		 * turn is then not judged at all, and the answer is the same.
		 */
		if (best->score + TURN_SCORE_GAIN >= 1.0)
			return PGFACE_OK;
		if (upright_turn(models, image, best, options, &turn, status) || turn == 1)
			return status->code;
		return search_turned(models, image, options, turn, best, found, turned_by, status);
	}
	for (size_t i = 0; i < sizeof(quarter_turns) / sizeof(quarter_turns[0]) && !*found; i++)
		if (search_turned(models, image, options, quarter_turns[i], best, found, turned_by, status))
			return status->code;
	return PGFACE_OK;
}

/*
 * Where a point of the photo turned by an EXIF orientation came from in the photo as it
 * was (width x height), in continuous pixel coordinates: the inverse of
 * pgface_image_orient for the turns embed() searches.
 */
static pgface_point
unturn_point(pgface_point p, int turn, int width, int height)
{
	pgface_point source = p;

	if (turn == 3)
		source.x = width - p.x, source.y = height - p.y;
	else if (turn == 6)
		source.x = p.y, source.y = height - p.x;
	else if (turn == 8)
		source.x = width - p.y, source.y = p.x;
	return source;
}

/*
 * A face found in the photo turned by face->turn, moved back into the photo's own pixels
 * (width x height), so that callers can draw it on the photo they decoded.
 */
static void
unturn_face(pgface_face *face, int width, int height)
{
	pgface_point a = {face->box.x, face->box.y};
	pgface_point b = {face->box.x + face->box.width, face->box.y + face->box.height};

	if (face->turn == 1)
		return;
	a = unturn_point(a, face->turn, width, height);
	b = unturn_point(b, face->turn, width, height);
	face->box.x = fmin(a.x, b.x);
	face->box.y = fmin(a.y, b.y);
	face->box.width = fabs(b.x - a.x);
	face->box.height = fabs(b.y - a.y);
	for (int i = 0; i < PGFACE_LANDMARKS; i++)
		face->landmarks[i] = unturn_point(face->landmarks[i], face->turn, width, height);
}

pgface_code
pgface_photo_face(const pgface_models *models, const unsigned char *bytes, size_t length,
                  const pgface_pipeline_options *options, pgface_face *face, pgface_status *status)
{
	pgface_image image = {0};
	pgface_box box;
	int found, turn, width, height;
	pgface_code code;

	if (decode_within_limits(bytes, length, options, &image, status) != PGFACE_OK)
		return status->code;
	width = image.width; /* the search may replace the image with a turned copy */
	height = image.height;
	if (most_prominent_upright_face(models, &image, options, &box, &found, &turn, status) !=
	    PGFACE_OK)
	{
		pgface_image_free(&image);
		return status->code;
	}
	if (!found)
	{
		pgface_image_free(&image);
		return pgface_fail(status, PGFACE_ERR_NO_FACE, "no face found in the photo");
	}
	code = describe_face(models, &image, &box, options, face, status);
	face->turn = turn;
	if (code == PGFACE_OK)
		unturn_face(face, width, height);
	pgface_image_free(&image);
	return code;
}

pgface_code
pgface_embed_photo(const pgface_models *models, const unsigned char *bytes, size_t length,
                   const pgface_pipeline_options *options, float *embedding, pgface_status *status)
{
	pgface_face *face = pgface_alloc(sizeof(pgface_face));
	pgface_code code;

	if (face == NULL)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory");
	face->embedding = embedding;
	code = pgface_photo_face(models, bytes, length, options, face, status);
	pgface_free(face);
	return code;
}

/* The faces and their embeddings in one block, so that one pgface_free releases them. */
static pgface_face *
alloc_faces(int count, int dims)
{
	size_t face_bytes = sizeof(pgface_face) + sizeof(float) * (size_t) dims;
	pgface_face *faces = pgface_alloc_array((size_t) count, face_bytes);

	if (faces != NULL)
	{
		float *embeddings = (float *) (faces + count);

		for (int i = 0; i < count; i++)
			faces[i].embedding = embeddings + (size_t) i * dims;
	}
	return faces;
}

pgface_code
pgface_find_faces(const pgface_models *models, const unsigned char *bytes, size_t length,
                  const pgface_pipeline_options *options, pgface_face **faces, int *count,
                  pgface_status *status)
{
	pgface_image image = {0};
	pgface_box *boxes;
	pgface_code code = PGFACE_OK;

	*faces = NULL;
	if (detect(models, bytes, length, options, &image, &boxes, count, status) != PGFACE_OK)
		return status->code;
	if (*count > 0)
	{
		*faces = alloc_faces(*count, options->model->dims);
		if (*faces == NULL)
			code = pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for %d faces", *count);
		for (int i = 0; i < *count && code == PGFACE_OK; i++)
		{
			pgface_check_interrupts();
			code = describe_face(models, &image, &boxes[i], options, &(*faces)[i], status);
		}
	}
	if (code != PGFACE_OK)
	{
		pgface_free(*faces);
		*faces = NULL;
		*count = 0;
	}
	pgface_free(boxes);
	pgface_image_free(&image);
	return code;
}

pgface_code
pgface_embed_chip(const pgface_models *models, const unsigned char *bytes, size_t length,
                  const pgface_pipeline_options *options, float *embedding, pgface_status *status)
{
	pgface_image image = {0};
	float *chip;
	pgface_code code;

	if (decode_within_limits(bytes, length, options, &image, status) != PGFACE_OK)
		return status->code;
	chip = pgface_alloc(sizeof(float) * options->model->chip.size * options->model->chip.size * 3);
	if (chip == NULL)
	{
		pgface_image_free(&image);
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for the face chip");
	}
	pgface_chip_from_image(&image, options->model->chip.size, chip);
	pgface_image_free(&image);

	code = embed_chip_pixels(models, options->model, chip, embedding, status);
	pgface_free(chip);
	return code;
}
