/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for util/difflib (upgrade diff reads the manifests on disk into it): the
 * input is two texts split at the first 0xff byte. Invariants: no crash, no leak, a text
 * diffed against itself gives nothing, two different texts give a diff whose hunks hold every
 * line of both sides at most once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/difflib.h"
#include "util/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t count_prefixed(const char *out, char c)
{
	size_t n = 0;
	for (const char *p = out; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		n += *p == c && strncmp(p, "--- ", 4) && strncmp(p, "+++ ", 4);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16 * 1024)
		return 0;
	const uint8_t *sep = memchr(data, 0xff, size);
	size_t na = sep ? (size_t)(sep - data) : size / 2;
	char *a = strndup((const char *)data, na);
	char *b = strndup((const char *)data + na + (sep ? 1 : 0), size - na - (sep ? 1 : 0));
	if (!a || !b)
		abort();
	char **la = difflib_split_lines(a), **lb = difflib_split_lines(b);
	int context = (int)(size % 6) - 1;
	struct difflib_unified d = { .a = la, .b = la, .from_file = "a", .to_file = "b",
				     .context = context };
	char *same = difflib_unified_diff(&d);
	if (*same)
		abort();
	d.b = lb;
	char *out = difflib_unified_diff(&d);
	if (strcmp(a, b) != 0 && !*out)
		abort();
	if (count_prefixed(out, '-') > strv_length(la) || count_prefixed(out, '+') > strv_length(lb))
		abort();
	free(same);
	free(out);
	strv_free(la);
	strv_free(lb);
	free(a);
	free(b);
	return 0;
}
