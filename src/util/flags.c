/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/duration.h"
#include "util/error.h"
#include "util/flags.h"
#include "util/json.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* ---- Go helpers ---------------------------------------------------------------------------- */

void go_quote(const char *s, struct strbuf *out)
{
	go_quote_n(out, s, strlen(s));
}

static int num_error(const char *fn, const char *s, const char *what)
{
	_cleanup_strbuf_ struct strbuf q = STRBUF_INIT;
	go_quote(s, &q);
	return error_set(what[0] == 'v' ? -ERANGE : -EINVAL, "strconv.%s: parsing %s: %s", fn, q.buf,
			 what);
}

/* Go's underscoreOK: underscores only between digits (or after the base prefix). */
static bool underscore_ok(const char *s)
{
	char saw = '^';
	size_t i = 0;
	if (s[0] == '-' || s[0] == '+')
		s++;
	bool hex = false;
	if (s[0] == '0' && s[1] && strchr("bBoOxX", s[1])) {
		hex = s[1] == 'x' || s[1] == 'X';
		i = 2;
		saw = '0';
	}
	for (; s[i]; i++) {
		char c = s[i];
		if ((c >= '0' && c <= '9') || (hex && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))) {
			saw = '0';
			continue;
		}
		if (c == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

int go_parse_int(const char *s, int base, int bits, int64_t *ret)
{
	const char *orig = s;
	bool neg = false;
	if (!*s)
		return num_error("ParseInt", orig, "invalid syntax");
	if (*s == '+' || *s == '-') {
		neg = *s == '-';
		s++;
	}
	bool base0 = base == 0;
	if (base == 0) {
		base = 10;
		if (s[0] == '0') {
			if (s[1] == 'x' || s[1] == 'X') {
				base = 16;
				s += 2;
			} else if (s[1] == 'b' || s[1] == 'B') {
				base = 2;
				s += 2;
			} else if (s[1] == 'o' || s[1] == 'O') {
				base = 8;
				s += 2;
			} else {
				base = 8;
				s += 1;
				if (!*s) {
					*ret = 0;
					return 0;
				}
			}
		}
	}
	if (!*s)
		return num_error("ParseInt", orig, "invalid syntax");
	uint64_t n = 0;
	bool underscores = false, overflow = false;
	for (; *s; s++) {
		unsigned d;
		char c = *s;
		if (c == '_' && base0) {
			underscores = true;
			continue;
		} else if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			d = (unsigned)((c | 0x20) - 'a' + 10);
		else
			return num_error("ParseInt", orig, "invalid syntax");
		if (d >= (unsigned)base)
			return num_error("ParseInt", orig, "invalid syntax");
		if (overflow)
			continue;
		if (n > (UINT64_MAX - d) / (uint64_t)base) {
			overflow = true;
			continue;
		}
		n = n * (uint64_t)base + d;
	}
	if (underscores && !underscore_ok(orig))
		return num_error("ParseInt", orig, "invalid syntax");
	uint64_t cutoff = (uint64_t)1 << (bits - 1);
	if (overflow || (!neg && n >= cutoff) || (neg && n > cutoff))
		return num_error("ParseInt", orig, "value out of range");
	*ret = neg ? -(int64_t)n : (int64_t)n;
	return 0;
}

int go_parse_duration(const char *s, int64_t *ret_ns)
{
	return duration_parse(s, ret_ns);
}

void go_format_duration(int64_t ns, struct strbuf *out)
{
	char buf[DURATION_BUF];
	strbuf_addstr(out, duration_format(ns, buf, sizeof(buf)));
}

/* encoding/csv: one record of a comma-separated line, as pflag's readAsCSV. */
static int read_csv(const char *s, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;
	if (!*s) {
		*ret = xcalloc(1, sizeof(char *));
		return 0;
	}
	size_t col = 0;
	const char *p = s;
	for (;;) {
		struct strbuf f = STRBUF_INIT;
		if (*p == '"') {
			p++;
			for (;;) {
				if (!*p) {
					strbuf_release(&f);
					return error_set(-EINVAL,
							 "parse error on line 1, column %zu: extraneous or missing \" in quoted-field",
							 strlen(s) + 1);
				}
				if (*p == '"') {
					if (p[1] == '"') {
						strbuf_addch(&f, '"');
						p += 2;
						continue;
					}
					p++;
					break;
				}
				strbuf_addch(&f, *p++);
			}
			if (*p && *p != ',' && *p != '\n' && *p != '\r') {
				/* encoding/csv reports the column of the closing quote */
				strbuf_release(&f);
				return error_set(-EINVAL,
						 "parse error on line 1, column %zu: extraneous or missing \" in quoted-field",
						 (size_t)(p - s));
			}
		} else {
			while (*p && *p != ',' && *p != '\n') {
				if (*p == '"') {
					strbuf_release(&f);
					return error_set(-EINVAL,
							 "parse error on line 1, column %zu: bare \" in non-quoted-field",
							 (size_t)(p - s) + 1);
				}
				strbuf_addch(&f, *p++);
			}
			if (f.len && f.buf[f.len - 1] == '\r' && *p != ',')
				strbuf_setlen(&f, f.len - 1);
		}
		strv_consume(&v, strbuf_detach(&f, NULL));
		col++;
		if (*p == ',') {
			p++;
			continue;
		}
		break;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

static void write_csv(char *const *v, struct strbuf *out)
{
	bool first = true;
	STRV_FOREACH(s, v) {
		if (!first)
			strbuf_addch(out, ',');
		first = false;
		bool quote = **s == ' ' || **s == '\t' || strpbrk(*s, ",\"\r\n") != NULL;
		if (!**s)
			quote = false;
		if (!quote) {
			strbuf_addstr(out, *s);
			continue;
		}
		strbuf_addch(out, '"');
		for (const char *p = *s; *p; p++) {
			if (*p == '"')
				strbuf_addch(out, '"');
			strbuf_addch(out, *p);
		}
		strbuf_addch(out, '"');
	}
}

/* ---- flag sets ------------------------------------------------------------------------------ */

const char *flag_type_name(enum flag_type t)
{
	switch (t) {
	case FLAG_BOOL: return "bool";
	case FLAG_STRING: return "string";
	case FLAG_STRING_SLICE: return "stringSlice";
	case FLAG_STRING_ARRAY: return "stringArray";
	case FLAG_STRING_TO_STRING: return "stringToString";
	case FLAG_INT: return "int";
	case FLAG_INT32: return "int32";
	case FLAG_DURATION: return "duration";
	case FLAG_LEVEL: return "Level";
	case FLAG_MODULE_SPEC: return "moduleSpec";
	case FLAG_ARG_SLICE: return "[]kubeadmapiv1.Arg";
	}
	return "";
}

const char *flag_default(const struct flag *f)
{
	if (f->def)
		return f->def;
	switch (f->type) {
	case FLAG_BOOL: return "false";
	case FLAG_INT:
	case FLAG_INT32:
	case FLAG_LEVEL: return "0";
	case FLAG_DURATION: return "0s";
	case FLAG_STRING_SLICE:
	case FLAG_STRING_ARRAY:
	case FLAG_STRING_TO_STRING: return "[]";
	default: return "";
	}
}

static const char *no_opt_def(const struct flag *f)
{
	if (f->no_opt_def)
		return f->no_opt_def;
	return f->type == FLAG_BOOL ? "true" : NULL;
}

void flagset_init(struct flagset *fs)
{
	*fs = (struct flagset){ .args_len_at_dash = -1, .warnings = STRBUF_INIT };
}

void flagset_release(struct flagset *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].value);
		strv_free(fs->v[i].values);
	}
	free(fs->v);
	strv_free(fs->args);
	strbuf_release(&fs->warnings);
	flagset_init(fs);
}

struct flag_value *flagset_lookup(const struct flagset *fs, const char *name)
{
	for (size_t i = 0; i < fs->n; i++)
		if (streq(fs->v[i].flag->name, name))
			return &fs->v[i];
	return NULL;
}

struct flag_value *flagset_lookup_shorthand(const struct flagset *fs, char c)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].flag->shorthand == c)
			return &fs->v[i];
	return NULL;
}

