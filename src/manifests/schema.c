/* SPDX-License-Identifier: Apache-2.0 */
/* Go struct semantics over json_t, driven by the generated field tables (schema-data.c). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "manifests/schema.h"
#include "util/error.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Parsed once: the schema is constant data, so the cache is read-only after the first use. */
static json_t *schema;
static pthread_once_t schema_once = PTHREAD_ONCE_INIT;

static void schema_load(void)
{
	json_error_t e;
	schema = json_loads(manifests_schema_json, 0, &e);
	if (!schema)
		abort();
}

static json_t *schema_get(void)
{
	pthread_once(&schema_once, schema_load);
	return schema;
}

const char *schema_root(const char *name)
{
	return json_string_value(json_object_get(json_object_get(schema_get(), "roots"), name));
}

static const json_t *struct_fields(const char *desc)
{
	if (strncmp(desc, "o:", 2) != 0)
		return NULL;
	return json_object_get(json_object_get(schema_get(), "types"), desc + 2);
}

static void field_from(const json_t *f, struct schema_field *ret)
{
	ret->name = json_string_value(json_array_get(f, 0));
	ret->desc = json_string_value(json_array_get(f, 1));
	ret->flags = (int)json_integer_value(json_array_get(f, 2));
	ret->strategy = json_string_value(json_array_get(f, 3));
	ret->merge_key = json_string_value(json_array_get(f, 4));
}

const char *schema_kind_name(const char *desc)
{
	switch (desc[0]) {
	case 's': return "string";
	case 'i': return "int";
	case 'u': return "uint";
	case 'f': return "float64";
	case 'b': return "bool";
	case 'p': return "ptr";
	case 'l': return "slice";
	case 'm': return "map";
	case 'r': return "interface";
	default: return "struct";
	}
}

static const char *type_short_name(const char *desc)
{
	const char *dot = strchr(desc, '.');
	return dot ? dot + 1 : desc;
}

int schema_field_lookup(const char *desc, const char *key, struct schema_field *ret)
{
	if (desc[0] == 'p')
		desc += 2;
	if (desc[0] == 'q' || desc[0] == 'x' || desc[0] == 't' || desc[0] == 'd')
		return error_set(-ENOENT, "unable to find api field in struct %s for the json field \"%s\"",
				 desc[0] == 'q' ? "Quantity" : desc[0] == 'x' ? "IntOrString" :
				 desc[0] == 't' ? "Time" : "Duration", key);
	const json_t *fields = struct_fields(desc);
	if (!fields)
		return error_set(-EINVAL,
				 "merging an object in json but data type is not struct, instead is: %s",
				 schema_kind_name(desc));
	const json_t *fold = NULL, *f;
	size_t i;
	json_array_foreach(fields, i, f) {
		const char *n = json_string_value(json_array_get(f, 0));
		if (streq(n, key)) {
			field_from(f, ret);
			return 0;
		}
		if (!fold && strcasecmp(n, key) == 0)
			fold = f;
	}
	if (fold) {
		field_from(fold, ret);
		return 0;
	}
	return error_set(-ENOENT, "unable to find api field in struct %s for the json field \"%s\"",
			 type_short_name(desc + 2), key);
}

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER:
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "bool";
	default: return "null";
	}
}

static const char *go_type(const char *desc, struct strbuf *sb)
{
	switch (desc[0]) {
	case 's': strbuf_addstr(sb, "string"); break;
	case 'i': strbuf_addstr(sb, "int32"); break;
	case 'u': strbuf_addstr(sb, "uint32"); break;
	case 'f': strbuf_addstr(sb, "float64"); break;
	case 'b': strbuf_addstr(sb, "bool"); break;
	case 'q': strbuf_addstr(sb, "resource.Quantity"); break;
	case 'x': strbuf_addstr(sb, "intstr.IntOrString"); break;
	case 't': strbuf_addstr(sb, "v1.Time"); break;
	case 'd': strbuf_addstr(sb, "v1.Duration"); break;
	case 'p': strbuf_addch(sb, '*'); go_type(desc + 2, sb); break;
	case 'l': strbuf_addstr(sb, "[]"); go_type(desc + 2, sb); break;
	case 'm': strbuf_addstr(sb, "map[string]"); go_type(desc + 2, sb); break;
	case 'o': strbuf_addstr(sb, desc + 2); break;
	default: strbuf_addstr(sb, "interface {}"); break;
	}
	return sb->buf;
}

