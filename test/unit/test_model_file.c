/*
 * test_model_file.c: the .pgfm loader accepts a well-formed file and refuses
 * every kind of damage with a clear status, never a crash.
 */
#include "../common/little_endian.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nn/model_file.h"
#include "unit.h"

#define FILE_BYTES 1024

/*
 * A valid two-tensor file laid out as models/README.md specifies: "weights"
 * [2, 3] at 512 and "bias" [3] at 576, in a 1024-byte file.
 */
static void
build_model(unsigned char *buf)
{
	memset(buf, 0, FILE_BYTES);
	put_model_header(buf, 2, 512, FILE_BYTES);

	strcpy((char *) buf + 64, "weights");
	put_u32(buf + 64 + 96, PGFACE_MODEL_DTYPE_FLOAT32);
	put_u32(buf + 64 + 100, 2);
	put_u32(buf + 64 + 104, 2);
	put_u32(buf + 64 + 108, 3);
	put_u64(buf + 64 + 120, 512);

	strcpy((char *) buf + 192, "bias");
	put_u32(buf + 192 + 96, PGFACE_MODEL_DTYPE_FLOAT32);
	put_u32(buf + 192 + 100, 1);
	put_u32(buf + 192 + 104, 3);
	put_u64(buf + 192 + 120, 576);

	for (int i = 0; i < 6; i++)
	{
		float v = (float) i + 0.5f;
		memcpy(buf + 512 + 4 * i, &v, 4);
	}
}

static void
seal(unsigned char *buf, size_t length)
{
	put_u32(buf + 40, pgface_model_checksum(buf + 64, length - 64));
}

static char model_path[64];

/* Writes bytes to a fresh temporary file and opens it as a model. */
static pgface_code
open_bytes(const unsigned char *buf, size_t length, pgface_model_file *model, pgface_status *status)
{
	FILE *f;
	pgface_code code;

	strcpy(model_path, "/tmp/pgface-unit-XXXXXX");
	close(mkstemp(model_path));
	f = fopen(model_path, "wb");
	fwrite(buf, 1, length, f);
	fclose(f);
	code = pgface_model_open(model_path, model, status);
	unlink(model_path);
	return code;
}

static void
opens_a_valid_file(void)
{
	unsigned char buf[FILE_BYTES];
	pgface_model_file model;
	pgface_status status = {0};
	const float *data = NULL;
	const int weights_shape[2] = {2, 3};
	const int wrong_shape[2] = {3, 2};
	const int bias_shape[1] = {3};

	build_model(buf);
	seal(buf, sizeof(buf));
	CHECK(open_bytes(buf, sizeof(buf), &model, &status) == PGFACE_OK);
	CHECK(model.count == 2);
	CHECK(pgface_model_tensor_checked(&model, "weights", 2, weights_shape, &data, &status) ==
	      PGFACE_OK);
	CHECK(data != NULL && data[5] == 5.5f && ((uintptr_t) data) % PGFACE_MODEL_ALIGN == 0);
	CHECK(pgface_model_tensor_checked(&model, "bias", 1, bias_shape, &data, &status) == PGFACE_OK);
	CHECK(pgface_model_tensor_checked(&model, "weights", 2, wrong_shape, &data, &status) ==
	      PGFACE_ERR_MODEL_CORRUPT);
	CHECK(strstr(status.message, "[2, 3]") != NULL && strstr(status.message, "[3, 2]") != NULL);
	CHECK(pgface_model_tensor_checked(&model, "fc", 1, bias_shape, &data, &status) ==
	      PGFACE_ERR_MODEL_CORRUPT);
	CHECK(strstr(status.message, "missing") != NULL);
	pgface_model_close(&model);
	pgface_model_close(&model); /* twice is harmless */
}

static void
reports_missing_files(void)
{
	pgface_model_file model;
	pgface_status status = {0};

	CHECK(pgface_model_open("/nonexistent/x.pgfm", &model, &status) == PGFACE_ERR_MODEL_MISSING);
	CHECK(strstr(status.message, "No such file") != NULL);
	CHECK(pgface_model_open("/tmp", &model, &status) == PGFACE_ERR_MODEL_MISSING);
}

