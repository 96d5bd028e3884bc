/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RFC 6902 JSON patch and RFC 7386 merge patch with the behaviour (and quirks) of
 * gopkg.in/evanphx/json-patch.v4, which kubeadm uses: negative array indices allowed,
 * "replace" of a missing object key adds it, "test" of a missing key against null passes.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "manifests/patches.h"
#include "util/error.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Go's strconv.Atoi: returns false with its error text in *err. */
static bool go_atoi(const char *s, long *ret, struct strbuf *err)
{
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	if (!*p) {
		strbuf_addf(err, "strconv.Atoi: parsing \"%s\": invalid syntax", s);
		return false;
	}
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9') {
			strbuf_addf(err, "strconv.Atoi: parsing \"%s\": invalid syntax", s);
			return false;
		}
	errno = 0;
	long v = strtol(s, NULL, 10);
	if (errno == ERANGE) {
		strbuf_addf(err, "strconv.Atoi: parsing \"%s\": value out of range", s);
		return false;
	}
	*ret = v;
	return true;
}

/* RFC 6901 decoding of one reference token. */
static char *decode_key(const char *k)
{
	struct strbuf sb = STRBUF_INIT;
	for (const char *p = k; *p; p++) {
		if (p[0] == '~' && p[1] == '1') {
			strbuf_addch(&sb, '/');
			p++;
		} else if (p[0] == '~' && p[1] == '0') {
			strbuf_addch(&sb, '~');
			p++;
		} else {
			strbuf_addch(&sb, *p);
		}
	}
	return strbuf_detach(&sb, NULL);
}

/* findObject: the container holding the last token of path, and that token (owned). */
static json_t *find_object(json_t *doc, const char *path, char **ret_key)
{
	_cleanup_strv_free_ char **split = strv_split(path, '/', false);
	size_t n = strv_length(split);
	if (n < 2)
		return NULL;
	json_t *cur = doc;
	for (size_t i = 1; i + 1 < n; i++) {
		_cleanup_free_ char *part = decode_key(split[i]);
		json_t *next = NULL;
		if (json_is_object(cur)) {
			next = json_object_get(cur, part);
		} else if (json_is_array(cur)) {
			_cleanup_strbuf_ struct strbuf e = STRBUF_INIT;
			long idx;
			if (!go_atoi(part, &idx, &e))
				return NULL;
			long len = (long)json_array_size(cur);
			if (idx < 0) {
				if (idx < -len)
					return NULL;
				idx += len;
			}
			if (idx >= len)
				return NULL;
			next = json_array_get(cur, (size_t)idx);
		}
		if (!next || (!json_is_object(next) && !json_is_array(next)))
			return NULL;
		cur = next;
	}
	*ret_key = decode_key(split[n - 1]);
	return cur;
}

static int invalid_index(long idx)
{
	return error_set(-EINVAL, "Unable to access invalid index: %ld: invalid index referenced", idx);
}

/* container get: object -> member (NULL, no error, when missing); array -> index. */
static int con_get(json_t *con, const char *key, json_t **ret)
{
	if (json_is_object(con)) {
		*ret = json_object_get(con, key);
		return 0;
	}
	_cleanup_strbuf_ struct strbuf e = STRBUF_INIT;
	long idx;
	if (!go_atoi(key, &idx, &e))
		return error_set(-EINVAL, "%s", e.buf);
	long len = (long)json_array_size(con);
	if (idx < 0) {
		if (idx < -len)
			return invalid_index(idx);
		idx += len;
	}
	if (idx >= len)
		return invalid_index(idx);
	*ret = json_array_get(con, (size_t)idx);
	return 0;
}

