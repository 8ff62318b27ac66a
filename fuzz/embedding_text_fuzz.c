/*
 * embedding_text_fuzz.c: libFuzzer harness for the face_embedding text input
 * parser (pgface_emb_parse), the code behind face_embedding_in, and for the
 * formatter on whatever the parser accepts.
 *
 * The input, cut at its first NUL as PostgreSQL's cstrings are, is parsed for
 * the model's 128 values. A well-formed list of another length is parsed again
 * for exactly its own length, into a buffer of exactly that size, so that an
 * out-of-bounds store shows up under ASan and the accepting path is reached by
 * short lists too. Every accepted list must survive format -> parse bit for bit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/embedding.h"
#include "face/model_registry.h"

/* The parser's report must stay inside the input and count no more than it read. */
static void
check_result(pgface_emb_parse_result result, size_t length)
{
	if (result.offset > length || result.count < 0 || (size_t) result.count > length)
	{
		fprintf(stderr, "embedding_text_fuzz: status %d offset %zu count %d for %zu bytes\n",
		        result.status, result.offset, result.count, length);
		abort();
	}
}

/* format(values) must parse back to the identical floats. */
static void
check_round_trip(const float *values, int n)
{
	size_t size = PGFACE_EMB_TEXT_MAX(n);
	char *text = malloc(size);
	float *again = malloc(sizeof(float) * (size_t) (n > 0 ? n : 1));
	size_t length;
	pgface_emb_parse_result result;

	if (text == NULL || again == NULL)
		abort();
	length = pgface_emb_format(values, n, text, size);
	if (length == 0 || length >= size || strlen(text) != length)
	{
		fprintf(stderr, "embedding_text_fuzz: format wrote %zu of %zu bytes\n", length, size);
		abort();
	}
	result = pgface_emb_parse(text, again, n);
	if (result.status != PGFACE_EMB_OK || result.count != n ||
	    memcmp(values, again, sizeof(float) * (size_t) n) != 0)
	{
		fprintf(stderr, "embedding_text_fuzz: \"%s\" does not read back (status %d)\n", text,
		        result.status);
		abort();
	}
	free(text);
	free(again);
}

/* Parses for the given number of values into a buffer of exactly that many floats. */
static pgface_emb_parse_result
parse_exact(const char *text, size_t length, int dims)
{
	float *values = malloc(sizeof(float) * (size_t) (dims > 0 ? dims : 1));
	pgface_emb_parse_result result;

	if (values == NULL)
		abort();
	result = pgface_emb_parse(text, values, dims);
	check_result(result, length);
	if (result.status == PGFACE_EMB_OK)
	{
		if (pgface_emb_first_nonfinite(values, dims) >= 0)
		{
			fprintf(stderr, "embedding_text_fuzz: accepted a non-finite value\n");
			abort();
		}
		check_round_trip(values, dims);
	}
	free(values);
	return result;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	size_t length;
	pgface_emb_parse_result result;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	length = strlen(text);

	result = parse_exact(text, length, pgface_model_default()->dims);
	if (result.status == PGFACE_EMB_WRONG_DIMS && result.count <= PGFACE_MAX_DIMS)
	{
		pgface_emb_parse_result exact = parse_exact(text, length, result.count);
		if (exact.status != PGFACE_EMB_OK)
		{
			fprintf(stderr, "embedding_text_fuzz: %d values, but not for dims %d (status %d)\n",
			        result.count, result.count, exact.status);
			abort();
		}
	}
	free(text);
	return 0;
}
