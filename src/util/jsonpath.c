/* SPDX-License-Identifier: Apache-2.0 */
/* k8s.io/client-go/util/jsonpath: parser.go, node.go and jsonpath.go over jansson trees. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/json.h"
#include "util/jsonpath.h"
#include "util/macro.h"
#include "util/xalloc.h"

/* ---- nodes (node.go) ------------------------------------------------------------------ */

enum node_type {
	NODE_TEXT,
	NODE_ARRAY,
	NODE_LIST,
	NODE_FIELD,
	NODE_IDENTIFIER,
	NODE_FILTER,
	NODE_INT,
	NODE_FLOAT,
	NODE_WILDCARD,
	NODE_RECURSIVE,
	NODE_UNION,
	NODE_BOOL,
};

struct param {
	int64_t value;
	bool known, derived;
};

struct node {
	enum node_type type;
	char *text; /* TEXT, FIELD, IDENTIFIER: the bytes; FILTER: the operator */
	size_t len;
	struct node **nodes; /* LIST: its nodes; UNION: its list nodes */
	size_t n;
	struct node *left, *right; /* FILTER */
	struct param params[3];	   /* ARRAY */
	int64_t i;		   /* INT */
	json_t *literal;	   /* TEXT, FLOAT, BOOL: the value as data */
};

/* an owned NUL-terminated copy of n bytes (they may hold NULs) */
static char *memdup0(const char *p, size_t n)
{
	char *s = xmalloc(n + 1);
	memcpy(s, p, n);
	s[n] = 0;
	return s;
}

static struct node *node_new(enum node_type type)
{
	struct node *n = xcalloc(1, sizeof(*n));
	n->type = type;
	return n;
}

static void node_free(struct node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		node_free(n->nodes[i]);
	free(n->nodes);
	node_free(n->left);
	node_free(n->right);
	json_decref(n->literal);
	free(n->text);
	free(n);
}

DEFINE_TRIVIAL_CLEANUP_FUNC(struct node *, node_free);

static void list_append(struct node *list, struct node *n)
{
	list->nodes = xrealloc(list->nodes, (list->n + 1) * sizeof(*list->nodes));
	list->nodes[list->n++] = n;
}

static struct node *node_text(enum node_type type, const char *s, size_t len)
{
	struct node *n = node_new(type);
	n->text = memdup0(s, len);
	n->len = len;
	if (type == NODE_TEXT)
		n->literal = json_stringn_nocheck(s, len);
	return n;
}

/* ---- parser (parser.go) --------------------------------------------------------------- */

#define END_OF_INPUT (-1)

struct parser {
	const char *input;
	size_t len, pos, start, width;
	struct node *root;
};

static int32_t next_rune(struct parser *p)
{
	if (p->pos >= p->len) {
		p->width = 0;
		return END_OF_INPUT;
	}
	uint32_t r;
	size_t w = json_utf8_decode((const unsigned char *)p->input + p->pos, p->len - p->pos, &r);
	if (w == 0)
		w = 1;
	p->width = w;
	p->pos += w;
	return (int32_t)r;
}

static void backup(struct parser *p)
{
	p->pos -= p->width;
}

static int32_t peek_rune(struct parser *p)
{
	int32_t r = next_rune(p);
	backup(p);
	return r;
}

static const char *consume(struct parser *p, size_t *ret_len)
{
	const char *s = p->input + p->start;
	*ret_len = p->pos - p->start;
	p->start = p->pos;
	return s;
}

static bool has_prefix(const struct parser *p, const char *prefix)
{
	size_t n = strlen(prefix);
	return p->len - p->pos >= n && memcmp(p->input + p->pos, prefix, n) == 0;
}

static bool is_space(int32_t r)
{
	return r == ' ' || r == '\t';
}

static bool is_end_of_line(int32_t r)
{
	return r == '\r' || r == '\n';
}

static bool is_digit(int32_t r)
{
	return r >= '0' && r <= '9';
}

/* unicode.IsLetter/IsDigit: exact for ASCII; every other valid rune counts as a letter. */
static bool is_alphanumeric(int32_t r)
{
	return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || is_digit(r) ||
	       (r >= 0x80 && r != 0xFFFD);
}

static bool is_terminator(int32_t r)
{
	if (is_space(r) || is_end_of_line(r))
		return true;
	switch (r) {
	case END_OF_INPUT:
	case '.':
	case ',':
	case '[':
	case ']':
	case '$':
	case '@':
	case '{':
	case '}':
		return true;
	default:
		return false;
	}
}

static int parse_into(const char *text, size_t len, struct node **ret);

/* parseAction: the single list node of "{" text "}" */
static int parse_action(const char *text, size_t len, struct node **ret)
{
	_cleanup_free_ char *s = xmalloc(len + 3);
	s[0] = '{';
	memcpy(s + 1, text, len);
	s[len + 1] = '}';
	s[len + 2] = 0;
	_cleanup_(node_freep) struct node *root = NULL;
	int r = parse_into(s, len + 2, &root);
	if (r < 0)
		return r;
	struct node *list = root->nodes[0];
	root->nodes[0] = NULL;
	*ret = list;
	return 0;
}

