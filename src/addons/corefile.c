/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A port of github.com/coredns/corefile-migration v1.0.34 (the version kubeadm v1.37.2 links):
 * its Corefile model (migration/corefile: servers, plugins, options) parsed with caddyfile's
 * lexer and Dispenser rules and printed by its ToString, and the `migration` functions kubeadm
 * calls (Default, ValidUpMigration, Deprecated, Unsupported, Migrate) over the release tables
 * generated into corefile-versions.c.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "addons/corefile-tables.h"
#include "addons/corefile.h"
#include "util/error.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

struct token {
	char *text;
	int line;
};

struct node { /* a server (domPorts), plugin or option: name + args, and children */
	char **words; /* words[0] is the name (or the first domPort) */
	struct node **kids;
	size_t nkids;
};

struct corefile {
	struct node root; /* kids: servers */
	bool broken;      /* a shape Go would panic on (a plugin before any server ...) */
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

/* Takes words; returns the new child, owned by parent. */
static struct node *add_kid(struct node *parent, char **words)
{
	struct node *k = xmalloc(sizeof(*k));
	k->words = words;
	k->kids = NULL;
	k->nkids = 0;
	parent->kids = xrealloc(parent->kids, (parent->nkids + 1) * sizeof(*parent->kids));
	parent->kids[parent->nkids++] = k;
	return k;
}

static struct node *add_kid_words(struct node *parent, const char *const *words)
{
	return add_kid(parent, strv_copy((char *const *)words));
}

static void node_release(struct node *e)
{
	for (size_t i = 0; i < e->nkids; i++) {
		node_release(e->kids[i]);
		free(e->kids[i]);
	}
	free(e->kids);
	strv_free(e->words);
	e->kids = NULL;
	e->nkids = 0;
	e->words = NULL;
}

static void node_free(struct node *e)
{
	if (e) {
		node_release(e);
		free(e);
	}
}

/* corefile.New with caddyfile.Dispenser's Next/RemainingArgs. */
static void parse(const char *s, struct corefile *cf)
{
	size_t n = 0;
	struct token *t = lex(s, &n);
	memset(cf, 0, sizeof(*cf));
	int depth = 0;
	struct node *svr = NULL, *plg = NULL;
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

/* corefile.New, as an error where Go would panic. */
static int parse_checked(const char *s, struct corefile *cf)
{
	parse(s, cf);
	if (cf->broken) {
		node_release(&cf->root);
		return error_set(-EINVAL, "the Corefile has a plugin or option outside any server block");
	}
	return 0;
}

/* ---- printing (corefile.ToString) ---- */

/* unicode.IsSpace for the rune at s (UTF-8); its length in *ret_len. */
static bool go_space_at(const char *s, size_t *ret_len)
{
	uint32_t r = 0;
	size_t n = json_utf8_decode((const unsigned char *)s, strlen(s), &r);
	*ret_len = n ? n : 1;
	if (!n)
		return false;
	switch (r) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
	case 0x3000:
		return true;
	default:
		return r >= 0x2000 && r <= 0x200A;
	}
}

/* len(strings.Fields(a)) > 1 */
static bool several_fields(const char *a)
{
	int fields = 0;
	bool in = false;
	for (const char *p = a; *p;) {
		size_t n;
		bool sp = go_space_at(p, &n);
		if (!sp && !in)
			fields++;
		in = !sp;
		p += n;
	}
	return fields > 1;
}

/* escapeArgs: an argument with whitespace inside is quoted, its quotes escaped. */
static void add_words(struct strbuf *sb, char *const *w, bool escape_first)
{
	for (size_t i = 0; w[i]; i++) {
		if (i)
			strbuf_addch(sb, ' ');
		if ((i || escape_first) && several_fields(w[i])) {
			strbuf_addch(sb, '"');
			for (const char *p = w[i]; *p; p++) {
				if (*p == '"')
					strbuf_addch(sb, '\\');
				strbuf_addch(sb, *p);
			}
			strbuf_addch(sb, '"');
		} else {
			strbuf_addstr(sb, w[i]);
		}
	}
}

static void add_plugin(struct strbuf *sb, const struct node *p)
{
	add_words(sb, p->words, false);
	if (!p->nkids)
		return;
	strbuf_addstr(sb, " {\n");
	for (size_t i = 0; i < p->nkids; i++) {
		strbuf_addstr(sb, "        ");
		add_words(sb, p->kids[i]->words, false);
		strbuf_addch(sb, '\n');
	}
	strbuf_addstr(sb, "    }");
}

/* Corefile.ToString: servers joined by "\n"; a server with plugins ends in "}\n". */
static char *corefile_string(const struct corefile *cf)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < cf->root.nkids; i++) {
		const struct node *s = cf->root.kids[i];
		if (i)
			strbuf_addch(&sb, '\n');
		add_words(&sb, s->words, true);
		if (!s->nkids)
			continue;
		strbuf_addstr(&sb, " {\n");
		for (size_t j = 0; j < s->nkids; j++) {
			strbuf_addstr(&sb, "    ");
			add_plugin(&sb, s->kids[j]);
			strbuf_addch(&sb, '\n');
		}
		strbuf_addstr(&sb, "}\n");
	}
	return strbuf_detach(&sb, NULL);
}

