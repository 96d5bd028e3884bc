/* SPDX-License-Identifier: Apache-2.0 */
/*
 * go-difflib's SequenceMatcher (Ratcliff-Obershelp as Python's difflib: longest matching block
 * first, earliest in a then in b, recursively on both sides), its grouped opcodes and the
 * unified-diff writer.
 */
#include <stdlib.h>
#include <string.h>

#include "util/difflib.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

char **difflib_split_lines(const char *s)
{
	char **v = NULL;
	const char *p = s;
	for (const char *nl; (nl = strchr(p, '\n')); p = nl + 1) {
		_cleanup_free_ char *line = xstrndup(p, (size_t)(nl - p + 1));
		strv_push(&v, line);
	}
	_cleanup_free_ char *last = xasprintf("%s\n", p);
	strv_push(&v, last);
	return v;
}

struct match {
	size_t a, b, size;
};

struct opcode {
	char tag;
	size_t i1, i2, j1, j2;
};

struct matcher {
	char *const *a, *const *b;
	size_t na, nb;
	size_t *index;   /* b's indexes sorted by (line, index): b2j as runs */
	size_t nindex;   /* popular lines (autojunk) left out */
	size_t *j2len, *newj2len; /* by j + 1 */
	size_t *touched, *newtouched;
	size_t ntouched, nnewtouched;
	struct match *blocks;
	size_t nblocks;
};

static char *const *sort_b; /* qsort has no context argument */

static int cmp_b(const void *x, const void *y)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int c = strcmp(sort_b[i], sort_b[j]);
	return c ? c : (i > j) - (i < j);
}

/* chainB: b2j without junk; with autojunk and len(b) >= 200, lines seen more than
 * len(b)/100 + 1 times are "popular" and left out. */
static void chain_b(struct matcher *m)
{
	size_t *all = xmalloc((m->nb ? m->nb : 1) * sizeof(*all));
	for (size_t i = 0; i < m->nb; i++)
		all[i] = i;
	sort_b = m->b;
	qsort(all, m->nb, sizeof(*all), cmp_b);
	m->index = xmalloc((m->nb ? m->nb : 1) * sizeof(*m->index));
	m->nindex = 0;
	for (size_t s = 0, e; s < m->nb; s = e) {
		for (e = s + 1; e < m->nb && streq(m->b[all[e]], m->b[all[s]]); e++)
			;
		if (m->nb >= 200 && e - s > m->nb / 100 + 1)
			continue;
		memcpy(&m->index[m->nindex], &all[s], (e - s) * sizeof(*all));
		m->nindex += e - s;
	}
	free(all);
}

/* The run of b2j[line]: its first position in m->index and its length. */
static size_t b2j(const struct matcher *m, const char *line, size_t *ret_n)
{
	size_t lo = 0, hi = m->nindex;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(m->b[m->index[mid]], line) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t e = lo;
	while (e < m->nindex && streq(m->b[m->index[e]], line))
		e++;
	*ret_n = e - lo;
	return lo;
}

static struct match find_longest_match(struct matcher *m, size_t alo, size_t ahi, size_t blo,
				       size_t bhi)
{
	size_t besti = alo, bestj = blo, bestsize = 0;
	for (size_t i = alo; i < ahi; i++) {
		size_t n, first = b2j(m, m->a[i], &n);
		m->nnewtouched = 0;
		for (size_t x = first; x < first + n; x++) {
			size_t j = m->index[x];
			if (j < blo)
				continue;
			if (j >= bhi)
				break;
			size_t k = m->j2len[j] + 1; /* j2len[j-1] */
			m->newj2len[j + 1] = k;
			m->newtouched[m->nnewtouched++] = j + 1;
			if (k > bestsize) {
				besti = i - k + 1;
				bestj = j - k + 1;
				bestsize = k;
			}
		}
		for (size_t t = 0; t < m->ntouched; t++)
			m->j2len[m->touched[t]] = 0;
		size_t *tmp = m->j2len;
		m->j2len = m->newj2len;
		m->newj2len = tmp;
		tmp = m->touched;
		m->touched = m->newtouched;
		m->newtouched = tmp;
		m->ntouched = m->nnewtouched;
	}
	for (size_t t = 0; t < m->ntouched; t++)
		m->j2len[m->touched[t]] = 0;
	m->ntouched = 0;
	/* popular lines are not in b2j: extend over equal lines on both ends (no junk here) */
	while (besti > alo && bestj > blo && streq(m->a[besti - 1], m->b[bestj - 1])) {
		besti--;
		bestj--;
		bestsize++;
	}
	while (besti + bestsize < ahi && bestj + bestsize < bhi &&
	       streq(m->a[besti + bestsize], m->b[bestj + bestsize]))
		bestsize++;
	return (struct match){ besti, bestj, bestsize };
}

