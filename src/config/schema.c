/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/duration.h"
#include "config/schema.h"
#include "util/error.h"
#include "util/json.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define AT(p, off) ((char *)(p) + (off))

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "bool";
	default:
		return "null";
	}
}

/* encoding/json's UnmarshalTypeError text; numbers that do not fit carry their literal. */
static int type_error(const json_t *v, const char *goname, const char *path, const char *gotype,
		      bool with_literal)
{
	if (with_literal && json_is_integer(v))
		return error_set(-EINVAL,
				 "json: cannot unmarshal number %" JSON_INTEGER_FORMAT
				 " into Go struct field %s.%s of type %s",
				 json_integer_value(v), goname, path, gotype);
	if (with_literal && json_is_real(v)) {
		/* the literal as sigs.k8s.io/yaml wrote it into the JSON: encoding/json's float */
		_cleanup_strbuf_ struct strbuf lit = STRBUF_INIT;
		json_format_go_json_float(&lit, json_real_value(v));
		return error_set(-EINVAL,
				 "json: cannot unmarshal number %s into Go struct field %s.%s of type %s",
				 lit.buf, goname, path, gotype);
	}
	if (!goname)
		return error_set(-EINVAL, "json: cannot unmarshal %s into Go value of type %s",
				 json_kind(v), gotype);
	return error_set(-EINVAL, "json: cannot unmarshal %s into Go struct field %s.%s of type %s",
			 json_kind(v), goname, path, gotype);
}

/* "v1beta4.Etcd": the Go type with its package, as UnmarshalTypeError prints it. */
#define qualified(t) qualify(t, (char[128]){ 0 }, 128)
static const char *qualify(const struct cfg_type *t, char *buf, size_t size)
{
	snprintf(buf, size, "%s.%s", t->gopkg ? t->gopkg : "v1beta4", t->goname);
	return buf;
}

/* Object keys in byte order: kubeadm decodes JSON made from YAML whose keys are sorted. */
static const struct cfg_field *find_field(const struct cfg_type *t, const char *name)
{
	/* sigs.k8s.io/json matches field names case-sensitively. */
	for (const struct cfg_field *f = t->fields; f->name; f++)
		if (streq(f->name, name))
			return f;
	return NULL;
}

/*
 * encoding/json keeps going after a type mismatch (the first one is returned at the end) but
 * stops at once when a custom UnmarshalJSON fails (durations, bootstrap tokens).
 */
struct dctx {
	char ***unknown;
	bool v1;
	char *saved; /* the first type error */
};

static int decode_struct(const struct cfg_type *t, const json_t *obj, void *p, const char *path,
			 const char *gopath, struct dctx *ctx);

static int save(struct dctx *ctx, int r)
{
	if (!ctx->saved)
		ctx->saved = xstrdup(error_message(r));
	error_clear();
	return 0;
}

