/* SPDX-License-Identifier: Apache-2.0 */
/*
 * corefile-migration's Corefile model (migration/corefile: servers, plugins, options) parsed
 * with caddyfile's lexer and Dispenser rules, and migration.Default's matching.
 */
#include <stdlib.h>
#include <string.h>

#include "addons/corefile.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

struct token {
	char *text;
	int line;
};

struct entry { /* a server (domPorts), plugin or option: name + args, and children */
	char **words; /* words[0] is the name (or the first domPort) */
	struct entry *kids;
	size_t nkids;
};

struct corefile {
	struct entry root; /* kids: servers */
	bool broken;       /* a shape Go would panic on: never a default */
};

/* caddyfile lexer.next: whitespace-separated tokens, "quoted" tokens with \" escapes, #
 * comments to the end of the line. */
static struct token *lex(const char *s, size_t *ret_n)
{
	struct token *t = NULL;
	size_t n = 0, alloc = 0;
	int line = 1;
	const char *p = s;
	for (;;) {
		struct strbuf val = STRBUF_INIT;
		bool comment = false, quoted = false, escaped = false, have = false;
		int tline = line;
		for (;;) {
			char ch = *p;
			if (!ch) {
				break;
			}
			p++;
			if (quoted) {
				if (!escaped) {
					if (ch == '\\') {
						escaped = true;
						continue;
					}
					if (ch == '"') {
						quoted = false;
						have = true;
						break;
					}
				}
				if (ch == '\n')
					line++;
				if (escaped && ch != '"')
					strbuf_addch(&val, '\\');
				strbuf_addch(&val, ch);
				escaped = false;
				continue;
			}
			if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r') {
				if (ch == '\r')
					continue;
				if (ch == '\n') {
					line++;
					comment = false;
				}
				if (val.len > 0) {
					have = true;
					break;
				}
				continue;
			}
			if (ch == '#')
				comment = true;
			if (comment)
				continue;
			if (val.len == 0 && !quoted) {
				tline = line;
				if (ch == '"') {
					quoted = true;
					continue;
				}
			}
			strbuf_addch(&val, ch);
		}
		if (!have && val.len > 0)
			have = true;
		if (!have) {
			strbuf_release(&val);
			break;
		}
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			t = xrealloc(t, alloc * sizeof(*t));
		}
		t[n].text = strbuf_detach(&val, NULL);
		t[n].line = tline;
		n++;
	}
	*ret_n = n;
	return t;
}

static int line_breaks(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static struct entry *add_kid(struct entry *e, char **words)
{
	e->kids = xrealloc(e->kids, (e->nkids + 1) * sizeof(*e->kids));
	struct entry *k = &e->kids[e->nkids++];
	k->words = words;
	k->kids = NULL;
	k->nkids = 0;
	return k;
}

static void entry_release(struct entry *e)
{
	for (size_t i = 0; i < e->nkids; i++)
		entry_release(&e->kids[i]);
	free(e->kids);
	strv_free(e->words);
}

/* corefile.New with caddyfile.Dispenser's Next/RemainingArgs. */
static void parse(const char *s, struct corefile *cf)
{
	size_t n = 0;
	struct token *t = lex(s, &n);
	memset(cf, 0, sizeof(*cf));
	int depth = 0;
	struct entry *svr = NULL, *plg = NULL;
	for (size_t cur = 0; cur < n; cur++) {
		const char *val = t[cur].text;
		if (streq(val, "{")) {
			depth++;
			continue;
		}
		if (streq(val, "}")) {
			depth--;
			continue;
		}
		char **words = NULL;
		strv_push(&words, val);
		/* RemainingArgs: the following tokens on the same line, up to a "{" */
		while (cur + 1 < n && t[cur].line + line_breaks(t[cur].text) == t[cur + 1].line) {
			if (streq(t[cur + 1].text, "{"))
				break;
			cur++;
			strv_push(&words, t[cur].text);
		}
		if (depth == 0) {
			svr = add_kid(&cf->root, words);
			plg = NULL;
		} else if (depth == 1 && svr) {
			plg = add_kid(svr, words);
		} else if (depth == 2 && plg) {
			add_kid(plg, words);
		} else {
			if (depth == 1 || depth == 2)
				cf->broken = true; /* Go dereferences a nil server/plugin here */
			strv_free(words);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(t[i].text);
	free(t);
}

/*
 * FindMatch of corefile.Server/Plugin/Option: words of e against the pattern words of def
 * (for plugins and options the name must be equal first; servers have no name).
 */
static bool words_match(char *const *w, char *const *def, bool named)
{
	size_t start = 0;
	if (named) {
		if (!streq(w[0], def[0]))
			return false;
		start = 1;
	}
	size_t nw = strv_length(w), nd = strv_length(def);
	for (size_t i = start; i < nd; i++) {
		if (streq(def[i], "*"))
			continue;
		if (streq(def[i], "***"))
			return true;
		if (i >= nw || !streq(def[i], w[i]))
			return false;
	}
	return nd == nw;
}

static const struct entry *find_match(const struct entry *e, const struct entry *defs, size_t n,
				      bool named)
{
	for (size_t i = 0; i < n; i++)
		if (words_match(e->words, defs[i].words, named))
			return &defs[i];
	return NULL;
}

static bool matches(const struct corefile *cf, const struct corefile *def)
{
	if (cf->root.nkids != def->root.nkids)
		return false;
	for (size_t i = 0; i < cf->root.nkids; i++) {
		const struct entry *s = &cf->root.kids[i];
		const struct entry *ds = find_match(s, def->root.kids, def->root.nkids, false);
		if (!ds || s->nkids != ds->nkids)
			return false;
		for (size_t j = 0; j < s->nkids; j++) {
			const struct entry *p = &s->kids[j];
			const struct entry *dp = find_match(p, ds->kids, ds->nkids, true);
			if (!dp || p->nkids != dp->nkids)
				return false;
			for (size_t k = 0; k < p->nkids; k++)
				if (!find_match(&p->kids[k], dp->kids, dp->nkids, true))
					return false;
		}
	}
	return true;
}

bool corefile_is_default(const char *corefile)
{
	struct corefile cf;
	parse(corefile, &cf);
	bool hit = false;
	for (const char *const *d = corefile_defaults; !cf.broken && !hit && *d; d++) {
		struct corefile def;
		parse(*d, &def);
		hit = matches(&cf, &def);
		entry_release(&def.root);
	}
	entry_release(&cf.root);
	return hit;
}