static void push_block(struct matcher *m, struct match b)
{
	m->blocks = xrealloc(m->blocks, (m->nblocks + 1) * sizeof(*m->blocks));
	m->blocks[m->nblocks++] = b;
}

static void match_blocks(struct matcher *m, size_t alo, size_t ahi, size_t blo, size_t bhi)
{
	struct match x = find_longest_match(m, alo, ahi, blo, bhi);
	if (x.size == 0)
		return;
	if (alo < x.a && blo < x.b)
		match_blocks(m, alo, x.a, blo, x.b);
	push_block(m, x);
	if (x.a + x.size < ahi && x.b + x.size < bhi)
		match_blocks(m, x.a + x.size, ahi, x.b + x.size, bhi);
}

/* GetMatchingBlocks: adjacent blocks merged, ended by (len(a), len(b), 0). */
static void matching_blocks(struct matcher *m)
{
	match_blocks(m, 0, m->na, 0, m->nb);
	size_t n = 0;
	struct match cur = { 0, 0, 0 };
	for (size_t i = 0; i < m->nblocks; i++) {
		struct match b = m->blocks[i];
		if (cur.a + cur.size == b.a && cur.b + cur.size == b.b) {
			cur.size += b.size;
		} else {
			if (cur.size > 0)
				m->blocks[n++] = cur;
			cur = b;
		}
	}
	if (cur.size > 0)
		m->blocks[n++] = cur;
	m->nblocks = n;
	push_block(m, (struct match){ m->na, m->nb, 0 });
}

/* GetOpCodes; *ret_n opcodes, owned by the caller. */
static struct opcode *opcodes(const struct matcher *m, size_t *ret_n)
{
	struct opcode *ops = xmalloc(2 * m->nblocks * sizeof(*ops));
	size_t n = 0, i = 0, j = 0;
	for (size_t k = 0; k < m->nblocks; k++) {
		struct match b = m->blocks[k];
		char tag = 0;
		if (i < b.a && j < b.b)
			tag = 'r';
		else if (i < b.a)
			tag = 'd';
		else if (j < b.b)
			tag = 'i';
		if (tag)
			ops[n++] = (struct opcode){ tag, i, b.a, j, b.b };
		i = b.a + b.size;
		j = b.b + b.size;
		if (b.size > 0)
			ops[n++] = (struct opcode){ 'e', b.a, i, b.b, j };
	}
	*ret_n = n;
	return ops;
}

static size_t min_z(size_t a, size_t b)
{
	return a < b ? a : b;
}

static size_t max_z(size_t a, size_t b)
{
	return a > b ? a : b;
}

static void add_range(struct strbuf *sb, size_t start, size_t stop)
{
	size_t beginning = start + 1, length = stop - start;
	if (length == 1) {
		strbuf_addf(sb, "%zu", beginning);
		return;
	}
	if (length == 0)
		beginning--; /* an empty range begins at the line before it */
	strbuf_addf(sb, "%zu,%zu", beginning, length);
}

static void add_lines(struct strbuf *sb, char prefix, char *const *lines, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		strbuf_addch(sb, prefix);
		strbuf_addstr(sb, lines[i]);
	}
}

