/*
 * guc.c: the pgface.* settings.
 */
#include "pgface_pg.h"

#include <limits.h>

#include "utils/guc.h"

char *pgface_model_dir_setting = NULL;
int pgface_max_image_pixels = 50000000;

void
pgface_define_gucs(void)
{
	/* Superuser-only: it decides which files the server maps and runs. */
	DefineCustomStringVariable("pgface.model_dir",
	                           "Directory holding pgface's model files (.pgfm).",
	                           "Empty means the directory \"make install\" fills: SHAREDIR/pgface.",
	                           &pgface_model_dir_setting, "", PGC_SUSET, 0, NULL, NULL, NULL);

	DefineCustomIntVariable(
	    "pgface.max_image_pixels", "Largest image, in pixels, that pgface will decode.",
	    "Checked from the image header before decoding, so an oversized image costs nothing.",
	    &pgface_max_image_pixels, 50000000, 1, INT_MAX, PGC_USERSET, 0, NULL, NULL, NULL);

	MarkGUCPrefixReserved("pgface");
}
