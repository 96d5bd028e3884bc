/* SPDX-License-Identifier: Apache-2.0 */
#include "util/json.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/strv.h"
#include "util/xalloc.h"

size_t json_utf8_decode(const unsigned char *s, size_t n, uint32_t *ret_rune)
{
	*ret_rune = 0xFFFD;
	if (n == 0)
		return 0;
	unsigned char c = s[0];
	if (c < 0x80) {
		*ret_rune = c;
		return 1;
	}
	size_t len;
	uint32_t r, min;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		r = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		r = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		r = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		r = (r << 6) | (s[i] & 0x3F);
	}
	if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		return 0;
	*ret_rune = r;
	return len;
}

void json_utf8_sanitize(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		uint32_t r;
		size_t l = json_utf8_decode(p + i, n - i, &r);
		if (l == 0) {
			strbuf_addstr(sb, "\xEF\xBF\xBD");
			i++;
		} else {
			strbuf_add(sb, p + i, l);
			i += l;
		}
	}
}

/* Shortest decimal digits of f > 0 that read back as the same value: digits and the position
 * of the decimal point (value = 0.d1d2... * 10^dp), as Go's strconv computes them. */
static void shortest_digits(double f, int bits, char *digs, int *ret_nd, int *ret_dp)
{
	char buf[64];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, f);
		bool same = bits == 32 ? strtof(buf, NULL) == (float)f : strtod(buf, NULL) == f;
		if (same || prec == 17)
			break;
	}
	int nd = 0;
	const char *p = buf;
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			digs[nd++] = *p;
	int exp = (int)strtol(p + 1, NULL, 10);
	while (nd > 1 && digs[nd - 1] == '0')
		nd--;
	digs[nd] = 0;
	*ret_nd = nd;
	*ret_dp = exp + 1;
}

static void fmt_e(struct strbuf *sb, const char *d, int nd, int dp, int prec)
{
	strbuf_addch(sb, nd > 0 ? d[0] : '0');
	if (prec > 0) {
		strbuf_addch(sb, '.');
		for (int i = 1; i <= prec; i++)
			strbuf_addch(sb, i < nd ? d[i] : '0');
	}
	int exp = nd == 0 ? 0 : dp - 1;
	strbuf_addch(sb, 'e');
	if (exp < 0) {
		strbuf_addch(sb, '-');
		exp = -exp;
	} else {
		strbuf_addch(sb, '+');
	}
	if (exp < 10)
		strbuf_addf(sb, "0%d", exp);
	else
		strbuf_addf(sb, "%d", exp);
}

static void fmt_f(struct strbuf *sb, const char *d, int nd, int dp, int prec)
{
	if (dp > 0) {
		int m = dp < nd ? dp : nd;
		strbuf_add(sb, d, (size_t)m);
		for (; m < dp; m++)
			strbuf_addch(sb, '0');
	} else {
		strbuf_addch(sb, '0');
	}
	if (prec > 0) {
		strbuf_addch(sb, '.');
		for (int i = 1; i <= prec; i++) {
			int j = dp + i - 1;
			strbuf_addch(sb, j >= 0 && j < nd ? d[j] : '0');
		}
	}
}