struct ctx {
	const char *root_type; /* "Pod" */
	struct strbuf path;    /* "spec.containers.name" */
};

static int type_error(struct ctx *c, const char *desc, const json_t *v)
{
	_cleanup_strbuf_ struct strbuf t = STRBUF_INIT;
	go_type(desc, &t);
	if (c->path.len)
		return error_set(-EINVAL, "json: cannot unmarshal %s into Go struct field %s.%s of type %s",
				 json_kind(v), c->root_type, c->path.buf, t.buf);
	return error_set(-EINVAL, "json: cannot unmarshal %s into Go value of type %s", json_kind(v),
			 t.buf);
}

/* A number an integer field cannot hold: encoding/json names it by its JSON text (the float
 * formatting json.Marshal gave it when the patched object was encoded). */
static int number_error(struct ctx *c, const char *desc, const json_t *v)
{
	_cleanup_strbuf_ struct strbuf t = STRBUF_INIT, lit = STRBUF_INIT;
	go_type(desc, &t);
	if (json_is_integer(v))
		strbuf_addf(&lit, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else
		json_format_go_json_float(&lit, json_real_value(v));
	return error_set(-EINVAL, "json: cannot unmarshal number %s into Go struct field %s.%s of type %s",
			 lit.buf, c->root_type, c->path.buf, t.buf);
}

/* Is the encoded value empty for omitempty (Go's isEmptyValue on the decoded value)? */
static bool is_empty(const char *desc, const json_t *enc)
{
	switch (desc[0]) {
	case 's': return json_string_length(enc) == 0;
	case 'i': case 'u': return json_integer_value(enc) == 0 && json_is_integer(enc);
	case 'f': return json_number_value(enc) == 0;
	case 'b': return json_is_false(enc);
	case 'p': return json_is_null(enc);
	case 'l': return json_is_null(enc) || json_array_size(enc) == 0;
	case 'm': return json_is_null(enc) || json_object_size(enc) == 0;
	case 'r': return json_is_null(enc);
	default: return false;
	}
}

/* Is the decoded value the zero value (omitzero)? */
static bool is_zero(const char *desc, const json_t *enc)
{
	switch (desc[0]) {
	case 't': return json_is_null(enc);
	case 'o': return json_object_size(enc) == 0;
	case 'l': case 'm': return json_is_null(enc);
	default: return is_empty(desc, enc);
	}
}

static json_t *zero_value(const char *desc);
static int normalize(struct ctx *c, const char *desc, const json_t *v, json_t **ret);

static int normalize_struct(struct ctx *c, const char *desc, const json_t *v, json_t **ret)
{
	const json_t *fields = struct_fields(desc);
	/* Go names the innermost struct in type errors: "PodSpec.spec.priority" */
	const char *outer = c->root_type;
	c->root_type = type_short_name(desc + 2);
	json_t *out = json_object();
	size_t i, base = c->path.len;
	const json_t *f;
	json_array_foreach(fields, i, f) {
		struct schema_field sf;
		field_from(f, &sf);
		/* Kubernetes decodes case-sensitively (sigs.k8s.io/json) */
		const json_t *in = v ? json_object_get(v, sf.name) : NULL;
		json_t *enc;
		if (!in || json_is_null(in)) {
			enc = zero_value(sf.desc);
		} else {
			if (base)
				strbuf_addch(&c->path, '.');
			strbuf_addstr(&c->path, sf.name);
			int r = normalize(c, sf.desc, in, &enc);
			strbuf_setlen(&c->path, base);
			if (r < 0) {
				json_decref(out);
				return r;
			}
			c->root_type = type_short_name(desc + 2);
		}
		if (((sf.flags & 1) && is_empty(sf.desc, enc)) || ((sf.flags & 2) && is_zero(sf.desc, enc))) {
			json_decref(enc);
			continue;
		}
		json_object_set_new(out, sf.name, enc);
	}
	c->root_type = outer;
	*ret = out;
	return 0;
}

static json_t *zero_value(const char *desc)
{
	switch (desc[0]) {
	case 's': return json_string("");
	case 'i': case 'u': return json_integer(0);
	case 'f': return json_integer(0);
	case 'b': return json_false();
	case 'q': return json_string("0");
	case 'x': return json_integer(0);
	case 'd': return json_string("0s");
	case 'o': {
		struct ctx c = { .path = STRBUF_INIT };
		json_t *o = NULL;
		(void)normalize_struct(&c, desc, NULL, &o);
		strbuf_release(&c.path);
		return o;
	}
	default: return json_null();
	}
}

static int normalize(struct ctx *c, const char *desc, const json_t *v, json_t **ret)
{
	if (json_is_null(v)) {
		*ret = zero_value(desc);
		return 0;
	}
	switch (desc[0]) {
	case 's':
		if (!json_is_string(v))
			return type_error(c, desc, v);
		*ret = json_deep_copy(v);
		return 0;
	case 'i': case 'u': {
		if (!json_is_number(v))
			return type_error(c, desc, v);
		int64_t whole;
		if (json_is_integer(v))
			whole = json_integer_value(v);
		else if (!double_to_int64(json_real_value(v), &whole))
			return number_error(c, desc, v);
		/* int32 and uint32, the only integer kinds go_type names */
		if (desc[0] == 'i' ? whole < INT32_MIN || whole > INT32_MAX : whole < 0 || whole > UINT32_MAX)
			return number_error(c, desc, v);
		*ret = json_integer(whole);
		return 0;
	}
	case 'f':
		if (!json_is_number(v))
			return type_error(c, desc, v);
		*ret = json_deep_copy(v);
		return 0;
	case 'b':
		if (!json_is_boolean(v))
			return type_error(c, desc, v);
		*ret = json_deep_copy(v);
		return 0;
	case 'q':
		if (!json_is_string(v) && !json_is_number(v))
			return type_error(c, desc, v);
		{
			_cleanup_free_ char *text = json_is_string(v) ? xstrdup(json_string_value(v)) :
					json_dump_go_ex(v, "", "", JSON_GO_COMPACT);
			char *s = text;
			while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
				s++;
			size_t n = strlen(s);
			while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
				s[--n] = 0;
			char *canon = NULL;
			int r = quantity_canonical(s, &canon);
			if (r < 0)
				return r;
			*ret = json_string(canon);
			free(canon);
		}
		return 0;
	case 'x':
		if (!json_is_string(v) && !json_is_integer(v))
			return type_error(c, desc, v);
		*ret = json_deep_copy(v);
		return 0;
	case 't': case 'd':
		if (!json_is_string(v))
			return type_error(c, desc, v);
		*ret = json_deep_copy(v);
		return 0;
	case 'r':
		*ret = json_deep_copy(v);
		return 0;
	case 'p':
		return normalize(c, desc + 2, v, ret);
	case 'o':
		if (!json_is_object(v))
			return type_error(c, desc, v);
		return normalize_struct(c, desc, v, ret);
	case 'l': {
		if (!json_is_array(v))
			return type_error(c, desc, v);
		json_t *out = json_array();
		size_t i;
		const json_t *e;
		json_array_foreach(v, i, e) {
			json_t *n;
			int r = normalize(c, desc + 2, e, &n);
			if (r < 0) {
				json_decref(out);
				return r;
			}
			json_array_append_new(out, n);
		}
		*ret = out;
		return 0;
	}
	case 'm': {
		if (!json_is_object(v))
			return type_error(c, desc, v);
		json_t *out = json_object();
		const char *k;
		const json_t *e;
		json_object_foreach((json_t *)v, k, e) {
			json_t *n;
			int r = normalize(c, desc + 2, e, &n);
			if (r < 0) {
				json_decref(out);
				return r;
			}
			json_object_set_new(out, k, n);
		}
		*ret = out;
		return 0;
	}
	}
	return error_set(-EINVAL, "unknown schema descriptor %s", desc);
}

int schema_normalize(const char *desc, const json_t *v, json_t **ret)
{
	struct ctx c = { .root_type = type_short_name(desc), .path = STRBUF_INIT };
	json_t *out = NULL;
	int r = normalize(&c, desc, v, &out);
	strbuf_release(&c.path);
	if (r < 0)
		return r;
	*ret = out;
	return 0;
}