static int parse_field(struct parser *p, struct node *cur)
{
	size_t n;
	consume(p, &n);
	for (;;) {
		int32_t r = next_rune(p);
		if (r == '\\') {
			next_rune(p);
		} else if (is_terminator(r)) {
			backup(p);
			break;
		}
	}
	const char *v = consume(p, &n);
	if (n == 1 && v[0] == '*') {
		list_append(cur, node_new(NODE_WILDCARD));
		return 0;
	}
	/* strings.Replace(value, "\\", "", -1) */
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		if (v[i] != '\\')
			strbuf_addch(&sb, v[i]);
	list_append(cur, node_text(NODE_FIELD, sb.buf, sb.len));
	strbuf_release(&sb);
	return 0;
}

static int parse_identifier(struct parser *p, struct node *cur)
{
	for (;;) {
		if (is_terminator(next_rune(p))) {
			backup(p);
			break;
		}
	}
	size_t n;
	const char *v = consume(p, &n);
	if ((n == 4 && memcmp(v, "true", 4) == 0) || (n == 5 && memcmp(v, "false", 5) == 0)) {
		struct node *b = node_new(NODE_BOOL);
		b->literal = json_boolean(n == 4);
		list_append(cur, b);
	} else {
		list_append(cur, node_text(NODE_IDENTIFIER, v, n));
	}
	return 0;
}

static int parse_recursive(struct parser *p, struct node *cur)
{
	if (cur->n && cur->nodes[cur->n - 1]->type == NODE_RECURSIVE)
		return error_set(-EINVAL, "invalid multiple recursive descent");
	p->pos += 2;
	size_t n;
	consume(p, &n);
	list_append(cur, node_new(NODE_RECURSIVE));
	if (is_alphanumeric(peek_rune(p)))
		return parse_field(p, cur);
	return 0;
}

