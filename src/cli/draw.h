/*
 * draw.h: pgface draw, a photo with the faces pgface finds in it drawn on, as PNG.
 */
#ifndef PGFACE_CLI_DRAW_H
#define PGFACE_CLI_DRAW_H

#include "face/pipeline.h"

/*
 * Draws every face of file (faces()'s, numbered in their order) with its box, its 68
 * landmarks, its number and its quality, marks the face embed() picks, and writes the
 * picture to out as PNG; prints {"file", "out", "faces", "embed_face", "embed_box"} on
 * stdout. 0, or 1 after saying why on stderr (and leaving no out behind).
 */
int command_draw(const pgface_models *models, const pgface_pipeline_options *options,
                 const char *file, const char *out);

#endif