void flagset_add(struct flagset *fs, const struct flag *f, bool local)
{
	if (flagset_lookup(fs, f->name))
		return;
	fs->v = xrealloc(fs->v, (fs->n + 1) * sizeof(*fs->v));
	fs->v[fs->n++] = (struct flag_value){ .flag = f, .local = local,
					      .value = xstrdup(flag_default(f)) };
}

void flagset_add_table(struct flagset *fs, const struct flag *table, bool local)
{
	for (const struct flag *f = table; f && f->name; f++)
		flagset_add(fs, f, local);
}

static int invalid_value(const struct flag *f, const char *value)
{
	_cleanup_strbuf_ struct strbuf q = STRBUF_INIT, n = STRBUF_INIT, name = STRBUF_INIT;
	_cleanup_free_ char *cause = xstrdup(error_message(-EINVAL));
	go_quote(value, &q);
	if (f->shorthand && !f->shorthand_deprecated)
		strbuf_addf(&name, "-%c, --%s", f->shorthand, f->name);
	else
		strbuf_addf(&name, "--%s", f->name);
	go_quote(name.buf, &n);
	return error_set(-EINVAL, "invalid argument %s for %s flag: %s", q.buf, n.buf, cause);
}

static int module_spec_check(const char *value)
{
	_cleanup_strv_free_ char **pats = strv_split(value, ',', false);
	STRV_FOREACH(p, pats) {
		if (!**p)
			continue;
		_cleanup_strv_free_ char **pl = strv_split(*p, '=', false);
		if (strv_length(pl) != 2 || !*pl[0] || !*pl[1])
			return error_set(-EINVAL, "syntax error: expect comma-separated list of filename=N");
		int64_t v;
		if (go_parse_int(pl[1], 10, 32, &v) < 0)
			return error_set(-EINVAL, "syntax error: expect comma-separated list of filename=N");
		if (v < 0)
			return error_set(-EINVAL, "negative value for vmodule level");
	}
	return 0;
}

