/*
 * model_file.c: opening, validating and looking up tensors in a .pgfm file.
 */
#include "nn/model_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/runtime.h"

static uint32_t
read_u32(const unsigned char *p)
{
	return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static uint64_t
read_u64(const unsigned char *p)
{
	return (uint64_t) read_u32(p) | (uint64_t) read_u32(p + 4) << 32;
}

/*
 * Reads every page of a fresh mapping, which a backend's first embed() waits on (over
 * 100 ms from a cold page cache): the host may cancel between 4 MB runs (issue 17).
 */
uint32_t
pgface_model_checksum(const unsigned char *bytes, size_t length)
{
	const size_t run = 4 << 20;
	uint32_t hash = 0x811c9dc5u;

	for (size_t i = 0; i + 4 <= length; i += 4)
	{
		if (i % run == 0)
			pgface_check_interrupts();
		hash = (hash ^ read_u32(bytes + i)) * 16777619u;
	}
	return hash;
}

/* Fills one table entry after checking it against the file's bounds. */
static pgface_code
parse_entry(const unsigned char *base, size_t size, uint64_t data_offset, int index,
            pgface_model_tensor *tensor, pgface_status *status)
{
	const unsigned char *entry =
	    base + PGFACE_MODEL_HEADER_BYTES + (size_t) index * PGFACE_MODEL_ENTRY_BYTES;
	uint32_t dtype = read_u32(entry + 96);
	uint32_t ndim = read_u32(entry + 100);
	uint64_t offset = read_u64(entry + 120);
	uint64_t count = 1;

	if (memchr(entry, '\0', PGFACE_MODEL_NAME_BYTES) == NULL || entry[0] == '\0')
		return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT, "tensor %d has no valid name", index);
	if (dtype != PGFACE_MODEL_DTYPE_FLOAT32)
		return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT, "tensor \"%s\" has unknown dtype %u",
		                   (const char *) entry, dtype);
	if (ndim > PGFACE_MODEL_MAX_DIMS)
		return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT, "tensor \"%s\" has %u dimensions",
		                   (const char *) entry, ndim);

	tensor->name = (const char *) entry;
	tensor->ndim = (int) ndim;
	for (uint32_t d = 0; d < PGFACE_MODEL_MAX_DIMS; d++)
	{
		uint32_t extent = d < ndim ? read_u32(entry + 104 + 4 * d) : 1;
		if (extent == 0 || extent > (1u << 24))
			return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT,
			                   "tensor \"%s\" has dimension %u of size %u", tensor->name, d,
			                   extent);
		tensor->shape[d] = d < ndim ? (int) extent : 0;
		/* four extents of up to 2^24 can pass 2^64: saturate, so the bounds check below refuses */
		count = count > UINT64_MAX / extent ? UINT64_MAX : count * extent;
	}
	if (offset < data_offset || offset % PGFACE_MODEL_ALIGN != 0 || offset > size ||
	    count > (size - offset) / sizeof(float))
		return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT,
		                   "tensor \"%s\" lies outside the file (offset %llu, %llu values)",
		                   tensor->name, (unsigned long long) offset, (unsigned long long) count);
	tensor->count = (size_t) count;
	tensor->data = (const float *) (base + offset);
	return PGFACE_OK;
}