/* Takes a reference to val. */
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
	_cleanup_strbuf_ struct strbuf e = STRBUF_INIT;
	long idx;
	if (!go_atoi(key, &idx, &e)) {
		json_decref(val);
		return error_set(-EINVAL, "value was not a proper array index: '%s': %s", key, e.buf);
	}
	long sz = (long)json_array_size(con) + 1;
	if (idx >= sz || (idx < 0 && idx < -sz)) {
		json_decref(val);
		return invalid_index(idx);
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
	_cleanup_strbuf_ struct strbuf e = STRBUF_INIT;
	long idx;
	if (!go_atoi(key, &idx, &e))
		return error_set(-EINVAL, "%s", e.buf);
	long len = (long)json_array_size(con);
	if (idx >= len)
		return invalid_index(idx);
	if (idx < 0) {
		if (idx < -len)
			return invalid_index(idx);
		idx += len;
	}
	json_array_remove(con, (size_t)idx);
	return 0;
}

static int con_set(json_t *con, const char *key, json_t *val)
{
	if (json_is_object(con)) {
		json_object_set_new(con, key, val);
		return 0;
	}
	_cleanup_strbuf_ struct strbuf e = STRBUF_INIT;
	long idx;
	if (!go_atoi(key, &idx, &e)) {
		json_decref(val);
		return error_set(-EINVAL, "%s", e.buf);
	}
	long len = (long)json_array_size(con);
	if (idx < 0) {
		if (idx < -len) {
			json_decref(val);
			return invalid_index(idx);
		}
		idx += len;
	}
	json_array_set_new(con, (size_t)idx, val);
	return 0;
}

/* op["path"] / op["from"] as a string; -EINVAL with Go's message when not a string. */
static int op_string(const json_t *op, const char *name, const char **ret)
{
	const json_t *v = json_object_get(op, name);
	if (!v || json_is_null(v))
		return error_set(-ENOENT, "%s", name);
	if (!json_is_string(v))
		return error_set(-EINVAL, "json: cannot unmarshal %s into Go value of type string",
				 json_is_object(v) ? "object" : json_is_array(v) ? "array" :
				 json_is_boolean(v) ? "bool" : "number");
	*ret = json_string_value(v);
	return 0;
}

/* The op's value: a new reference (JSON null for a missing or null value, as Go's nil node). */
static json_t *op_value(const json_t *op)
{
	const json_t *v = json_object_get(op, "value");
	return v ? json_deep_copy(v) : json_null();
}

static int op_add(json_t *doc, const json_t *op)
{
	const char *path;
	if (op_string(op, "path", &path) < 0)
		return error_set(-EINVAL, "add operation failed to decode path: missing value");
	_cleanup_free_ char *key = NULL;
	json_t *con = find_object(doc, path, &key);
	if (!con)
		return error_set(-EINVAL, "add operation does not apply: doc is missing path: \"%s\": missing value", path);
	int r = con_add(con, key, op_value(op));
	if (r < 0)
		return error_wrap(r, "error in add for path: '%s'", path);
	return 0;
}

static int op_remove(json_t *doc, const json_t *op)
{
	const char *path;
	if (op_string(op, "path", &path) < 0)
		return error_set(-EINVAL, "remove operation failed to decode path: missing value");
	_cleanup_free_ char *key = NULL;
	json_t *con = find_object(doc, path, &key);
	if (!con)
		return error_set(-EINVAL, "remove operation does not apply: doc is missing path: \"%s\": missing value", path);
	int r = con_remove(con, key);
	if (r < 0)
		return error_wrap(r, "error in remove for path: '%s'", path);
	return 0;
}

static int op_path_err(int r, const char *what)
{
	if (r == -ENOENT)
		return error_set(-EINVAL, "%s: operation missing path field: missing value", what);
	return error_wrap(r, "%s", what);
}

static int op_replace(json_t **doc, const json_t *op)
{
	const char *path;
	int r = op_string(op, "path", &path);
	if (r < 0)
		return op_path_err(r, "replace operation failed to decode path");
	if (!*path) {
		json_t *v = json_object_get(op, "value");
		if (!json_is_object(v) && !json_is_array(v))
			return error_set(-EINVAL, "replace operation value must be object or array: %%!w(<nil>)");
		json_decref(*doc);
		*doc = json_deep_copy(v);
		return 0;
	}
	_cleanup_free_ char *key = NULL;
	json_t *con = find_object(*doc, path, &key);
	if (!con)
		return error_set(-EINVAL, "replace operation does not apply: doc is missing path: %s: missing value", path);
	json_t *cur;
	if (con_get(con, key, &cur) < 0)
		return error_set(-EINVAL, "replace operation does not apply: doc is missing key: %s: missing value", path);
	r = con_set(con, key, op_value(op));
	if (r < 0)
		return error_wrap(r, "error in remove for path: '%s'", path);
	return 0;
}