int flagset_set(struct flagset *fs, struct flag_value *fv, const char *value)
{
	const struct flag *f = fv->flag;
	int r = 0;
	switch (f->type) {
	case FLAG_BOOL: {
		bool b;
		if (parse_bool(value, &b) < 0) {
			_cleanup_strbuf_ struct strbuf q = STRBUF_INIT;
			go_quote(value, &q);
			error_set(-EINVAL, "strconv.ParseBool: parsing %s: invalid syntax", q.buf);
			return invalid_value(f, value);
		}
		free(fv->value);
		fv->value = xstrdup(b ? "true" : "false");
		break;
	}
	case FLAG_INT:
	case FLAG_INT32:
	case FLAG_LEVEL: {
		int64_t v;
		r = go_parse_int(value, f->type == FLAG_LEVEL ? 10 : 0,
				 f->type == FLAG_INT ? 64 : 32, &v);
		if (r < 0)
			return invalid_value(f, value);
		free(fv->value);
		fv->value = xasprintf("%lld", (long long)v);
		break;
	}
	case FLAG_DURATION: {
		int64_t ns;
		if (go_parse_duration(value, &ns) < 0)
			return invalid_value(f, value);
		struct strbuf sb = STRBUF_INIT;
		go_format_duration(ns, &sb);
		free(fv->value);
		fv->value = strbuf_detach(&sb, NULL);
		break;
	}
	case FLAG_MODULE_SPEC:
		if (module_spec_check(value) < 0)
			return invalid_value(f, value);
		free(fv->value);
		fv->value = xstrdup(value);
		break;
	case FLAG_STRING:
		free(fv->value);
		fv->value = xstrdup(value);
		break;
	case FLAG_STRING_SLICE: {
		_cleanup_strv_free_ char **v = NULL;
		if (read_csv(value, &v) < 0)
			return invalid_value(f, value);
		if (!fv->changed)
			fv->values = strv_free(fv->values);
		STRV_FOREACH(s, v)
			strv_push(&fv->values, *s);
		struct strbuf sb = STRBUF_INIT;
		strbuf_addch(&sb, '[');
		write_csv(fv->values, &sb);
		strbuf_addch(&sb, ']');
		free(fv->value);
		fv->value = strbuf_detach(&sb, NULL);
		break;
	}
	case FLAG_STRING_ARRAY:
		if (!fv->changed)
			fv->values = strv_free(fv->values);
		strv_push(&fv->values, value);
		break;
	case FLAG_STRING_TO_STRING:
	case FLAG_ARG_SLICE: {
		_cleanup_strv_free_ char **pairs = NULL;
		if (f->type == FLAG_STRING_TO_STRING) {
			if (read_csv(value, &pairs) < 0)
				return invalid_value(f, value);
		} else {
			pairs = strv_split(value, ',', false);
		}
		STRV_FOREACH(p, pairs) {
			const char *eq = strchr(*p, '=');
			bool bad = !eq || (f->type == FLAG_ARG_SLICE && strchr(eq + 1, '='));
			if (bad) {
				if (f->type == FLAG_ARG_SLICE)
					error_set(-EINVAL, "malformed key=value pair in flag value: %s",
						  value);
				else
					error_set(-EINVAL, "%s must be formatted as key=value", *p);
				return invalid_value(f, value);
			}
		}
		if (!fv->changed && f->type == FLAG_STRING_TO_STRING)
			fv->values = strv_free(fv->values);
		STRV_FOREACH(p, pairs)
			strv_push(&fv->values, *p);
		break;
	}
	}
	fv->changed = true;
	if (f->deprecated)
		strbuf_addf(&fs->warnings, "Flag --%s has been deprecated, %s\n", f->name,
			    f->deprecated);
	return 0;
}

