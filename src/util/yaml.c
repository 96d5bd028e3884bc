/* SPDX-License-Identifier: Apache-2.0 */
/*
 * YAML <-> JSON as Kubernetes' Go code does it. libyaml is the parser and emitter: go-yaml v2
 * (go.yaml.in/yaml/v2) is a Go port of it, so the events, error texts and emitted bytes are the
 * same; what go-yaml adds on top (YAML 1.1 resolution, merge keys, the decoder's limits and
 * messages, the encoder's quoting choices and key order) is reproduced here, and what
 * sigs.k8s.io/yaml adds (key stringification, json.Marshal) after that.
 */
#include "util/yaml.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>
#include <yaml.h>

#include "util/error.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define TAG_PREFIX "tag:yaml.org,2002:"
#define TAG_STR TAG_PREFIX "str"
#define TAG_BOOL TAG_PREFIX "bool"
#define TAG_INT TAG_PREFIX "int"
#define TAG_FLOAT TAG_PREFIX "float"
#define TAG_NULL TAG_PREFIX "null"
#define TAG_TIMESTAMP TAG_PREFIX "timestamp"
#define TAG_BINARY TAG_PREFIX "binary"
#define TAG_MERGE TAG_PREFIX "merge"

/* ------------------------------------------------------------------------------------------ */
/* Values as go-yaml decodes them into interface{}. */

enum vkind { V_NULL, V_BOOL, V_INT, V_UINT, V_FLOAT, V_STR, V_SEQ, V_MAP };

struct yv {
	enum vkind kind;
	bool b;
	int64_t i;
	uint64_t u;
	double f;
	char *s; /* owned, V_STR */
	size_t len;
	json_t *j; /* owned, V_SEQ and V_MAP */
};

static void yv_release(struct yv *v)
{
	free(v->s);
	if (v->j)
		json_decref(v->j);
	*v = (struct yv){ 0 };
}

/* Resolved tags (go-yaml's rtag), the ones that matter here. */
enum rtag { R_STR, R_BOOL, R_INT, R_FLOAT, R_NULL, R_TIMESTAMP, R_MERGE, R_OTHER };

static const char *short_tag(const char *tag)
{
	static __thread char buf[128];
	if (tag && strneq(tag, TAG_PREFIX, strlen(TAG_PREFIX))) {
		snprintf(buf, sizeof(buf), "!!%s", tag + strlen(TAG_PREFIX));
		return buf;
	}
	return strempty(tag);
}

static const char *rtag_name(enum rtag t)
{
	switch (t) {
	case R_STR:
		return "!!str";
	case R_BOOL:
		return "!!bool";
	case R_INT:
		return "!!int";
	case R_FLOAT:
		return "!!float";
	case R_NULL:
		return "!!null";
	case R_TIMESTAMP:
		return "!!timestamp";
	case R_MERGE:
		return "!!merge";
	default:
		return "";
	}
}

/* ---- timestamps: go-yaml's parseTimestamp (time.Parse with four layouts) ---- */

/* Go's getnum(value, false): one or two digits. */
static bool get_num(const char **p, const char *end, int *ret)
{
	const char *s = *p;
	if (s >= end || !isdigit((unsigned char)s[0]))
		return false;
	int v = s[0] - '0';
	s++;
	if (s < end && isdigit((unsigned char)s[0])) {
		v = v * 10 + (s[0] - '0');
		s++;
	}
	*p = s;
	*ret = v;
	return true;
}

static int days_in(int month, int year)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		return 29;
	return days[month - 1];
}

static bool parse_timestamp(const char *s, size_t len)
{
	const char *end = s + len;
	size_t i = 0;
	while (i < len && isdigit((unsigned char)s[i]))
		i++;
	if (i != 4 || i == len || s[i] != '-')
		return false;
	int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	const char *p = s + 5;
	int month, day;
	if (!get_num(&p, end, &month) || month < 1 || month > 12)
		return false;
	if (p >= end || *p != '-')
		return false;
	p++;
	if (!get_num(&p, end, &day))
		return false;
	if (day < 1 || day > days_in(month, year))
		return false;
	if (p == end)
		return true; /* "2006-1-2" */
	char sep = *p++;
	if (sep != 'T' && sep != 't' && sep != ' ')
		return false;
	int hh, mm, ss;
	if (!get_num(&p, end, &hh) || hh > 23 || p >= end || *p++ != ':')
		return false;
	if (!get_num(&p, end, &mm) || mm > 59 || p >= end || *p++ != ':')
		return false;
	if (!get_num(&p, end, &ss) || ss > 59)
		return false;
	if (end - p >= 2 && (*p == '.' || *p == ',') && isdigit((unsigned char)p[1])) {
		p++;
		while (p < end && isdigit((unsigned char)*p))
			p++;
	}
	if (sep == ' ')
		return p == end;
	/* Z07:00 */
	if (p < end && *p == 'Z')
		return p + 1 == end;
	if (end - p != 6 || (p[0] != '+' && p[0] != '-') || p[3] != ':')
		return false;
	for (int k = 1; k < 6; k++)
		if (k != 3 && !isdigit((unsigned char)p[k]))
			return false;
	int zh = (p[1] - '0') * 10 + (p[2] - '0'), zm = (p[4] - '0') * 10 + (p[5] - '0');
	return zh <= 24 && zm <= 60;
}

/* ---- numbers: Go's strconv.ParseInt/ParseUint(s, 0, 64) and ParseFloat ---- */

/* ParseUint(s, 0, 64) of an unsigned string (no sign); false on syntax error or overflow. */
static bool parse_uint_base0(const char *s, size_t n, uint64_t *ret)
{
	if (n == 0)
		return false;
	unsigned base = 10;
	if (s[0] == '0') {
		char c = n >= 3 ? (char)tolower((unsigned char)s[1]) : 0;
		if (c == 'b' || c == 'o' || c == 'x') {
			base = c == 'b' ? 2 : c == 'o' ? 8 : 16;
			s += 2;
			n -= 2;
		} else {
			base = 8;
			s++;
			n--;
		}
	}
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'z')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'Z')
			d = c - 'A' + 10;
		else
			return false;
		if (d >= base)
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*ret = v;
	return true;
}

static bool parse_int_base0(const char *s, size_t n, int64_t *ret)
{
	if (n == 0)
		return false;
	bool neg = false;
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		s++;
		n--;
	}
	uint64_t u;
	if (!parse_uint_base0(s, n, &u))
		return false;
	if (!neg && u > (uint64_t)INT64_MAX)
		return false;
	if (neg && u > (uint64_t)INT64_MAX + 1)
		return false;
	*ret = neg ? (int64_t)(0 - u) : (int64_t)u;
	return true;
}

/* Matches ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ (go-yaml's yamlStyleFloat). */
static bool yaml_style_float(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i < n && s[i] == '.') {
		i++;
		size_t st = i;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
		if (i == st)
			return false;
	} else {
		size_t st = i;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
		if (i == st)
			return false;
		if (i < n && s[i] == '.') {
			i++;
			while (i < n && isdigit((unsigned char)s[i]))
				i++;
		}
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t st = i;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
		if (i == st)
			return false;
	}
	return i == n;
}