/* strconv.Atoi: optional sign, decimal digits, within int64. */
static bool go_atoi(const char *s, size_t n, int64_t *ret)
{
	size_t i = 0;
	bool neg = false;
	if (n && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == n)
		return false;
	uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (limit - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*ret = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

static int parse_number(struct parser *p, struct node *cur)
{
	int32_t r = peek_rune(p);
	if (r == '+' || r == '-')
		next_rune(p);
	for (;;) {
		r = next_rune(p);
		if (r != '.' && !is_digit(r)) {
			backup(p);
			break;
		}
	}
	size_t n;
	const char *v = consume(p, &n);
	int64_t i;
	if (go_atoi(v, n, &i)) {
		struct node *in = node_new(NODE_INT);
		in->i = i;
		list_append(cur, in);
		return 0;
	}
	/* strconv.ParseFloat on [+-]digits-and-dots: one dot at most, a digit somewhere */
	_cleanup_free_ char *s = memdup0(v, n);
	const char *d = s + (s[0] == '+' || s[0] == '-');
	const char *dot = strchr(d, '.');
	bool ok = strpbrk(d, "0123456789") && (!dot || !strchr(dot + 1, '.'));
	if (ok) {
		char *end;
		errno = 0;
		double f = strtod(s, &end);
		if (*end == 0 && errno != ERANGE && !isinf(f)) {
			struct node *fn = node_new(NODE_FLOAT);
			fn->literal = json_real(f);
			list_append(cur, fn);
			return 0;
		}
	}
	return error_set(-EINVAL, "cannot parse number %s", s);
}

/* sliceOperatorRex ^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$ : the three groups, "" when absent */
static bool slice_groups(const char *s, size_t n, const char *g[3], size_t gl[3])
{
	size_t i = 0;
	for (int k = 0; k < 3; k++) {
		g[k] = s + i;
		gl[k] = 0;
		if (k > 0) {
			if (i == n || s[i] != ':')
				continue;
			i++;
		}
		if (i < n && s[i] == '-')
			i++;
		while (i < n && is_digit(s[i]))
			i++;
		gl[k] = (size_t)(s + i - g[k]);
	}
	return i == n;
}

static int parse_array(struct parser *p, struct node *cur)
{
	for (;;) {
		int32_t r = next_rune(p);
		if (r == END_OF_INPUT || r == '\n')
			return error_set(-EINVAL, "unterminated array");
		if (r == ']')
			break;
	}
	size_t n;
	const char *t = consume(p, &n);
	t++;
	n -= 2;
	if (n == 1 && t[0] == '*')
		t = ":";

	/* union operator */
	if (memchr(t, ',', n)) {
		struct node *u = node_new(NODE_UNION);
		list_append(cur, u);
		const char *s = t, *end = t + n;
		for (;;) {
			const char *c = memchr(s, ',', (size_t)(end - s));
			const char *e = c ? c : end;
			const char *a = s, *b = e;
			while (a < b && *a == ' ')
				a++;
			while (b > a && b[-1] == ' ')
				b--;
			_cleanup_free_ char *part = xmalloc((size_t)(b - a) + 3);
			part[0] = '[';
			memcpy(part + 1, a, (size_t)(b - a));
			part[b - a + 1] = ']';
			part[b - a + 2] = 0;
			struct node *l = NULL;
			int r = parse_action(part, (size_t)(b - a) + 2, &l);
			if (r < 0)
				return r;
			list_append(u, l);
			if (!c)
				break;
			s = c + 1;
		}
		return 0;
	}

	/* dict key: dictKeyRex ^'([^']*)'$ */
	if (n >= 2 && t[0] == '\'' && t[n - 1] == '\'' && !memchr(t + 1, '\'', n - 2)) {
		_cleanup_free_ char *f = xmalloc(n);
		f[0] = '.';
		memcpy(f + 1, t + 1, n - 2);
		_cleanup_(node_freep) struct node *l = NULL;
		int r = parse_action(f, n - 1, &l);
		if (r < 0)
			return r;
		for (size_t i = 0; i < l->n; i++) {
			list_append(cur, l->nodes[i]);
			l->nodes[i] = NULL;
		}
		return 0;
	}

	/* slice operator */
	const char *g[3];
	size_t gl[3];
	if (!slice_groups(t, n, g, gl)) {
		_cleanup_free_ char *s = memdup0(t, n);
		return error_set(-EINVAL, "invalid array index %s", s);
	}
	struct param params[3] = { 0 };
	for (int i = 0; i < 3; i++) {
		if (gl[i]) {
			const char *v = g[i] + (i > 0);
			size_t vl = gl[i] - (i > 0);
			if (i > 0 && vl == 0) {
				params[i].known = false;
			} else {
				params[i].known = true;
				if (!go_atoi(v, vl, &params[i].value)) {
					_cleanup_free_ char *s = memdup0(v, vl);
					return error_set(-EINVAL, "array index %s is not a number", s);
				}
			}
		} else if (i == 1) {
			params[i].known = true;
			params[i].value = params[0].value + 1;
			params[i].derived = true;
		}
	}
	struct node *a = node_new(NODE_ARRAY);
	memcpy(a->params, params, sizeof(params));
	list_append(cur, a);
	return 0;
}

static bool is_filter_op(char c)
{
	return c == '!' || c == '<' || c == '>' || c == '=';
}

static int parse_filter(struct parser *p, struct node *cur)
{
	p->pos += 3;
	size_t n;
	consume(p, &n);
	bool begin = false, end = false;
	int32_t pair = 0;
	for (;;) {
		int32_t r = next_rune(p);
		if (r == END_OF_INPUT || r == '\n')
			return error_set(-EINVAL, "unterminated filter");
		if (r == '"' || r == '\'') {
			if (!begin) {
				begin = true;
				pair = r;
				continue;
			}
			if (p->input[p->pos - 2] != '\\' && r == pair)
				end = true;
		} else if (r == ')' && begin == end) {
			break;
		}
	}
	if (next_rune(p) != ']')
		return error_set(-EINVAL, "unclosed array expect ]");
	const char *t = consume(p, &n);
	n -= 2;
	/* ^([^!<>=]+)([!<>=]+)(.+?)$ */
	size_t a = 0;
	while (a < n && !is_filter_op(t[a]))
		a++;
	size_t b = a;
	while (b < n && is_filter_op(t[b]))
		b++;
	if (b == n && b - a > 1)
		b--;
	struct node *f = node_new(NODE_FILTER);
	list_append(cur, f);
	int r;
	if (a == 0 || a == n || b == n) {
		r = parse_action(t, n, &f->left);
		if (r < 0)
			return r;
		f->right = node_new(NODE_LIST);
		f->text = xstrdup("exists");
		f->len = 6;
		return 0;
	}
	r = parse_action(t, a, &f->left);
	if (r < 0)
		return r;
	r = parse_action(t + b, n - b, &f->right);
	if (r < 0)
		return r;
	f->text = memdup0(t + a, b - a);
	f->len = b - a;
	return 0;
}

/* strconv.UnquoteChar at s[*i] for the given quote; appends the bytes, false on bad syntax. */
static bool unquote_char(const char *s, size_t n, size_t *i, char quote, struct strbuf *sb)
{
	unsigned char c = (unsigned char)s[*i];
	if (c == (unsigned char)quote)
		return false;
	if (c >= 0x80) {
		uint32_t r;
		size_t w = json_utf8_decode((const unsigned char *)s + *i, n - *i, &r);
		strbuf_add_rune(sb, w ? r : 0xFFFD);
		*i += w ? w : 1;
		return true;
	}
	if (c != '\\') {
		strbuf_addch(sb, (char)c);
		(*i)++;
		return true;
	}
	if (*i + 1 >= n)
		return false;
	char e = s[*i + 1];
	*i += 2;
	switch (e) {
	case 'a': strbuf_addch(sb, '\a'); return true;
	case 'b': strbuf_addch(sb, '\b'); return true;
	case 'f': strbuf_addch(sb, '\f'); return true;
	case 'n': strbuf_addch(sb, '\n'); return true;
	case 'r': strbuf_addch(sb, '\r'); return true;
	case 't': strbuf_addch(sb, '\t'); return true;
	case 'v': strbuf_addch(sb, '\v'); return true;
	case '\\': strbuf_addch(sb, '\\'); return true;
	case '\'':
	case '"':
		if (e != quote)
			return false;
		strbuf_addch(sb, e);
		return true;
	case 'x':
	case 'u':
	case 'U': {
		size_t k = e == 'x' ? 2 : e == 'u' ? 4 : 8;
		if (n - *i < k)
			return false;
		uint32_t v = 0;
		for (size_t j = 0; j < k; j++) {
			static const char digits[] = "0123456789abcdef";
			const char *h = s[*i + j] ? strchr(digits, tolower((unsigned char)s[*i + j])) : NULL;
			if (!h)
				return false;
			v = v << 4 | (uint32_t)(h - digits);
		}
		*i += k;
		if (e == 'x') {
			strbuf_addch(sb, (char)v);
			return true;
		}
		if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			return false;
		strbuf_add_rune(sb, v);
		return true;
	}
	default:
		if (e < '0' || e > '7' || n - *i < 2)
			return false;
		uint32_t v = (uint32_t)(e - '0');
		for (size_t j = 0; j < 2; j++) {
			char d = s[*i + j];
			if (d < '0' || d > '7')
				return false;
			v = v << 3 | (uint32_t)(d - '0');
		}
		if (v > 255)
			return false;
		*i += 2;
		strbuf_addch(sb, (char)v);
		return true;
	}
}

/* UnquoteExtend: strconv.Unquote that takes single quotes too. */
static bool unquote_extend(const char *s, size_t n, struct strbuf *sb)
{
	if (n < 2 || s[0] != s[n - 1] || (s[0] != '"' && s[0] != '\''))
		return false;
	char quote = s[0];
	s++;
	n -= 2;
	if (!memchr(s, '\\', n) && !memchr(s, quote, n)) {
		strbuf_add(sb, s, n);
		return true;
	}
	for (size_t i = 0; i < n;)
		if (!unquote_char(s, n, &i, quote, sb))
			return false;
	return true;
}

static int parse_quote(struct parser *p, struct node *cur, int32_t end)
{
	for (;;) {
		int32_t r = next_rune(p);
		if (r == END_OF_INPUT || r == '\n')
			return error_set(-EINVAL, "unterminated quoted string");
		if (r == end && p->input[p->pos - 2] != '\\')
			break;
	}
	size_t n;
	const char *v = consume(p, &n);
	_cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
	if (!unquote_extend(v, n, &sb)) {
		_cleanup_free_ char *s = memdup0(v, n);
		return error_set(-EINVAL, "unquote string %s error invalid syntax", s);
	}
	list_append(cur, node_text(NODE_TEXT, sb.buf, sb.len));
	return 0;
}

/* fmt's %#U */
static int unrecognized(int32_t r)
{
	if (r >= 0x20 && r != 0x7F && !(r >= 0x80 && r < 0xA0)) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_add_rune(&sb, (uint32_t)r);
		int e = error_set(-EINVAL, "unrecognized character in action: U+%04X '%s'", (unsigned)r,
				  sb.buf);
		strbuf_release(&sb);
		return e;
	}
	return error_set(-EINVAL, "unrecognized character in action: U+%04X", (unsigned)r);
}

/* parseInsideAction, until the closing delimiter is consumed. */
static int parse_inside_action(struct parser *p, struct node *cur)
{
	for (;;) {
		int r = 0;
		size_t n;
		if (has_prefix(p, "}")) {
			p->pos++;
			consume(p, &n);
			return 0;
		}
		if (has_prefix(p, "[?(")) {
			r = parse_filter(p, cur);
		} else if (has_prefix(p, "..")) {
			r = parse_recursive(p, cur);
		} else {
			int32_t c = next_rune(p);
			if (c == END_OF_INPUT || is_end_of_line(c))
				return error_set(-EINVAL, "unclosed action");
			if (c == ' ' || c == '@' || c == '$') {
				consume(p, &n);
			} else if (c == '[') {
				r = parse_array(p, cur);
			} else if (c == '"' || c == '\'') {
				r = parse_quote(p, cur, c);
			} else if (c == '.') {
				r = parse_field(p, cur);
			} else if (c == '+' || c == '-' || is_digit(c)) {
				backup(p);
				r = parse_number(p, cur);
			} else if (is_alphanumeric(c)) {
				backup(p);
				r = parse_identifier(p, cur);
			} else {
				return unrecognized(c);
			}
		}
		if (r < 0)
			return r;
	}
}

/* Parser.Parse: parseText with its actions; *ret is the root list. */
static int parse_into(const char *text, size_t len, struct node **ret)
{
	_cleanup_(node_freep) struct node *root = node_new(NODE_LIST);
	struct parser p = { .input = text, .len = len, .root = root };
	for (;;) {
		const char *brace = memchr(text + p.pos, '{', len - p.pos);
		size_t n;
		if (!brace) {
			p.pos = len;
			const char *t = consume(&p, &n);
			if (n)
				list_append(root, node_text(NODE_TEXT, t, n));
			break;
		}
		p.pos = (size_t)(brace - text);
		const char *t = consume(&p, &n);
		if (n)
			list_append(root, node_text(NODE_TEXT, t, n));
		p.pos++;
		consume(&p, &n);
		struct node *list = node_new(NODE_LIST);
		list_append(root, list);
		int r = parse_inside_action(&p, list);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(root);
	return 0;
}

struct jsonpath {
	struct node *root;
	/* Root.Nodes: FindResults narrows it for a range body and never restores it */
	struct node **nodes;
	size_t n;
	int begin_range, in_range, end_range;
	struct node **last_end_node;
	bool allow_missing_keys, output_json;
};

int jsonpath_parse(const char *text, size_t len, struct jsonpath **ret)
{
	struct node *root = NULL;
	int r = parse_into(text, len, &root);
	if (r < 0)
		return r;
	struct jsonpath *j = xcalloc(1, sizeof(*j));
	j->root = root;
	j->nodes = root->nodes;
	j->n = root->n;
	*ret = j;
	return 0;
}

struct jsonpath *jsonpath_free(struct jsonpath *j)
{
	if (j) {
		node_free(j->root);
		free(j);
	}
	return NULL;
}

void jsonpath_allow_missing_keys(struct jsonpath *j, bool allow)
{
	j->allow_missing_keys = allow;
}

void jsonpath_enable_json_output(struct jsonpath *j, bool enable)
{
	j->output_json = enable;
}

/* ---- values ----------------------------------------------------------------------------- */

/* A reflect.Value as the evaluator meets it: data (or a literal of the same Go type), a Go
 * int literal, a byte of a string, or the zero Value (range over a null). */
enum vkind { V_DATA, V_INT, V_UINT8, V_INVALID };

struct val {
	enum vkind k;
	const json_t *j; /* V_DATA: borrowed */
	int64_t i;	 /* V_INT, V_UINT8 */
};

struct vals {
	struct val *v;
	size_t n, alloc;
};

static void vals_push(struct vals *l, struct val v)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 8;
		l->v = xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	l->v[l->n++] = v;
}

static void vals_release(struct vals *l)
{
	free(l->v);
	*l = (struct vals){ 0 };
}

static void vals_copy(struct vals *dst, const struct vals *src)
{
	for (size_t i = 0; i < src->n; i++)
		vals_push(dst, src->v[i]);
}

static struct val data_val(const json_t *j)
{
	return (struct val){ .k = V_DATA, .j = j };
}

/* reflect's Type().String() of the value */
static const char *type_name(const struct val *v)
{
	switch (v->k) {
	case V_INT: return "int";
	case V_UINT8: return "uint8";
	case V_INVALID: return "<nil>";
	case V_DATA: break;
	}
	switch (json_typeof(v->j)) {
	case JSON_OBJECT: return "map[string]interface {}";
	case JSON_ARRAY: return "[]interface {}";
	case JSON_STRING: return "string";
	case JSON_INTEGER:
	case JSON_REAL: return "float64";
	case JSON_TRUE:
	case JSON_FALSE: return "bool";
	case JSON_NULL: break;
	}
	return "interface {}";
}

static double number_value(const json_t *j)
{
	return json_is_integer(j) ? (double)json_integer_value(j) : json_real_value(j);
}

/* fmt %v of a JSON-decoded value (%#v: json_format_go_sharp_v) */
static void go_format(struct strbuf *sb, const json_t *j)
{
	size_t i;
	const char *key;
	json_t *m;
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		strbuf_addstr(sb, "map[");
		bool first = true;
		json_object_foreach((json_t *)j, key, m) {
			if (!first)
				strbuf_addch(sb, ' ');
			first = false;
			strbuf_addstr(sb, key);
			strbuf_addch(sb, ':');
			go_format(sb, m);
		}
		strbuf_addch(sb, ']');
		break;
	}
	case JSON_ARRAY:
		strbuf_addch(sb, '[');
		json_array_foreach(j, i, m) {
			if (i)
				strbuf_addch(sb, ' ');
			go_format(sb, m);
		}
		strbuf_addch(sb, ']');
		break;
	case JSON_STRING:
		strbuf_add(sb, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
	case JSON_REAL:
		json_format_go_float(sb, number_value(j), 'g', 64);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		strbuf_addstr(sb, json_is_true(j) ? "true" : "false");
		break;
	case JSON_NULL:
		strbuf_addstr(sb, "<nil>");
		break;
	}
}