static int decode_field(const struct cfg_type *t, const struct cfg_field *f, const json_t *v,
			void *p, const char *path, const char *gopath, struct dctx *ctx)
{
	void *m = AT(p, f->offset);

	if (json_is_null(v)) {
		/* null leaves scalars alone and resets slices, maps and pointers to nil. */
		switch (f->kind) {
		case CFG_STRV:
			*(char ***)m = strv_free(*(char ***)m);
			break;
		case CFG_PSTRUCT:
			if (*(void **)m) {
				cfg_release(f->type, *(void **)m);
				free(*(void **)m);
				*(void **)m = NULL;
			}
			break;
		case CFG_LIST: {
			struct cfg_list *l = m;
			for (size_t i = 0; i < l->n; i++)
				cfg_release(f->type, AT(l->items, i * f->type->size));
			free(l->items);
			*l = (struct cfg_list){ 0 };
			break;
		}
		case CFG_MAPBOOL:
		case CFG_RAW:
			json_decref(*(json_t **)m);
			*(json_t **)m = NULL;
			break;
		case CFG_OPTBOOL:
			((struct cfg_optbool *)m)->set = false;
			break;
		case CFG_DUR:
			((struct cfg_dur *)m)->set = false;
			break;
		default:
			break;
		}
		return 0;
	}

	switch (f->kind) {
	case CFG_STR:
		if (!json_is_string(v))
			return save(ctx, type_error(v, t->goname, gopath, f->gotype ? f->gotype : "string", false));
		free(*(char **)m);
		*(char **)m = xstrdup(json_string_value(v));
		return 0;
	case CFG_TOKEN: {
		/* BootstrapTokenString.UnmarshalJSON strips the quotes off whatever JSON it gets. */
		_cleanup_free_ char *text = json_is_string(v) ? xstrdup(json_string_value(v))
							      : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		const char *s = text;
		free(*(char **)m);
		*(char **)m = NULL;
		/* NewBootstrapTokenString: \A([a-z0-9]{6})\.([a-z0-9]{16})\z */
		bool ok = strlen(s) == 23 && s[6] == '.';
		for (size_t i = 0; ok && i < 23; i++)
			if (i != 6 && !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
				ok = false;
		if (!ok)
			return error_set(-EINVAL,
					 "the bootstrap token \"%s\" was not of the form "
					 "\"\\\\A([a-z0-9]{6})\\\\.([a-z0-9]{16})\\\\z\"",
					 s);
		*(char **)m = xstrdup(s);
		return 0;
	}
	case CFG_BOOL:
		if (!json_is_boolean(v))
			return save(ctx, type_error(v, t->goname, gopath, "bool", false));
		*(bool *)m = json_is_true(v);
		return 0;
	case CFG_OPTBOOL:
		if (!json_is_boolean(v))
			return save(ctx, type_error(v, t->goname, gopath, "bool", false));
		*(struct cfg_optbool *)m = (struct cfg_optbool){ .set = true, .v = json_is_true(v) };
		return 0;
	case CFG_INT32:
	case CFG_INT: {
		const char *gt = f->kind == CFG_INT32 ? "int32" : "int";
		if (json_is_real(v)) {
			int64_t whole;
			if (!double_to_int64(json_real_value(v), &whole))
				return save(ctx, type_error(v, t->goname, gopath, gt, true));
			json_t *iv = json_integer(whole);
			int r = decode_field(t, f, iv, p, path, gopath, ctx);
			json_decref(iv);
			return r;
		}
		if (!json_is_integer(v))
			return save(ctx, type_error(v, t->goname, gopath, gt, false));
		json_int_t i = json_integer_value(v);
		if (f->kind == CFG_INT32 && (i < INT32_MIN || i > INT32_MAX))
			return save(ctx, type_error(v, t->goname, gopath, gt, true));
		*(int64_t *)m = i;
		return 0;
	}
	case CFG_DUR: {
		if (!json_is_string(v))
			return type_error(v, t->goname, gopath, "string", false); /* aborts: UnmarshalJSON */
		int64_t ns;
		int r = duration_parse(json_string_value(v), &ns);
		if (r < 0)
			return r;
		*(struct cfg_dur *)m = (struct cfg_dur){ .set = true, .ns = ns };
		return 0;
	}
	case CFG_STRV: {
		if (!json_is_array(v))
			return save(ctx, type_error(v, t->goname, gopath, "[]string", false));
		char **sv = xcalloc(json_array_size(v) + 1, sizeof(char *));
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			if (!json_is_string(e) && !json_is_null(e)) {
				save(ctx, type_error(e, t->goname, gopath, "string", false));
				sv[i] = xstrdup("");
				continue;
			}
			sv[i] = xstrdup(json_is_string(e) ? json_string_value(e) : "");
		}
		strv_free(*(char ***)m);
		*(char ***)m = sv;
		return 0;
	}
	case CFG_STRUCT:
		if (!json_is_object(v))
			return save(ctx, type_error(v, t->goname, gopath, qualified(f->type), false));
		return decode_struct(f->type, v, m, path, gopath, ctx);
	case CFG_PSTRUCT:
		if (!json_is_object(v))
			return save(ctx, type_error(v, t->goname, gopath, qualified(f->type), false));
		if (!*(void **)m)
			*(void **)m = xcalloc(1, f->type->size);
		return decode_struct(f->type, v, *(void **)m, path, gopath, ctx);
	case CFG_LIST: {
		if (!json_is_array(v))
			return save(ctx, type_error(v, t->goname, gopath, f->gotype, false));
		struct cfg_list *l = m;
		for (size_t i = 0; i < l->n; i++)
			cfg_release(f->type, AT(l->items, i * f->type->size));
		free(l->items);
		*l = (struct cfg_list){ .set = true };
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			void *item = cfg_list_push(l, f->type);
			if (json_is_null(e))
				continue;
			if (!json_is_object(e)) {
				save(ctx, type_error(e, t->goname, gopath, qualified(f->type), false));
				continue;
			}
			_cleanup_free_ char *ipath = xasprintf("%s[%zu]", path, i);
			int r = decode_struct(f->type, e, item, ipath, gopath, ctx);
			if (r < 0)
				return r;
		}
		return 0;
	}
	case CFG_MAPBOOL: {
		if (!json_is_object(v))
			return save(ctx, type_error(v, t->goname, gopath, "map[string]bool", false));
		const char *k;
		json_t *e;
		json_object_foreach((json_t *)v, k, e)
			if (!json_is_boolean(e) && !json_is_null(e))
				return save(ctx, type_error(e, t->goname, gopath, "bool", false));
		json_t *copy = json_object();
		json_object_foreach((json_t *)v, k, e)
			json_object_set_new(copy, k, json_boolean(json_is_true(e)));
		json_decref(*(json_t **)m);
		*(json_t **)m = copy;
		return 0;
	}
	case CFG_RAW:
		json_decref(*(json_t **)m);
		*(json_t **)m = json_deep_copy(v);
		return 0;
	}
	return 0;
}

