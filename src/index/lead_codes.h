/*
 * lead_codes.h: the 4-bit codes face_va stores for a face's leading axes.
 *
 * A face_va scan is bound by the bytes its first pass reads a face (1M faces:
 * the byte filter over 24 int8 lead codes kept as many faces as a 4-bit code
 * of 32 axes does, from a third more bytes; doc/benchmarks.md, "Four-bit lead
 * codes"). So the first 32 axes are stored as bins of their int8 codes, two
 * to a byte, and a probe bounds a face in a bin by the smallest term of any
 * code in it: a sum of such terms is still a lower bound. The bins are fixed:
 * codes are coordinates over 6 sigma / 127 steps (point.h), so on every axis
 * they spread as N(0, (127 / 6)^2) whatever the model, and the bins cut that
 * normal into 16 equal shares.
 */
#ifndef PGFACE_INDEX_LEAD_CODES_H
#define PGFACE_INDEX_LEAD_CODES_H

#include <stdint.h>

#include "index/point.h"

#define PGFACE_INDEX_BINNED_AXES 32
#define PGFACE_INDEX_BINS        16
/* Plane j holds axis 2j in its low 4 bits and axis 2j + 1 in its high 4. */
#define PGFACE_INDEX_PLANES (PGFACE_INDEX_BINNED_AXES / 2)
/* The axes after the binned ones keep their int8 codes. */
#define PGFACE_INDEX_BYTE_AXES (PGFACE_INDEX_AXES - PGFACE_INDEX_BINNED_AXES)

/* The bin of an int8 code (any of the 256, -128 in the first). */
int pgface_index_bin_of(int8_t code);

/* The first and last code of a bin. */
int pgface_index_bin_first(int bin);
int pgface_index_bin_last(int bin);

/* A point's binned axes as planes (PGFACE_INDEX_PLANES bytes). */
void pgface_index_encode_planes(const pgface_index_point *point, uint8_t *planes);

/*
 * Each binned axis's smallest term over each bin, from a gap table (probe.h):
 * table[axis][bin].
 */
void pgface_index_fill_bin_terms(const float (*gap_table)[256],
                                 float (*bin_terms)[PGFACE_INDEX_BINS]);

#endif