static void val_format(struct strbuf *sb, const struct val *v)
{
	switch (v->k) {
	case V_INT:
	case V_UINT8:
		strbuf_addf(sb, "%" PRId64, v->i);
		break;
	case V_INVALID:
		strbuf_addstr(sb, "<invalid reflect.Value>");
		break;
	case V_DATA:
		go_format(sb, v->j);
		break;
	}
}

/* json.Marshal then json.Unmarshal into interface{}: members sorted, numbers float64,
 * invalid UTF-8 replaced. */
static json_t *go_round_trip(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		size_t n, i;
		_cleanup_free_ const char **keys = json_object_sorted_keys(v, &n);
		json_t *o = json_object();
		for (i = 0; i < n; i++)
			json_object_set_new(o, keys[i], go_round_trip(json_object_get(v, keys[i])));
		return o;
	}
	case JSON_ARRAY: {
		json_t *a = json_array();
		size_t i;
		json_t *m;
		json_array_foreach(v, i, m)
			json_array_append_new(a, go_round_trip(m));
		return a;
	}
	case JSON_STRING: {
		struct strbuf sb = STRBUF_INIT;
		json_utf8_sanitize(&sb, json_string_value(v), json_string_length(v));
		json_t *s = json_stringn_nocheck(sb.buf, sb.len);
		strbuf_release(&sb);
		return s;
	}
	case JSON_INTEGER:
	case JSON_REAL:
		return json_real(number_value(v));
	default:
		return json_deep_copy(v);
	}
}

