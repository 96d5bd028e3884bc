/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strategic merge patch application, a port of k8s.io/apimachinery/pkg/util/strategicpatch
 * (StrategicMergePatch with MergeParallelList and IgnoreUnmatchedNulls) over json_t, with the
 * patch metadata of the Go types taken from manifests/schema.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "manifests/patches.h"
#include "manifests/schema.h"
#include "util/error.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define DIRECTIVE "$patch"
#define RETAIN_KEYS "$retainKeys"
#define DELETE_PREFIX "$deleteFromPrimitiveList"
#define ORDER_PREFIX "$setElementOrder"

/* fmt's %v of a decoded JSON value (map[a:1 b:x], [a b], true, 80). */
static void go_v(struct strbuf *sb, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char **keys = xcalloc(json_object_size(v) + 1, sizeof(*keys));
		size_t n = 0;
		const char *k;
		json_t *e;
		json_object_foreach((json_t *)v, k, e)
			keys[n++] = k;
		for (size_t i = 0; i < n; i++)
			for (size_t j = i + 1; j < n; j++)
				if (strcmp(keys[i], keys[j]) > 0) {
					const char *t = keys[i];
					keys[i] = keys[j];
					keys[j] = t;
				}
		strbuf_addstr(sb, "map[");
		for (size_t i = 0; i < n; i++) {
			if (i)
				strbuf_addch(sb, ' ');
			strbuf_addf(sb, "%s:", keys[i]);
			go_v(sb, json_object_get(v, keys[i]));
		}
		strbuf_addch(sb, ']');
		free(keys);
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *e;
		strbuf_addch(sb, '[');
		json_array_foreach(v, i, e) {
			if (i)
				strbuf_addch(sb, ' ');
			go_v(sb, e);
		}
		strbuf_addch(sb, ']');
		break;
	}
	case JSON_STRING: strbuf_addstr(sb, json_string_value(v)); break;
	case JSON_INTEGER: strbuf_addf(sb, "%lld", (long long)json_integer_value(v)); break;
	case JSON_REAL: json_format_go_float(sb, json_real_value(v), 'g', 64); break;
	case JSON_TRUE: strbuf_addstr(sb, "true"); break;
	case JSON_FALSE: strbuf_addstr(sb, "false"); break;
	default: strbuf_addstr(sb, "<nil>"); break;
	}
}

static const char *go_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "map";
	case JSON_ARRAY: return "slice";
	case JSON_STRING: return "string";
	case JSON_INTEGER: case JSON_REAL: return "float64";
	case JSON_TRUE: case JSON_FALSE: return "bool";
	default: return "invalid";
	}
}

static int err_no_merge_key(const json_t *m, const char *key)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	go_v(&sb, m);
	return error_set(-EINVAL, "map: %s does not contain declared merge key: %s", sb.buf, key);
}

static int err_bad_patch_type(const json_t *t, const json_t *m)
{
	_cleanup_strbuf_ struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	go_v(&a, t);
	go_v(&b, m);
	return error_set(-EINVAL, "unknown patch type: %s in map: %s", a.buf, b.buf);
}

static int err_bad_arg(const char *expected, const json_t *actual)
{
	return error_set(-EINVAL, "expected a %s, but received a %s", expected,
			 actual ? go_kind(actual) : "invalid");
}

/* Go's == on interface values holding decoded JSON scalars. */
static bool scalar_eq(const json_t *a, const json_t *b)
{
	if (!a || !b)
		return a == b;
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	if (json_is_object(a) || json_is_array(a) || json_is_object(b) || json_is_array(b))
		return false;
	return json_equal((json_t *)a, (json_t *)b);
}

struct meta {
	const char *strategy; /* non-retainKeys strategy, "" when none */
	const char *merge_key;
};

static int extract_strategy(const char *tag, struct meta *m)
{
	_cleanup_strv_free_ char **s = strv_split(tag, ',', false);
	size_t n = strv_length(s);
	static const char *const names[] = { "", "merge", "replace", "retainKeys", "delete" };
	const char *pick = "";
	if (n == 1) {
		pick = streq(s[0], "retainKeys") ? "" : s[0];
	} else if (n == 2) {
		if (streq(s[0], "retainKeys"))
			pick = s[1];
		else if (streq(s[1], "retainKeys"))
			pick = s[0];
		else
			return error_set(-EINVAL, "unexpected patch strategy: [%s %s]", s[0], s[1]);
	} else if (n > 2) {
		return error_set(-EINVAL, "unexpected patch strategy: [%s]", tag);
	}
	m->strategy = "";
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (streq(names[i], pick))
			m->strategy = names[i];
	return 0;
}