/* ParseFloat of a string already known to be decimal float syntax: false on overflow. */
static bool parse_float_checked(const char *s, size_t n, double *ret)
{
	_cleanup_free_ char *c = xstrndup(s, n);
	double f = strtod(c, NULL);
	if (isinf(f))
		return false;
	*ret = f;
	return true;
}

/* Go's ParseFloat for a string starting with '.': only decimal syntax can start so. */
static bool parse_dot_float(const char *s, size_t n, double *ret)
{
	if (!yaml_style_float(s, n))
		return false;
	return parse_float_checked(s, n, ret);
}

struct resolve_item {
	const char *s;
	enum rtag tag;
	int v; /* bool value; for floats: 1 +inf, -1 -inf, 0 nan */
};

static const struct resolve_item resolve_map[] = {
	{ "y", R_BOOL, 1 },	   { "Y", R_BOOL, 1 },	     { "yes", R_BOOL, 1 },	{ "Yes", R_BOOL, 1 },
	{ "YES", R_BOOL, 1 },	   { "true", R_BOOL, 1 },    { "True", R_BOOL, 1 },	{ "TRUE", R_BOOL, 1 },
	{ "on", R_BOOL, 1 },	   { "On", R_BOOL, 1 },	     { "ON", R_BOOL, 1 },	{ "n", R_BOOL, 0 },
	{ "N", R_BOOL, 0 },	   { "no", R_BOOL, 0 },	     { "No", R_BOOL, 0 },	{ "NO", R_BOOL, 0 },
	{ "false", R_BOOL, 0 },	   { "False", R_BOOL, 0 },   { "FALSE", R_BOOL, 0 },	{ "off", R_BOOL, 0 },
	{ "Off", R_BOOL, 0 },	   { "OFF", R_BOOL, 0 },     { "", R_NULL, 0 },		{ "~", R_NULL, 0 },
	{ "null", R_NULL, 0 },	   { "Null", R_NULL, 0 },    { "NULL", R_NULL, 0 },	{ ".nan", R_FLOAT, 0 },
	{ ".NaN", R_FLOAT, 0 },	   { ".NAN", R_FLOAT, 0 },   { ".inf", R_FLOAT, 1 },	{ ".Inf", R_FLOAT, 1 },
	{ ".INF", R_FLOAT, 1 },	   { "+.inf", R_FLOAT, 1 },  { "+.Inf", R_FLOAT, 1 },	{ "+.INF", R_FLOAT, 1 },
	{ "-.inf", R_FLOAT, -1 },  { "-.Inf", R_FLOAT, -1 }, { "-.INF", R_FLOAT, -1 },	{ "<<", R_MERGE, 0 },
};

static char resolve_hint(const char *in, size_t n)
{
	if (n == 0)
		return 'N';
	unsigned char c = (unsigned char)in[0];
	if (c == '+' || c == '-')
		return 'S';
	if (c >= '0' && c <= '9')
		return 'D';
	if (strchr("yYnNtTfFoO~", c) && c != 0)
		return 'M';
	if (c == '.')
		return '.';
	return 0;
}

/* Sets a plain string value (a copy of in). */
static char *memdup0(const char *p, size_t n)
{
	char *s = xmalloc(n + 1);
	memcpy(s, p, n);
	s[n] = 0;
	return s;
}

static enum rtag set_str(struct yv *out, const char *in, size_t n)
{
	out->kind = V_STR;
	out->s = memdup0(in, n);
	out->len = n;
	return R_STR;
}

/* go-yaml's resolve() for the tags it resolves ("" or one of the core tags), minus the
 * final tag check done by the caller. */
static enum rtag resolve_core(bool tag_str, bool tag_empty_or_ts, const char *in, size_t n,
			      struct yv *out)
{
	char hint = resolve_hint(in, n);
	if (hint == 0 || tag_str)
		return set_str(out, in, n);
	if (!memchr(in, 0, n)) {
		for (size_t i = 0; i < ARRAY_SIZE(resolve_map); i++) {
			const struct resolve_item *it = &resolve_map[i];
			if (strlen(it->s) != n || memcmp(it->s, in, n) != 0)
				continue;
			switch (it->tag) {
			case R_BOOL:
				out->kind = V_BOOL;
				out->b = it->v;
				break;
			case R_NULL:
				out->kind = V_NULL;
				break;
			case R_FLOAT:
				out->kind = V_FLOAT;
				out->f = it->v == 0 ? NAN : it->v > 0 ? INFINITY : -INFINITY;
				break;
			default:
				set_str(out, in, n);
				break;
			}
			return it->tag;
		}
	}
	switch (hint) {
	case '.': {
		double f;
		if (parse_dot_float(in, n, &f)) {
			out->kind = V_FLOAT;
			out->f = f;
			return R_FLOAT;
		}
		break;
	}
	case 'D':
	case 'S': {
		if (tag_empty_or_ts && parse_timestamp(in, n)) {
			set_str(out, in, n);
			return R_TIMESTAMP;
		}
		_cleanup_free_ char *plain = xmalloc(n + 1);
		size_t pn = 0;
		for (size_t i = 0; i < n; i++)
			if (in[i] != '_')
				plain[pn++] = in[i];
		plain[pn] = 0;
		int64_t iv;
		uint64_t uv;
		double f;
		if (parse_int_base0(plain, pn, &iv)) {
			out->kind = V_INT;
			out->i = iv;
			return R_INT;
		}
		if (parse_uint_base0(plain, pn, &uv)) {
			out->kind = V_UINT;
			out->u = uv;
			return R_INT;
		}
		if (yaml_style_float(plain, pn) && parse_float_checked(plain, pn, &f)) {
			out->kind = V_FLOAT;
			out->f = f;
			return R_FLOAT;
		}
		break;
	}
	default:
		break;
	}
	return set_str(out, in, n);
}

/* ------------------------------------------------------------------------------------------ */
/* Go's fmt %#v, for the decoder's error messages (yaml.v2 decodes maps as this type). */
#define YAML_GO_MAP "map[interface {}]interface {}"


static void sharp_v_yv(struct strbuf *sb, const struct yv *v)
{
	switch (v->kind) {
	case V_NULL:
		strbuf_addstr(sb, "<nil>");
		break;
	case V_BOOL:
		strbuf_addstr(sb, v->b ? "true" : "false");
		break;
	case V_INT:
		strbuf_addf(sb, "%" PRId64, v->i);
		break;
	case V_UINT:
		strbuf_addf(sb, "0x%" PRIx64, v->u);
		break;
	case V_FLOAT:
		json_format_go_float(sb, v->f, 'g', 64);
		break;
	case V_STR:
		go_quote_n(sb, v->s, v->len);
		break;
	case V_SEQ:
	case V_MAP:
		json_format_go_sharp_v(sb, v->j, YAML_GO_MAP, false);
		break;
	}
}

/* ------------------------------------------------------------------------------------------ */
/* Parser: libyaml events to a node tree, as go-yaml's parser does. */

enum nkind { N_SCALAR, N_SEQ, N_MAP, N_ALIAS };

struct ynode {
	enum nkind kind;
	int line;
	char *tag;   /* NULL for none */
	char *value; /* scalar value, or the alias name */
	size_t len;
	bool implicit;
	bool busy; /* alias being expanded (go-yaml's d.aliases) */
	struct ynode **kids;
	size_t nkids, akids;
	struct ynode *alias;
};