void jsonpath_go_syntax(const json_t *data, struct strbuf *out)
{
	_cleanup_json_ json_t *d = go_round_trip(data);
	json_format_go_sharp_v(out, d, "map[string]interface {}", false);
}

/* ---- evaluation (jsonpath.go) ---------------------------------------------------------- */

static int walk(struct jsonpath *j, const struct vals *in, const struct node *node,
		struct vals *out);

/* template.Indirect: a null interface is nil */
static bool is_nil(const struct val *v)
{
	return v->k == V_DATA && json_is_null(v->j);
}

/* Go's "return input, err": the input becomes the result */
static int fail_with_input(const struct vals *in, struct vals *out, int r)
{
	vals_release(out);
	vals_copy(out, in);
	return r;
}

static int eval_list(struct jsonpath *j, const struct vals *in, const struct node *list,
		     struct vals *out)
{
	struct vals cur = { 0 };
	vals_copy(&cur, in);
	for (size_t i = 0; i < list->n; i++) {
		struct vals next = { 0 };
		int r = walk(j, &cur, list->nodes[i], &next);
		vals_release(&cur);
		cur = next;
		if (r < 0) {
			*out = cur;
			return r;
		}
	}
	*out = cur;
	return 0;
}

static int eval_identifier(struct jsonpath *j, const struct vals *in, const struct node *node,
			   struct vals *out)
{
	if (node->len == 5 && memcmp(node->text, "range", 5) == 0) {
		j->begin_range++;
		vals_copy(out, in);
		return 0;
	}
	if (node->len == 3 && memcmp(node->text, "end", 3) == 0) {
		if (j->in_range > 0) {
			j->end_range++;
			return 0;
		}
		return error_set(-EINVAL, "not in range, nothing to end");
	}
	vals_copy(out, in);
	return error_set(-EINVAL, "unrecognized identifier %s", node->text);
}

