/*
 * dlib_serialize.h: reading dlib's portable serialization (dlib/serialize.h) from memory,
 * every read bounds-checked, every failure a PGFACE_ERR_MODEL_CORRUPT status naming the
 * byte offset.
 *
 * The encodings:
 * - an integer is a control byte, then that many little-endian bytes of magnitude: the low
 *   4 bits of the control byte count the bytes (1 to sizeof(type)), its top bit is the sign
 *   (signed types only; for unsigned types a set top bit is an error);
 * - a float is two integers, an int64 mantissa and an int16 exponent, worth
 *   mantissa * 2^exponent (exponents 32000, 32001 and 32002 mean +inf, -inf and NaN);
 * - a std::vector is its size (unsigned long), then its elements;
 * - a dlib::matrix is its rows and columns (long, both negated in the current format),
 *   then its elements row by row; a dlib::vector<T,2> is x then y.
 */
#ifndef PGFACE_DLIB_SERIALIZE_H
#define PGFACE_DLIB_SERIALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

typedef struct pgface_dlib_reader
{
	const unsigned char *bytes;
	size_t length;
	size_t offset; /* the next byte to read */
	pgface_status *status;
} pgface_dlib_reader;

/* An unsigned integer of at most max_bytes bytes (4 for unsigned int, 8 for unsigned long). */
pgface_code pgface_dlib_read_unsigned(pgface_dlib_reader *reader, int max_bytes, uint64_t *value,
                                      const char *what);

/* A signed integer of at most max_bytes bytes (2 for short, 4 for int, 8 for long). */
pgface_code pgface_dlib_read_signed(pgface_dlib_reader *reader, int max_bytes, int64_t *value,
                                    const char *what);

/* A float in the binary encoding; infinities, NaNs and values beyond float are refused. */
pgface_code pgface_dlib_read_float(pgface_dlib_reader *reader, float *value, const char *what);

/*
 * A std::vector's size, refused when the bytes left cannot hold that many elements of at
 * least min_element_bytes each, so that a corrupt count never drives an allocation.
 */
pgface_code pgface_dlib_read_count(pgface_dlib_reader *reader, size_t min_element_bytes,
                                   size_t *count, const char *what);

/* A column vector's shape (matrix<T,0,1>): its rows, which must be between 1 and max_rows. */
pgface_code pgface_dlib_read_column_shape(pgface_dlib_reader *reader, size_t max_rows, size_t *rows,
                                          const char *what);

#endif
