/*
 * pgface.c: the pgface command-line tool. It runs the same C core as the
 * extension on image files and prints one JSON object per file.
 *
 *   pgface embed --chip [--models DIR] FILE...
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/embedding.h"
#include "face/pipeline.h"
#include "nn/blas.h"

#ifndef PGFACE_DEFAULT_MODEL_DIR
#define PGFACE_DEFAULT_MODEL_DIR "/usr/share/postgresql/15/pgface"
#endif

#define DEFAULT_MAX_IMAGE_PIXELS 50000000

static void
usage(FILE *out)
{
	fprintf(out, "usage: pgface embed --chip [--models DIR] FILE...\n"
	             "\n"
	             "  embed --chip   each whole image is a face chip: padded to a square,\n"
	             "                 resized to 150x150 and embedded; prints\n"
	             "                 {\"file\": ..., \"embedding\": [128 numbers]} per file\n"
	             "  --models DIR   where the .pgfm model files are (default: $PGFACE_MODEL_DIR,\n"
	             "                 else " PGFACE_DEFAULT_MODEL_DIR ")\n");
}

/* Reads a whole file; NULL with errno set on failure. */
static unsigned char *
read_file(const char *path, size_t *length)
{
	FILE *file = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t capacity = 0;
	size_t used = 0;

	if (file == NULL)
		return NULL;
	for (;;)
	{
		size_t got;
		if (used == capacity)
		{
			unsigned char *grown;
			capacity = capacity ? capacity * 2 : 1 << 16;
			grown = realloc(data, capacity);
			if (grown == NULL)
			{
				free(data);
				fclose(file);
				errno = ENOMEM;
				return NULL;
			}
			data = grown;
		}
		got = fread(data + used, 1, capacity - used, file);
		used += got;
		if (got == 0)
			break;
	}
	if (ferror(file))
	{
		free(data);
		fclose(file);
		errno = EIO;
		return NULL;
	}
	fclose(file);
	*length = used;
	return data;
}

/* A JSON string literal: quotes, backslashes and control characters escaped. */
static void
print_json_string(const char *text)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *) text; *p != '\0'; p++)
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	putchar('"');
}

/* Embeds each file as a chip; a file that fails is reported on stderr and the rest go on. */
static int
embed_chips(const pgface_models *models, char **files, int nfiles)
{
	const pgface_limits limits = {DEFAULT_MAX_IMAGE_PIXELS};
	int failures = 0;

	for (int i = 0; i < nfiles; i++)
	{
		float embedding[PGFACE_EMBEDDING_DIMS];
		char text[PGFACE_EMB_TEXT_MAX(PGFACE_EMBEDDING_DIMS)];
		pgface_status status = {0};
		size_t length = 0;
		unsigned char *bytes = read_file(files[i], &length);

		if (bytes == NULL)
		{
			fprintf(stderr, "pgface: %s: %s\n", files[i], strerror(errno));
			failures++;
			continue;
		}
		if (pgface_embed_chip(models, bytes, length, &limits, embedding, &status) != PGFACE_OK)
		{
			fprintf(stderr, "pgface: %s: %s\n", files[i], status.message);
			failures++;
		}
		else
		{
			pgface_emb_format(embedding, PGFACE_EMBEDDING_DIMS, text, sizeof(text));
			printf("{\"file\": ");
			print_json_string(files[i]);
			printf(", \"embedding\": %s}\n", text);
		}
		free(bytes);
	}
	return failures == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const char *model_dir = getenv("PGFACE_MODEL_DIR");
	int chip = 0;
	int first_file = argc;
	pgface_models models;
	pgface_status status = {0};
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
	{
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "embed") != 0)
	{
		fprintf(stderr, "pgface: unknown command \"%s\"\n", argv[1]);
		usage(stderr);
		return 2;
	}
	for (int i = 2; i < argc; i++)
	{
		if (strcmp(argv[i], "--chip") == 0)
			chip = 1;
		else if (strcmp(argv[i], "--models") == 0 && i + 1 < argc)
			model_dir = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
		{
			fprintf(stderr, "pgface: unknown option \"%s\"\n", argv[i]);
			return 2;
		}
		else
		{
			first_file = i;
			break;
		}
	}
	if (!chip)
	{
		fprintf(stderr, "pgface: embed needs --chip (face detection is not built yet)\n");
		return 2;
	}
	if (first_file >= argc)
	{
		usage(stderr);
		return 2;
	}

	pgface_blas_set_threads(1);
	if (pgface_models_open(model_dir ? model_dir : PGFACE_DEFAULT_MODEL_DIR, &models, &status))
	{
		fprintf(stderr, "pgface: %s\n", status.message);
		return 1;
	}
	rc = embed_chips(&models, argv + first_file, argc - first_file);
	pgface_models_close(&models);
	return rc;
}