struct pctx {
	yaml_parser_t parser;
	yaml_event_t event;
	bool have_event;
	struct ynode **all;
	size_t nall, aall;
	json_t *anchors; /* name -> index into all */
	int depth;
	const char *data; /* the raw input, for check_double_quoted() */
	size_t len;
	bool slash_escapes; /* data holds a backslash-slash */
	size_t cur_char, cur_byte; /* character index <-> byte offset cursor */
};

static struct ynode *node_new(struct pctx *p, enum nkind kind)
{
	struct ynode *n = xnew0(struct ynode);
	n->kind = kind;
	n->line = (int)p->event.start_mark.line;
	if (p->nall == p->aall) {
		p->aall = p->aall ? p->aall * 2 : 64;
		p->all = xrealloc(p->all, p->aall * sizeof(*p->all));
	}
	p->all[p->nall++] = n;
	return n;
}

static void node_add(struct ynode *parent, struct ynode *kid)
{
	if (parent->nkids == parent->akids) {
		parent->akids = parent->akids ? parent->akids * 2 : 4;
		parent->kids = xrealloc(parent->kids, parent->akids * sizeof(*parent->kids));
	}
	parent->kids[parent->nkids++] = kid;
}

static void pctx_release(struct pctx *p)
{
	if (p->have_event)
		yaml_event_delete(&p->event);
	yaml_parser_delete(&p->parser);
	for (size_t i = 0; i < p->nall; i++) {
		free(p->all[i]->tag);
		free(p->all[i]->value);
		free(p->all[i]->kids);
		free(p->all[i]);
	}
	free(p->all);
	if (p->anchors)
		json_decref(p->anchors);
}

/* go-yaml's parser.fail(): the line is 1-based for scanner errors only, as go-yaml prints. */
static int parse_fail(struct pctx *p)
{
	const yaml_parser_t *y = &p->parser;
	size_t line = 0;
	if (y->problem_mark.line != 0) {
		line = y->problem_mark.line;
		if (y->error == YAML_SCANNER_ERROR)
			line++;
	} else if (y->context_mark.line != 0) {
		line = y->context_mark.line;
	}
	const char *msg = y->problem && *y->problem ? y->problem : "unknown problem parsing YAML content";
	if (line != 0)
		return error_set(-EINVAL, "yaml: line %zu: %s", line, msg);
	return error_set(-EINVAL, "yaml: %s", msg);
}

static int peek(struct pctx *p, yaml_event_type_t *ret)
{
	if (!p->have_event) {
		if (!yaml_parser_parse(&p->parser, &p->event))
			return parse_fail(p);
		p->have_event = true;
	}
	*ret = p->event.type;
	return 0;
}

static int expect(struct pctx *p, yaml_event_type_t type)
{
	yaml_event_type_t t;
	int r = peek(p, &t);
	if (r < 0)
		return r;
	if (t == YAML_STREAM_END_EVENT && type != YAML_STREAM_END_EVENT)
		return error_set(-EINVAL, "yaml: attempted to go past the end of stream; corrupted value?");
	if (t != type)
		return error_set(-EINVAL, "yaml: unexpected event %d (wanted %d)", (int)t, (int)type);
	yaml_event_delete(&p->event);
	p->have_event = false;
	return 0;
}

static void set_anchor(struct pctx *p, struct ynode *n, const yaml_char_t *anchor)
{
	if (!anchor)
		return;
	json_object_set_new_nocheck(p->anchors, (const char *)anchor, json_integer((json_int_t)(p->nall - 1)));
	(void)n;
}