void json_format_go_float(struct strbuf *sb, double f, char fmt, int bits)
{
	if (isnan(f)) {
		strbuf_addstr(sb, "NaN");
		return;
	}
	if (isinf(f)) {
		strbuf_addstr(sb, f > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (bits == 32 && isinf((float)f)) {
		strbuf_addstr(sb, f > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (bits == 32)
		f = (float)f;
	if (signbit(f)) {
		strbuf_addch(sb, '-');
		f = -f;
	}
	char d[40];
	int nd = 0, dp = 0;
	if (f != 0)
		shortest_digits(f, bits, d, &nd, &dp);
	else
		d[0] = 0;
	switch (fmt) {
	case 'e':
		fmt_e(sb, d, nd, dp, nd - 1);
		break;
	case 'f':
		fmt_f(sb, d, nd, dp, nd - dp > 0 ? nd - dp : 0);
		break;
	default: {
		int exp = dp - 1;
		if (exp < -4 || exp >= 6)
			fmt_e(sb, d, nd, dp, nd - 1);
		else
			fmt_f(sb, d, nd, dp, nd - dp > 0 ? nd - dp : 0);
		break;
	}
	}
}

void json_format_go_json_float(struct strbuf *sb, double f)
{
	double a = fabs(f);
	char fmt = 'f';
	if (a != 0 && (a < 1e-6 || a >= 1e21))
		fmt = 'e';
	size_t start = sb->len;
	json_format_go_float(sb, f, fmt, 64);
	if (fmt == 'e') {
		/* encoding/json: clean up e-09 to e-9 */
		size_t n = sb->len - start;
		char *b = sb->buf + start;
		if (n >= 4 && b[n - 4] == 'e' && b[n - 3] == '-' && b[n - 2] == '0') {
			b[n - 2] = b[n - 1];
			strbuf_setlen(sb, sb->len - 1);
		}
	}
}

/* The two-character escape of c shared by JSON and Go quoting (\a and \v in Go's only), or NULL. */
static const char *c_escape(uint32_t c, bool go)
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\b': return "\\b";
	case '\f': return "\\f";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	case '\a': return go ? "\\a" : NULL;
	case '\v': return go ? "\\v" : NULL;
	default: return NULL;
	}
}

static void dump_string(struct strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	strbuf_addch(sb, '"');
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		if (c < 0x80) {
			const char *e = c_escape(c, false);
			if (e) {
				strbuf_addstr(sb, e);
			} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
				strbuf_addstr(sb, "\\u00");
				strbuf_addch(sb, hex[c >> 4]);
				strbuf_addch(sb, hex[c & 0xF]);
			} else {
				strbuf_addch(sb, (char)c);
			}
			i++;
			continue;
		}
		uint32_t r;
		size_t l = json_utf8_decode(p + i, n - i, &r);
		if (l == 0) {
			strbuf_addstr(sb, "\\ufffd");
			i++;
			continue;
		}
		if (r == 0x2028 || r == 0x2029)
			strbuf_addf(sb, "\\u%04x", (unsigned)r);
		else
			strbuf_add(sb, p + i, l);
		i += l;
	}
	strbuf_addch(sb, '"');
}

struct dump_opts {
	const char *prefix;
	const char *indent;
	unsigned flags;
};

static void newline(struct strbuf *sb, const struct dump_opts *o, int depth)
{
	strbuf_addch(sb, '\n');
	strbuf_addstr(sb, o->prefix);
	for (int i = 0; i < depth; i++)
		strbuf_addstr(sb, o->indent);
}

struct key_ref {
	const char *key;
	size_t len;
	json_t *value;
};

