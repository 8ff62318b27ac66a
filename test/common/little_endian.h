/*
 * little_endian.h: writing the .pgfm format's little-endian integers and its header, for
 * the programs that build model files (the unit tests, the fuzzers' seeds and harness).
 */
#ifndef PGFACE_TEST_LITTLE_ENDIAN_H
#define PGFACE_TEST_LITTLE_ENDIAN_H

#include <stdint.h>
#include <string.h>

#include "nn/model_file.h"

static inline void
put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char) (v >> (8 * i));
}

static inline void
put_u64(unsigned char *p, uint64_t v)
{
	put_u32(p, (uint32_t) v);
	put_u32(p + 4, (uint32_t) (v >> 32));
}

/* The header as models/README.md lays it out, but for the checksum (offset 40), left as is. */
static inline void
put_model_header(unsigned char *file, uint32_t tensors, uint64_t data_offset, uint64_t size)
{
	memcpy(file, PGFACE_MODEL_MAGIC, 8);
	put_u32(file + 8, PGFACE_MODEL_FORMAT_VERSION);
	put_u32(file + 12, tensors);
	put_u64(file + 16, PGFACE_MODEL_HEADER_BYTES);
	put_u64(file + 24, data_offset);
	put_u64(file + 32, size);
}

#endif