/* Byte offset of libyaml's character index (marks count characters, after a BOM). */
static size_t char_to_byte(struct pctx *p, size_t idx)
{
	if (p->cur_char > idx || p->cur_byte == 0) {
		p->cur_char = 0;
		p->cur_byte = p->len >= 3 && memcmp(p->data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	}
	while (p->cur_char < idx && p->cur_byte < p->len) {
		p->cur_byte++;
		while (p->cur_byte < p->len && ((unsigned char)p->data[p->cur_byte] & 0xC0) == 0x80)
			p->cur_byte++;
		p->cur_char++;
	}
	return p->cur_byte;
}

/* go-yaml's scanner knows no "\/" escape in double-quoted scalars (YAML 1.1); libyaml 0.2.5
 * accepts it. Refuse it as go-yaml does. */
static int check_double_quoted(struct pctx *p)
{
	const yaml_mark_t *st = &p->event.start_mark, *en = &p->event.end_mark;
	size_t b = char_to_byte(p, st->index), e = char_to_byte(p, en->index);
	size_t line = st->line;
	for (size_t i = b + 1; i < e && i < p->len; i++) {
		char c = p->data[i];
		if (c == '\n' || (c == '\r' && (i + 1 >= p->len || p->data[i + 1] != '\n')))
			line++;
		if (c != '\\' || i + 1 >= e)
			continue;
		if (p->data[i + 1] == '/') {
			if (line != 0)
				return error_set(-EINVAL, "yaml: line %zu: found unknown escape character", line + 1);
			return error_set(-EINVAL, "yaml: found unknown escape character");
		}
		i++;
	}
	return 0;
}

static int parse_node(struct pctx *p, struct ynode **ret);

static int parse_children(struct pctx *p, struct ynode *n, yaml_event_type_t end)
{
	for (;;) {
		yaml_event_type_t t;
		int r = peek(p, &t);
		if (r < 0)
			return r;
		if (t == end)
			return expect(p, end);
		struct ynode *kid;
		r = parse_node(p, &kid);
		if (r < 0)
			return r;
		node_add(n, kid);
	}
}

static int parse_node(struct pctx *p, struct ynode **ret)
{
	yaml_event_type_t t;
	int r = peek(p, &t);
	if (r < 0)
		return r;
	struct ynode *n;
	switch (t) {
	case YAML_SCALAR_EVENT:
		if (p->slash_escapes && p->event.data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
			r = check_double_quoted(p);
			if (r < 0)
				return r;
		}
		n = node_new(p, N_SCALAR);
		n->value = memdup0((const char *)p->event.data.scalar.value, p->event.data.scalar.length);
		n->len = p->event.data.scalar.length;
		n->tag = p->event.data.scalar.tag ? xstrdup((const char *)p->event.data.scalar.tag) : NULL;
		n->implicit = p->event.data.scalar.plain_implicit;
		set_anchor(p, n, p->event.data.scalar.anchor);
		r = expect(p, YAML_SCALAR_EVENT);
		break;
	case YAML_ALIAS_EVENT: {
		n = node_new(p, N_ALIAS);
		n->value = xstrdup((const char *)p->event.data.alias.anchor);
		json_t *idx = json_object_get(p->anchors, n->value);
		if (!idx)
			return error_set(-EINVAL, "yaml: unknown anchor '%s' referenced", n->value);
		n->alias = p->all[json_integer_value(idx)];
		r = expect(p, YAML_ALIAS_EVENT);
		break;
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool seq = t == YAML_SEQUENCE_START_EVENT;
		if (p->depth >= YAML_MAX_DEPTH)
			return error_set(-EFBIG, "yaml: line %d: exceeded max depth of %d",
					 (int)p->event.start_mark.line + 1, YAML_MAX_DEPTH);
		n = node_new(p, seq ? N_SEQ : N_MAP);
		set_anchor(p, n, seq ? p->event.data.sequence_start.anchor : p->event.data.mapping_start.anchor);
		r = expect(p, t);
		if (r < 0)
			return r;
		p->depth++;
		r = parse_children(p, n, seq ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT);
		p->depth--;
		break;
	}
	default:
		return error_set(-EINVAL, "yaml: attempted to parse unknown event: %d", (int)t);
	}
	if (r < 0)
		return r;
	*ret = n;
	return 0;
}

/* Parses the first document of the stream; *ret is NULL for a stream without documents. */
static int parse_document(struct pctx *p, struct ynode **ret)
{
	int r = expect(p, YAML_STREAM_START_EVENT);
	if (r < 0)
		return r;
	yaml_event_type_t t;
	r = peek(p, &t);
	if (r < 0)
		return r;
	if (t == YAML_STREAM_END_EVENT) {
		*ret = NULL;
		return 0;
	}
	const yaml_version_directive_t *vd = p->event.data.document_start.version_directive;
	if (t == YAML_DOCUMENT_START_EVENT && vd && (vd->major != 1 || vd->minor != 1)) {
		/* go-yaml knows YAML 1.1 only (libyaml 0.2.5 also takes %YAML 1.2) */
		size_t line = p->event.start_mark.line;
		if (line != 0)
			return error_set(-EINVAL, "yaml: line %zu: found incompatible YAML document", line);
		return error_set(-EINVAL, "yaml: found incompatible YAML document");
	}
	r = expect(p, YAML_DOCUMENT_START_EVENT);
	if (r < 0)
		return r;
	struct ynode *n;
	r = parse_node(p, &n);
	if (r < 0)
		return r;
	r = expect(p, YAML_DOCUMENT_END_EVENT);
	if (r < 0)
		return r;
	*ret = n;
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Decoder: node tree to values, as go-yaml's decoder into interface{}, and to JSON as
 * sigs.k8s.io/yaml's convertToJSONableObject + json.Marshal. */

struct dctx {
	bool strict;
	long decode_count, alias_count, alias_depth;
	int depth; /* nesting while decoding: aliases can nest documents deeper than they read */
	char **terrors;     /* strict mode's "line N: key ... already set in map" */
	char *conv_err;     /* first key that JSON cannot represent */
	char *marshal_err;  /* first NaN/Inf (json.Marshal refuses them) */
	unsigned nan_count; /* NaN keys are all different map keys in Go */
};

struct yentry {
	struct yv key;
	json_t *value;
};

struct ymap {
	json_t *index; /* typed key -> position in e */
	struct yentry *e;
	size_t n, alloc;
};

static void ymap_release(struct ymap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		yv_release(&m->e[i].key);
		json_decref(m->e[i].value);
	}
	free(m->e);
	if (m->index)
		json_decref(m->index);
	*m = (struct ymap){ 0 };
}

static _printf_(2, 3) int dfail(struct dctx *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *m = xvasprintf(fmt, ap);
	va_end(ap);
	return error_set(-EINVAL, "yaml: %s", m);
}

static double allowed_alias_ratio(long count)
{
	const double lo = 400000, hi = 4000000;
	if (count <= lo)
		return 0.99;
	if (count >= hi)
		return 0.10;
	return 0.99 - 0.89 * (((double)count - lo) / (hi - lo));
}

static int unmarshal(struct dctx *d, struct ynode *n, struct ymap *into, struct yv *ret);

static void sanitized_string(struct yv *v, json_t **ret)
{
	struct strbuf sb = STRBUF_INIT;
	json_utf8_sanitize(&sb, v->s, v->len);
	*ret = json_stringn(sb.buf, sb.len);
	strbuf_release(&sb);
}

/* Takes v's content; returns the JSON value json.Marshal would write for it. */
static json_t *yv_to_json(struct dctx *d, struct yv *v)
{
	json_t *j = NULL;
	switch (v->kind) {
	case V_NULL:
		j = json_null();
		break;
	case V_BOOL:
		j = json_boolean(v->b);
		break;
	case V_INT:
		j = json_integer(v->i);
		break;
	case V_UINT:
		/* jansson has no uint64: values above INT64_MAX lose precision (a known difference). */
		j = json_real((double)v->u);
		break;
	case V_FLOAT:
		if (!isfinite(v->f)) {
			if (!d->marshal_err)
				d->marshal_err = xasprintf("json: unsupported value: %s",
							   isnan(v->f) ? "NaN" : v->f > 0 ? "+Inf" : "-Inf");
			j = json_null();
		} else if (v->f == 0 && signbit(v->f)) {
			j = json_real(v->f);
		} else if (v->f == floor(v->f) && fabs(v->f) < 9007199254740992.0) {
			/* json.Marshal writes integral floats without a fraction: they read back as ints
			 * (above 2^53 it prints the shortest digits padded with zeros: keep a double) */
			j = json_integer((json_int_t)v->f);
		} else {
			j = json_real(v->f);
		}
		break;
	case V_STR:
		sanitized_string(v, &j);
		break;
	case V_SEQ:
	case V_MAP:
		j = TAKE_PTR(v->j);
		break;
	}
	yv_release(v);
	return j;
}

static int base64_decode(const char *in, size_t n, struct yv *out)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct strbuf clean = STRBUF_INIT, res = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		if (in[i] != '\r' && in[i] != '\n')
			strbuf_addch(&clean, in[i]);
	bool ok = clean.len % 4 == 0;
	for (size_t i = 0; ok && i < clean.len; i += 4) {
		uint32_t acc = 0;
		int pad = 0;
		for (int k = 0; k < 4; k++) {
			char c = clean.buf[i + k];
			const char *pos = c ? strchr(alphabet, c) : NULL;
			if (c == '=' && i + 4 == clean.len && k >= 2) {
				pad++;
				acc <<= 6;
				continue;
			}
			if (!pos || pad) {
				ok = false;
				break;
			}
			acc = (acc << 6) | (uint32_t)(pos - alphabet);
		}
		if (!ok)
			break;
		strbuf_addch(&res, (char)(acc >> 16));
		if (pad < 2)
			strbuf_addch(&res, (char)(acc >> 8));
		if (pad < 1)
			strbuf_addch(&res, (char)acc);
	}
	strbuf_release(&clean);
	if (!ok) {
		strbuf_release(&res);
		return -EINVAL;
	}
	out->kind = V_STR;
	out->s = strbuf_detach(&res, &out->len);
	return 0;
}

static bool resolvable_tag(const char *tag)
{
	return !tag || streq(tag, TAG_STR) || streq(tag, TAG_BOOL) || streq(tag, TAG_INT) ||
	       streq(tag, TAG_FLOAT) || streq(tag, TAG_NULL) || streq(tag, TAG_TIMESTAMP);
}