static int parse_long(struct flagset *fs, const char *s, char *const *argv, size_t argc,
		      size_t *i)
{
	const char *name = s + 2;
	if (!*name || *name == '-' || *name == '=')
		return error_set(-EINVAL, "bad flag syntax: %s", s);
	const char *eq = strchr(name, '=');
	_cleanup_free_ char *n = eq ? xstrndup(name, (size_t)(eq - name)) : xstrdup(name);
	struct flag_value *fv = flagset_lookup(fs, n);
	if (!fv) {
		if (streq(n, "help"))
			return 1;
		return error_set(-EINVAL, "unknown flag: --%s", n);
	}
	const char *value;
	if (eq)
		value = eq + 1;
	else if (no_opt_def(fv->flag))
		value = no_opt_def(fv->flag);
	else if (*i < argc)
		value = argv[(*i)++];
	else
		return error_set(-EINVAL, "flag needs an argument: --%s", n);
	return flagset_set(fs, fv, value);
}

static int parse_short(struct flagset *fs, const char *s, char *const *argv, size_t argc,
		       size_t *i)
{
	const char *sh = s + 1;
	while (*sh) {
		char c = *sh;
		struct flag_value *fv = flagset_lookup_shorthand(fs, c);
		if (!fv) {
			if (c == 'h')
				return 1;
			return error_set(-EINVAL, "unknown shorthand flag: '%c' in -%s", c, sh);
		}
		const char *value;
		const char *next = sh + 1;
		if (sh[1] == '=' && sh[2]) {
			value = sh + 2;
			next = "";
		} else if (no_opt_def(fv->flag)) {
			value = no_opt_def(fv->flag);
		} else if (sh[1]) {
			value = sh + 1;
			next = "";
		} else if (*i < argc) {
			value = argv[(*i)++];
		} else {
			return error_set(-EINVAL, "flag needs an argument: '%c' in -%s", c, sh);
		}
		if (fv->flag->shorthand_deprecated)
			strbuf_addf(&fs->warnings, "Flag shorthand -%c has been deprecated, %s\n", c,
				    fv->flag->shorthand_deprecated);
		int r = flagset_set(fs, fv, value);
		if (r < 0)
			return r;
		sh = next;
	}
	return 0;
}

int flagset_parse(struct flagset *fs, char *const *argv, size_t argc)
{
	if (!fs->args)
		fs->args = xcalloc(1, sizeof(char *));
	for (size_t i = 0; i < argc;) {
		const char *s = argv[i++];
		if (s[0] != '-' || !s[1]) {
			strv_push(&fs->args, s);
			continue;
		}
		int r;
		if (s[1] == '-') {
			if (!s[2]) {
				fs->args_len_at_dash = (int)strv_length(fs->args);
				for (; i < argc; i++)
					strv_push(&fs->args, argv[i]);
				break;
			}
			r = parse_long(fs, s, argv, argc, &i);
		} else {
			r = parse_short(fs, s, argv, argc, &i);
		}
		if (r != 0)
			return r;
	}
	return 0;
}

const char *flagset_get_string(const struct flagset *fs, const char *name)
{
	struct flag_value *fv = flagset_lookup(fs, name);
	return fv ? fv->value : "";
}

