/*
 * model_file_fuzz.c: libFuzzer harness for the .pgfm loader (src/nn/model_file.c)
 * and the nets' binding of its tensors by name and shape.
 *
 * The input is the file. pgface_model_open takes a path and maps it, so the
 * bytes go to a memfd that is opened again through /proc/self/fd: the real
 * open/fstat/mmap path runs, with no change to the loader.
 *
 * A mutated file almost never keeps a valid checksum or declared size, which
 * would stop every input at the header. So, unless the input asks otherwise,
 * the harness seals the file as the converter would: bytes 32-39 get the real
 * size and bytes 40-43 the checksum. Byte 44 (reserved, zero in real files)
 * asks otherwise: bit 0 keeps the input's checksum, bit 1 its declared size,
 * so those two checks are fuzzed as well.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../test/common/little_endian.h"
#include "face/models.h"
#include "face/recognition_net.h"

#define KEEP_CHECKSUM 0x01
#define KEEP_SIZE     0x02

static int memfd = -1;
static char memfd_path[64];

/* Size and checksum as models/README.md defines them, unless byte 44 says to keep the input's. */
static void
seal(unsigned char *bytes, size_t size)
{
	if (size < PGFACE_MODEL_HEADER_BYTES)
		return;
	if (!(bytes[44] & KEEP_SIZE))
	{
		put_u32(bytes + 32, (uint32_t) size);
		put_u32(bytes + 36, (uint32_t) ((uint64_t) size >> 32));
	}
	if (!(bytes[44] & KEEP_CHECKSUM))
		put_u32(bytes + 40, pgface_model_checksum(bytes + PGFACE_MODEL_HEADER_BYTES,
		                                          size - PGFACE_MODEL_HEADER_BYTES));
}

static void
fail(const char *what)
{
	fprintf(stderr, "model_file_fuzz: %s\n", what);
	abort();
}

/* Every tensor the loader accepted lies inside the mapping, aligned, and is found by name. */
static void
check_tensors(const pgface_model_file *model)
{
	const unsigned char *base = model->mapping;

	for (int i = 0; i < model->count; i++)
	{
		const pgface_model_tensor *t = &model->tensors[i];
		const unsigned char *start = (const unsigned char *) t->data;
		unsigned __int128 count = 1; /* four extents of 2^24 need 96 bits: no wrap-around here */
		const float *found;
		pgface_status status;

		if (t->ndim < 0 || t->ndim > PGFACE_MODEL_MAX_DIMS)
			fail("rank out of range");
		for (int d = 0; d < t->ndim; d++)
			count *= (unsigned) t->shape[d];
		if (count != t->count)
			fail("count is not the product of the shape");
		if ((const unsigned char *) t->name < base + PGFACE_MODEL_HEADER_BYTES ||
		    (const unsigned char *) t->name + strlen(t->name) >= base + model->size)
			fail("name outside the mapping");
		if (start < base || start > base + model->size ||
		    t->count > (size_t) (base + model->size - start) / sizeof(float) ||
		    (start - base) % PGFACE_MODEL_ALIGN != 0)
			fail("data outside the mapping or misaligned");
		if (pgface_model_tensor_checked(model, t->name, t->ndim, t->shape, &found, &status) ==
		        PGFACE_OK &&
		    found == NULL)
			fail("lookup returned no data");
	}
}

/* Binds the nets that would use such a file; a mismatch must be an error, not a crash. */
static void
bind_nets(const pgface_model_file *model)
{
	pgface_recognition_net recognition;
	pgface_detector detector;
	pgface_landmark_net landmarks;
	pgface_status status;

	pgface_recognition_net_bind(model, &recognition, &status);
	pgface_detector_bind(model, &detector, &status);
	pgface_landmark_net_bind(model, &landmarks, &status);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	memfd = memfd_create("pgface-model-fuzz", MFD_CLOEXEC);
	if (memfd < 0)
	{
		perror("model_file_fuzz: memfd_create");
		exit(1);
	}
	snprintf(memfd_path, sizeof(memfd_path), "/proc/self/fd/%d", memfd);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *bytes = malloc(size > 0 ? size : 1);
	pgface_model_file model;
	pgface_status status = {PGFACE_OK, ""};
	pgface_code code;

	if (bytes == NULL)
		return 0;
	memcpy(bytes, data, size);
	seal(bytes, size);
	if (ftruncate(memfd, 0) != 0 || pwrite(memfd, bytes, size, 0) != (ssize_t) size)
		fail("cannot write the memfd");
	free(bytes);

	code = pgface_model_open(memfd_path, &model, &status);
	if (code != status.code && code != PGFACE_OK)
		fail("returned code differs from the status");
	if (code == PGFACE_OK)
	{
		check_tensors(&model);
		bind_nets(&model);
	}
	else if (status.message[0] == '\0' || model.mapping != NULL || model.tensors != NULL)
		fail("a failed open left no message or left something open");
	pgface_model_close(&model);
	return 0;
}