static int decode_scalar(struct ynode *n, struct yv *ret)
{
	if (!n->tag && !n->implicit) {
		set_str(ret, n->value, n->len);
		return 0;
	}
	const char *tag = n->tag;
	if (!resolvable_tag(tag)) {
		if (tag && streq(tag, TAG_BINARY)) {
			if (base64_decode(n->value, n->len, ret) < 0)
				return error_set(-EINVAL, "yaml: !!binary value contains invalid base64 data");
			return 0;
		}
		set_str(ret, n->value, n->len);
		return 0;
	}
	bool tag_str = tag && streq(tag, TAG_STR);
	bool tag_ts = tag && streq(tag, TAG_TIMESTAMP);
	enum rtag rt = resolve_core(tag_str, !tag || tag_ts, n->value, n->len, ret);
	if (tag && !tag_str) {
		const char *want = tag;
		bool ok = (rt == R_BOOL && streq(want, TAG_BOOL)) || (rt == R_INT && streq(want, TAG_INT)) ||
			  (rt == R_FLOAT && streq(want, TAG_FLOAT)) || (rt == R_NULL && streq(want, TAG_NULL)) ||
			  (rt == R_TIMESTAMP && streq(want, TAG_TIMESTAMP)) || (rt == R_STR && streq(want, TAG_STR));
		if (!ok && rt == R_INT && streq(want, TAG_FLOAT) && ret->kind == V_INT) {
			ret->kind = V_FLOAT;
			ret->f = (double)ret->i;
			ok = true;
		}
		if (!ok) {
			yv_release(ret);
			_cleanup_free_ char *v = xstrndup(n->value, n->len);
			return error_set(-EINVAL, "yaml: cannot decode %s `%s` as a %s", rtag_name(rt), v,
					 short_tag(want));
		}
	}
	if (rt == R_TIMESTAMP) {
		/* go-yaml keeps timestamps as their text when decoding into interface{} */
		yv_release(ret);
		set_str(ret, n->value, n->len);
	}
	return 0;
}

/* The identity of a key in a Go map[interface{}]interface{}: dynamic type and value. */
static char *typed_key(struct dctx *d, const struct yv *k, size_t *ret_len)
{
	char *s;
	switch (k->kind) {
	case V_NULL:
		s = xstrdup("n");
		break;
	case V_BOOL:
		s = xstrdup(k->b ? "b1" : "b0");
		break;
	case V_INT:
		s = xasprintf("i%" PRId64, k->i);
		break;
	case V_UINT:
		s = xasprintf("u%" PRIu64, k->u);
		break;
	case V_FLOAT:
		if (isnan(k->f))
			s = xasprintf("nan%u", d->nan_count++);
		else
			s = xasprintf("f%a", k->f == 0 ? 0.0 * (signbit(k->f) ? -1 : 1) : k->f);
		break;
	default: {
		s = xmalloc(k->len + 2);
		s[0] = 's';
		memcpy(s + 1, k->s, k->len);
		s[k->len + 1] = 0;
		*ret_len = k->len + 1;
		return s;
	}
	}
	*ret_len = strlen(s);
	return s;
}

/* go-yaml's setMapIndex; takes key and value. */
static void set_map_index(struct dctx *d, struct ynode *vnode, struct ymap *m, struct yv *key, json_t *value)
{
	size_t tl;
	_cleanup_free_ char *tk = typed_key(d, key, &tl);
	if (!m->index)
		m->index = json_object();
	json_t *pos = json_object_getn(m->index, tk, tl);
	if (pos) {
		if (d->strict) {
			struct strbuf sb = STRBUF_INIT;
			strbuf_addf(&sb, "line %d: key ", vnode->line + 1);
			sharp_v_yv(&sb, key);
			strbuf_addstr(&sb, " already set in map");
			strv_consume(&d->terrors, strbuf_detach(&sb, NULL));
			yv_release(key);
			json_decref(value);
			return;
		}
		struct yentry *e = &m->e[json_integer_value(pos)];
		json_decref(e->value);
		e->value = value;
		yv_release(key);
		return;
	}
	if (m->n == m->alloc) {
		m->alloc = m->alloc ? m->alloc * 2 : 8;
		m->e = xrealloc(m->e, m->alloc * sizeof(*m->e));
	}
	json_object_setn_new_nocheck(m->index, tk, tl, json_integer((json_int_t)m->n));
	m->e[m->n].key = *key;
	*key = (struct yv){ 0 };
	m->e[m->n].value = value;
	m->n++;
}

static bool is_merge(const struct ynode *k)
{
	return k->kind == N_SCALAR && k->len == 2 && memcmp(k->value, "<<", 2) == 0 &&
	       (k->implicit || (k->tag && streq(k->tag, TAG_MERGE)));
}

static int merge_fail(void)
{
	return error_set(-EINVAL, "yaml: map merge requires map or sequence of maps as the value");
}

static int decode_mapping(struct dctx *d, struct ynode *n, struct ymap *m);

static int merge(struct dctx *d, struct ynode *n, struct ymap *m)
{
	switch (n->kind) {
	case N_MAP:
		return unmarshal(d, n, m, NULL);
	case N_ALIAS:
		if (n->alias && n->alias->kind != N_MAP)
			return merge_fail();
		return unmarshal(d, n, m, NULL);
	case N_SEQ:
		/* earlier maps take precedence: go backwards */
		for (size_t i = n->nkids; i-- > 0;) {
			struct ynode *k = n->kids[i];
			if (k->kind == N_ALIAS) {
				if (k->alias && k->alias->kind != N_MAP)
					return merge_fail();
			} else if (k->kind != N_MAP) {
				return merge_fail();
			}
			int r = unmarshal(d, k, m, NULL);
			if (r < 0)
				return r;
		}
		return 0;
	default:
		return merge_fail();
	}
}

static int decode_mapping(struct dctx *d, struct ynode *n, struct ymap *m)
{
	for (size_t i = 0; i + 1 < n->nkids; i += 2) {
		struct ynode *kn = n->kids[i], *vn = n->kids[i + 1];
		int r;
		if (is_merge(kn)) {
			r = merge(d, vn, m);
			if (r < 0)
				return r;
			continue;
		}
		struct yv key = { 0 }, val = { 0 };
		r = unmarshal(d, kn, NULL, &key);
		if (r < 0)
			return r;
		if (key.kind == V_SEQ || key.kind == V_MAP) {
			struct strbuf sb = STRBUF_INIT;
			sharp_v_yv(&sb, &key);
			yv_release(&key);
			r = error_set(-EINVAL, "yaml: invalid map key: %s", sb.buf);
			strbuf_release(&sb);
			return r;
		}
		r = unmarshal(d, vn, NULL, &val);
		if (r < 0) {
			yv_release(&key);
			return r;
		}
		set_map_index(d, vn, m, &key, yv_to_json(d, &val));
	}
	return 0;
}