/* ---- migration.Default ---- */

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

static const struct node *find_match(const struct node *e, const struct node *defs, bool named)
{
	for (size_t i = 0; i < defs->nkids; i++)
		if (words_match(e->words, defs->kids[i]->words, named))
			return defs->kids[i];
	return NULL;
}

static bool matches(const struct corefile *cf, const struct corefile *def)
{
	if (cf->root.nkids != def->root.nkids)
		return false;
	for (size_t i = 0; i < cf->root.nkids; i++) {
		const struct node *s = cf->root.kids[i];
		const struct node *ds = find_match(s, &def->root, false);
		if (!ds || s->nkids != ds->nkids)
			return false;
		for (size_t j = 0; j < s->nkids; j++) {
			const struct node *p = s->kids[j];
			const struct node *dp = find_match(p, ds, true);
			if (!dp || p->nkids != dp->nkids)
				return false;
			for (size_t k = 0; k < p->nkids; k++)
				if (!find_match(p->kids[k], dp, true))
					return false;
		}
	}
	return true;
}

/* Default's k8sVersion filter is a no-op in the Go code: every release's default counts, and
 * a release without one ("") matches an empty Corefile. */
bool corefile_is_default(const char *corefile)
{
	struct corefile cf;
	parse(corefile, &cf);
	bool hit = false;
	for (size_t i = 0; !cf.broken && !hit && i < corefile_nreleases; i++) {
		struct corefile def;
		const char *conf = corefile_releases[i].default_conf;
		parse(conf ? conf : "", &def);
		hit = matches(&cf, &def);
		node_release(&def.root);
	}
	node_release(&cf.root);
	return hit;
}

/* ---- the release chain ---- */

static const struct corefile_release *release(const char *version)
{
	for (size_t i = 0; version && i < corefile_nreleases; i++)
		if (streq(corefile_releases[i].version, version))
			return &corefile_releases[i];
	return NULL;
}

int corefile_valid_up_migration(const char *from, const char *to)
{
	const struct corefile_release *r = release(from);
	if (!r)
		return error_set(-EINVAL, "start version '%s' not supported", from);
	if (streq(from, to))
		return 0;
	for (const char *next = r->next; next; next = release(next)->next)
		if (streq(next, to))
			return 0;
	return error_set(-EINVAL, "cannot migrate up to '%s' from '%s'", to, from);
}

static const struct corefile_plugin *find_plugin(const struct corefile_release *r,
						 const char *name)
{
	for (size_t i = 0; i < r->nplugins; i++)
		if (streq(r->plugins[i].name, name))
			return &r->plugins[i];
	return NULL;
}

