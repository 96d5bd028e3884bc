/* SPDX-License-Identifier: Apache-2.0 */
/* text/tabwriter's format/writeLines (minwidth 10, padding 3, padchar ' ', no flags). */
#include <stdlib.h>
#include <string.h>

#include "util/macro.h"
#include "util/strv.h"
#include "util/tabwriter.h"
#include "util/xalloc.h"

#define MINWIDTH 10
#define PADDING 3

struct table {
	char ***lines;  /* each a strv: the tab-terminated cells, then the trailing text */
	size_t nlines;
	size_t *widths; /* the widths of the enclosing column blocks */
	size_t nwidths;
};

/* utf8.RuneCount of a well-formed string: the bytes that do not continue a sequence. */
static size_t runes(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void write_lines(const struct table *t, struct strbuf *out, size_t line0, size_t line1)
{
	for (size_t i = line0; i < line1; i++) {
		char **cells = t->lines[i];
		for (size_t j = 0; cells[j]; j++) {
			strbuf_addstr(out, cells[j]);
			if (j < t->nwidths)
				for (size_t k = runes(cells[j]); k < t->widths[j]; k++)
					strbuf_addch(out, ' ');
		}
		if (i + 1 < t->nlines)
			strbuf_addch(out, '\n');
	}
}

/* Writer.format: recursion over column blocks, as Go's. */
static void format(struct table *t, struct strbuf *out, size_t line0, size_t line1)
{
	size_t column = t->nwidths;
	for (size_t this = line0; this < line1; this++) {
		if (column + 1 >= strv_length(t->lines[this]))
			continue;
		write_lines(t, out, line0, this);
		line0 = this;
		size_t width = MINWIDTH;
		for (; this < line1; this++) {
			if (column + 1 >= strv_length(t->lines[this]))
				break;
			size_t w = runes(t->lines[this][column]) + PADDING;
			if (w > width)
				width = w;
		}
		t->widths[t->nwidths++] = width;
		format(t, out, line0, this);
		t->nwidths--;
		/* as Go, the loop's increment skips the line that ended the block: it has no cell
		 * in this column */
		line0 = this;
	}
	write_lines(t, out, line0, line1);
}

void tabwriter_write(struct strbuf *out, const char *text)
{
	_cleanup_strv_free_ char **pieces = strv_split(text, '\n', false);
	struct table t = { .nlines = strv_length(pieces) };
	size_t maxcells = 0;
	t.lines = xcalloc(t.nlines + 1, sizeof(*t.lines));
	for (size_t i = 0; i < t.nlines; i++) {
		t.lines[i] = strv_split(pieces[i], '\t', false);
		size_t n = strv_length(t.lines[i]);
		if (n > maxcells)
			maxcells = n;
	}
	t.widths = xcalloc(maxcells + 1, sizeof(*t.widths));
	format(&t, out, 0, t.nlines);
	for (size_t i = 0; i < t.nlines; i++)
		strv_free(t.lines[i]);
	free(t.lines);
	free(t.widths);
}