static int decode_struct(const struct cfg_type *t, const json_t *obj, void *p, const char *path,
			 const char *gopath, struct dctx *ctx)
{
	size_t n;
	_cleanup_free_ const char **keys = json_object_sorted_keys(obj, &n);
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_object_get(obj, keys[i]);
		_cleanup_free_ char *fpath = *path ? xasprintf("%s.%s", path, keys[i])
						   : xstrdup(keys[i]);
		const struct cfg_field *f = find_field(t, keys[i]);
		if (f && f->v1only && !ctx->v1)
			f = NULL;
		if (!f) {
			if (ctx->unknown)
				strv_consume(ctx->unknown, xasprintf("unknown field \"%s\"", fpath));
			continue;
		}
		/* encoding/json names embedded structs in the field path of its errors. */
		_cleanup_free_ char *gp =
			f->goembed ? (*gopath ? xasprintf("%s.%s.%s", gopath, f->goembed, f->name)
					      : xasprintf("%s.%s", f->goembed, f->name))
			: *gopath  ? xasprintf("%s.%s", gopath, f->name)
				   : xstrdup(f->name);
		const struct cfg_type embedded = { f->goembed, t->size, t->fields };
		int r = decode_field(f->goembed ? &embedded : t, f, v, p, fpath, gp, ctx);
		if (r < 0)
			return r;
	}
	return 0;
}

int cfg_decode(const struct cfg_type *t, const json_t *obj, void *p, char ***unknown)
{
	return cfg_decode_version(t, obj, p, unknown, false);
}

int cfg_decode_version(const struct cfg_type *t, const json_t *obj, void *p, char ***unknown,
		       bool v1)
{
	if (!json_is_object(obj))
		return error_set(-EINVAL, "json: cannot unmarshal %s into Go value of type v1beta4.%s",
				 json_kind(obj), t->goname);
	struct dctx ctx = { .unknown = unknown, .v1 = v1 };
	int r = decode_struct(t, obj, p, "", "", &ctx);
	if (r < 0) {
		free(ctx.saved);
		return r;
	}
	if (ctx.saved) {
		r = error_set(-EINVAL, "%s", ctx.saved);
		free(ctx.saved);
	}
	return r;
}

void *cfg_list_push(struct cfg_list *l, const struct cfg_type *t)
{
	l->items = xrealloc(l->items, (l->n + 1) * t->size);
	void *item = AT(l->items, l->n * t->size);
	memset(item, 0, t->size);
	l->n++;
	l->set = true;
	return item;
}

static json_t *encode_struct(const struct cfg_type *t, const void *p);

static json_t *encode_strv(char *const *sv)
{
	json_t *a = json_array();
	STRV_FOREACH(s, sv)
		json_array_append_new(a, json_string(*s));
	return a;
}