static int lookup_struct(const char *schema, const char *key, const char **sub, struct meta *m)
{
	struct schema_field f;
	int r = schema_field_lookup(schema, key, &f);
	if (r < 0)
		return r;
	r = extract_strategy(f.strategy, m);
	if (r < 0)
		return r;
	m->merge_key = f.merge_key;
	*sub = f.desc;
	return 0;
}

static int lookup_slice(const char *schema, const char *key, const char **sub, struct meta *m)
{
	const char *t;
	int r = lookup_struct(schema, key, &t, m);
	if (r < 0)
		return r;
	if (t[0] == 'l') {
		*sub = t + 2;
		if ((*sub)[0] == 'l')
			return error_set(-EINVAL, "unexpected slice of slice");
		return 0;
	}
	if (t[0] == 'p') {
		t += 2;
		if (t[0] == 'l')
			t += 2;
		*sub = t;
		return 0;
	}
	const char *k = schema[0] == 'p' ? schema + 2 : schema;
	return error_set(-EINVAL, "expected slice or array type, but got: %s", schema_kind_name(k));
}

static int merge_map(json_t **original, json_t *patch, const char *schema);

/* removeDirectives: returns the value to keep (new reference) or NULL to drop it. */
static json_t *remove_directives(json_t *v)
{
	if (json_is_object(v)) {
		if (json_object_get(v, DIRECTIVE))
			return NULL;
		json_t *out = json_object();
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e) {
			json_t *n = remove_directives(e);
			if (n)
				json_object_set_new(out, k, n);
		}
		return out;
	}
	if (json_is_array(v)) {
		json_t *out = json_array();
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			json_t *n = remove_directives(e);
			if (n)
				json_array_append_new(out, n);
		}
		return out;
	}
	return json_incref(v);
}