/* sigs.k8s.io/yaml: map keys become strings; ints, floats (as float32 'g') and bools. */
static json_t *ymap_to_json(struct dctx *d, struct ymap *m)
{
	json_t *obj = json_object();
	for (size_t i = 0; i < m->n; i++) {
		struct yentry *e = &m->e[i];
		struct strbuf ks = STRBUF_INIT;
		const char *type = NULL;
		switch (e->key.kind) {
		case V_STR:
			json_utf8_sanitize(&ks, e->key.s, e->key.len);
			break;
		case V_INT:
			strbuf_addf(&ks, "%" PRId64, e->key.i);
			break;
		case V_FLOAT:
			if (isnan(e->key.f))
				strbuf_addstr(&ks, ".nan");
			else if (isinf(e->key.f))
				strbuf_addstr(&ks, e->key.f > 0 ? ".inf" : "-.inf");
			else
				json_format_go_float(&ks, e->key.f, 'g', 32);
			if (streq(ks.buf, "+Inf") || streq(ks.buf, "-Inf")) {
				bool pos = ks.buf[0] == '+';
				strbuf_reset(&ks);
				strbuf_addstr(&ks, pos ? ".inf" : "-.inf");
			}
			break;
		case V_BOOL:
			strbuf_addstr(&ks, e->key.b ? "true" : "false");
			break;
		case V_UINT:
			type = "uint64";
			break;
		default:
			type = "%!s(<nil>)";
			break;
		}
		if (type) {
			if (!d->conv_err) {
				struct strbuf sb = STRBUF_INIT;
				strbuf_addf(&sb, "unsupported map key of type: %s, key: ", type);
				sharp_v_yv(&sb, &e->key);
				strbuf_addstr(&sb, ", value: ");
				json_format_go_sharp_v(&sb, e->value, YAML_GO_MAP, false);
				d->conv_err = strbuf_detach(&sb, NULL);
			}
			strbuf_release(&ks);
			continue;
		}
		/* keys that collide after stringification (1 and "1"): the last one wins here,
		 * a random one in Go */
		json_object_setn(obj, ks.buf, ks.len, e->value);
		strbuf_release(&ks);
	}
	return obj;
}

static int unmarshal(struct dctx *d, struct ynode *n, struct ymap *into, struct yv *ret)
{
	d->decode_count++;
	if (d->alias_depth > 0)
		d->alias_count++;
	if (d->alias_count > 100 && d->decode_count > 1000 &&
	    (double)d->alias_count / (double)d->decode_count > allowed_alias_ratio(d->decode_count))
		return dfail(d, "document contains excessive aliasing");
	int r;
	if (d->depth >= 10 * YAML_MAX_DEPTH)
		return error_set(-EFBIG, "yaml: exceeded max depth of %d (through aliases)", 10 * YAML_MAX_DEPTH);
	switch (n->kind) {
	case N_ALIAS:
		if (n->busy)
			return dfail(d, "anchor '%s' value contains itself", n->value);
		n->busy = true;
		d->alias_depth++;
		d->depth++;
		r = unmarshal(d, n->alias, into, ret);
		d->depth--;
		d->alias_depth--;
		n->busy = false;
		return r;
	case N_SCALAR:
		if (into)
			return merge_fail();
		return decode_scalar(n, ret);
	case N_SEQ: {
		if (into)
			return merge_fail();
		json_t *arr = json_array();
		for (size_t i = 0; i < n->nkids; i++) {
			struct yv v = { 0 };
			d->depth++;
			r = unmarshal(d, n->kids[i], NULL, &v);
			d->depth--;
			if (r < 0) {
				json_decref(arr);
				return r;
			}
			json_array_append_new(arr, yv_to_json(d, &v));
		}
		ret->kind = V_SEQ;
		ret->j = arr;
		return 0;
	}
	case N_MAP: {
		if (into)
			return decode_mapping(d, n, into);
		struct ymap m = { 0 };
		d->depth++;
		r = decode_mapping(d, n, &m);
		d->depth--;
		if (r >= 0) {
			ret->kind = V_MAP;
			ret->j = ymap_to_json(d, &m);
		}
		ymap_release(&m);
		return r;
	}
	}
	return -EINVAL;
}

int yaml_to_json(const char *data, size_t len, unsigned flags, json_t **ret)
{
	if (len > YAML_MAX_INPUT)
		return error_set(-EFBIG, "yaml: input too large (%zu bytes, at most %u)", len, YAML_MAX_INPUT);

	/* go-yaml: an empty input reads as "\n" */
	if (len == 0) {
		data = "\n";
		len = 1;
	}
	struct pctx p;
	struct ynode *root = NULL;
	_cleanup_free_ char *patched = NULL;
	int r;
	for (unsigned attempt = 0;; attempt++) {
		p = (struct pctx){ 0 };
		if (!yaml_parser_initialize(&p.parser))
			return error_set(-ENOMEM, "yaml: failed to initialize YAML parser");
		yaml_parser_set_input_string(&p.parser, (const unsigned char *)data, len);
		p.anchors = json_object();
		p.data = data;
		p.len = len;
		p.slash_escapes = memmem(data, len, "\\/", 2);
		r = parse_document(&p, &root);
		if (r >= 0)
			break;
		/* go-yaml (YAML 1.1) accepts the escape \' in double-quoted scalars, libyaml 0.2.5
		 * does not: spell it \x27 where libyaml stops on it, and parse again. */
		size_t off = p.parser.error == YAML_SCANNER_ERROR && p.parser.problem &&
					     streq(p.parser.problem, "found unknown escape character")
				     ? char_to_byte(&p, p.parser.problem_mark.index)
				     : len;
		if (attempt >= 64 || off + 1 >= len || data[off] != '\\' || data[off + 1] != '\'') {
			pctx_release(&p);
			return r;
		}
		pctx_release(&p);
		error_clear();
		char *n = xmalloc(len + 3);
		memcpy(n, data, off);
		memcpy(n + off, "\\x27", 4);
		memcpy(n + off + 4, data + off + 2, len - off - 2);
		len += 2;
		n[len] = 0;
		free(patched);
		data = patched = n;
	}

	struct dctx d = { .strict = flags & YAML_STRICT };
	json_t *result = NULL;
	if (root) {
		struct yv v = { 0 };
		d.decode_count++; /* the document node */
		r = unmarshal(&d, root, NULL, &v);
		if (r >= 0)
			result = yv_to_json(&d, &v);
	} else {
		result = json_null();
	}
	pctx_release(&p);

	if (r >= 0 && d.terrors) {
		_cleanup_free_ char *j = strv_join(d.terrors, "\n  ");
		r = error_set(-EINVAL, "yaml: unmarshal errors:\n  %s", j);
	} else if (r >= 0 && d.conv_err) {
		r = error_set(-EINVAL, "%s", d.conv_err);
	} else if (r >= 0 && d.marshal_err) {
		r = error_set(-EINVAL, "%s", d.marshal_err);
	}
	strv_free(d.terrors);
	free(d.conv_err);
	free(d.marshal_err);
	if (r < 0) {
		if (result)
			json_decref(result);
		return r;
	}
	*ret = result;
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Documents: k8s.io/apimachinery/pkg/util/yaml.YAMLReader. */

/* unicode.IsSpace (what strings.TrimSpace trims) */
static bool is_go_space_rune(uint32_t r)
{
	switch (r) {
	case '\t':
	case '\n':
	case '\v':
	case '\f':
	case '\r':
	case ' ':
	case 0x85:
	case 0xA0:
	case 0x1680:
	case 0x2028:
	case 0x2029:
	case 0x202F:
	case 0x205F:
	case 0x3000:
		return true;
	default:
		return r >= 0x2000 && r <= 0x200A;
	}
}

/* strings.TrimSpace on s[*start, *end) */
static void go_trim_space(const char *s, size_t *start, size_t *end)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*start < *end) {
		uint32_t r;
		size_t l = json_utf8_decode(p + *start, *end - *start, &r);
		if (l == 0 || !is_go_space_rune(r))
			break;
		*start += l;
	}
	while (*end > *start) {
		/* step back over one UTF-8 sequence */
		size_t b = *end - 1;
		while (b > *start && (p[b] & 0xC0) == 0x80 && *end - b < 4)
			b--;
		uint32_t r;
		size_t l = json_utf8_decode(p + b, *end - b, &r);
		if (l != *end - b || !is_go_space_rune(r))
			break;
		*end = b;
	}
}