static json_t *encode_field(const struct cfg_field *f, const void *p)
{
	const void *m = AT(p, f->offset);
	char buf[DURATION_BUF];

	switch (f->kind) {
	case CFG_STR:
	case CFG_TOKEN: {
		const char *s = *(char *const *)m;
		if (f->omitempty && (!s || !*s))
			return NULL;
		return json_string(s ? s : "");
	}
	case CFG_BOOL:
		if (f->omitempty && !*(const bool *)m)
			return NULL;
		return json_boolean(*(const bool *)m);
	case CFG_INT32:
	case CFG_INT:
		if (f->omitempty && *(const int64_t *)m == 0)
			return NULL;
		return json_integer(*(const int64_t *)m);
	case CFG_OPTBOOL: {
		const struct cfg_optbool *b = m;
		if (!b->set)
			return f->omitempty ? NULL : json_null();
		return json_boolean(b->v);
	}
	case CFG_DUR: {
		const struct cfg_dur *d = m;
		if (!d->set)
			return f->omitempty ? NULL : json_null();
		return json_string(duration_format(d->ns, buf, sizeof(buf)));
	}
	case CFG_STRV: {
		char *const *sv = *(char **const *)m;
		if (f->omitempty && strv_length(sv) == 0)
			return NULL;
		return sv ? encode_strv(sv) : json_null();
	}
	case CFG_STRUCT:
		return encode_struct(f->type, m);
	case CFG_PSTRUCT: {
		const void *s = *(void *const *)m;
		if (!s)
			return f->omitempty ? NULL : json_null();
		return encode_struct(f->type, s);
	}
	case CFG_LIST: {
		const struct cfg_list *l = m;
		if (f->omitempty && l->n == 0)
			return NULL;
		if (!l->set)
			return json_null();
		json_t *a = json_array();
		for (size_t i = 0; i < l->n; i++)
			json_array_append_new(a, encode_struct(f->type, AT(l->items, i * f->type->size)));
		return a;
	}
	case CFG_MAPBOOL:
	case CFG_RAW: {
		json_t *j = *(json_t *const *)m;
		if (f->omitempty && (!j || (json_is_object(j) && json_object_size(j) == 0) ||
				     (json_is_array(j) && json_array_size(j) == 0)))
			return NULL;
		return j ? json_deep_copy(j) : json_null();
	}
	}
	return NULL;
}

static json_t *encode_struct(const struct cfg_type *t, const void *p)
{
	json_t *o = json_object();
	for (const struct cfg_field *f = t->fields; f->name; f++) {
		if (f->v1only)
			continue;
		json_t *v = encode_field(f, p);
		if (v)
			json_object_set_new(o, f->name, v);
	}
	return o;
}

json_t *cfg_encode(const struct cfg_type *t, const void *p)
{
	return encode_struct(t, p);
}

void cfg_release(const struct cfg_type *t, void *p)
{
	for (const struct cfg_field *f = t->fields; f->name; f++) {
		void *m = AT(p, f->offset);
		switch (f->kind) {
		case CFG_STR:
		case CFG_TOKEN:
			free(*(char **)m);
			*(char **)m = NULL;
			break;
		case CFG_STRV:
			*(char ***)m = strv_free(*(char ***)m);
			break;
		case CFG_STRUCT:
			cfg_release(f->type, m);
			break;
		case CFG_PSTRUCT:
			if (*(void **)m) {
				cfg_release(f->type, *(void **)m);
				free(*(void **)m);
				*(void **)m = NULL;
			}
			break;
		case CFG_LIST: {
			struct cfg_list *l = m;
			for (size_t i = 0; i < l->n; i++)
				cfg_release(f->type, AT(l->items, i * f->type->size));
			free(l->items);
			*l = (struct cfg_list){ 0 };
			break;
		}
		case CFG_MAPBOOL:
		case CFG_RAW:
			json_decref(*(json_t **)m);
			*(json_t **)m = NULL;
			break;
		default:
			break;
		}
	}
}

void cfg_copy(const struct cfg_type *t, void *dst, const void *src)
{
	_cleanup_(json_decrefp) json_t *j = cfg_encode(t, src);
	/* Round trip through the encoding keeps one code path; nil-vs-empty is preserved by
	 * encode for non-omitempty fields, and omitempty ones are empty either way. */
	cfg_decode(t, j, dst, NULL);
}