static int op_move(json_t *doc, const json_t *op)
{
	const char *from, *path;
	int r = op_string(op, "from", &from);
	if (r == -ENOENT)
		return error_set(-EINVAL, "move operation failed to decode from: operation, missing from field: missing value");
	if (r < 0)
		return error_wrap(r, "move operation failed to decode from");
	_cleanup_free_ char *key = NULL;
	json_t *con = find_object(doc, from, &key);
	if (!con)
		return error_set(-EINVAL, "move operation does not apply: doc is missing from path: %s: missing value", from);
	json_t *val;
	r = con_get(con, key, &val);
	if (r < 0)
		return error_wrap(r, "error in move for path: '%s'", key);
	json_t *keep = val ? json_incref(val) : json_null();
	r = con_remove(con, key);
	if (r < 0) {
		json_decref(keep);
		return error_wrap(r, "error in move for path: '%s'", key);
	}
	r = op_string(op, "path", &path);
	if (r < 0) {
		json_decref(keep);
		return op_path_err(r, "move operation failed to decode path");
	}
	_cleanup_free_ char *key2 = NULL;
	con = find_object(doc, path, &key2);
	if (!con) {
		json_decref(keep);
		return error_set(-EINVAL, "move operation does not apply: doc is missing destination path: %s: missing value", path);
	}
	r = con_add(con, key2, keep);
	if (r < 0)
		return error_wrap(r, "error in move for path: '%s'", path);
	return 0;
}

static int op_test(json_t *doc, const json_t *op)
{
	const char *path;
	int r = op_string(op, "path", &path);
	if (r < 0)
		return op_path_err(r, "test operation failed to decode path");
	const json_t *want = json_object_get(op, "value");
	if (!*path) {
		if (want && json_equal(doc, (json_t *)want))
			return 0;
		return error_set(-EINVAL, "testing value %s failed: test failed", path);
	}
	_cleanup_free_ char *key = NULL;
	json_t *con = find_object(doc, path, &key);
	if (!con)
		return error_set(-EINVAL, "test operation does not apply: is missing path: %s: missing value", path);
	json_t *val;
	r = con_get(con, key, &val);
	if (r < 0)
		return error_wrap(r, "error in test for path: '%s'", path);
	if (!val || json_is_null(val)) {
		if (!want || json_is_null(want))
			return 0;
		return error_set(-EINVAL, "testing value %s failed: test failed", path);
	}
	if (!want || json_is_null(want) || !json_equal(val, (json_t *)want))
		return error_set(-EINVAL, "testing value %s failed: test failed", path);
	return 0;
}

static int op_copy(json_t *doc, const json_t *op)
{
	const char *from, *path;
	int r = op_string(op, "from", &from);
	if (r == -ENOENT)
		return error_set(-EINVAL, "copy operation failed to decode from: operation, missing from field: missing value");
	if (r < 0)
		return error_wrap(r, "copy operation failed to decode from");
	_cleanup_free_ char *key = NULL;
	json_t *con = find_object(doc, from, &key);
	if (!con)
		return error_set(-EINVAL, "copy operation does not apply: doc is missing from path: %s: missing value", from);
	json_t *val;
	r = con_get(con, key, &val);
	if (r < 0)
		return error_wrap(r, "error in copy for from: '%s'", from);
	if (op_string(op, "path", &path) < 0)
		return error_set(-EINVAL, "copy operation failed to decode path: missing value");
	_cleanup_free_ char *key2 = NULL;
	con = find_object(doc, path, &key2);
	if (!con)
		return error_set(-EINVAL, "copy operation does not apply: doc is missing destination path: %s: missing value", path);
	r = con_add(con, key2, val ? json_deep_copy(val) : json_null());
	if (r < 0)
		return error_wrap(r, "error while adding value during copy");
	return 0;
}