int yaml_split_documents(const char *data, size_t len, char ***ret_docs)
{
	if (len > YAML_MAX_INPUT)
		return error_set(-EFBIG, "yaml: input too large (%zu bytes, at most %u)", len, YAML_MAX_INPUT);
	char **docs = xnew0(char *);
	size_t ndocs = 0;
	struct strbuf buf = STRBUF_INIT, line = STRBUF_INIT;
	size_t pos = 0;
	for (;;) {
		/* LineReader.Read: one line, "\r\n" or "\n" replaced by "\n"; at the end "\n" + EOF */
		bool eof = pos >= len;
		strbuf_reset(&line);
		if (!eof) {
			const char *nl = memchr(data + pos, '\n', len - pos);
			size_t end = nl ? (size_t)(nl - data) : len;
			size_t l = end - pos;
			if (nl && l > 0 && data[end - 1] == '\r')
				l--;
			strbuf_add(&line, data + pos, l);
			pos = nl ? end + 1 : len;
		}
		strbuf_addch(&line, '\n');

		bool flush = false;
		if (line.len >= 3 && memcmp(line.buf, "---", 3) == 0) {
			size_t s = 3, e = line.len;
			go_trim_space(line.buf, &s, &e);
			if (e > s && line.buf[s] != '#') {
				int r = error_set(-EINVAL, "invalid Yaml document separator: %.*s", (int)(e - s),
						  line.buf + s);
				strbuf_release(&buf);
				strbuf_release(&line);
				strv_free(docs);
				return r;
			}
			if (buf.len != 0)
				flush = true;
			else if (eof)
				break;
		}
		if (!flush && eof) {
			if (buf.len != 0)
				flush = true;
			else
				break;
		}
		if (flush) {
			docs = xrealloc(docs, (ndocs + 2) * sizeof(*docs));
			docs[ndocs++] = strbuf_detach(&buf, NULL);
			docs[ndocs] = NULL;
			if (eof)
				break;
			continue;
		}
		strbuf_add(&buf, line.buf, line.len);
	}
	strbuf_release(&buf);
	strbuf_release(&line);
	*ret_docs = docs;
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Emitter: go-yaml's encoder over libyaml's emitter. */

/* unicode.IsLetter for go-yaml's key order: glibc's classification in C.UTF-8 for non-ASCII. */
static locale_t utf8_locale;
static pthread_once_t utf8_locale_once = PTHREAD_ONCE_INIT;

static void utf8_locale_init(void)
{
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static bool is_letter(uint32_t r)
{
	if (r < 0x80)
		return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
	if (r == 0xaa || r == 0xb5 || r == 0xba)
		return true;
	if (r < 0xc0 || r == 0xd7 || r == 0xf7)
		return false;
	pthread_once(&utf8_locale_once, utf8_locale_init);
	if (utf8_locale)
		return iswalpha_l((wint_t)r, utf8_locale);
	return true;
}

static bool is_digit(uint32_t r)
{
	return r >= '0' && r <= '9';
}

struct sort_key {
	const char *key;
	size_t len;
	uint32_t *runes;
	size_t n;
};

/* go-yaml's keyList.Less for two strings: letters before other runes, digit runs compared
 * by value. */
static bool key_less(const struct sort_key *a, const struct sort_key *b)
{
	const uint32_t *ar = a->runes, *br = b->runes;
	for (size_t i = 0; i < a->n && i < b->n; i++) {
		if (ar[i] == br[i])
			continue;
		bool al = is_letter(ar[i]), bl = is_letter(br[i]);
		if (al && bl)
			return ar[i] < br[i];
		if (al || bl)
			return bl;
		uint64_t an = 0, bn = 0;
		size_t ai, bi;
		if (ar[i] == '0' || br[i] == '0') {
			for (size_t j = i; j-- > 0 && is_digit(ar[j]);) {
				if (ar[j] != '0') {
					an = 1;
					bn = 1;
					break;
				}
			}
		}
		for (ai = i; ai < a->n && is_digit(ar[ai]); ai++)
			an = an * 10 + (ar[ai] - '0');
		for (bi = i; bi < b->n && is_digit(br[bi]); bi++)
			bn = bn * 10 + (br[bi] - '0');
		if (an != bn)
			return (int64_t)an < (int64_t)bn;
		if (ai != bi)
			return ai < bi;
		return ar[i] < br[i];
	}
	return a->n < b->n;
}

static int sort_key_cmp(const void *x, const void *y)
{
	const struct sort_key *a = x, *b = y;
	if (key_less(a, b))
		return -1;
	if (key_less(b, a))
		return 1;
	return 0;
}

struct emit_out {
	struct strbuf sb; /* first: the write handler appends here */
	/* a string with both a newline (literal block) and U+2028/U+2029 was printed: the
	 * single-quote fix-up below could not tell the two apart, so it stays off */
	bool no_quote_trim;
};

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
	strbuf_add(&((struct emit_out *)data)->sb, buffer, size);
	return 1;
}

static bool is_base60_float(const char *s, size_t n)
{
	/* ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
	if (n == 0 || !memchr(s, ':', n))
		return false;
	size_t i = 0;
	if (s[i] == '+' || s[i] == '-')
		i++;
	if (i >= n || !isdigit((unsigned char)s[i]))
		return false;
	i++;
	while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '_'))
		i++;
	size_t groups = 0;
	while (i < n && s[i] == ':') {
		i++;
		size_t st = i;
		while (i < n && isdigit((unsigned char)s[i]) && i - st < 2)
			i++;
		size_t d = i - st;
		if (d == 0 || (d == 2 && s[st] > '5'))
			return false;
		groups++;
	}
	if (groups == 0)
		return false;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '_'))
			i++;
	}
	return i == n;
}

static int emit(yaml_emitter_t *e, yaml_event_t *ev)
{
	if (!yaml_emitter_emit(e, ev))
		return error_set(-EINVAL, "yaml: %s", e->problem ? e->problem : "unknown problem generating YAML content");
	return 0;
}

static int emit_scalar(yaml_emitter_t *e, const char *s, size_t n, yaml_scalar_style_t style)
{
	yaml_event_t ev;
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)n, 1, 1, style))
		return error_set(-ENOMEM, "yaml: cannot create scalar event");
	return emit(e, &ev);
}

static bool is_nel(const char *s, size_t n, size_t i)
{
	return i + 1 < n && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0x85;
}

/* sigs.k8s.io/yaml reads the JSON text json.Marshal wrote as YAML: json.Marshal leaves U+0085
 * raw, and inside a double-quoted YAML scalar a raw NEL is a line break that gets folded
 * (one break -> a space, n breaks -> n-1 newlines, blanks around it dropped). */
static void fold_raw_nel(struct strbuf *sb)
{
	if (!memmem(sb->buf, sb->len, "\xC2\x85", 2))
		return;
	struct strbuf out = STRBUF_INIT;
	const char *s = sb->buf;
	size_t n = sb->len, i = 0;
	while (i < n) {
		while (i < n && s[i] != ' ' && !is_nel(s, n, i))
			strbuf_addch(&out, s[i++]);
		if (i >= n)
			break;
		size_t spaces = 0, breaks = 0;
		while (i < n && (s[i] == ' ' || is_nel(s, n, i))) {
			if (s[i] == ' ') {
				if (breaks == 0)
					spaces++;
				i++;
			} else {
				breaks++;
				i += 2;
			}
		}
		if (breaks == 0)
			strbuf_addchars(&out, ' ', spaces);
		else if (breaks == 1)
			strbuf_addch(&out, ' ');
		else
			strbuf_addchars(&out, '\n', breaks - 1);
	}
	strbuf_release(sb);
	*sb = out;
}

static bool ends_with_ls_ps(const char *s, size_t n)
{
	return n >= 3 && memcmp(s + n - 3, "\xE2\x80", 2) == 0 &&
	       ((unsigned char)s[n - 1] == 0xA8 || (unsigned char)s[n - 1] == 0xA9);
}

/* libyaml 0.2.5 indents before the closing quote of a single-quoted scalar that ends with a
 * line break (U+2028/U+2029 here: other breaks never get single quotes); go-yaml's older
 * emitter does not. Drop those spaces from the finished text. */
static void trim_single_quote_indent(struct strbuf *out)
{
	size_t w = 0;
	for (size_t i = 0; i < out->len; i++) {
		out->buf[w++] = out->buf[i];
		if (w < 3 || !ends_with_ls_ps(out->buf, w) || i + 1 >= out->len || out->buf[i + 1] != ' ')
			continue;
		size_t k = i + 1;
		while (k < out->len && out->buf[k] == ' ')
			k++;
		if (k < out->len && out->buf[k] == '\'' && (k + 1 >= out->len || out->buf[k + 1] != '\''))
			i = k - 1;
	}
	strbuf_setlen(out, w);
}

/* go-yaml's encoder.stringv: quote what would read back as another type. */
static int emit_string(yaml_emitter_t *e, const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	json_utf8_sanitize(&sb, s, n);
	fold_raw_nel(&sb);
	yaml_scalar_style_t style;
	if (memchr(sb.buf, '\n', sb.len)) {
		style = YAML_LITERAL_SCALAR_STYLE;
		if (memmem(sb.buf, sb.len, "\xE2\x80\xA8", 3) || memmem(sb.buf, sb.len, "\xE2\x80\xA9", 3))
			((struct emit_out *)e->write_handler_data)->no_quote_trim = true;
	} else {
		struct yv v = { 0 };
		enum rtag rt = resolve_core(false, true, sb.buf, sb.len, &v);
		yv_release(&v);
		bool plain = rt == R_STR && !is_base60_float(sb.buf, sb.len);
		style = plain ? YAML_PLAIN_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	}
	int r = emit_scalar(e, sb.buf, sb.len, style);
	strbuf_release(&sb);
	return r;
}

static int emit_value(yaml_emitter_t *e, const json_t *v)
{
	yaml_event_t ev;
	int r;
	switch (json_typeof(v)) {
	case JSON_NULL:
		return emit_scalar(e, "null", 4, YAML_PLAIN_SCALAR_STYLE);
	case JSON_TRUE:
		return emit_scalar(e, "true", 4, YAML_PLAIN_SCALAR_STYLE);
	case JSON_FALSE:
		return emit_scalar(e, "false", 5, YAML_PLAIN_SCALAR_STYLE);
	case JSON_INTEGER: {
		char buf[32];
		int l = snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return emit_scalar(e, buf, (size_t)l, YAML_PLAIN_SCALAR_STYLE);
	}
	case JSON_REAL: {
		struct strbuf sb = STRBUF_INIT;
		json_format_go_float(&sb, json_real_value(v), 'g', 64);
		r = emit_scalar(e, sb.buf, sb.len, YAML_PLAIN_SCALAR_STYLE);
		strbuf_release(&sb);
		return r;
	}
	case JSON_STRING:
		return emit_string(e, json_string_value(v), json_string_length(v));
	case JSON_ARRAY:
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
		r = emit(e, &ev);
		for (size_t i = 0; r >= 0 && i < json_array_size(v); i++)
			r = emit_value(e, json_array_get(v, i));
		if (r < 0)
			return r;
		yaml_sequence_end_event_initialize(&ev);
		return emit(e, &ev);
	case JSON_OBJECT: {
		size_t n = json_object_size(v), k = 0;
		struct sort_key *keys = xcalloc(n + 1, sizeof(*keys));
		const char *key;
		size_t klen;
		json_t *val;
		json_object_keylen_foreach((json_t *)v, key, klen, val) {
			struct sort_key *sk = &keys[k++];
			sk->key = key;
			sk->len = klen;
			sk->runes = xcalloc(klen + 1, sizeof(uint32_t));
			const unsigned char *p = (const unsigned char *)key;
			for (size_t i = 0; i < klen;) {
				uint32_t rr;
				size_t l = json_utf8_decode(p + i, klen - i, &rr);
				sk->runes[sk->n++] = rr;
				i += l ? l : 1;
			}
		}
		qsort(keys, k, sizeof(*keys), sort_key_cmp);
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
		r = emit(e, &ev);
		for (size_t i = 0; r >= 0 && i < k; i++) {
			r = emit_string(e, keys[i].key, keys[i].len);
			if (r >= 0)
				r = emit_value(e, json_object_getn(v, keys[i].key, keys[i].len));
		}
		for (size_t i = 0; i < k; i++)
			free(keys[i].runes);
		free(keys);
		if (r < 0)
			return r;
		yaml_mapping_end_event_initialize(&ev);
		return emit(e, &ev);
	}
	}
	return -EINVAL;
}

char *yaml_from_json(const json_t *v)
{
	yaml_emitter_t e;
	struct emit_out out = { .sb = STRBUF_INIT };
	yaml_event_t ev;
	if (!yaml_emitter_initialize(&e))
		abort();
	yaml_emitter_set_output(&e, write_handler, &out);
	yaml_emitter_set_unicode(&e, 1);

	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	int r = emit(&e, &ev);
	if (r >= 0) {
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
		r = emit(&e, &ev);
	}
	if (r >= 0) {
		r = emit_value(&e, v ? v : json_null());
	}
	if (r >= 0) {
		yaml_document_end_event_initialize(&ev, 1);
		r = emit(&e, &ev);
	}
	if (r >= 0) {
		/* go-yaml's encoder.finish(): no "..." after a block scalar that keeps newlines */
		e.open_ended = 0;
		yaml_stream_end_event_initialize(&ev);
		r = emit(&e, &ev);
	}
	yaml_emitter_delete(&e);
	if (r < 0) {
		strbuf_release(&out.sb);
		return NULL;
	}
	if (!out.no_quote_trim && memmem(out.sb.buf, out.sb.len, "\xE2\x80", 2))
		trim_single_quote_indent(&out.sb);
	return strbuf_detach(&out.sb, NULL);
}