/* Validates the mapped bytes; on success model->tensors describes every tensor. */
static pgface_code
parse_model(const unsigned char *base, size_t size, pgface_model_file *model, pgface_status *status)
{
	uint32_t version;
	uint32_t count;
	uint64_t table_offset;
	uint64_t data_offset;
	uint64_t declared_size;

	if (size < PGFACE_MODEL_HEADER_BYTES ||
	    memcmp(base, PGFACE_MODEL_MAGIC, strlen(PGFACE_MODEL_MAGIC)) != 0)
		return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT, "not a pgface model file");
	version = read_u32(base + 8);
	count = read_u32(base + 12);
	table_offset = read_u64(base + 16);
	data_offset = read_u64(base + 24);
	declared_size = read_u64(base + 32);
	if (version != PGFACE_MODEL_FORMAT_VERSION)
		return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT, "model format version %u, expected %d",
		                   version, PGFACE_MODEL_FORMAT_VERSION);
	if (declared_size != size)
		return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT,
		                   "file is %zu bytes but its header says %llu (truncated?)", size,
		                   (unsigned long long) declared_size);
	if (table_offset != PGFACE_MODEL_HEADER_BYTES || count == 0 || count > 10000 ||
	    data_offset < table_offset + (uint64_t) count * PGFACE_MODEL_ENTRY_BYTES ||
	    data_offset > size)
		return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT, "tensor table is malformed");
	model->checksum = read_u32(base + 40);
	if (model->checksum !=
	    pgface_model_checksum(base + PGFACE_MODEL_HEADER_BYTES, size - PGFACE_MODEL_HEADER_BYTES))
		return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT, "checksum mismatch (file corrupt)");

	model->tensors = pgface_alloc_zeroed(count, sizeof(pgface_model_tensor));
	if (model->tensors == NULL)
		return pgface_fail(status, PGFACE_ERR_NO_MEMORY, "out of memory for the tensor table");
	model->count = (int) count;
	for (uint32_t i = 0; i < count; i++)
		if (parse_entry(base, size, data_offset, (int) i, &model->tensors[i], status) != PGFACE_OK)
			return status->code;
	return PGFACE_OK;
}

pgface_code
pgface_model_open(const char *path, pgface_model_file *model, pgface_status *status)
{
	struct stat st;
	int fd;

	memset(model, 0, sizeof(*model));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pgface_fail(status, PGFACE_ERR_MODEL_MISSING, "cannot open model file \"%s\": %s",
		                   path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
	{
		close(fd);
		return pgface_fail(status, PGFACE_ERR_MODEL_MISSING, "\"%s\" is not a regular file", path);
	}
	if ((size_t) st.st_size < PGFACE_MODEL_HEADER_BYTES)
	{
		close(fd);
		return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT,
		                   "model file \"%s\" is %lld bytes: truncated", path,
		                   (long long) st.st_size);
	}
	model->mapping = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (model->mapping == MAP_FAILED)
	{
		model->mapping = NULL;
		return pgface_fail(status, PGFACE_ERR_MODEL_MISSING, "cannot map model file \"%s\": %s",
		                   path, strerror(errno));
	}
	model->size = (size_t) st.st_size;
	if (parse_model(model->mapping, model->size, model, status) != PGFACE_OK)
	{
		char reason[sizeof(status->message)];
		pgface_code code = status->code;

		snprintf(reason, sizeof(reason), "%s", status->message);
		pgface_model_close(model);
		return pgface_fail(status, code, "model file \"%s\": %s", path, reason);
	}
	return PGFACE_OK;
}

void
pgface_model_close(pgface_model_file *model)
{
	if (model->mapping != NULL)
		munmap(model->mapping, model->size);
	pgface_free(model->tensors);
	memset(model, 0, sizeof(*model));
}

/* Writes "[a, b, c]" for error messages. */
static void
format_shape(char *buf, size_t size, int ndim, const int *shape)
{
	size_t len = (size_t) snprintf(buf, size, "[");
	for (int d = 0; d < ndim && len < size; d++)
		len += (size_t) snprintf(buf + len, size - len, d ? ", %d" : "%d", shape[d]);
	if (len < size)
		snprintf(buf + len, size - len, "]");
}

pgface_code
pgface_model_tensor_checked(const pgface_model_file *model, const char *name, int ndim,
                            const int *shape, const float **data, pgface_status *status)
{
	for (int i = 0; i < model->count; i++)
	{
		const pgface_model_tensor *t = &model->tensors[i];
		char want[64];
		char have[64];

		if (strcmp(t->name, name) != 0)
			continue;
		if (t->ndim == ndim && memcmp(t->shape, shape, sizeof(int) * (size_t) ndim) == 0)
		{
			*data = t->data;
			return PGFACE_OK;
		}
		format_shape(want, sizeof(want), ndim, shape);
		format_shape(have, sizeof(have), t->ndim, t->shape);
		return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT,
		                   "tensor \"%s\" has shape %s, the net expects %s", name, have, want);
	}
	return pgface_fail(status, PGFACE_ERR_MODEL_CORRUPT, "tensor \"%s\" is missing", name);
}