/* One group of GetGroupedOpCodes, written as a hunk. */
static void write_group(struct strbuf *sb, const struct difflib_unified *d, const char *eol,
			const struct opcode *g, size_t n)
{
	strbuf_addstr(sb, "@@ -");
	add_range(sb, g[0].i1, g[n - 1].i2);
	strbuf_addstr(sb, " +");
	add_range(sb, g[0].j1, g[n - 1].j2);
	strbuf_addf(sb, " @@%s", eol);
	for (size_t k = 0; k < n; k++) {
		const struct opcode *c = &g[k];
		if (c->tag == 'e') {
			add_lines(sb, ' ', d->a, c->i1, c->i2);
			continue;
		}
		if (c->tag == 'r' || c->tag == 'd')
			add_lines(sb, '-', d->a, c->i1, c->i2);
		if (c->tag == 'r' || c->tag == 'i')
			add_lines(sb, '+', d->b, c->j1, c->j2);
	}
}

char *difflib_unified_diff(const struct difflib_unified *d)
{
	struct matcher m = { .a = d->a, .b = d->b, .na = strv_length(d->a), .nb = strv_length(d->b) };
	chain_b(&m);
	m.j2len = xcalloc(m.nb + 1, sizeof(size_t));
	m.newj2len = xcalloc(m.nb + 1, sizeof(size_t));
	m.touched = xmalloc((m.nb + 1) * sizeof(size_t));
	m.newtouched = xmalloc((m.nb + 1) * sizeof(size_t));
	matching_blocks(&m);
	size_t ncodes;
	_cleanup_free_ struct opcode *codes = opcodes(&m, &ncodes);
	free(m.index);
	free(m.j2len);
	free(m.newj2len);
	free(m.touched);
	free(m.newtouched);
	free(m.blocks);

	const char *eol = d->eol && *d->eol ? d->eol : "\n";
	size_t n = d->context < 0 ? 3 : (size_t)d->context, nn = n + n;
	if (ncodes == 0) {
		codes = xrealloc(codes, sizeof(*codes));
		codes[0] = (struct opcode){ 'e', 0, 1, 0, 1 };
		ncodes = 1;
	}
	/* leading and trailing groups without changes shrink to the context */
	struct opcode *c = &codes[0];
	if (c->tag == 'e') {
		c->i1 = c->i2 >= n ? max_z(c->i1, c->i2 - n) : c->i1;
		c->j1 = c->j2 >= n ? max_z(c->j1, c->j2 - n) : c->j1;
	}
	c = &codes[ncodes - 1];
	if (c->tag == 'e') {
		c->i2 = min_z(c->i2, c->i1 + n);
		c->j2 = min_z(c->j2, c->j1 + n);
	}

	struct strbuf sb = STRBUF_INIT;
	_cleanup_free_ struct opcode *group = xmalloc((2 * ncodes + 1) * sizeof(*group));
	size_t ng = 0;
	bool started = false;
	for (size_t k = 0; k <= ncodes; k++) {
		bool flush = k == ncodes;
		struct opcode x = flush ? (struct opcode){ 0 } : codes[k];
		if (!flush && x.tag == 'e' && x.i2 - x.i1 > nn) {
			group[ng++] = (struct opcode){ 'e', x.i1, min_z(x.i2, x.i1 + n), x.j1,
						       min_z(x.j2, x.j1 + n) };
			flush = true;
		}
		if (flush && ng > 0 && !(ng == 1 && group[0].tag == 'e')) {
			if (!started && ((d->from_file && *d->from_file) || (d->to_file && *d->to_file))) {
				const char *fd = d->from_date ? d->from_date : "", *td = d->to_date ? d->to_date : "";
				strbuf_addf(&sb, "--- %s%s%s%s", d->from_file ? d->from_file : "",
					    *fd ? "\t" : "", fd, eol);
				strbuf_addf(&sb, "+++ %s%s%s%s", d->to_file ? d->to_file : "",
					    *td ? "\t" : "", td, eol);
			}
			started = true;
			write_group(&sb, d, eol, group, ng);
		}
		if (flush)
			ng = 0;
		if (k == ncodes)
			break;
		if (x.tag == 'e' && x.i2 - x.i1 > nn) {
			x.i1 = max_z(x.i1, x.i2 - n);
			x.j1 = max_z(x.j1, x.j2 - n);
		}
		group[ng++] = x;
	}
	return strbuf_detach(&sb, NULL);
}