static bool pattern_matches(const char *pattern, const char *s)
{
	regex_t re;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false; /* matchOption skips patterns that do not compile */
	bool hit = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return hit;
}

/* matchOption: a named option, else the first pattern matching anywhere in the name. */
static const struct corefile_option *match_option(const struct corefile_plugin *p,
						  const char *name)
{
	for (size_t i = 0; p && i < p->noptions; i++)
		if (!p->options[i].pattern && streq(p->options[i].name, name))
			return &p->options[i];
	for (size_t i = 0; p && i < p->noptions; i++)
		if (p->options[i].pattern && pattern_matches(p->options[i].name, name))
			return &p->options[i];
	return NULL;
}

static bool has_kid_named(const struct node *parent, const char *name)
{
	for (size_t i = 0; i < parent->nkids; i++)
		if (streq(parent->kids[i]->words[0], name))
			return true;
	return false;
}

/* ---- notices (migration.Notice) ---- */

static const char *const severity_names[] = {
	[COREFILE_SEV_NONE] = "",
	[COREFILE_SEV_DEPRECATED] = "deprecated",
	[COREFILE_SEV_IGNORED] = "ignored",
	[COREFILE_SEV_REMOVED] = "removed",
	[COREFILE_SEV_NEWDEFAULT] = "newdefault",
	[COREFILE_SEV_UNSUPPORTED] = "unsupported",
};

static void add_notice(json_t *list, const char *plugin, const char *option,
		       enum corefile_severity sev, const char *version, const char *replaced_by,
		       const char *additional)
{
	json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "plugin", plugin,
					      "option", option ? option : "", "severity",
					      severity_names[sev], "replacedBy",
					      replaced_by ? replaced_by : "", "additional",
					      additional ? additional : "", "version", version));
}

char *corefile_notice_string(const json_t *notice)
{
	const char *plugin = json_string_value(json_object_get(notice, "plugin"));
	const char *option = json_string_value(json_object_get(notice, "option"));
	const char *sev = json_string_value(json_object_get(notice, "severity"));
	const char *version = json_string_value(json_object_get(notice, "version"));
	const char *replaced = json_string_value(json_object_get(notice, "replacedBy"));
	const char *additional = json_string_value(json_object_get(notice, "additional"));
	struct strbuf sb = STRBUF_INIT;
	if (!option || !*option)
		strbuf_addf(&sb, "Plugin \"%s\" ", plugin ? plugin : "");
	else
		strbuf_addf(&sb, "Option \"%s\" in plugin \"%s\" ", option, plugin ? plugin : "");
	version = version ? version : "";
	if (sev && streq(sev, "unsupported"))
		strbuf_addf(&sb, "is unsupported by this migration tool in %s.", version);
	else if (sev && streq(sev, "newdefault"))
		strbuf_addf(&sb, "is added as a default in %s.", version);
	else
		strbuf_addf(&sb, "is %s in %s.", sev ? sev : "", version);
	if (replaced && *replaced)
		strbuf_addf(&sb, " It is replaced by \"%s\".", replaced);
	if (additional && *additional)
		strbuf_addf(&sb, " %s", additional);
	return strbuf_detach(&sb, NULL);
}

