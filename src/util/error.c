/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static _Thread_local char *last_error;

int error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	free(last_error);
	last_error = m;
	return code;
}

int error_wrap(int code, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_addf(&sb, ": %s", error_message(code));
	free(last_error);
	last_error = strbuf_detach(&sb, NULL);
	return code;
}

const char *error_message(int code)
{
	if (last_error)
		return last_error;
	free(last_error);
	last_error = xstrdup(strerror(code < 0 ? -code : code));
	return last_error;
}

void error_clear(void)
{
	free(last_error);
	last_error = NULL;
}

const char *go_strerror(int e)
{
	static _Thread_local char buf[128];
	snprintf(buf, sizeof(buf), "%s", strerror(e));
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}
