/*
 * bands.h: where the passes of an ordered face_va scan end. A scan hands out
 * faces in order of bound, band by band: the first band ends a little past an
 * estimate from above of the nearest face's distance, so a LIMIT 1 query is
 * usually answered by one pass; each later band is chosen from the model's
 * impostor statistics to hold about eight times as many faces.
 */
#ifndef PGFACE_INDEX_BANDS_H
#define PGFACE_INDEX_BANDS_H

#include <stdbool.h>

#include "face/embedding_statistics.h"

/*
 * Where the first band ends, as a squared bound, given nearest_upper, the
 * estimate of the nearest face's squared distance (infinity: no estimate, no
 * end). exact_order: the scan hands out rows by their exact distance, which
 * needs no margin past the estimate beyond the bounds' rounding.
 */
float pgface_index_first_band_end(float nearest_upper, bool exact_order);

/*
 * The squared upper end of the band after one ending at low, in an index of
 * about faces faces; infinity when that band would hold them all.
 */
float pgface_index_next_band(const pgface_embedding_statistics *stats, double faces, float low);

#endif