/* The notices of one release for one server block (getStatus's loop body). */
static void server_status(const struct corefile_release *r, const struct node *s,
			  bool unsupported, json_t *out)
{
	for (size_t j = 0; j < s->nkids; j++) {
		const struct node *p = s->kids[j];
		const char *pname = p->words[0];
		const struct corefile_plugin *vp = find_plugin(r, pname);
		if (!vp) {
			if (unsupported)
				add_notice(out, pname, NULL, COREFILE_SEV_UNSUPPORTED, r->version, NULL,
					   NULL);
			continue;
		}
		if (!unsupported && vp->status != COREFILE_SEV_NONE &&
		    vp->status != COREFILE_SEV_NEWDEFAULT) {
			add_notice(out, pname, NULL, vp->status, r->version, vp->replaced_by,
				   vp->additional);
			continue;
		}
		for (size_t k = 0; k < p->nkids; k++) {
			const char *oname = p->kids[k]->words[0];
			const struct corefile_option *vo = match_option(vp, oname);
			if (unsupported) {
				if (!vo)
					add_notice(out, pname, oname, COREFILE_SEV_UNSUPPORTED,
						   r->version, NULL, NULL);
				continue;
			}
			if (vo && vo->status != COREFILE_SEV_NONE &&
			    vo->status != COREFILE_SEV_NEWDEFAULT)
				add_notice(out, pname, oname, vo->status, r->version, NULL, NULL);
		}
		if (unsupported)
			continue;
		for (size_t k = 0; k < vp->noptions; k++) {
			const struct corefile_option *vo = &vp->options[k];
			if (!vo->pattern && vo->status == COREFILE_SEV_NEWDEFAULT &&
			    !has_kid_named(p, vo->name))
				add_notice(out, pname, vo->name, COREFILE_SEV_NEWDEFAULT, r->version,
					   NULL, NULL);
		}
	}
	if (unsupported)
		return;
	for (size_t i = 0; i < r->nplugins; i++)
		if (r->plugins[i].status == COREFILE_SEV_NEWDEFAULT &&
		    !has_kid_named(s, r->plugins[i].name))
			add_notice(out, r->plugins[i].name, NULL, COREFILE_SEV_NEWDEFAULT, r->version,
				   NULL, NULL);
}

/* What getStatus and Migrate start with: ValidUpMigration, then corefile.New. */
static int start_migration(const char *from, const char *to, const char *corefile,
			   struct corefile *cf)
{
	int r = corefile_valid_up_migration(from, to);
	if (r < 0)
		return r;
	return parse_checked(corefile, cf);
}

/* getStatus: the notices of every release after from, up to and including to. */
static int get_status(const char *from, const char *to, const char *corefile, bool unsupported,
		      json_t **ret)
{
	if (streq(from, to)) {
		*ret = json_array();
		return 0;
	}
	struct corefile cf;
	int r = start_migration(from, to, corefile, &cf);
	if (r < 0)
		return r;
	json_t *out = json_array();
	const struct corefile_release *rel = release(from);
	do {
		rel = release(rel->next);
		for (size_t i = 0; i < cf.root.nkids; i++)
			server_status(rel, cf.root.kids[i], unsupported, out);
	} while (!streq(rel->version, to));
	node_release(&cf.root);
	*ret = out;
	return 0;
}

int corefile_deprecated(const char *from, const char *to, const char *corefile, json_t **ret)
{
	return get_status(from, to, corefile, false, ret);
}

int corefile_unsupported(const char *from, const char *to, const char *corefile, json_t **ret)
{
	return get_status(from, to, corefile, true, ret);
}

/* ---- Migrate ---- */

/* An option action; false: remove the option. */
static bool option_action(enum corefile_option_action a, struct node *o)
{
	char **w = o->words;
	size_t nargs = strv_length(w) - 1;
	switch (a) {
	case COREFILE_OPT_KEEP:
		return true;
	case COREFILE_OPT_REMOVE:
		return false;
	case COREFILE_OPT_FIRST_ARG_ONLY:
		for (size_t i = 2; i <= nargs; i++) {
			free(w[i]);
			w[i] = NULL;
		}
		return true;
	case COREFILE_OPT_DROP_HTTPS_GOOGLE:
		return !(nargs > 0 && streq(w[1], "https_google"));
	case COREFILE_OPT_PROXY_POLICY:
		if (nargs == 1 && streq(w[1], "least_conn")) {
			strv_free(o->words);
			o->words = NULL;
			strv_push(&o->words, "force_tcp");
		}
		return true;
	case COREFILE_OPT_PROXY_PROTOCOL:
		if (nargs >= 2 && streq(w[1], "force_tcp")) {
			strv_free(o->words);
			o->words = NULL;
			strv_push(&o->words, "force_tcp");
			return true;
		}
		return false;
	}
	return true;
}

