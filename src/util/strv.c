/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

size_t strv_length(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

void strv_consume(char ***v, char *s)
{
	size_t n = strv_length(*v);
	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = s;
	(*v)[n + 1] = NULL;
}

void strv_push(char ***v, const char *s)
{
	strv_consume(v, xstrdup(s));
}

char **strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
	return NULL;
}

bool strv_contains(char *const *v, const char *s)
{
	STRV_FOREACH(p, v)
		if (streq(*p, s))
			return true;
	return false;
}

char **strv_split(const char *s, char sep, bool skip_empty)
{
	char **v = xcalloc(1, sizeof(char *));
	const char *p = s;
	for (;;) {
		const char *e = strchr(p, sep);
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n || !skip_empty)
			strv_consume(&v, xstrndup(p, n));
		if (!e)
			break;
		p = e + 1;
	}
	return v;
}

char *strv_join(char *const *v, const char *sep)
{
	struct strbuf sb = STRBUF_INIT;
	STRV_FOREACH(p, v) {
		if (p != v)
			strbuf_addstr(&sb, sep);
		strbuf_addstr(&sb, *p);
	}
	return strbuf_detach(&sb, NULL);
}

char **strv_copy(char *const *v)
{
	char **c = xcalloc(1, sizeof(char *));
	STRV_FOREACH(p, v)
		strv_push(&c, *p);
	return c;
}

int strv_qsort_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void strv_sort(char **v)
{
	/* qsort's base must not be NULL, even for no element (an empty strv may be NULL) */
	if (v)
		qsort(v, strv_length(v), sizeof(char *), strv_qsort_cmp);
}

void strv_merge_unique(char ***v, char **add)
{
	STRV_FOREACH(s, add)
		if (!strv_contains(*v, *s))
			strv_push(v, *s);
	strv_free(add);
}
