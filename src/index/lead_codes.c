/*
 * lead_codes.c: the bins of the 4-bit lead codes (see lead_codes.h).
 */
#include "index/lead_codes.h"

#include <math.h>

/*
 * Each bin's first code: 21.17 * the normal's quantiles at k / 16 (21.17 is
 * 127 / 6, the codes' standard deviation), to the next whole code. The first
 * bin takes everything below -32 and the last everything from 33.
 */
static const int8_t bin_starts[PGFACE_INDEX_BINS] = {-128, -32, -24, -18, -14, -10, -6, -3,
                                                     0,    4,   7,   11,  15,  19,  25, 33};

/* Bins are few and fixed, so a search of 16 is as fast as a table and needs no setup. */
int
pgface_index_bin_of(int8_t code)
{
	int bin = PGFACE_INDEX_BINS - 1;

	while (code < bin_starts[bin])
		bin--;
	return bin;
}

int
pgface_index_bin_first(int bin)
{
	return bin_starts[bin];
}

int
pgface_index_bin_last(int bin)
{
	return bin + 1 < PGFACE_INDEX_BINS ? bin_starts[bin + 1] - 1 : INT8_MAX;
}

/* Two axes a byte, the even axis low, so that one byte shuffle per nibble looks up a plane. */
void
pgface_index_encode_planes(const pgface_index_point *point, uint8_t *planes)
{
	for (int j = 0; j < PGFACE_INDEX_PLANES; j++)
		planes[j] = (uint8_t) (pgface_index_bin_of(point->code[2 * j]) |
		                       pgface_index_bin_of(point->code[2 * j + 1]) << 4);
}

/* The minimum over every code of the bin, so it bounds each of them from below, NaN aside. */
void
pgface_index_fill_bin_terms(const float (*gap_table)[256], float (*bin_terms)[PGFACE_INDEX_BINS])
{
	for (int a = 0; a < PGFACE_INDEX_BINNED_AXES; a++)
		for (int bin = 0; bin < PGFACE_INDEX_BINS; bin++)
		{
			float smallest = INFINITY;

			for (int code = pgface_index_bin_first(bin); code <= pgface_index_bin_last(bin); code++)
				smallest = fminf(smallest, gap_table[a][(uint8_t) code]);
			bin_terms[a][bin] = smallest;
		}
}