static int eval_array(const struct vals *in, const struct node *node, struct vals *out)
{
	for (size_t k = 0; k < in->n; k++) {
		const struct val *value = &in->v[k];
		if (is_nil(value))
			continue;
		if (value->k != V_DATA || !json_is_array(value->j))
			return fail_with_input(in, out,
					       error_set(-EINVAL, "%s is not array or slice",
							 type_name(value)));
		int64_t len = (int64_t)json_array_size(value->j);
		struct param p[3];
		memcpy(p, node->params, sizeof(p));
		if (!p[0].known)
			p[0].value = 0;
		if (p[0].value < 0)
			p[0].value += len;
		if (!p[1].known)
			p[1].value = len;
		if (p[1].value < 0 || (p[1].value == 0 && p[1].derived))
			p[1].value += len;
		if (p[1].value == p[0].value)
			return 0; /* zero elements: Go returns what it has, skipping later inputs */
		if (p[0].value >= len || p[0].value < 0) {
			return fail_with_input(in, out, error_set(-EINVAL, "array index out of bounds: index %" PRId64
						  ", length %" PRId64,
					 p[0].value, len));
		}
		if (p[1].value > len || p[1].value < 0) {
			return fail_with_input(in, out, error_set(-EINVAL, "array index out of bounds: index %" PRId64
						  ", length %" PRId64,
					 p[1].value - 1, len));
		}
		if (p[0].value > p[1].value) {
			return fail_with_input(in, out, error_set(-EINVAL, "starting index %" PRId64
						  " is greater than ending index %" PRId64,
					 p[0].value, p[1].value));
		}
		int64_t step = 1;
		if (p[2].known) {
			if (p[2].value <= 0) {
				return fail_with_input(in, out, error_set(-EINVAL, "step must be > 0"));
			}
			step = p[2].value;
		}
		for (int64_t i = p[0].value; i < p[1].value; i += step)
			vals_push(out, data_val(json_array_get(value->j, (size_t)i)));
	}
	return 0;
}

static int eval_union(struct jsonpath *j, const struct vals *in, const struct node *node,
		      struct vals *out)
{
	for (size_t i = 0; i < node->n; i++) {
		struct vals tmp = { 0 };
		int r = eval_list(j, in, node->nodes[i], &tmp);
		if (r < 0) {
			vals_release(&tmp);
			return fail_with_input(in, out, r);
		}
		vals_copy(out, &tmp);
		vals_release(&tmp);
	}
	return 0;
}

static int eval_field(const struct jsonpath *j, const struct vals *in, const struct node *node,
		      struct vals *out)
{
	if (in->n == 0)
		return 0;
	for (size_t k = 0; k < in->n; k++) {
		const struct val *value = &in->v[k];
		if (is_nil(value) || value->k != V_DATA || !json_is_object(value->j))
			continue;
		/* a key with a NUL byte cannot be in a jansson object */
		if (memchr(node->text, 0, node->len))
			continue;
		json_t *m = json_object_get(value->j, node->text);
		if (m)
			vals_push(out, data_val(m));
	}
	if (out->n == 0 && !j->allow_missing_keys)
		return error_set(-EINVAL, "%s is not found", node->text);
	return 0;
}

/* the members of a map, elements of a slice or bytes of a string (evalWildcard) */
static void children(const struct val *value, struct vals *out)
{
	if (value->k != V_DATA)
		return;
	size_t i;
	const char *key;
	json_t *m;
	switch (json_typeof(value->j)) {
	case JSON_OBJECT:
		json_object_foreach((json_t *)value->j, key, m)
			vals_push(out, data_val(m));
		break;
	case JSON_ARRAY:
		json_array_foreach(value->j, i, m)
			vals_push(out, data_val(m));
		break;
	case JSON_STRING: {
		const unsigned char *s = (const unsigned char *)json_string_value(value->j);
		for (i = 0; i < json_string_length(value->j); i++)
			vals_push(out, (struct val){ .k = V_UINT8, .i = s[i] });
		break;
	}
	default:
		break;
	}
}

static void eval_wildcard(const struct vals *in, struct vals *out)
{
	for (size_t k = 0; k < in->n; k++)
		if (!is_nil(&in->v[k]))
			children(&in->v[k], out);
}

static void eval_recursive(const struct vals *in, struct vals *out)
{
	for (size_t k = 0; k < in->n; k++) {
		if (is_nil(&in->v[k]))
			continue;
		struct vals kids = { 0 };
		children(&in->v[k], &kids);
		if (kids.n) {
			vals_push(out, in->v[k]);
			eval_recursive(&kids, out);
		}
		vals_release(&kids);
	}
}