static int key_ref_cmp(const void *a, const void *b)
{
	const struct key_ref *x = a, *y = b;
	size_t m = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->key, y->key, m);
	if (c != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static void dump(struct strbuf *sb, const json_t *v, const struct dump_opts *o, int depth)
{
	bool compact = o->flags & JSON_GO_COMPACT;
	switch (json_typeof(v)) {
	case JSON_NULL:
		strbuf_addstr(sb, "null");
		break;
	case JSON_TRUE:
		strbuf_addstr(sb, "true");
		break;
	case JSON_FALSE:
		strbuf_addstr(sb, "false");
		break;
	case JSON_INTEGER:
		strbuf_addf(sb, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		json_format_go_json_float(sb, json_real_value(v));
		break;
	case JSON_STRING:
		dump_string(sb, json_string_value(v), json_string_length(v));
		break;
	case JSON_ARRAY: {
		size_t n = json_array_size(v);
		if (n == 0) {
			strbuf_addstr(sb, "[]");
			break;
		}
		strbuf_addch(sb, '[');
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				strbuf_addch(sb, ',');
			if (!compact)
				newline(sb, o, depth + 1);
			dump(sb, json_array_get(v, i), o, depth + 1);
		}
		if (!compact)
			newline(sb, o, depth);
		strbuf_addch(sb, ']');
		break;
	}
	case JSON_OBJECT: {
		size_t n = json_object_size(v);
		if (n == 0) {
			strbuf_addstr(sb, "{}");
			break;
		}
		struct key_ref *keys = xcalloc(n, sizeof(*keys));
		size_t k = 0;
		const char *key;
		size_t klen;
		json_t *val;
		json_object_keylen_foreach((json_t *)v, key, klen, val) {
			keys[k].key = key;
			keys[k].len = klen;
			keys[k].value = val;
			k++;
		}
		if (o->flags & JSON_GO_SORT_KEYS)
			qsort(keys, k, sizeof(*keys), key_ref_cmp);
		strbuf_addch(sb, '{');
		for (size_t i = 0; i < k; i++) {
			if (i > 0)
				strbuf_addch(sb, ',');
			if (!compact)
				newline(sb, o, depth + 1);
			dump_string(sb, keys[i].key, keys[i].len);
			strbuf_addstr(sb, compact ? ":" : ": ");
			dump(sb, keys[i].value, o, depth + 1);
		}
		free(keys);
		if (!compact)
			newline(sb, o, depth);
		strbuf_addch(sb, '}');
		break;
	}
	}
}

char *json_dump_go_ex(const json_t *v, const char *prefix, const char *indent, unsigned flags)
{
	struct strbuf sb = STRBUF_INIT;
	struct dump_opts o = { .prefix = strempty(prefix), .indent = strempty(indent), .flags = flags };
	if (!v)
		strbuf_addstr(&sb, "null");
	else
		dump(&sb, v, &o, 0);
	return strbuf_detach(&sb, NULL);
}

char *json_dump_go(const json_t *v, const char *prefix, const char *indent)
{
	return json_dump_go_ex(v, prefix, indent, 0);
}

json_t *json_get_path(const json_t *root, const char *path)
{
	json_t *cur = (json_t *)root;
	const char *p = path;
	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (json_is_object(cur)) {
			cur = json_object_getn(cur, p, len);
		} else if (json_is_array(cur)) {
			size_t idx = 0;
			if (len == 0 || len > 9)
				return NULL;
			for (size_t i = 0; i < len; i++) {
				if (p[i] < '0' || p[i] > '9')
					return NULL;
				idx = idx * 10 + (size_t)(p[i] - '0');
			}
			cur = json_array_get(cur, idx);
		} else {
			return NULL;
		}
		if (!dot)
			break;
		p = dot + 1;
	}
	return cur;
}

/* evanphx's pruneNulls: drop null members of objects, recursively (also inside arrays, whose
 * null elements stay). */
static void prune_nulls(json_t *n)
{
	if (json_is_object(n)) {
		const char *key;
		size_t klen;
		json_t *v, *tmp;
		json_object_keylen_foreach_safe(n, tmp, key, klen, v) {
			if (json_is_null(v))
				json_object_deln(n, key, klen);
			else
				prune_nulls(v);
		}
	} else if (json_is_array(n)) {
		for (size_t i = 0; i < json_array_size(n); i++)
			prune_nulls(json_array_get(n, i));
	}
}

static json_t *pruned_copy(const json_t *v)
{
	json_t *c = json_deep_copy(v);
	prune_nulls(c);
	return c;
}

static void merge_docs(json_t *doc, const json_t *patch);

/* evanphx's merge(): returns the new value for a member whose current value is cur. */
static json_t *merge_value(json_t *cur, const json_t *patch)
{
	if (!json_is_object(cur))
		return pruned_copy(patch);
	if (!json_is_object(patch))
		return json_deep_copy(patch); /* not pruned: evanphx returns the patch as is */
	merge_docs(cur, patch);
	return json_incref(cur);
}

static void merge_docs(json_t *doc, const json_t *patch)
{
	const char *key;
	size_t klen;
	json_t *pv;
	json_object_keylen_foreach((json_t *)patch, key, klen, pv) {
		if (json_is_null(pv)) {
			json_object_deln(doc, key, klen);
			continue;
		}
		json_t *cur = json_object_getn(doc, key, klen);
		if (!cur || json_is_null(cur))
			json_object_setn_new(doc, key, klen, pruned_copy(pv));
		else
			json_object_setn_new(doc, key, klen, merge_value(cur, pv));
	}
}

int json_merge_patch(json_t *target, const json_t *patch)
{
	if (!json_is_object(target) || !json_is_object(patch))
		return error_set(-EINVAL, "merge patch: target and patch must be JSON objects");
	merge_docs(target, patch);
	return 0;
}

