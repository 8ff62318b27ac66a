/*
 * model_file.h: the pgface model file (.pgfm), mmap'd read-only so that every
 * process using a model shares one copy through the page cache. The format is
 * specified in models/README.md.
 */
#ifndef PGFACE_MODEL_FILE_H
#define PGFACE_MODEL_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

#define PGFACE_MODEL_MAGIC          "PGFACEMD"
#define PGFACE_MODEL_FORMAT_VERSION 1
#define PGFACE_MODEL_HEADER_BYTES   64
#define PGFACE_MODEL_ENTRY_BYTES    128
#define PGFACE_MODEL_NAME_BYTES     96
#define PGFACE_MODEL_ALIGN          64
#define PGFACE_MODEL_MAX_DIMS       4
#define PGFACE_MODEL_DTYPE_FLOAT32  1

typedef struct pgface_model_tensor
{
	const char *name; /* points into the mapping */
	int ndim;
	int shape[PGFACE_MODEL_MAX_DIMS];
	size_t count;      /* product of the shape */
	const float *data; /* points into the mapping, 64-byte aligned */
} pgface_model_tensor;

typedef struct pgface_model_file
{
	void *mapping;
	size_t size;
	uint32_t checksum; /* the header's, checked against the contents at open */
	int count;
	pgface_model_tensor *tensors;
} pgface_model_file;

/*
 * Maps the file and validates all of it (header, table, bounds, alignment,
 * checksum) before returning, so later lookups can trust every entry.
 */
pgface_code pgface_model_open(const char *path, pgface_model_file *model, pgface_status *status);

/* Unmaps the file; safe on a model that failed to open or was closed. */
void pgface_model_close(pgface_model_file *model);

/*
 * The tensor called name, which must have exactly the given shape: the net
 * that uses a file states what it expects, and any mismatch is an error.
 */
pgface_code pgface_model_tensor_checked(const pgface_model_file *model, const char *name, int ndim,
                                        const int *shape, const float **data,
                                        pgface_status *status);

/* The checksum stored in the header: FNV-1a over little-endian 32-bit words. */
uint32_t pgface_model_checksum(const unsigned char *bytes, size_t length);

#endif