bool flagset_get_bool(const struct flagset *fs, const char *name)
{
	struct flag_value *fv = flagset_lookup(fs, name);
	return fv && streq(fv->value, "true");
}

int64_t flagset_get_int(const struct flagset *fs, const char *name)
{
	struct flag_value *fv = flagset_lookup(fs, name);
	int64_t v = 0;
	if (fv && go_parse_int(fv->value, 0, 64, &v) < 0)
		v = 0;
	return v;
}

int64_t flagset_get_duration(const struct flagset *fs, const char *name)
{
	struct flag_value *fv = flagset_lookup(fs, name);
	int64_t v = 0;
	if (fv && go_parse_duration(fv->value, &v) < 0)
		v = 0;
	return v;
}

char *const *flagset_get_strv(const struct flagset *fs, const char *name)
{
	struct flag_value *fv = flagset_lookup(fs, name);
	return fv ? fv->values : NULL;
}

bool flagset_changed(const struct flagset *fs, const char *name)
{
	struct flag_value *fv = flagset_lookup(fs, name);
	return fv && fv->changed;
}

static json_t *flag_json(const struct flag_value *fv)
{
	switch (fv->flag->type) {
	case FLAG_BOOL:
		return json_boolean(streq(fv->value, "true"));
	case FLAG_INT:
	case FLAG_INT32:
	case FLAG_LEVEL: {
		int64_t v = 0;
		(void)go_parse_int(fv->value, 10, 64, &v);
		return json_integer((json_int_t)v);
	}
	case FLAG_STRING_SLICE:
	case FLAG_STRING_ARRAY: {
		json_t *a = json_array();
		STRV_FOREACH(s, fv->values)
			json_array_append_new(a, json_string(*s));
		return a;
	}
	case FLAG_STRING_TO_STRING: {
		json_t *o = json_object();
		STRV_FOREACH(s, fv->values) {
			const char *eq = strchr(*s, '=');
			_cleanup_free_ char *k = xstrndup(*s, (size_t)(eq - *s));
			json_object_set_new(o, k, json_string(eq + 1));
		}
		return o;
	}
	case FLAG_ARG_SLICE: {
		/* v1beta4 extraArgs: a list of {name, value} */
		json_t *a = json_array();
		STRV_FOREACH(s, fv->values) {
			const char *eq = strchr(*s, '=');
			_cleanup_free_ char *k = xstrndup(*s, (size_t)(eq - *s));
			json_array_append_new(a, json_pack("{s:s,s:s}", "name", k, "value", eq + 1));
		}
		return a;
	}
	default:
		return json_string(fv->value);
	}
}

int flagset_overrides(const struct flagset *fs, json_t **ret)
{
	json_t *root = json_object();
	for (size_t i = 0; i < fs->n; i++) {
		const struct flag_value *fv = &fs->v[i];
		if (!fv->changed || !fv->flag->config_path)
			continue;
		_cleanup_strv_free_ char **keys = strv_split(fv->flag->config_path, '.', true);
		json_t *o = root;
		size_t n = strv_length(keys);
		for (size_t k = 0; k + 1 < n; k++) {
			json_t *c = json_object_get(o, keys[k]);
			if (!c) {
				c = json_object();
				json_object_set_new(o, keys[k], c);
			}
			o = c;
		}
		if (n)
			json_object_set_new(o, keys[n - 1], flag_json(fv));
	}
	*ret = root;
	return 0;
}

/* ---- FlagUsages ------------------------------------------------------------------------------ */

static bool default_is_zero(const struct flag *f)
{
	const char *d = flag_default(f);
	switch (f->type) {
	case FLAG_BOOL: return streq(d, "false") || !*d;
	case FLAG_DURATION: return streq(d, "0") || streq(d, "0s");
	case FLAG_INT:
	case FLAG_INT32: return streq(d, "0");
	case FLAG_STRING: return !*d;
	case FLAG_STRING_SLICE:
	case FLAG_STRING_ARRAY: return streq(d, "[]");
	default:
		return streq(d, "false") || streq(d, "<nil>") || !*d || streq(d, "0");
	}
}

static int cmp_fv(const void *a, const void *b)
{
	const struct flag_value *const *x = a, *const *y = b;
	return strcmp((*x)->flag->name, (*y)->flag->name);
}

