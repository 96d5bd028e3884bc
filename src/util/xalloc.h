/* SPDX-License-Identifier: Apache-2.0 */
/* Allocation that aborts on failure (git's xmalloc): no -ENOMEM paths anywhere. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "util/macro.h"

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Returns an owned copy of s (NULL stays NULL). */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns an owned, formatted string. */
char *xasprintf(const char *fmt, ...) _printf_(1, 2);
char *xvasprintf(const char *fmt, va_list ap) _printf_(1, 0);
/* Allocates a zeroed object of the given type. */
#define xnew0(type) ((type *)xcalloc(1, sizeof(type)))
