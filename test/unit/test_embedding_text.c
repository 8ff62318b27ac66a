/*
 * test_embedding_text.c: the text form is strict on input and exact on output.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/embedding.h"
#include "unit.h"

/* xorshift32: a fixed stream, so a failure reproduces. */
static uint32_t
next_random(uint32_t *state)
{
	uint32_t x = *state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

static pgface_emb_parse_result
parse3(const char *text, float *out)
{
	return pgface_emb_parse(text, out, 3);
}

/* One malformed input and how the parser must describe it; -1 means "any". */
typedef struct rejection
{
	const char *input;
	pgface_emb_status status;
	int offset;
	int count;
} rejection;

/* Parses each input as a 3-value embedding and compares the verdict with the table. */
static void
check_rejections(const rejection *cases, size_t ncases)
{
	for (size_t i = 0; i < ncases; i++)
	{
		float v[3];
		pgface_emb_parse_result r = parse3(cases[i].input, v);
		int as_expected = r.status == cases[i].status &&
		                  (cases[i].offset < 0 || (int) r.offset == cases[i].offset) &&
		                  (cases[i].count < 0 || r.count == cases[i].count);
		if (!as_expected)
			printf("#   input \"%s\": status %d offset %zu count %d\n", cases[i].input,
			       (int) r.status, r.offset, r.count);
		CHECK(as_expected);
	}
}

#define CHECK_REJECTIONS(table) check_rejections(table, sizeof(table) / sizeof(table[0]))

static void
accepts_well_formed_lists(void)
{
	float v[3];
	pgface_emb_parse_result r = parse3("[1,2,3]", v);

	CHECK(r.status == PGFACE_EMB_OK && r.count == 3);
	CHECK(v[0] == 1.0f && v[1] == 2.0f && v[2] == 3.0f);

	r = parse3(" \t[ 1 ,-2.5e-3,\n3.25 ]\n ", v);
	CHECK(r.status == PGFACE_EMB_OK);
	CHECK(v[0] == 1.0f && v[1] == -2.5e-3f && v[2] == 3.25f);

	r = parse3("[1.4e-45,-3.4028235e38,0e-99]", v);
	CHECK(r.status == PGFACE_EMB_OK);
	CHECK(v[0] > 0.0f && v[1] == -3.4028235e38f && v[2] == 0.0f);
}

static void
rejects_empty_input(void)
{
	const rejection cases[] = {
	    {"", PGFACE_EMB_EMPTY, 0, 0},
	    {"  \n ", PGFACE_EMB_EMPTY, 4, 0},
	};
	CHECK_REJECTIONS(cases);
}

static void
rejects_junk_around_and_inside(void)
{
	const rejection cases[] = {
	    {"1,2,3", PGFACE_EMB_SYNTAX, 0, 0},         {"x[1,2,3]", PGFACE_EMB_SYNTAX, 0, 0},
	    {"{1,2,3}", PGFACE_EMB_SYNTAX, 0, 0},       {"[1,2,3]x", PGFACE_EMB_SYNTAX, 7, 3},
	    {"[1,2,3] ]", PGFACE_EMB_SYNTAX, 8, 3},     {"[1,2,3", PGFACE_EMB_SYNTAX, 6, 3},
	    {"[1 2 3]", PGFACE_EMB_SYNTAX, 3, 1},       {"[1;2;3]", PGFACE_EMB_SYNTAX, 2, 1},
	    {"[1,2x,3]", PGFACE_EMB_SYNTAX, 4, 2},      {"[1,,3]", PGFACE_EMB_BAD_NUMBER, 3, 1},
	    {"[1,abc,3]", PGFACE_EMB_BAD_NUMBER, 3, 1}, {"[1,2,3,]", PGFACE_EMB_BAD_NUMBER, 7, 3},
	    {"[,1,2,3]", PGFACE_EMB_BAD_NUMBER, 1, 0},  {"[1,2,-]", PGFACE_EMB_BAD_NUMBER, 5, 2},
	};
	CHECK_REJECTIONS(cases);
}

static void
rejects_values_beyond_float4(void)
{
	const rejection cases[] = {
	    {"[1e39,0,0]", PGFACE_EMB_OUT_OF_RANGE, 1, 0},
	    {"[0,-3.5e38,0]", PGFACE_EMB_OUT_OF_RANGE, 3, 1},
	    {"[0,0,1e-50]", PGFACE_EMB_OUT_OF_RANGE, 5, 2},
	};
	CHECK_REJECTIONS(cases);
}

static void
rejects_nan_and_infinity(void)
{
	const rejection cases[] = {
	    {"[NaN,0,0]", PGFACE_EMB_NOT_FINITE, 1, 0},
	    {"[0,nan,0]", PGFACE_EMB_NOT_FINITE, 3, 1},
	    {"[0,0,-nan]", PGFACE_EMB_NOT_FINITE, 5, 2},
	    {"[inf,0,0]", PGFACE_EMB_NOT_FINITE, 1, 0},
	    {"[0,-Infinity,0]", PGFACE_EMB_NOT_FINITE, 3, 1},
	    {"[0,0,+INF]", PGFACE_EMB_NOT_FINITE, 5, 2},
	};
	CHECK_REJECTIONS(cases);
}

static void
counts_values_of_wrong_dimension(void)
{
	const rejection cases[] = {
	    {"[1,2]", PGFACE_EMB_WRONG_DIMS, -1, 2},
	    {"[1,2,3,4,5]", PGFACE_EMB_WRONG_DIMS, -1, 5},
	    {"[]", PGFACE_EMB_WRONG_DIMS, -1, 0},
	    {"[ ]", PGFACE_EMB_WRONG_DIMS, -1, 0},
	};
	CHECK_REJECTIONS(cases);
}

static void
formats_shortest_decimal(void)
{
	const float v[] = {0.1f,        1.0f,   -0.0f,       1e10f,   3.4028235e38f, 1.4e-45f,
	                   -0.3333333f, 100.0f, 12345678.0f, 0.0001f, 0.00001f,      9.96f};
	enum
	{
		N = sizeof(v) / sizeof(v[0])
	};
	char buf[PGFACE_EMB_TEXT_MAX(N)];
	size_t len = pgface_emb_format(v, N, buf, sizeof(buf));

	CHECK(len == strlen(buf));
	CHECK(strcmp(buf, "[0.1,1,-0,1e+10,3.4028235e+38,1e-45,-0.3333333,100,12345678,0.0001,1e-05,"
	                  "9.96]") == 0);
	CHECK(pgface_emb_format(v, N, buf, PGFACE_EMB_TEXT_MAX(N) - 1) == 0 && buf[0] == '\0');
}

/*
 * Significant digits of a rendering: leading and trailing zeros of the mantissa
 * do not count ("1200" and "1.2e+03" both have two).
 */
static int
significant_digits(const char *text)
{
	char digits[64];
	int count = 0;
	int start = 0;

	for (const char *p = text; *p != '\0' && *p != 'e' && count < 63; p++)
		if (*p >= '0' && *p <= '9')
			digits[count++] = *p;
	while (start < count && digits[start] == '0')
		start++;
	while (count > start && digits[count - 1] == '0')
		count--;
	return count > start ? count - start : 1;
}

/*
 * Random bit patterns cover every exponent, denormals included. Each value must
 * read back bit for bit, and one digit fewer must not be enough.
 */
static void
round_trips_random_bit_patterns(void)
{
	enum
	{
		N = 64,
		ROUNDS = 4000
	};
	uint32_t state = 2463534242u;
	float values[N];
	float parsed[N];
	char buf[PGFACE_EMB_TEXT_MAX(N)];
	int mismatches = 0;
	int not_shortest = 0;

	for (int round = 0; round < ROUNDS; round++)
	{
		for (int i = 0; i < N; i++)
		{
			uint32_t bits;
			do
				bits = next_random(&state);
			while (((bits >> 23) & 0xff) == 0xff);
			memcpy(&values[i], &bits, sizeof(bits));
		}
		pgface_emb_format(values, N, buf, sizeof(buf));
		if (pgface_emb_parse(buf, parsed, N).status != PGFACE_EMB_OK ||
		    memcmp(values, parsed, sizeof(values)) != 0)
			mismatches++;

		for (char *item = strtok(buf + 1, ",]"); item != NULL; item = strtok(NULL, ",]"))
		{
			int digits = significant_digits(item);
			char shorter[400];
			if (digits > 1)
			{
				snprintf(shorter, sizeof(shorter), "%.*g", digits - 1, (double) strtof(item, NULL));
				if (strtof(shorter, NULL) == strtof(item, NULL))
				{
					not_shortest++;
					if (not_shortest <= 3)
						printf("#   %s could be %s\n", item, shorter);
				}
			}
		}
	}
	CHECK(mismatches == 0);
	CHECK(not_shortest == 0);
}

static void
finds_first_non_finite_value(void)
{
	float v[4] = {1.0f, 2.0f, 3.0f, 4.0f};

	CHECK(pgface_emb_first_nonfinite(v, 4) == -1);
	v[2] = NAN;
	CHECK(pgface_emb_first_nonfinite(v, 4) == 2);
	v[1] = -INFINITY;
	CHECK(pgface_emb_first_nonfinite(v, 4) == 1);
}

const unit_test embedding_text_tests[] = {
    {"text: accepts well-formed lists", accepts_well_formed_lists},
    {"text: rejects empty input", rejects_empty_input},
    {"text: rejects junk around and inside the brackets", rejects_junk_around_and_inside},
    {"text: rejects values beyond float4", rejects_values_beyond_float4},
    {"text: rejects NaN and infinity", rejects_nan_and_infinity},
    {"text: counts values of the wrong dimension", counts_values_of_wrong_dimension},
    {"text: formats the shortest decimal", formats_shortest_decimal},
    {"text: round-trips random bit patterns exactly", round_trips_random_bit_patterns},
    {"text: finds the first non-finite value", finds_first_non_finite_value},
    {NULL, NULL},
};
