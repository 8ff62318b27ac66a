/*
 * embedding_text.c: the text form "[v1,...,vN]" (or "model:[v1,...,vN]"), read strictly
 * and written exactly.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/embedding.h"

/* Locale-independent white space, matching what PostgreSQL's scanners accept. */
static const char *
skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
		p++;
	return p;
}

static pgface_emb_parse_result
parse_failure(pgface_emb_status status, const char *text, const char *at, int count)
{
	pgface_emb_parse_result result = {status, (size_t) (at - text), count};
	return result;
}

/*
 * strtof accepts "nan" and "inf" spelled out; those are a different mistake
 * from a number too large for float4, so tell them apart by the spelling.
 */
static int
spells_non_finite(const char *token)
{
	if (*token == '+' || *token == '-')
		token++;
	return isalpha((unsigned char) *token);
}

/*
 * The name is only located here: which names exist is the registry's business,
 * and the caller reports an unknown one with the list.
 */
size_t
pgface_emb_model_prefix(const char *text, size_t *name_start, size_t *name_length)
{
	const char *p = skip_space(text);
	const char *name = p;

	while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')
		p++;
	if (p == name)
		return 0;
	*name_start = (size_t) (name - text);
	*name_length = (size_t) (p - name);
	p = skip_space(p);
	if (*p != ':')
		return 0;
	return (size_t) (p + 1 - text);
}

/* One pass, no allocation: the caller owns out, and values past dims are counted, not stored. */
pgface_emb_parse_result
pgface_emb_parse(const char *text, float *out, int dims)
{
	const char *p = skip_space(text);
	int count = 0;

	if (*p == '\0')
		return parse_failure(PGFACE_EMB_EMPTY, text, p, 0);
	if (*p != '[')
		return parse_failure(PGFACE_EMB_SYNTAX, text, p, 0);
	p = skip_space(p + 1);

	if (*p == ']')
		p++;
	else
		for (;;)
		{
			char *end;
			float value;

			errno = 0;
			value = strtof(p, &end);
			if (end == p)
				return parse_failure(PGFACE_EMB_BAD_NUMBER, text, p, count);
			if (isnan(value) || (isinf(value) && spells_non_finite(p)))
				return parse_failure(PGFACE_EMB_NOT_FINITE, text, p, count);
			if (isinf(value) || (errno == ERANGE && value == 0.0f))
				return parse_failure(PGFACE_EMB_OUT_OF_RANGE, text, p, count);
			if (count < dims)
				out[count] = value;
			count++;

			p = skip_space(end);
			if (*p == ',')
				p = skip_space(p + 1);
			else if (*p == ']')
			{
				p++;
				break;
			}
			else
				return parse_failure(PGFACE_EMB_SYNTAX, text, p, count);
		}

	p = skip_space(p);
	if (*p != '\0')
		return parse_failure(PGFACE_EMB_SYNTAX, text, p, count);
	if (count != dims)
		return parse_failure(PGFACE_EMB_WRONG_DIMS, text, text, count);
	return parse_failure(PGFACE_EMB_OK, text, text, count);
}

/*
 * The shortest precision that reads back to the same bits: %.Ng rounds
 * correctly, so the first N that round-trips gives the fewest digits. Nine
 * significant digits always suffice for a float.
 */
static int
shortest_precision(float value, char *buf, size_t size)
{
	int precision = 1;

	for (; precision < 9; precision++)
	{
		snprintf(buf, size, "%.*g", precision, (double) value);
		if (strtof(buf, NULL) == value)
			break;
	}
	return precision;
}

/*
 * Places the significant digits of a "%e" rendering in plain notation, padding
 * with zeros where the exponent reaches past them: "1e+02" becomes "100".
 * buf needs room for sign, "0.000" and nine digits.
 */
static int
plain_from_scientific(const char *scientific, int exponent, char *buf)
{
	char digits[16];
	int ndigits = 0;
	size_t len = 0;
	const char *p = scientific;

	if (*p == '-')
		buf[len++] = *p++;
	for (; *p != 'e' && ndigits < (int) sizeof(digits); p++)
		if (*p != '.')
			digits[ndigits++] = *p;

	if (exponent < 0)
	{
		buf[len++] = '0';
		buf[len++] = '.';
		for (int i = 1; i < -exponent; i++)
			buf[len++] = '0';
		for (int i = 0; i < ndigits; i++)
			buf[len++] = digits[i];
	}
	else
	{
		for (int i = 0; i <= exponent; i++)
			buf[len++] = i < ndigits ? digits[i] : '0';
		if (ndigits > exponent + 1)
		{
			buf[len++] = '.';
			for (int i = exponent + 1; i < ndigits; i++)
				buf[len++] = digits[i];
		}
	}
	buf[len] = '\0';
	return (int) len;
}

/*
 * Writes the shortest digits, in plain notation for magnitudes from 1e-4 to
 * below 1e9 and in scientific notation beyond, as %g does but without %g's
 * switch to "1e+02" whenever one digit is enough.
 */
static int
format_shortest(float value, char *buf, size_t size)
{
	int precision = shortest_precision(value, buf, size);
	char scientific[32];
	int exponent;

	snprintf(scientific, sizeof(scientific), "%.*e", precision - 1, (double) value);
	exponent = atoi(strchr(scientific, 'e') + 1);
	if (exponent >= -4 && exponent < 9)
		return plain_from_scientific(scientific, exponent, buf);
	return snprintf(buf, size, "%.*g", precision, (double) value);
}

size_t
pgface_emb_format(const float *values, int n, char *buf, size_t bufsize)
{
	size_t len = 0;

	if (bufsize < PGFACE_EMB_TEXT_MAX(n))
	{
		if (bufsize > 0)
			buf[0] = '\0';
		return 0;
	}
	buf[len++] = '[';
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			buf[len++] = ',';
		len += (size_t) format_shortest(values[i], buf + len, bufsize - len);
	}
	buf[len++] = ']';
	buf[len] = '\0';
	return len;
}

/* Stored embeddings must stay finite so that every distance is a real number. */
int
pgface_emb_first_nonfinite(const float *values, int n)
{
	for (int i = 0; i < n; i++)
		if (!isfinite(values[i]))
			return i;
	return -1;
}