int json_merge_patch_new(const json_t *target, const json_t *patch, json_t **ret)
{
	if (!target || json_is_null(target))
		return error_set(-EINVAL, "Invalid JSON Document");
	if (!patch || json_is_null(patch))
		return error_set(-EINVAL, "Invalid JSON Patch");
	if (json_is_object(target) && json_is_object(patch)) {
		json_t *t = json_deep_copy(target);
		merge_docs(t, patch);
		*ret = t;
		return 0;
	}
	/* not both documents: the result is the patch itself (an object or an array) */
	if (!json_is_object(patch) && !json_is_array(patch))
		return error_set(-EINVAL, "Invalid JSON Patch");
	*ret = pruned_copy(patch);
	return 0;
}

/* ---- RFC 6902 JSON patch, as gopkg.in/evanphx/json-patch.v4 applies it ---- */

/* RFC 6901 unescaping: "~1" -> "/", then "~0" -> "~" (strings.NewReplacer, one pass). */
static char *decode_patch_key(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '~' && i + 1 < n && (s[i + 1] == '0' || s[i + 1] == '1')) {
			strbuf_addch(&sb, s[i + 1] == '1' ? '/' : '~');
			i++;
		} else {
			strbuf_addch(&sb, s[i]);
		}
	}
	return strbuf_detach(&sb, NULL);
}

/* strconv.Atoi with its error text. */
static int go_atoi(const char *s, long *ret)
{
	const char *p = s;
	bool neg = false;
	if (*p == '+' || *p == '-') {
		neg = *p == '-';
		p++;
	}
	if (!*p)
		return error_set(-EINVAL, "strconv.Atoi: parsing \"%s\": invalid syntax", s);
	long v = 0;
	bool range = false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return error_set(-EINVAL, "strconv.Atoi: parsing \"%s\": invalid syntax", s);
		if (v > (LONG_MAX - (*p - '0')) / 10)
			range = true;
		else
			v = v * 10 + (*p - '0');
	}
	if (range)
		return error_set(-ERANGE, "strconv.Atoi: parsing \"%s\": value out of range", s);
	*ret = neg ? -v : v;
	return 0;
}

#define ERR_INDEX(idx) error_set(-EINVAL, "Unable to access invalid index: %ld: invalid index referenced", (long)(idx))

/* container.get: a borrowed value, NULL for a missing object member (not an error, as in
 * evanphx) or a JSON null. */
static int con_get(json_t *con, const char *key, json_t **ret)
{
	if (json_is_object(con)) {
		json_t *v = json_object_get(con, key);
		*ret = json_is_null(v) ? NULL : v;
		return 0;
	}
	long idx;
	int r = go_atoi(key, &idx);
	if (r < 0)
		return r;
	long n = (long)json_array_size(con);
	if (idx < 0) {
		if (idx < -n)
			return ERR_INDEX(idx);
		idx += n;
	}
	if (idx >= n)
		return ERR_INDEX(idx);
	json_t *v = json_array_get(con, (size_t)idx);
	*ret = json_is_null(v) ? NULL : v;
	return 0;
}

/* container.add; takes val. */
static int con_add(json_t *con, const char *key, json_t *val)
{
	if (json_is_object(con)) {
		json_object_set_new(con, key, val);
		return 0;
	}
	if (streq(key, "-")) {
		json_array_append_new(con, val);
		return 0;
	}
	long idx;
	int r = go_atoi(key, &idx);
	if (r < 0) {
		json_decref(val);
		return error_wrap(r, "value was not a proper array index: '%s'", key);
	}
	long sz = (long)json_array_size(con) + 1;
	if (idx >= sz || (idx < 0 && idx < -sz)) {
		json_decref(val);
		return ERR_INDEX(idx);
	}
	if (idx < 0)
		idx += sz;
	json_array_insert_new(con, (size_t)idx, val);
	return 0;
}

static int con_remove(json_t *con, const char *key)
{
	if (json_is_object(con)) {
		if (!json_object_get(con, key))
			return error_set(-EINVAL, "Unable to remove nonexistent key: %s: missing value", key);
		json_object_del(con, key);
		return 0;
	}
	long idx;
	int r = go_atoi(key, &idx);
	if (r < 0)
		return r;
	long n = (long)json_array_size(con);
	if (idx >= n || (idx < 0 && idx < -n))
		return ERR_INDEX(idx);
	if (idx < 0)
		idx += n;
	json_array_remove(con, (size_t)idx);
	return 0;
}

