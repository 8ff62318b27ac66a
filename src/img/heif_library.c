/*
 * heif_library.c: dlopen of libheif on first use (heif_library.h says why).
 */
#include "img/heif_library.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

static pgface_heif_api heif_api;
static pthread_once_t heif_once = PTHREAD_ONCE_INIT;
static int heif_loaded;
static char heif_error[256];

/* Each field of pgface_heif_api and the symbol it holds, in the struct's order. */
static const struct
{
	const char *symbol;
	size_t offset;
} heif_symbols[] = {
#define HEIF_SYMBOL(field)                                                                         \
	{                                                                                              \
		"heif_" #field, offsetof(pgface_heif_api, field)                                           \
	}
    HEIF_SYMBOL(context_alloc),
    HEIF_SYMBOL(context_free),
    HEIF_SYMBOL(context_set_max_decoding_threads),
    HEIF_SYMBOL(context_set_maximum_image_size_limit),
    HEIF_SYMBOL(context_read_from_memory_without_copy),
    HEIF_SYMBOL(context_get_primary_image_handle),
    HEIF_SYMBOL(image_handle_get_ispe_width),
    HEIF_SYMBOL(image_handle_get_ispe_height),
    HEIF_SYMBOL(image_handle_release),
    HEIF_SYMBOL(decoding_options_alloc),
    HEIF_SYMBOL(decoding_options_free),
    HEIF_SYMBOL(decode_image),
    HEIF_SYMBOL(image_get_width),
    HEIF_SYMBOL(image_get_height),
    HEIF_SYMBOL(image_get_plane_readonly),
    HEIF_SYMBOL(image_get_bits_per_pixel_range),
    HEIF_SYMBOL(image_release),
#undef HEIF_SYMBOL
};

/*
 * Opens the library and looks up every function, or records why not. RTLD_LOCAL: its
 * symbols (and its codecs') stay out of the server's global namespace. It stays open for
 * the process's life, as a linked library would.
 */
static void
load_heif(void)
{
	void *library = dlopen(PGFACE_HEIF_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (library == NULL)
	{
		snprintf(heif_error, sizeof(heif_error), "%s", dlerror());
		return;
	}
	for (size_t i = 0; i < sizeof(heif_symbols) / sizeof(heif_symbols[0]); i++)
	{
		void *function = dlsym(library, heif_symbols[i].symbol);

		if (function == NULL)
		{
			snprintf(heif_error, sizeof(heif_error), "%s has no %s", PGFACE_HEIF_SONAME,
			         heif_symbols[i].symbol);
			return;
		}
		*(void **) ((char *) &heif_api + heif_symbols[i].offset) = function;
	}
	heif_loaded = 1;
}

const pgface_heif_api *
pgface_heif_open(pgface_status *status)
{
	pthread_once(&heif_once, load_heif);
	if (!heif_loaded)
	{
		pgface_fail(status, PGFACE_ERR_IMAGE_FORMAT,
		            "HEIF and AVIF photos need libheif, which could not be loaded: %s", heif_error);
		return NULL;
	}
	return &heif_api;
}

const pgface_heif_api *
pgface_heif_loaded(void)
{
	return &heif_api;
}
