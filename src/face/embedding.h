/*
 * embedding.h: the face embedding as plain C data, shared by every layer.
 *
 * An embedding is a fixed number of float values produced by one recognition
 * model (face/model_registry.h says which models exist). This header parses and
 * formats the text form and measures distances. It has no PostgreSQL dependency: the extension, the
 * CLI and the unit tests all link it.
 */
#ifndef PGFACE_EMBEDDING_H
#define PGFACE_EMBEDDING_H

#include <stddef.h>
#include <stdint.h>

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

/*
 * The text form of a model other than the default one starts with its name and a
 * colon: "test_resnet_copy:[...]". Returns the length of that prefix, colon and
 * white space included, and where the name lies; 0 when the text has none.
 */
size_t pgface_emb_model_prefix(const char *text, size_t *name_start, size_t *name_length);

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