enum basic_kind { K_INVALID, K_BOOL, K_INT, K_FLOAT, K_STRING, K_UINT };

static enum basic_kind basic_kind(const struct val *v)
{
	switch (v->k) {
	case V_INT: return K_INT;
	case V_UINT8: return K_UINT;
	case V_INVALID: return K_INVALID;
	case V_DATA: break;
	}
	switch (json_typeof(v->j)) {
	case JSON_STRING: return K_STRING;
	case JSON_INTEGER:
	case JSON_REAL: return K_FLOAT;
	case JSON_TRUE:
	case JSON_FALSE: return K_BOOL;
	default: return K_INVALID;
	}
}

/* template.Less (less) or template.Equal: sets *ret, or fails as Go's comparisons do */
static int compare(const struct val *a, const struct val *b, bool less, bool *ret)
{
	enum basic_kind k1 = basic_kind(a), k2 = basic_kind(b);
	if (k1 == K_INVALID || k2 == K_INVALID)
		return error_set(-EINVAL, "invalid type for comparison");
	if (k1 != k2) {
		/* integer values compare regardless of sign: an int with a byte */
		if (!((k1 == K_INT && k2 == K_UINT) || (k1 == K_UINT && k2 == K_INT)))
			return error_set(-EINVAL, "incompatible types for comparison");
		*ret = less ? a->i < b->i : a->i == b->i;
		return 0;
	}
	switch (k1) {
	case K_BOOL:
		if (less)
			return error_set(-EINVAL, "invalid type for comparison");
		*ret = json_is_true(a->j) == json_is_true(b->j);
		return 0;
	case K_FLOAT: {
		double x = number_value(a->j), y = number_value(b->j);
		*ret = less ? x < y : x == y;
		return 0;
	}
	case K_STRING: {
		size_t la = json_string_length(a->j), lb = json_string_length(b->j);
		int c = memcmp(json_string_value(a->j), json_string_value(b->j), la < lb ? la : lb);
		if (c == 0)
			c = la < lb ? -1 : la > lb;
		*ret = less ? c < 0 : c == 0;
		return 0;
	}
	default:
		*ret = less ? a->i < b->i : a->i == b->i;
		return 0;
	}
}

static int filter_pass(const char *op, const struct val *a, const struct val *b, bool *ret)
{
	bool lt = false, eq = false;
	int r;
	if (!streq(op, "<") && !streq(op, ">") && !streq(op, "==") && !streq(op, "!=") &&
	    !streq(op, "<=") && !streq(op, ">="))
		return error_set(-EINVAL, "unrecognized filter operator %s", op);
	if (streq(op, "==") || streq(op, "!=")) {
		r = compare(a, b, false, &eq);
		*ret = streq(op, "==") ? eq : !eq;
		return r;
	}
	r = compare(a, b, true, &lt);
	if (r < 0)
		return r;
	if (streq(op, "<") || streq(op, ">=")) {
		*ret = streq(op, "<") ? lt : !lt;
		return 0;
	}
	/* <= is < or ==; > is not <= */
	if (!lt) {
		r = compare(a, b, false, &eq);
		if (r < 0)
			return r;
	}
	*ret = streq(op, "<=") ? lt || eq : !(lt || eq);
	return 0;
}

static int eval_filter(struct jsonpath *j, const struct vals *in, const struct node *node,
		       struct vals *out)
{
	for (size_t k = 0; k < in->n; k++) {
		const struct val *value = &in->v[k];
		if (value->k != V_DATA || !json_is_array(value->j)) {
			struct strbuf sb = STRBUF_INIT;
			val_format(&sb, value);
			int e = error_set(-EINVAL, "%s is not array or slice and cannot be filtered",
					  sb.buf);
			strbuf_release(&sb);
			return fail_with_input(in, out, e);
		}
		size_t i;
		json_t *elem;
		json_array_foreach(value->j, i, elem) {
			struct vals temp = { 0 }, lefts = { 0 }, rights = { 0 };
			vals_push(&temp, data_val(elem));
			int r = eval_list(j, &temp, node->left, &lefts);
			/* shape errors return the input, comparison errors the matches so far */
			bool pass = false, skip = false, shape = true;
			if (streq(node->text, "exists")) {
				error_clear();
				r = 0;
				pass = lefts.n > 0;
			} else if (r >= 0 && lefts.n == 0) {
				skip = true;
			} else if (r >= 0 && lefts.n > 1) {
				r = error_set(-EINVAL, "can only compare one element at a time");
			} else if (r >= 0) {
				r = eval_list(j, &temp, node->right, &rights);
				if (r >= 0 && rights.n == 0) {
					skip = true;
				} else if (r >= 0 && rights.n > 1) {
					r = error_set(-EINVAL, "can only compare one element at a time");
				} else if (r >= 0) {
					shape = false;
					r = filter_pass(node->text, &lefts.v[0], &rights.v[0], &pass);
				}
			}
			vals_release(&temp);
			vals_release(&lefts);
			vals_release(&rights);
			if (r < 0)
				return shape ? fail_with_input(in, out, r) : r;
			if (pass && !skip)
				vals_push(out, data_val(elem));
		}
	}
	return 0;
}

