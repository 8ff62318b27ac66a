/*
 * layer_clock.h: where a net tells a benchmark that one of its layers is done,
 * so that per-layer times come from the nets as they really run, not from a
 * copy of their layer sequence. No host but a benchmark installs a clock.
 */
#ifndef PGFACE_LAYER_CLOCK_H
#define PGFACE_LAYER_CLOCK_H

/* Called after each layer with the net's and the layer's names (string constants). */
typedef void pgface_layer_clock_fn(const char *net, const char *layer);

/* Installs the clock, or removes it with NULL. Not thread-safe: a benchmark calls it once. */
void pgface_set_layer_clock(pgface_layer_clock_fn *clock);

/* The nets' call: one test of a pointer when no clock is installed. */
void pgface_layer_done(const char *net, const char *layer);

#endif
