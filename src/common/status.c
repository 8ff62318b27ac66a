/*
 * status.c: filling in a pgface_status.
 */
#include "common/status.h"

#include <stdarg.h>
#include <stdio.h>

pgface_code
pgface_fail(pgface_status *status, pgface_code code, const char *format, ...)
{
	va_list args;

	status->code = code;
	va_start(args, format);
	vsnprintf(status->message, sizeof(status->message), format, args);
	va_end(args);
	return code;
}

void
pgface_status_clear(pgface_status *status)
{
	status->code = PGFACE_OK;
	status->message[0] = '\0';
}
