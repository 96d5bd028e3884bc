/* SPDX-License-Identifier: Apache-2.0 */
#include "util/json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
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

static void dump_string(struct strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	strbuf_addch(sb, '"');
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		if (c < 0x80) {
			switch (c) {
			case '\\':
			case '"':
				strbuf_addch(sb, '\\');
				strbuf_addch(sb, (char)c);
				break;
			case '\b':
				strbuf_addstr(sb, "\\b");
				break;
			case '\f':
				strbuf_addstr(sb, "\\f");
				break;
			case '\n':
				strbuf_addstr(sb, "\\n");
				break;
			case '\r':
				strbuf_addstr(sb, "\\r");
				break;
			case '\t':
				strbuf_addstr(sb, "\\t");
				break;
			default:
				if (c < 0x20 || c == '<' || c == '>' || c == '&') {
					strbuf_addstr(sb, "\\u00");
					strbuf_addch(sb, hex[c >> 4]);
					strbuf_addch(sb, hex[c & 0xF]);
				} else {
					strbuf_addch(sb, (char)c);
				}
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