/* copyKubernetesTransferOptToPlugin */
static int copy_kubernetes_transfer(struct corefile *cf)
{
	for (size_t i = 0; i < cf->root.nkids; i++) {
		struct node *s = cf->root.kids[i];
		char *const *to = NULL;
		const char *zone = NULL;
		size_t n = s->nkids; /* Go ranges over the plugins before the append */
		for (size_t j = 0; j < n; j++) {
			const struct node *p = s->kids[j];
			if (!streq(p->words[0], "kubernetes"))
				continue;
			if (!p->words[1])
				return error_set(-EINVAL, "the kubernetes plugin has no zone");
			zone = p->words[1];
			for (size_t k = 0; k < p->nkids; k++)
				if (streq(p->kids[k]->words[0], "transfer"))
					to = p->kids[k]->words + 1;
		}
		if (!to || strv_length(to) < 2)
			continue;
		const char *name[] = { "transfer", zone, NULL };
		_cleanup_strv_free_ char **copy = strv_copy(to);
		free(copy[0]);
		copy[0] = xstrdup("to"); /* Option{Name: "to", Args: to[1:]} */
		struct node *t = add_kid_words(s, name);
		add_kid(t, TAKE_PTR(copy));
	}
	return 0;
}

/*
 * breakForwardStubDomainsIntoServerBlocks: every forward plugin with a zone other than "."
 * goes to a server block of its own. Go removes it from the plugin slice it is ranging over
 * (append(s[:j], s[j+1:]...) in place): the next plugin is skipped and the range still reads
 * the stale last slot; reproduced here, with Go's out-of-range panic as an error.
 */
static int break_forward_stub_domains(struct corefile *cf)
{
	size_t nservers = cf->root.nkids;
	for (size_t i = 0; i < nservers; i++) {
		struct node *sb = cf->root.kids[i];
		struct node **backing = sb->kids;
		size_t len = sb->nkids, range = sb->nkids;
		for (size_t j = 0; j < range; j++) {
			struct node *fwd = backing[j];
			if (!streq(fwd->words[0], "forward"))
				continue;
			if (!fwd->words[1])
				return error_set(-EINVAL, "found invalid forward plugin declaration");
			if (streq(fwd->words[1], "."))
				continue;
			if (strv_length(sb->words) != 1)
				return error_set(-EINVAL,
						 "unhandled migration of multi-domain/port server block");
			if (!streq(sb->words[0], ".") && !streq(sb->words[0], ".:53"))
				return error_set(-EINVAL,
						 "unhandled migration of non-default domain/port server block");
			if (j + 1 > len) /* Go: slice bounds out of range */
				return error_set(-EINVAL, "forward plugins the Go library cannot split");
			const char *dom[] = { fwd->words[1], NULL };
			struct node *n = add_kid_words(&cf->root, dom);
			free(fwd->words[1]);
			fwd->words[1] = xstrdup(".");
			n->kids = xmalloc(sizeof(*n->kids));
			n->kids[0] = fwd;
			n->nkids = 1;
			static const char *const loop[] = { "loop", NULL }, *const errors[] = { "errors", NULL },
					  *const cache[] = { "cache", "30", NULL };
			add_kid_words(n, loop);
			add_kid_words(n, errors);
			add_kid_words(n, cache);
			memmove(&backing[j], &backing[j + 1], (len - j - 1) * sizeof(*backing));
			len--;
			sb->nkids = len;
		}
	}
	return 0;
}

static int corefile_action(enum corefile_action a, struct corefile *cf)
{
	switch (a) {
	case COREFILE_CF_NONE:
		return 0;
	case COREFILE_PRE_COPY_KUBERNETES_TRANSFER:
		return copy_kubernetes_transfer(cf);
	case COREFILE_POST_BREAK_FORWARD_STUB_DOMAINS:
		return break_forward_stub_domains(cf);
	}
	return 0;
}

