/*
 * tree_order.c: the split axis and the sorted build's k-d order (see
 * tree_order.h).
 */
#include "index/tree_order.h"

#include <math.h>

/* Each axis's range of centres, weighted by its sigma; the first of the widest wins. */
int
pgface_index_widest_axis(const pgface_embedding_statistics *stats,
                         const float (*centres)[PGFACE_INDEX_AXES], int count)
{
	int best_axis = 0;
	double best_spread = -1.0;

	for (int a = 0; a < PGFACE_INDEX_AXES; a++)
	{
		float low = centres[0][a];
		float high = centres[0][a];

		for (int k = 1; k < count; k++)
		{
			low = low < centres[k][a] ? low : centres[k][a];
			high = high > centres[k][a] ? high : centres[k][a];
		}
		if ((high - low) * stats->axis_sigma[a] > best_spread)
		{
			best_spread = (high - low) * stats->axis_sigma[a];
			best_axis = a;
		}
	}
	return best_axis;
}

/* Equal-probability bins of a normal of sigma 127 / 6 codes; then the splits, widest first. */
void
pgface_index_build_order_prepare(const pgface_embedding_statistics *stats,
                                 pgface_index_build_order *order)
{
	int splits[PGFACE_INDEX_AXES] = {0};
	double sigma_in_codes = PGFACE_INDEX_CODE_LIMIT / 6.0;

	for (int code = -128; code <= 127; code++)
	{
		double probability = 0.5 * (1.0 + erf(code / sigma_in_codes / M_SQRT2));
		int bin = (int) floor(probability * 256.0);

		bin = bin < 0 ? 0 : bin;
		order->bin[(uint8_t) code] = (uint8_t) (bin > 255 ? 255 : bin);
	}
	for (int bit = 0; bit < 64; bit++)
	{
		int best = 0;

		for (int a = 1; a < PGFACE_INDEX_AXES; a++)
			if (ldexp(stats->axis_sigma[a], -splits[a]) >
			    ldexp(stats->axis_sigma[best], -splits[best]))
				best = a;
		order->axis[bit] = (uint8_t) best;
		order->level[bit] = (uint8_t) (7 - (splits[best] < 7 ? splits[best] : 7));
		splits[best]++;
	}
}

/* The bins' bits interleaved, so that the whole order is one integer comparison. */
uint64_t
pgface_index_build_order_key(const pgface_index_build_order *order, const pgface_index_point *point)
{
	uint64_t z = 0;

	for (int bit = 0; bit < 64; bit++)
		z = (z << 1) |
		    ((order->bin[(uint8_t) point->code[order->axis[bit]]] >> order->level[bit]) & 1);
	return z;
}