static int walk(struct jsonpath *j, const struct vals *in, const struct node *node,
		struct vals *out)
{
	*out = (struct vals){ 0 };
	switch (node->type) {
	case NODE_LIST:
		return eval_list(j, in, node, out);
	case NODE_TEXT:
		vals_push(out, data_val(node->literal));
		return 0;
	case NODE_FIELD:
		return eval_field(j, in, node, out);
	case NODE_ARRAY:
		return eval_array(in, node, out);
	case NODE_FILTER:
		return eval_filter(j, in, node, out);
	case NODE_INT:
		for (size_t i = 0; i < in->n; i++)
			vals_push(out, (struct val){ .k = V_INT, .i = node->i });
		return 0;
	case NODE_BOOL:
	case NODE_FLOAT:
		for (size_t i = 0; i < in->n; i++)
			vals_push(out, data_val(node->literal));
		return 0;
	case NODE_WILDCARD:
		eval_wildcard(in, out);
		return 0;
	case NODE_RECURSIVE:
		eval_recursive(in, out);
		return 0;
	case NODE_UNION:
		return eval_union(j, in, node, out);
	case NODE_IDENTIFIER:
		return eval_identifier(j, in, node, out);
	}
	return error_set(-EINVAL, "unexpected Node");
}

struct results {
	struct vals *lists;
	size_t n;
};

static void results_release(struct results *r)
{
	for (size_t i = 0; i < r->n; i++)
		vals_release(&r->lists[i]);
	free(r->lists);
	*r = (struct results){ 0 };
}

static void results_push(struct results *r, struct vals v)
{
	r->lists = xrealloc(r->lists, (r->n + 1) * sizeof(*r->lists));
	r->lists[r->n++] = v;
}

/* FindResults; a null range element becomes the zero Value (reflect.ValueOf(nil)) */
static int find_results(struct jsonpath *j, const struct val *data, struct results *full)
{
	struct node **nodes = j->nodes;
	size_t n = j->n;
	struct vals cur = { 0 };
	vals_push(&cur, *data);
	int r = 0;
	for (size_t i = 0; i < n && r >= 0; i++) {
		struct vals results = { 0 };
		r = walk(j, &cur, nodes[i], &results);
		if (r < 0) {
			vals_release(&results);
			break;
		}
		if (j->end_range > 0 && j->end_range <= j->in_range) {
			j->end_range--;
			j->last_end_node = &nodes[i];
			vals_release(&results);
			break;
		}
		if (j->begin_range > 0) {
			j->begin_range--;
			j->in_range++;
			if (results.n > 0) {
				for (size_t k = 0; k < results.n && r >= 0; k++) {
					j->nodes = nodes + i + 1;
					j->n = n - i - 1;
					struct val v = results.v[k];
					if (is_nil(&v))
						v = (struct val){ .k = V_INVALID };
					r = find_results(j, &v, full);
				}
			} else {
				j->nodes = nodes + i + 1;
				j->n = n - i - 1;
				struct results ignored = { 0 };
				struct val nil = { .k = V_INVALID };
				r = find_results(j, &nil, &ignored);
				results_release(&ignored);
			}
			j->in_range--;
			vals_release(&results);
			for (size_t k = i + 1; k < n; k++) {
				if (&nodes[k] == j->last_end_node) {
					i = k;
					break;
				}
			}
			continue;
		}
		results_push(full, results);
	}
	vals_release(&cur);
	return r;
}

static json_t *val_json(const struct val *v)
{
	switch (v->k) {
	case V_INT:
	case V_UINT8:
		return json_integer(v->i);
	case V_INVALID:
		return json_null();
	case V_DATA:
		break;
	}
	return json_deep_copy(v->j);
}

/* evalToText */
static void eval_to_text(struct strbuf *sb, const struct val *v)
{
	if (v->k == V_INVALID)
		strbuf_addstr(sb, "<no value>");
	else if (v->k == V_DATA && json_is_null(v->j))
		strbuf_addstr(sb, "null");
	else
		val_format(sb, v);
}

static void print_results(const struct jsonpath *j, const struct vals *results, struct strbuf *out)
{
	if (j->output_json) {
		_cleanup_json_ json_t *a = json_array();
		for (size_t i = 0; i < results->n; i++)
			json_array_append_new(a, val_json(&results->v[i]));
		_cleanup_free_ char *s = json_dump_go_ex(a, "", "    ", JSON_GO_SORT_KEYS);
		strbuf_addstr(out, s);
		strbuf_addch(out, '\n');
		return;
	}
	for (size_t i = 0; i < results->n; i++) {
		const struct val *v = &results->v[i];
		if (v->k == V_DATA && (json_is_object(v->j) || json_is_array(v->j))) {
			_cleanup_free_ char *s =
				json_dump_go_ex(v->j, "", "", JSON_GO_COMPACT | JSON_GO_SORT_KEYS);
			strbuf_addstr(out, s);
		} else {
			eval_to_text(out, v);
		}
		if (i + 1 != results->n)
			strbuf_addch(out, ' ');
	}
}

int jsonpath_execute(struct jsonpath *j, const json_t *data, struct strbuf *out)
{
	_cleanup_json_ json_t *d = go_round_trip(data);
	struct results full = { 0 };
	struct val root = data_val(d);
	int r = find_results(j, &root, &full);
	if (r >= 0)
		for (size_t i = 0; i < full.n; i++)
			print_results(j, &full.lists[i], out);
	results_release(&full);
	return r;
}