int patch_json_apply(json_t **doc, const json_t *patch)
{
	if (!json_is_array(patch)) {
		if (json_is_null(patch))
			return 0; /* json.Unmarshal of null leaves the patch empty */
		return error_set(-EINVAL, "json: cannot unmarshal %s into Go value of type jsonpatch.Patch",
				 json_is_object(patch) ? "object" : json_is_string(patch) ? "string" :
				 json_is_boolean(patch) ? "bool" : "number");
	}
	size_t i;
	const json_t *op;
	json_array_foreach(patch, i, op) {
		if (!json_is_object(op) && !json_is_null(op))
			return error_set(-EINVAL, "json: cannot unmarshal %s into Go value of type jsonpatch.Operation",
					 json_is_array(op) ? "array" : json_is_string(op) ? "string" :
					 json_is_boolean(op) ? "bool" : "number");
	}
	json_t *work = json_deep_copy(*doc);
	json_array_foreach(patch, i, op) {
		const json_t *k = json_object_get(op, "op");
		const char *kind = json_is_string(k) ? json_string_value(k) : "unknown";
		int r;
		if (streq(kind, "add"))
			r = op_add(work, op);
		else if (streq(kind, "remove"))
			r = op_remove(work, op);
		else if (streq(kind, "replace"))
			r = op_replace(&work, op);
		else if (streq(kind, "move"))
			r = op_move(work, op);
		else if (streq(kind, "test"))
			r = op_test(work, op);
		else if (streq(kind, "copy"))
			r = op_copy(work, op);
		else
			r = error_set(-EINVAL, "Unexpected kind: %s", kind);
		if (r < 0) {
			json_decref(work);
			return r;
		}
	}
	json_decref(*doc);
	*doc = work;
	return 0;
}

static void prune_nulls(json_t *v)
{
	if (json_is_object(v)) {
		const char *k;
		json_t *e;
		void *tmp;
		json_object_foreach_safe(v, tmp, k, e) {
			if (json_is_null(e))
				json_object_del(v, k);
			else
				prune_nulls(e);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
			prune_nulls(e);
	}
}

static json_t *merge_value(json_t *cur, json_t *patch);

static void merge_docs(json_t *doc, const json_t *patch)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)patch, k, v) {
		if (json_is_null(v)) {
			json_object_del(doc, k);
			continue;
		}
		json_t *cur = json_object_get(doc, k);
		if (!cur || json_is_null(cur)) {
			json_t *c = json_deep_copy(v);
			prune_nulls(c);
			json_object_set_new(doc, k, c);
		} else {
			json_object_set_new(doc, k, merge_value(json_incref(cur), v));
		}
	}
}

/* json-patch.v4 merge(): consumes cur, returns a new reference. */
static json_t *merge_value(json_t *cur, json_t *patch)
{
	if (!json_is_object(cur)) {
		json_decref(cur);
		json_t *c = json_deep_copy(patch);
		prune_nulls(c);
		return c;
	}
	if (!json_is_object(patch)) {
		json_decref(cur);
		return json_deep_copy(patch);
	}
	merge_docs(cur, patch);
	return cur;
}

int patch_merge_apply(json_t **doc, const json_t *patch)
{
	if (json_is_null(patch) || (!json_is_object(patch) && !json_is_array(patch)))
		return error_set(-EINVAL, "Invalid JSON Patch");
	if (!json_is_object(*doc) || json_is_array(patch)) {
		json_t *c;
		if (json_is_array(patch)) {
			c = json_deep_copy(patch);
			size_t i;
			json_t *e;
			json_array_foreach(c, i, e)
				prune_nulls(e);
		} else {
			c = json_deep_copy(patch);
			prune_nulls(c);
		}
		json_decref(*doc);
		*doc = c;
		return 0;
	}
	merge_docs(*doc, patch);
	return 0;
}
