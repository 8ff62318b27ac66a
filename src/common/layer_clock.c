/*
 * layer_clock.c: the benchmark's per-layer clock (layer_clock.h).
 */
#include "common/layer_clock.h"

#include <stddef.h>

static pgface_layer_clock_fn *installed;

void
pgface_set_layer_clock(pgface_layer_clock_fn *clock)
{
	installed = clock;
}

void
pgface_layer_done(const char *net, const char *layer)
{
	if (installed != NULL)
		installed(net, layer);
}