/* findObject: the container of the path's last token (borrowed) and that token (owned);
 * NULL when the path has no "/" or a step is missing, null or a scalar. */
static json_t *find_object(json_t *doc, const char *path, char **ret_key)
{
	const char *slash = strchr(path, '/');
	if (!slash)
		return NULL;
	json_t *cur = doc;
	const char *p = slash + 1;
	for (;;) {
		const char *next = strchr(p, '/');
		if (!next) {
			*ret_key = decode_patch_key(p, strlen(p));
			return cur;
		}
		_cleanup_free_ char *part = decode_patch_key(p, (size_t)(next - p));
		json_t *v = NULL;
		if (con_get(cur, part, &v) < 0) {
			error_clear();
			return NULL;
		}
		if (!json_is_object(v) && !json_is_array(v))
			return NULL;
		cur = v;
		p = next + 1;
	}
}

static const char *op_string(const json_t *op, const char *field, bool *ret_present)
{
	const json_t *v = json_object_get(op, field);
	*ret_present = v && !json_is_null(v);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *json_go_type(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_TRUE:
	case JSON_FALSE:
		return "bool";
	default:
		return "number";
	}
}

/* Operation.Path()/From(): the string, or an error text as Go's. */
static int op_path(const json_t *op, const char *field, const char **ret)
{
	bool present;
	const char *s = op_string(op, field, &present);
	if (!present)
		return error_set(-EINVAL, "operation%s missing %s field: missing value",
				 streq(field, "from") ? "," : "", field);
	if (!s)
		return error_set(-EINVAL, "json: cannot unmarshal %s into Go value of type string",
				 json_go_type(json_object_get(op, field)));
	*ret = s;
	return 0;
}

/* op.value(): a new reference (JSON null when the member is missing or null). */
static json_t *op_value(const json_t *op)
{
	json_t *v = json_object_get(op, "value");
	return v ? json_deep_copy(v) : json_null();
}