static void discard_nulls(json_t *v)
{
	if (json_is_object(v)) {
		const char *k;
		json_t *e;
		void *tmp;
		json_object_foreach_safe(v, tmp, k, e) {
			if (json_is_null(e))
				json_object_del(v, k);
			else
				discard_nulls(e);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
			discard_nulls(e);
	}
}

/* findMapInSliceBasedOnKeyValue: index or -1; -EINVAL when an element is not a map. */
static int find_in_slice(const json_t *l, const char *key, const json_t *value, ssize_t *ret)
{
	size_t i;
	json_t *e;
	json_array_foreach(l, i, e) {
		if (!json_is_object(e))
			return error_set(-EINVAL, "value for key %zu is not a map", i);
		const json_t *m = json_object_get(e, key);
		if (m && scalar_eq(m, value)) {
			*ret = (ssize_t)i;
			return 0;
		}
	}
	*ret = -1;
	return 0;
}

/* sliceElementType: 'm' (map), 's' (scalar of the first kind), or error. */
static int slice_elem_kind(const json_t *a, const json_t *b, char *ret)
{
	const json_t *lists[2] = { a, b };
	int prev = -1;
	for (int l = 0; l < 2; l++) {
		size_t i;
		json_t *e;
		json_array_foreach(lists[l], i, e) {
			int t = json_typeof(e);
			if (t == JSON_INTEGER)
				t = JSON_REAL;
			if (t == JSON_FALSE)
				t = JSON_TRUE;
			if (prev < 0) {
				prev = t;
				if (t == JSON_ARRAY)
					return error_set(-EINVAL, "lists of lists are not supported");
			} else if (prev != t) {
				return error_set(-EINVAL, "list element types are not identical");
			}
		}
	}
	if (prev < 0)
		return error_set(-EINVAL, "no elements in any of the given slices");
	*ret = prev == JSON_OBJECT ? 'm' : 's';
	return 0;
}

static const json_t *item_key(const json_t *item, const char *merge_key, char kind)
{
	if (kind == 'm')
		return json_is_object(item) ? json_object_get(item, merge_key) : NULL;
	return item;
}

static ssize_t index_of(const json_t *l, const json_t *item, const char *merge_key, char kind)
{
	const json_t *want = item_key(item, merge_key, kind);
	size_t i;
	json_t *e;
	json_array_foreach(l, i, e) {
		const json_t *got = item_key(e, merge_key, kind);
		if (scalar_eq(want, got))
			return (ssize_t)i;
	}
	return -1;
}

/* normalizeSliceOrder: a stable sort by the position in order (items absent there first). */
static int normalize_slice_order(json_t *to_sort, const json_t *order, const char *merge_key,
				 char kind, json_t **ret)
{
	json_t *keep = json_array(), *del = json_array();
	size_t i;
	json_t *e;
	if (kind == 'm') {
		const json_t *lists[2] = { to_sort, order };
		for (int l = 0; l < 2; l++)
			json_array_foreach(lists[l], i, e) {
				if (!json_is_object(e) || !json_object_get(e, merge_key)) {
					json_decref(keep);
					json_decref(del);
					if (!json_is_object(e))
						return err_bad_arg("map", e);
					return err_no_merge_key(e, merge_key);
				}
			}
	}
	json_array_foreach(to_sort, i, e) {
		const json_t *d = kind == 'm' ? json_object_get(e, DIRECTIVE) : NULL;
		if (d && json_is_string(d) && streq(json_string_value(d), "delete"))
			json_array_append(del, e);
		else
			json_array_append(keep, e);
	}
	/* insertion sort == sort.SliceStable with Go's less (true when either is not found) */
	size_t n = json_array_size(keep);
	json_t **v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(keep, i));
	/* Go's SliceStable uses insertion sort for small slices and symMerge beyond 20 elements;
	 * with a consistent order both give the same result. */
	for (i = 1; i < n; i++) {
		for (size_t j = i; j > 0; j--) {
			ssize_t a = index_of(order, v[j], merge_key, kind);
			ssize_t b = a >= 0 ? index_of(order, v[j - 1], merge_key, kind) : -1;
			bool less = !(a >= 0 && b >= 0) || a < b;
			if (!less)
				break;
			json_t *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	}
	json_t *out = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(out, v[i]);
	free(v);
	json_array_extend(out, del);
	json_decref(keep);
	json_decref(del);
	*ret = out;
	return 0;
}

static json_t *merge_sorted(const json_t *left, const json_t *right, const json_t *server_order,
			    const char *merge_key, char kind)
{
	size_t nl = json_array_size(left), nr = json_array_size(right), i = 0, j = 0;
	json_t *s = json_array();
	for (size_t k = 0; k < nl + nr; k++) {
		if (i >= nl && j < nr) {
			json_array_append(s, json_array_get(right, j++));
		} else if (j >= nr && i < nl) {
			json_array_append(s, json_array_get(left, i++));
		} else {
			ssize_t li = index_of(server_order, json_array_get(left, i), merge_key, kind);
			ssize_t ri = index_of(server_order, json_array_get(right, j), merge_key, kind);
			if (li >= 0 && ri >= 0 && li < ri)
				json_array_append(s, json_array_get(left, i++));
			else
				json_array_append(s, json_array_get(right, j++));
		}
	}
	return s;
}

static int normalize_element_order(json_t *patch, json_t *server_only, const json_t *patch_order,
				   const json_t *server_order, const char *merge_key, char kind,
				   json_t **ret)
{
	json_t *p = NULL, *s = NULL;
	int r = normalize_slice_order(patch, patch_order, merge_key, kind, &p);
	if (r < 0)
		return r;
	r = normalize_slice_order(server_only, server_order, merge_key, kind, &s);
	if (r < 0) {
		json_decref(p);
		return r;
	}
	*ret = merge_sorted(s, p, server_order, merge_key, kind);
	json_decref(p);
	json_decref(s);
	return 0;
}

static int partition(const json_t *merged, const json_t *by, const char *merge_key,
		     json_t **ret_patch, json_t **ret_server)
{
	json_t *p = json_array(), *s = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(merged, i, e) {
		bool found = false;
		if (!*merge_key) {
			size_t j;
			json_t *b;
			json_array_foreach(by, j, b)
				if (scalar_eq(e, b))
					found = true;
		} else {
			if (!json_is_object(e)) {
				json_decref(p);
				json_decref(s);
				return err_bad_arg("map", e);
			}
			const json_t *mv = json_object_get(e, merge_key);
			if (!mv) {
				json_decref(p);
				json_decref(s);
				return err_no_merge_key(e, merge_key);
			}
			ssize_t idx;
			int r = find_in_slice(by, merge_key, mv, &idx);
			if (r < 0) {
				json_decref(p);
				json_decref(s);
				return r;
			}
			found = idx >= 0;
		}
		json_array_append(found ? p : s, e);
	}
	*ret_patch = p;
	*ret_server = s;
	return 0;
}

/* Consumes nothing; *ret is a new reference. */
static int merge_slice(json_t *original, json_t *patch, const char *schema, const char *merge_key,
		       bool is_delete_list, json_t **ret)
{
	if (json_array_size(original) == 0 && json_array_size(patch) == 0) {
		*ret = json_incref(original);
		return 0;
	}
	char kind;
	int r = slice_elem_kind(original, patch, &kind);
	if (r < 0)
		return r;
	json_t *merged;
	json_t *server_order = NULL;
	json_t *orig = json_copy(original);
	json_t *pat = json_copy(patch);
	if (kind != 'm') {
		if (is_delete_list) {
			json_t *out = json_array();
			size_t i;
			json_t *e;
			json_array_foreach(orig, i, e) {
				bool del = false;
				size_t j;
				json_t *d;
				json_array_foreach(pat, j, d)
					if (scalar_eq(e, d))
						del = true;
				if (!del)
					json_array_append(out, e);
			}
			json_decref(orig);
			json_decref(pat);
			*ret = out;
			return 0;
		}
		/* deduplicateScalars: swaps the last element into each duplicate's place */
		json_t *both = json_copy(orig);
		json_array_extend(both, pat);
		size_t len = json_array_size(both);
		for (size_t i = 0; len && i < len - 1; i++)
			for (size_t j = i + 1; j < len; j++)
				if (scalar_eq(json_array_get(both, i), json_array_get(both, j))) {
					json_array_set(both, j, json_array_get(both, len - 1));
					json_array_remove(both, len - 1);
					len--;
					j--;
				}
		merged = both;
	} else {
		if (!*merge_key) {
			json_decref(orig);
			json_decref(pat);
			return error_set(-EINVAL, "cannot merge lists without merge key for %s",
					 schema_kind_name(schema));
		}
		/* mergeSliceWithSpecialElements */
		json_t *plain = json_array();
		bool replace = false;
		size_t i;
		json_t *e;
		json_array_foreach(pat, i, e) {
			const json_t *d = json_object_get(e, DIRECTIVE);
			if (!d) {
				json_array_append(plain, e);
				continue;
			}
			const char *ds = json_string_value(d);
			if (ds && streq(ds, "delete")) {
				const json_t *mv = json_object_get(e, merge_key);
				if (!mv) {
					json_decref(plain);
					json_decref(orig);
					json_decref(pat);
					return err_no_merge_key(e, merge_key);
				}
				for (;;) {
					ssize_t idx;
					r = find_in_slice(orig, merge_key, mv, &idx);
					if (r < 0) {
						json_decref(plain);
						json_decref(orig);
						json_decref(pat);
						return r;
					}
					if (idx < 0)
						break;
					json_array_remove(orig, (size_t)idx);
				}
			} else if (ds && streq(ds, "replace")) {
				replace = true;
			} else if (ds && streq(ds, "merge")) {
				json_decref(plain);
				json_decref(orig);
				json_decref(pat);
				return error_set(-EINVAL, "merging lists cannot yet be specified in the patch");
			} else {
				json_decref(plain);
				json_decref(orig);
				json_decref(pat);
				return err_bad_patch_type(d, e);
			}
		}
		json_decref(pat);
		if (replace) {
			json_decref(orig);
			orig = plain;
			pat = json_array();
		} else {
			pat = plain;
		}
		/* the live order: Go's `original` slice keeps its length while items are appended */
		server_order = json_copy(orig);
		/* mergeSliceWithoutSpecialElements */
		json_array_foreach(pat, i, e) {
			const json_t *mv = json_object_get(e, merge_key);
			if (!mv) {
				json_decref(orig);
				json_decref(pat);
				json_decref(server_order);
				return err_no_merge_key(e, merge_key);
			}
			ssize_t idx;
			r = find_in_slice(orig, merge_key, mv, &idx);
			if (r < 0) {
				json_decref(orig);
				json_decref(pat);
				json_decref(server_order);
				return r;
			}
			if (idx >= 0) {
				json_t *om = json_deep_copy(json_array_get(orig, (size_t)idx));
				r = merge_map(&om, e, schema);
				if (r < 0) {
					json_decref(om);
					json_decref(orig);
					json_decref(pat);
					json_decref(server_order);
					return r;
				}
				json_array_set_new(orig, (size_t)idx, om);
			} else {
				json_array_append(orig, e);
			}
		}
		merged = json_incref(orig);
	}
	json_t *pi = NULL, *so = NULL;
	r = partition(merged, pat, kind == 'm' ? merge_key : "", &pi, &so);
	if (r >= 0)
		r = normalize_element_order(pi, so, pat, server_order ? server_order : orig,
					    kind == 'm' ? merge_key : "", kind, ret);
	json_decref(server_order);
	json_decref(pi);
	json_decref(so);
	json_decref(merged);
	json_decref(orig);
	json_decref(pat);
	return r;
}

static int apply_retain_keys(json_t *original, json_t *patch)
{
	json_t *rk = json_object_get(patch, RETAIN_KEYS);
	if (!rk)
		return 0;
	json_incref(rk);
	json_object_del(patch, RETAIN_KEYS);
	if (!json_is_array(rk)) {
		json_decref(rk);
		return error_set(-EINVAL, "invalid patch format of retainKeys");
	}
	const char *k;
	json_t *v;
	json_object_foreach(patch, k, v) {
		if (json_is_null(v) || strneq(k, DELETE_PREFIX, strlen(DELETE_PREFIX)) ||
		    strneq(k, ORDER_PREFIX, strlen(ORDER_PREFIX)))
			continue;
		bool found = false;
		size_t i;
		json_t *e;
		json_array_foreach(rk, i, e)
			if (json_is_string(e) && streq(json_string_value(e), k))
				found = true;
		if (!found) {
			json_decref(rk);
			return error_set(-EINVAL, "invalid patch format of retainKeys");
		}
	}
	void *tmp;
	json_object_foreach_safe(original, tmp, k, v) {
		bool found = false;
		size_t i;
		json_t *e;
		json_array_foreach(rk, i, e)
			if (json_is_string(e) && streq(json_string_value(e), k))
				found = true;
		if (!found)
			json_object_del(original, k);
	}
	json_decref(rk);
	return 0;
}

static int extract_key(const char *s, const char *prefix, char **ret)
{
	const char *slash = strchr(s, '/');
	if (!slash || (size_t)(slash - s) != strlen(prefix) || !strneq(s, prefix, strlen(prefix))) {
		if (streq(prefix, DELETE_PREFIX))
			return error_set(-EINVAL, "invalid patch format of primitive list");
		return error_set(-EINVAL, "invalid patch format of setElementOrder list");
	}
	*ret = xstrdup(slash + 1);
	return 0;
}

static int merge_patch_into_original(json_t *original, json_t *patch, const char *schema)
{
	_cleanup_strv_free_ char **keys = NULL;
	const char *k;
	json_t *v;
	json_object_foreach(patch, k, v)
		if (strneq(k, ORDER_PREFIX, strlen(ORDER_PREFIX)))
			strv_push(&keys, k);
	STRV_FOREACH(key, keys) {
		json_t *order = json_incref(json_object_get(patch, *key));
		json_object_del(patch, *key);
		int r = 0;
		_cleanup_free_ char *okey = NULL;
		if (!json_is_array(order))
			r = err_bad_arg("slice", order);
		if (r >= 0)
			r = extract_key(*key, ORDER_PREFIX, &okey);
		if (r < 0) {
			json_decref(order);
			return r;
		}
		json_t *ol = json_object_get(original, okey), *pl = json_object_get(patch, okey);
		if ((ol && !json_is_array(ol)) || (pl && !json_is_array(pl))) {
			json_decref(order);
			return err_bad_arg("slice", ol && !json_is_array(ol) ? ol : pl);
		}
		const char *sub;
		struct meta m;
		r = lookup_slice(schema, okey, &sub, &m);
		if (r < 0) {
			json_decref(order);
			return r;
		}
		json_t *merged = NULL;
		if (ol && !pl)
			merged = json_incref(ol);
		else if (!ol && pl)
			merged = remove_directives(pl);
		else if (ol && pl)
			r = merge_slice(ol, pl, sub, m.merge_key, false, &merged);
		else {
			json_decref(order);
			continue;
		}
		if (r < 0) {
			json_decref(order);
			return r;
		}
		json_t *pi = NULL, *so = NULL;
		r = partition(merged, order, m.merge_key, &pi, &so);
		char kind = 's';
		json_t *empty = json_array();
		if (r >= 0)
			r = slice_elem_kind(ol ? ol : empty, pl ? pl : empty, &kind);
		json_t *both = NULL;
		if (r >= 0)
			r = normalize_element_order(pi, so, order, ol ? ol : empty, m.merge_key, kind, &both);
		json_decref(empty);
		json_decref(pi);
		json_decref(so);
		json_decref(merged);
		json_decref(order);
		if (r < 0)
			return r;
		json_object_set_new(original, okey, both);
		json_object_del(patch, okey);
	}
	return 0;
}

static int merge_map(json_t **original, json_t *patch, const char *schema)
{
	json_t *d = json_object_get(patch, DIRECTIVE);
	if (d) {
		const char *ds = json_string_value(d);
		if (ds && streq(ds, "replace")) {
			json_t *p = json_deep_copy(patch);
			json_object_del(p, DIRECTIVE);
			json_decref(*original);
			*original = p;
			return 0;
		}
		if (ds && streq(ds, "delete")) {
			json_decref(*original);
			*original = json_object();
			return 0;
		}
		return err_bad_patch_type(d, patch);
	}
	json_t *orig = *original;
	json_t *pat = json_deep_copy(patch);
	int r = apply_retain_keys(orig, pat);
	if (r >= 0)
		r = merge_patch_into_original(orig, pat, schema);
	if (r < 0) {
		json_decref(pat);
		return r;
	}
	const char *key;
	json_t *pv;
	json_object_foreach(pat, key, pv) {
		_cleanup_free_ char *k = xstrdup(key);
		bool is_delete_list = false;
		if (strneq(k, DELETE_PREFIX, strlen(DELETE_PREFIX))) {
			char *nk = NULL;
			r = extract_key(key, DELETE_PREFIX, &nk);
			if (r < 0)
				break;
			free(k);
			k = nk;
			is_delete_list = true;
		}
		if (json_is_null(pv)) {
			json_object_del(orig, k);
			continue;
		}
		json_t *ov = json_object_get(orig, k);
		if (!ov) {
			if (!is_delete_list) {
				json_t *c = json_deep_copy(pv);
				discard_nulls(c);
				json_t *n = remove_directives(c);
				json_decref(c);
				if (n)
					json_object_set_new(orig, k, n);
			}
			continue;
		}
		int ot = json_typeof(ov), pt = json_typeof(pv);
		if (ot == JSON_INTEGER)
			ot = JSON_REAL;
		if (pt == JSON_INTEGER)
			pt = JSON_REAL;
		if (ot == JSON_FALSE)
			ot = JSON_TRUE;
		if (pt == JSON_FALSE)
			pt = JSON_TRUE;
		if (ot != pt || json_is_null(ov)) {
			if (!is_delete_list) {
				json_t *c = json_deep_copy(pv);
				discard_nulls(c);
				json_t *n = remove_directives(c);
				json_decref(c);
				if (n)
					json_object_set_new(orig, k, n);
				else
					json_object_del(orig, k);
			}
			continue;
		}
		if (json_is_object(ov)) {
			const char *sub;
			struct meta m;
			r = lookup_struct(schema, k, &sub, &m);
			if (r < 0)
				break;
			if (streq(m.strategy, "replace")) {
				json_object_set(orig, k, pv);
			} else {
				json_t *om = json_deep_copy(ov);
				r = merge_map(&om, pv, sub);
				if (r < 0) {
					json_decref(om);
					break;
				}
				json_object_set_new(orig, k, om);
			}
		} else if (json_is_array(ov)) {
			const char *sub;
			struct meta m;
			r = lookup_slice(schema, k, &sub, &m);
			if (r < 0)
				break;
			if (streq(m.strategy, "merge") || is_delete_list) {
				json_t *merged = NULL;
				r = merge_slice(ov, pv, sub, m.merge_key, is_delete_list, &merged);
				if (r < 0)
					break;
				json_object_set_new(orig, k, merged);
			} else {
				json_object_set(orig, k, pv);
			}
		} else {
			json_t *n = remove_directives(pv);
			if (n)
				json_object_set_new(orig, k, n);
			else
				json_object_del(orig, k);
		}
	}
	json_decref(pat);
	return r < 0 ? r : 0;
}

int patch_strategic_apply(json_t **doc, const json_t *patch, const char *desc)
{
	if (json_is_null(patch))
		return 0; /* json.Unmarshal("null") leaves the patch map empty */
	if (!json_is_object(patch) || !json_is_object(*doc))
		return error_set(-EINVAL, "invalid JSON document");
	json_t *work = json_deep_copy(*doc);
	int r = merge_map(&work, (json_t *)patch, desc);
	if (r < 0) {
		json_decref(work);
		return r;
	}
	json_decref(*doc);
	*doc = work;
	return 0;
}