bool flagset_has_available(const struct flagset *fs, bool want_local)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].local == want_local && !fs->v[i].flag->hidden &&
		    !fs->v[i].flag->deprecated)
			return true;
	return false;
}

size_t flagset_listed(const struct flagset *fs, bool want_local, const struct flag_value ***ret)
{
	const struct flag_value **sorted = xcalloc(fs->n + 1, sizeof(*sorted));
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].local == want_local && !fs->v[i].flag->hidden &&
		    !fs->v[i].flag->deprecated)
			sorted[n++] = &fs->v[i];
	qsort(sorted, n, sizeof(*sorted), cmp_fv);
	*ret = sorted;
	return n;
}

void flag_usage_parts(const struct flag *f, struct strbuf *line, struct strbuf *usage)
{
	if (f->shorthand && !f->shorthand_deprecated)
		strbuf_addf(line, "  -%c, --%s", f->shorthand, f->name);
	else
		strbuf_addf(line, "      --%s", f->name);

	/* UnquoteUsage: a back-quoted name in the usage, else the type's name */
	const char *u = f->usage, *bq = strchr(u, '`');
	const char *bq2 = bq ? strchr(bq + 1, '`') : NULL;
	if (bq2) {
		strbuf_addch(line, ' ');
		strbuf_add(line, bq + 1, (size_t)(bq2 - bq - 1));
		strbuf_add(usage, u, (size_t)(bq - u));
		strbuf_add(usage, bq + 1, (size_t)(bq2 - bq - 1));
		strbuf_addstr(usage, bq2 + 1);
	} else {
		const char *tn = flag_type_name(f->type);
		if (streq(tn, "stringSlice"))
			tn = "strings";
		else if (streq(tn, "bool"))
			tn = "";
		if (*tn)
			strbuf_addf(line, " %s", tn);
		strbuf_addstr(usage, u);
	}
	const char *nod = f->no_opt_def;
	if (nod && *nod) {
		if (f->type == FLAG_STRING)
			strbuf_addf(line, "[=\"%s\"]", nod);
		else if (f->type == FLAG_BOOL) {
			if (!streq(nod, "true"))
				strbuf_addf(line, "[=%s]", nod);
		} else
			strbuf_addf(line, "[=%s]", nod);
	}
	if (!default_is_zero(f)) {
		if (f->type == FLAG_STRING) {
			strbuf_addstr(usage, " (default ");
			go_quote(flag_default(f), usage);
			strbuf_addch(usage, ')');
		} else {
			strbuf_addf(usage, " (default %s)", flag_default(f));
		}
	}
	if (f->deprecated)
		strbuf_addf(usage, " (DEPRECATED: %s)", f->deprecated);
}

void flagset_usages(const struct flagset *fs, bool want_local, struct strbuf *out)
{
	_cleanup_free_ const struct flag_value **sorted = NULL;
	size_t n = flagset_listed(fs, want_local, &sorted);

	_cleanup_strv_free_ char **heads = NULL, **tails = NULL;
	size_t maxlen = 0;
	for (size_t i = 0; i < n; i++) {
		struct strbuf line = STRBUF_INIT, usage = STRBUF_INIT;
		flag_usage_parts(sorted[i]->flag, &line, &usage);
		if (line.len + 1 > maxlen)
			maxlen = line.len + 1;
		strv_consume(&heads, strbuf_detach(&line, NULL));
		strv_consume(&tails, strbuf_detach(&usage, NULL));
	}
	struct strbuf all = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		size_t sidx = strlen(heads[i]);
		/* fmt.Fprintln(line[:sidx], spacing, wrap(maxlen+2, 0, usage)) */
		strbuf_addstr(&all, heads[i]);
		strbuf_addch(&all, ' ');
		strbuf_addchars(&all, ' ', maxlen - sidx);
		strbuf_addch(&all, ' ');
		for (const char *p = tails[i]; *p; p++) {
			strbuf_addch(&all, *p);
			if (*p == '\n')
				strbuf_addchars(&all, ' ', maxlen + 2);
		}
		strbuf_addch(&all, '\n');
	}
	strbuf_rtrim(&all);
	strbuf_addstr(out, all.buf);
	strbuf_release(&all);
}
