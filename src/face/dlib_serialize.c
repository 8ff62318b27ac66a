/*
 * dlib_serialize.c: dlib's integer, float, vector and matrix encodings, read from memory
 * with a check before every byte.
 */
#include "face/dlib_serialize.h"

#include <math.h>

/* dlib's float_details: exponents at and above this one mark infinities and NaN. */
#define DLIB_FLOAT_SPECIAL_EXPONENT 32000

/*
 * Reads the control byte and the magnitude it announces; shared by both signednesses so
 * that the bounds and length checks live in one place. sign_bit receives the top bit.
 */
static pgface_code
read_magnitude(pgface_dlib_reader *reader, int max_bytes, int signed_type, uint64_t *magnitude,
               int *negative, const char *what)
{
	unsigned control;
	unsigned size;

	if (reader->offset >= reader->length)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "truncated at byte %zu reading %s", reader->offset, what);
	control = reader->bytes[reader->offset];
	/* dlib ignores bits 0x70; an unsigned type keeps the sign bit, which makes size > 8 */
	size = signed_type ? control & 0x0F : control & 0x8F;
	*negative = signed_type && (control & 0x80) != 0;
	if (size == 0 || size > (unsigned) max_bytes)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "bad integer control byte 0x%02x at byte %zu reading %s", control,
		                   reader->offset, what);
	if (reader->length - reader->offset - 1 < size)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "truncated at byte %zu reading %s", reader->offset, what);
	*magnitude = 0;
	for (unsigned i = size; i > 0; i--)
		*magnitude = *magnitude << 8 | reader->bytes[reader->offset + i];
	reader->offset += 1 + size;
	return PGFACE_OK;
}

pgface_code
pgface_dlib_read_unsigned(pgface_dlib_reader *reader, int max_bytes, uint64_t *value,
                          const char *what)
{
	int negative;

	return read_magnitude(reader, max_bytes, 0, value, &negative, what);
}

/* dlib negates the magnitude in the type itself; a magnitude the type cannot hold is corrupt. */
pgface_code
pgface_dlib_read_signed(pgface_dlib_reader *reader, int max_bytes, int64_t *value, const char *what)
{
	uint64_t magnitude;
	int negative;
	size_t start = reader->offset;
	uint64_t limit = max_bytes >= 8 ? (uint64_t) INT64_MAX : (1ull << (8 * max_bytes - 1)) - 1;

	if (read_magnitude(reader, max_bytes, 1, &magnitude, &negative, what) != PGFACE_OK)
		return reader->status->code;
	if (magnitude > limit)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "integer out of range at byte %zu reading %s", start, what);
	*value = negative ? -(int64_t) magnitude : (int64_t) magnitude;
	return PGFACE_OK;
}

/*
 * dlib converts as ldexp((float) mantissa, exponent); so does this, so that every weight is
 * the float dlib computes with. A model with non-finite weights cannot be meant.
 */
pgface_code
pgface_dlib_read_float(pgface_dlib_reader *reader, float *value, const char *what)
{
	int64_t mantissa;
	int64_t exponent;
	size_t start = reader->offset;

	/* dlib's older text encoding starts with an ASCII byte, which has bits in 0x70 */
	if (start < reader->length && (reader->bytes[start] & 0x70) != 0)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "byte %zu: not a binary float (dlib's old text encoding is not read) "
		                   "reading %s",
		                   start, what);
	if (pgface_dlib_read_signed(reader, 8, &mantissa, what) != PGFACE_OK ||
	    pgface_dlib_read_signed(reader, 2, &exponent, what) != PGFACE_OK)
		return reader->status->code;
	if (exponent >= DLIB_FLOAT_SPECIAL_EXPONENT)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "infinite or NaN float at byte %zu reading %s", start, what);
	*value = ldexpf((float) mantissa, (int) exponent);
	if (!isfinite(*value))
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "float beyond range at byte %zu reading %s", start, what);
	return PGFACE_OK;
}

pgface_code
pgface_dlib_read_count(pgface_dlib_reader *reader, size_t min_element_bytes, size_t *count,
                       const char *what)
{
	uint64_t value;
	size_t start = reader->offset;

	if (pgface_dlib_read_unsigned(reader, 8, &value, what) != PGFACE_OK)
		return reader->status->code;
	if (min_element_bytes > 0 && value > (reader->length - reader->offset) / min_element_bytes)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "byte %zu: %llu elements of %s cannot fit in the %zu bytes left "
		                   "(truncated?)",
		                   start, (unsigned long long) value, what,
		                   reader->length - reader->offset);
	*count = (size_t) value;
	return PGFACE_OK;
}

/* dlib writes -rows, -columns (older files: rows, columns); either is read, as dlib does. */
pgface_code
pgface_dlib_read_column_shape(pgface_dlib_reader *reader, size_t max_rows, size_t *rows,
                              const char *what)
{
	int64_t nr;
	int64_t nc;
	size_t start = reader->offset;

	if (pgface_dlib_read_signed(reader, 8, &nr, what) != PGFACE_OK ||
	    pgface_dlib_read_signed(reader, 8, &nc, what) != PGFACE_OK)
		return reader->status->code;
	if (nr < 0 || nc < 0)
	{
		nr = -nr;
		nc = -nc;
	}
	if (nc != 1 || nr < 1 || (uint64_t) nr > max_rows)
		return pgface_fail(reader->status, PGFACE_ERR_MODEL_CORRUPT,
		                   "byte %zu: %s is a %lld x %lld matrix, expected a column of 1 to %zu",
		                   start, what, (long long) nr, (long long) nc, max_rows);
	*rows = (size_t) nr;
	return PGFACE_OK;
}
