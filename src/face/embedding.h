/*
 * embedding.h: the face embedding as plain C data, shared by every layer.
 *
 * An embedding is a fixed number of float values produced by one recognition
 * model. This header knows the models, parses and formats the text form, and
 * measures distances. It has no PostgreSQL dependency: the extension, the CLI
 * and the unit tests all link it.
 */
#ifndef PGFACE_EMBEDDING_H
#define PGFACE_EMBEDDING_H

#include <stddef.h>
#include <stdint.h>

/* Identity of the model that produced an embedding. Stored on disk: never renumber. */
typedef enum pgface_model_tag
{
	PGFACE_MODEL_DLIB_RESNET_V1 = 1, /* face-api's port of dlib's ResNet-29, 128-D */
} pgface_model_tag;

/* The model that embed() uses and that the text form means. */
#define PGFACE_MODEL_DEFAULT PGFACE_MODEL_DLIB_RESNET_V1

/* The largest dimension count any model may have; bounds buffers and binary input. */
#define PGFACE_MAX_DIMS 4096

typedef struct pgface_model_info
{
	pgface_model_tag tag;
	const char *name;
	int dims;
} pgface_model_info;

/* The model registered under this tag, or NULL when the tag is unknown. */
const pgface_model_info *pgface_model_lookup(int tag);

/* How reading an embedding's text form ended. */
typedef enum pgface_emb_status
{
	PGFACE_EMB_OK = 0,
	PGFACE_EMB_EMPTY,        /* nothing but white space */
	PGFACE_EMB_SYNTAX,       /* a bracket or comma missing, or junk around the list */
	PGFACE_EMB_BAD_NUMBER,   /* a list element that is not a number */
	PGFACE_EMB_OUT_OF_RANGE, /* a number beyond float4's range (overflow or underflow) */
	PGFACE_EMB_NOT_FINITE,   /* NaN or infinity */
	PGFACE_EMB_WRONG_DIMS,   /* well formed, but not the model's number of values */
} pgface_emb_status;

typedef struct pgface_emb_parse_result
{
	pgface_emb_status status;
	size_t offset; /* byte offset in the input where the problem starts */
	int count;     /* values read; for WRONG_DIMS, how many the list held */
} pgface_emb_parse_result;

/*
 * Reads "[v1,...,vN]" into out[0..dims-1]. White space is allowed around
 * brackets, commas and values. Anything else, including a count other than
 * dims, is reported in the result; out is only meaningful on PGFACE_EMB_OK.
 */
pgface_emb_parse_result pgface_emb_parse(const char *text, float *out, int dims);

/* Bytes that pgface_emb_format needs for n values, terminating NUL included. */
#define PGFACE_EMB_TEXT_MAX(n) ((size_t) (n) *16 + 3)

/*
 * Writes "[v1,...,vN]" with each value in the shortest decimal form that reads
 * back to the identical float. Returns the length written, without the NUL.
 */
size_t pgface_emb_format(const float *values, int n, char *buf, size_t bufsize);

/* Index of the first NaN or infinite value, or -1 when all are finite. */
int pgface_emb_first_nonfinite(const float *values, int n);

/* Squared Euclidean distance, accumulated in a form the compiler vectorises. */
float pgface_l2_squared(const float *a, const float *b, int n);

/* Euclidean distance. */
double pgface_l2_distance(const float *a, const float *b, int n);

#endif
