/*
 * status.h: how the C core reports failure. Core functions return a code and
 * fill a message; only src/pg/ turns them into ereport(ERROR) with a SQLSTATE.
 */
#ifndef PGFACE_STATUS_H
#define PGFACE_STATUS_H

typedef enum pgface_code
{
	PGFACE_OK = 0,
	PGFACE_ERR_NO_MEMORY,        /* an allocation failed */
	PGFACE_ERR_MODEL_MISSING,    /* a model file cannot be opened */
	PGFACE_ERR_MODEL_CORRUPT,    /* a model file is malformed, truncated or does not fit its net */
	PGFACE_ERR_IMAGE_EMPTY,      /* zero bytes of image */
	PGFACE_ERR_IMAGE_FORMAT,     /* not an image format the decoder knows */
	PGFACE_ERR_IMAGE_CORRUPT,    /* a known format, but truncated or corrupt */
	PGFACE_ERR_IMAGE_TOO_LARGE,  /* more pixels than the configured limit */
	PGFACE_ERR_INPUT_TOO_LARGE,  /* more bytes of input than the configured limit */
	PGFACE_ERR_INVALID_ARGUMENT, /* a caller passed something out of range */
	PGFACE_ERR_NO_FACE           /* the photo holds no face the detector can find */
} pgface_code;

typedef struct pgface_status
{
	pgface_code code;
	char message[256];
} pgface_status;

/* Records a failure and returns its code, so callers can write "return pgface_fail(...)". */
pgface_code pgface_fail(pgface_status *status, pgface_code code, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Marks the status as success. */
void pgface_status_clear(pgface_status *status);

#endif
