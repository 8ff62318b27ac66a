/*
 * little_endian.h: writing the .pgfm format's little-endian integers, for the programs
 * that build model files (the unit tests, the fuzzers' seeds and harness).
 */
#ifndef PGFACE_TEST_LITTLE_ENDIAN_H
#define PGFACE_TEST_LITTLE_ENDIAN_H

#include <stdint.h>

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

#endif
