/* SPDX-License-Identifier: Apache-2.0 */
#include <stdbool.h>
#include <string.h>

#include "util/path.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

char *path_clean(const char *p)
{
	size_t n = strlen(p);
	if (n == 0)
		return xstrdup(".");
	bool rooted = p[0] == '/';
	/* out is written in place of the input, as Go's lazybuf; dotdot marks where ".." may stop */
	char *out = xmalloc(n + 1);
	size_t w = 0, r = 0, dotdot = 0;
	if (rooted) {
		out[w++] = '/';
		r = 1;
		dotdot = 1;
	}
	while (r < n) {
		if (p[r] == '/') {
			r++; /* empty element */
		} else if (p[r] == '.' && (r + 1 == n || p[r + 1] == '/')) {
			r++; /* "." element */
		} else if (p[r] == '.' && p[r + 1] == '.' && (r + 2 == n || p[r + 2] == '/')) {
			r += 2; /* ".." element: back up to the previous '/' */
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			for (; r < n && p[r] != '/'; r++)
				out[w++] = p[r];
		}
	}
	if (w == 0)
		out[w++] = '.';
	out[w] = '\0';
	return out;
}

char *path_join(const char *a, const char *b)
{
	if (!*a && !*b)
		return xstrdup("");
	_cleanup_free_ char *j = !*a ? xstrdup(b) : !*b ? xstrdup(a) : xasprintf("%s/%s", a, b);
	return path_clean(j);
}