static int patch_op(json_t **doc, const json_t *op)
{
	bool present;
	const char *kind = op_string(op, "op", &present);
	if (!kind)
		kind = "unknown";
	const char *path = NULL, *from = NULL;
	_cleanup_free_ char *key = NULL;
	json_t *con, *val;
	int r;

	if (streq(kind, "add") || streq(kind, "remove")) {
		bool add = streq(kind, "add");
		if (op_path(op, "path", &path) < 0)
			return error_set(-EINVAL, "%s operation failed to decode path: missing value", kind);
		con = find_object(*doc, path, &key);
		if (!con)
			return error_set(-EINVAL, "%s operation does not apply: doc is missing path: \"%s\": missing value",
					 kind, path);
		r = add ? con_add(con, key, op_value(op)) : con_remove(con, key);
		if (r < 0)
			return error_wrap(r, "error in %s for path: '%s'", kind, path);
		return 0;
	}
	if (streq(kind, "replace")) {
		r = op_path(op, "path", &path);
		if (r < 0)
			return error_wrap(r, "replace operation failed to decode path");
		if (!*path) {
			val = json_object_get(op, "value");
			if (!json_is_object(val) && !json_is_array(val))
				return error_set(-EINVAL, "replace operation value must be object or array: %%!w(<nil>)");
			json_decref(*doc);
			*doc = json_deep_copy(val);
			return 0;
		}
		con = find_object(*doc, path, &key);
		if (!con)
			return error_set(-EINVAL, "replace operation does not apply: doc is missing path: %s: missing value", path);
		json_t *old;
		if (con_get(con, key, &old) < 0)
			return error_set(-EINVAL, "replace operation does not apply: doc is missing key: %s: missing value", path);
		if (json_is_object(con))
			json_object_set_new(con, key, op_value(op));
		else {
			long idx;
			go_atoi(key, &idx);
			if (idx < 0)
				idx += (long)json_array_size(con);
			json_array_set_new(con, (size_t)idx, op_value(op));
		}
		return 0;
	}
	if (streq(kind, "move") || streq(kind, "copy")) {
		bool move = streq(kind, "move");
		r = op_path(op, "from", &from);
		if (r < 0)
			return error_wrap(r, "%s operation failed to decode from", kind);
		con = find_object(*doc, from, &key);
		if (!con)
			return error_set(-EINVAL, "%s operation does not apply: doc is missing from path: %s: missing value",
					 kind, from);
		r = con_get(con, key, &val);
		if (r < 0)
			return move ? error_wrap(r, "error in move for path: '%s'", key)
				    : error_wrap(r, "error in copy for from: '%s'", from);
		val = val ? json_deep_copy(val) : json_null();
		if (move) {
			r = con_remove(con, key);
			if (r < 0) {
				json_decref(val);
				return error_wrap(r, "error in move for path: '%s'", key);
			}
		}
		free(key);
		key = NULL;
		r = op_path(op, "path", &path);
		if (r < 0) {
			json_decref(val);
			return move ? error_wrap(r, "move operation failed to decode path")
				    : error_set(-EINVAL, "copy operation failed to decode path: missing value");
		}
		con = find_object(*doc, path, &key);
		if (!con) {
			json_decref(val);
			return error_set(-EINVAL, "%s operation does not apply: doc is missing destination path: %s: missing value",
					 kind, path);
		}
		r = con_add(con, key, val);
		if (r < 0)
			return move ? error_wrap(r, "error in move for path: '%s'", path)
				    : error_wrap(r, "error while adding value during copy");
		return 0;
	}
	if (streq(kind, "test")) {
		r = op_path(op, "path", &path);
		if (r < 0)
			return error_wrap(r, "test operation failed to decode path");
		const json_t *want = json_object_get(op, "value");
		if (!*path) {
			if (want && json_equal(*doc, (json_t *)want))
				return 0;
			return error_set(-EINVAL, "testing value %s failed: test failed", path);
		}
		con = find_object(*doc, path, &key);
		if (!con)
			return error_set(-EINVAL, "test operation does not apply: is missing path: %s: missing value", path);
		r = con_get(con, key, &val);
		if (r < 0)
			return error_wrap(r, "error in test for path: '%s'", path);
		if (!val) {
			if (!want || json_is_null(want))
				return 0;
			return error_set(-EINVAL, "testing value %s failed: test failed", path);
		}
		if (want && json_equal(val, (json_t *)want))
			return 0;
		return error_set(-EINVAL, "testing value %s failed: test failed", path);
	}
	return error_set(-EINVAL, "Unexpected kind: %s", kind);
}

int json_patch_apply(json_t **doc, const json_t *patch)
{
	if (!json_is_array(patch))
		return error_set(-EINVAL, "json: cannot unmarshal %s into Go value of type jsonpatch.Patch",
				 patch ? json_go_type(patch) : "number");
	if (!json_is_object(*doc) && !json_is_array(*doc))
		return error_set(-EINVAL, "json: cannot unmarshal %s into Go value of type jsonpatch.partialDoc",
				 json_go_type(*doc));
	size_t i;
	const json_t *op;
	json_array_foreach(patch, i, op) {
		if (!json_is_object(op) && !json_is_null(op))
			return error_set(-EINVAL, "json: cannot unmarshal %s into Go value of type jsonpatch.Operation",
					 json_go_type(op));
	}
	json_t *work = json_deep_copy(*doc);
	json_array_foreach(patch, i, op) {
		int r = json_is_null(op) ? error_set(-EINVAL, "Unexpected kind: unknown") : patch_op(&work, op);
		if (r < 0) {
			json_decref(work);
			return r;
		}
	}
	json_decref(*doc);
	*doc = work;
	return 0;
}

/*
 * strconv.IsPrint for the runes it most often refuses: C1 controls, the spaces other than
 * U+0020 (Zs, Zl, Zp), the format characters (Cf), surrogates, private use and the
 * noncharacters U+FFFE/U+FFFF. Unassigned code points (Cn) are taken as printable.
 */