/* addToServerBlockWithPlugins */
static void add_default_plugin(struct node *s, const struct corefile_plugin *vp)
{
	bool add = !vp->add_with;
	for (size_t i = 0; !add && i < s->nkids; i++)
		for (const char *const *w = vp->add_with; *w && !add; w++)
			add = streq(s->kids[i]->words[0], *w);
	if (add) {
		const char *name[] = { vp->add, NULL };
		add_kid_words(s, name);
	}
}

/* One plugin through one release (Migrate's inner loop). */
static void migrate_plugin(const struct corefile_release *r, const struct corefile_plugin *vp,
			   struct node *p, bool deprecations)
{
	size_t n = p->nkids, kept = 0;
	bool *drop = xcalloc(n ? n : 1, sizeof(*drop));
	for (size_t k = 0; k < n; k++) {
		const struct corefile_option *vo = match_option(vp, p->kids[k]->words[0]);
		if (!vo || (!deprecations && vo->status == COREFILE_SEV_DEPRECATED))
			continue;
		drop[k] = !option_action(vo->action, p->kids[k]);
	}
	if (vp->action == COREFILE_PLUGIN_RENAME_FORWARD) {
		free(p->words[0]);
		p->words[0] = xstrdup("forward");
	}
	/* new default options: looked up under the (renamed) name, checked against every
	 * original option, removed ones included, as Go does */
	const struct corefile_plugin *now = find_plugin(r, p->words[0]);
	char **adds = NULL;
	for (size_t k = 0; now && k < now->noptions; k++) {
		const struct corefile_option *vo = &now->options[k];
		if (!vo->pattern && vo->status == COREFILE_SEV_NEWDEFAULT &&
		    !has_kid_named(p, vo->name))
			strv_push(&adds, vo->add);
	}
	for (size_t k = 0; k < n; k++) {
		if (drop[k])
			node_free(p->kids[k]);
		else
			p->kids[kept++] = p->kids[k];
	}
	p->nkids = kept;
	for (size_t k = 0; adds && adds[k]; k++) {
		const char *name[] = { adds[k], NULL };
		add_kid_words(p, name);
	}
	strv_free(adds);
	free(drop);
}

static int migrate_release(const struct corefile_release *r, struct corefile *cf,
			   bool deprecations)
{
	int ret = corefile_action(r->pre, cf);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < cf->root.nkids; i++) {
		struct node *s = cf->root.kids[i];
		for (size_t j = 0; j < s->nkids; j++) {
			const struct corefile_plugin *vp = find_plugin(r, s->kids[j]->words[0]);
			if (!vp || (!deprecations && vp->status == COREFILE_SEV_DEPRECATED))
				continue;
			migrate_plugin(r, vp, s->kids[j], deprecations);
		}
		size_t n = s->nkids; /* checked against the block's own plugins only */
		for (size_t k = 0; k < r->nplugins; k++) {
			const struct corefile_plugin *vp = &r->plugins[k];
			bool present = false;
			for (size_t j = 0; j < n && !present; j++)
				present = streq(s->kids[j]->words[0], vp->name);
			if (vp->status == COREFILE_SEV_NEWDEFAULT && !present)
				add_default_plugin(s, vp);
		}
	}
	return corefile_action(r->post, cf);
}

int corefile_migrate(const char *from, const char *to, const char *corefile, bool deprecations,
		     char **ret)
{
	if (streq(from, to)) {
		*ret = xstrdup(corefile);
		return 0;
	}
	struct corefile cf;
	int r = start_migration(from, to, corefile, &cf);
	if (r < 0)
		return r;
	const struct corefile_release *rel = release(from);
	do {
		rel = release(rel->next);
		r = migrate_release(rel, &cf, deprecations);
	} while (r >= 0 && !streq(rel->version, to));
	if (r >= 0)
		*ret = corefile_string(&cf);
	node_release(&cf.root);
	return r;
}