/* Each damage, applied to a valid file, must be refused as corrupt. */
static void
refuses_damaged_files(void)
{
	unsigned char buf[FILE_BYTES];
	pgface_model_file model;
	pgface_status status = {0};

	build_model(buf);
	CHECK(open_bytes(buf, 0, &model, &status) == PGFACE_ERR_MODEL_CORRUPT);
	CHECK(open_bytes(buf, 40, &model, &status) == PGFACE_ERR_MODEL_CORRUPT);

	build_model(buf);
	seal(buf, sizeof(buf));
	CHECK(open_bytes(buf, 700, &model, &status) == PGFACE_ERR_MODEL_CORRUPT); /* truncated */
	CHECK(strstr(status.message, "truncated") != NULL);

	build_model(buf);
	buf[0] = 'X';
	seal(buf, sizeof(buf));
	CHECK(open_bytes(buf, sizeof(buf), &model, &status) == PGFACE_ERR_MODEL_CORRUPT);

	build_model(buf);
	put_u32(buf + 8, 99);
	seal(buf, sizeof(buf));
	CHECK(open_bytes(buf, sizeof(buf), &model, &status) == PGFACE_ERR_MODEL_CORRUPT);

	build_model(buf);
	seal(buf, sizeof(buf));
	buf[520] ^= 0x10; /* one flipped bit in the data */
	CHECK(open_bytes(buf, sizeof(buf), &model, &status) == PGFACE_ERR_MODEL_CORRUPT);
	CHECK(strstr(status.message, "checksum") != NULL);

	build_model(buf);
	put_u64(buf + 192 + 120, 1000); /* bias would run past the end */
	seal(buf, sizeof(buf));
	CHECK(open_bytes(buf, sizeof(buf), &model, &status) == PGFACE_ERR_MODEL_CORRUPT);

	build_model(buf);
	put_u64(buf + 192 + 120, 580); /* misaligned */
	seal(buf, sizeof(buf));
	CHECK(open_bytes(buf, sizeof(buf), &model, &status) == PGFACE_ERR_MODEL_CORRUPT);

	build_model(buf);
	memset(buf + 64, 'a', PGFACE_MODEL_NAME_BYTES); /* name without terminator */
	seal(buf, sizeof(buf));
	CHECK(open_bytes(buf, sizeof(buf), &model, &status) == PGFACE_ERR_MODEL_CORRUPT);

	build_model(buf);
	put_u32(buf + 12, 100000); /* absurd tensor count */
	seal(buf, sizeof(buf));
	CHECK(open_bytes(buf, sizeof(buf), &model, &status) == PGFACE_ERR_MODEL_CORRUPT);

	build_model(buf);
	put_u32(buf + 64 + 104, 0xffffffffu); /* absurd dimension */
	seal(buf, sizeof(buf));
	CHECK(open_bytes(buf, sizeof(buf), &model, &status) == PGFACE_ERR_MODEL_CORRUPT);

	/* extents within the limit whose product, 2^64, wrapped to 0 values and passed the bounds */
	build_model(buf);
	put_u32(buf + 192 + 100, 3);
	put_u32(buf + 192 + 104, 1u << 24);
	put_u32(buf + 192 + 108, 1u << 24);
	put_u32(buf + 192 + 112, 1u << 16);
	seal(buf, sizeof(buf));
	CHECK(open_bytes(buf, sizeof(buf), &model, &status) == PGFACE_ERR_MODEL_CORRUPT);
	CHECK(strstr(status.message, "outside the file") != NULL);
}

const unit_test model_file_tests[] = {
    {"model file: opens a valid file and checks shapes", opens_a_valid_file},
    {"model file: reports missing files", reports_missing_files},
    {"model file: refuses truncated, corrupt and malformed files", refuses_damaged_files},
    {NULL, NULL},
};