static bool go_printable(uint32_t r)
{
	static const uint32_t ranges[][2] = {
		{ 0x80, 0xa0 }, { 0xad, 0xad }, { 0x600, 0x605 }, { 0x61c, 0x61c }, { 0x6dd, 0x6dd },
		{ 0x70f, 0x70f }, { 0x890, 0x891 }, { 0x8e2, 0x8e2 }, { 0x1680, 0x1680 },
		{ 0x180e, 0x180e }, { 0x2000, 0x200f }, { 0x2028, 0x202f }, { 0x205f, 0x2064 },
		{ 0x2066, 0x206f }, { 0x3000, 0x3000 }, { 0xd800, 0xf8ff }, { 0xfeff, 0xfeff },
		{ 0xfff9, 0xfffb }, { 0xfffe, 0xffff }, { 0x110bd, 0x110bd }, { 0x110cd, 0x110cd },
		{ 0x13430, 0x1343f }, { 0x1bca0, 0x1bca3 }, { 0x1d173, 0x1d17a }, { 0xe0001, 0xe0001 },
		{ 0xe0020, 0xe007f }, { 0xf0000, 0x10ffff },
	};
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (r >= ranges[i][0] && r <= ranges[i][1])
			return false;
	return true;
}

void go_quote_n(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	strbuf_addch(sb, '"');
	size_t i = 0;
	while (i < n) {
		uint32_t r;
		size_t l = json_utf8_decode(p + i, n - i, &r);
		if (l == 0) {
			strbuf_addf(sb, "\\x%02x", p[i]);
			i++;
			continue;
		}
		const char *e = c_escape(r, true);
		if (e)
			strbuf_addstr(sb, e);
		else if (r < 0x20 || r == 0x7f)
			strbuf_addf(sb, "\\x%02x", (unsigned)r);
		else if (!go_printable(r))
			strbuf_addf(sb, r > 0xffff ? "\\U%08x" : "\\u%04x", (unsigned)r);
		else
			strbuf_add(sb, p + i, l);
		i += l;
	}
	strbuf_addch(sb, '"');
}

const char **json_object_sorted_keys(const json_t *obj, size_t *ret_n)
{
	size_t n = json_object_size(obj), i = 0;
	const char **keys = xcalloc(n + 1, sizeof(*keys));
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)obj, k, v)
		keys[i++] = k;
	qsort(keys, n, sizeof(*keys), strv_qsort_cmp);
	if (ret_n)
		*ret_n = n;
	return keys;
}

void json_format_go_sharp_v(struct strbuf *sb, const json_t *j, const char *map_type,
			    bool in_container)
{
	switch (json_typeof(j)) {
	case JSON_NULL:
		strbuf_addstr(sb, in_container ? "interface {}(nil)" : "<nil>");
		break;
	case JSON_TRUE:
		strbuf_addstr(sb, "true");
		break;
	case JSON_FALSE:
		strbuf_addstr(sb, "false");
		break;
	case JSON_INTEGER:
		strbuf_addf(sb, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		break;
	case JSON_REAL:
		json_format_go_float(sb, json_real_value(j), 'g', 64);
		break;
	case JSON_STRING:
		go_quote_n(sb, json_string_value(j), json_string_length(j));
		break;
	case JSON_ARRAY: {
		strbuf_addstr(sb, "[]interface {}{");
		for (size_t i = 0; i < json_array_size(j); i++) {
			if (i > 0)
				strbuf_addstr(sb, ", ");
			json_format_go_sharp_v(sb, json_array_get(j, i), map_type, true);
		}
		strbuf_addch(sb, '}');
		break;
	}
	case JSON_OBJECT: {
		size_t k;
		const char **keys = json_object_sorted_keys(j, &k);
		strbuf_addstr(sb, map_type);
		strbuf_addch(sb, '{');
		for (size_t i = 0; i < k; i++) {
			if (i > 0)
				strbuf_addstr(sb, ", ");
			go_quote_n(sb, keys[i], strlen(keys[i]));
			strbuf_addch(sb, ':');
			json_format_go_sharp_v(sb, json_object_get(j, keys[i]), map_type, true);
		}
		strbuf_addch(sb, '}');
		free(keys);
		break;
	}
	}
}

json_t *json_from_strv(char *const *v)
{
	json_t *a = json_array();
	for (char *const *p = v; p && *p; p++)
		json_array_append_new(a, json_string(*p));
	return a;
}
