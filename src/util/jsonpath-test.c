/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"
#include "util/json.h"
#include "util/jsonpath.h"
#include "util/strbuf.h"

/* printed by tests/peers/jsonpathvec (client-go's jsonpath) */
#define VECTORS "tests/vectors/jsonpath/vectors.json"

static json_t *load(const char *s, size_t flags)
{
	json_error_t err;
	json_t *j = json_loads(s, JSON_DECODE_ANY | flags, &err);
	if (!j)
		fail_msg("json_loads(%s): %s", s, err.text);
	return j;
}

/* Runs one vector; returns false (after printing why) when ckubeadm differs from Go. */
static bool run_vector(const json_t *v)
{
	const char *tmpl = json_string_value(json_object_get(v, "template"));
	size_t tlen = json_string_length(json_object_get(v, "template"));
	const char *want_parse = json_string_value(json_object_get(v, "parseError"));
	const char *want_exec = json_string_value(json_object_get(v, "execError"));
	const json_t *want_out = json_object_get(v, "out");
	json_int_t calls = json_integer_value(json_object_get(v, "calls"));
	struct jsonpath *j = NULL;
	int r = jsonpath_parse(tmpl, tlen, &j);
	if (want_parse) {
		bool ok = r == -EINVAL && streq(error_message(r), want_parse);
		if (!ok)
			fprintf(stderr, "template %s: parse error \"%s\", want \"%s\"\n", tmpl,
				r < 0 ? error_message(r) : "(none)", want_parse);
		error_clear();
		jsonpath_free(j);
		return ok;
	}
	if (r < 0) {
		fprintf(stderr, "template %s: unexpected parse error %s\n", tmpl, error_message(r));
		error_clear();
		return false;
	}
	jsonpath_allow_missing_keys(j, json_is_true(json_object_get(v, "allowMissing")));
	jsonpath_enable_json_output(j, json_is_true(json_object_get(v, "asJSON")));
	json_t *data = load(json_string_value(json_object_get(v, "data")), 0);
	struct strbuf out = STRBUF_INIT;
	r = 0;
	for (json_int_t i = 0; i < (calls ? calls : 1) && r >= 0; i++) {
		r = jsonpath_execute(j, data, &out);
		if (r >= 0)
			strbuf_add(&out, "", 1);
	}
	bool ok = true;
	if (want_exec && (r != -EINVAL || !streq(error_message(r), want_exec))) {
		fprintf(stderr, "template %s: error \"%s\", want \"%s\"\n", tmpl,
			r < 0 ? error_message(r) : "(none)", want_exec);
		ok = false;
	} else if (!want_exec && r < 0) {
		fprintf(stderr, "template %s: unexpected error %s\n", tmpl, error_message(r));
		ok = false;
	}
	if (ok && want_out &&
	    (out.len != json_string_length(want_out) ||
	     memcmp(out.buf, json_string_value(want_out), out.len) != 0)) {
		_cleanup_json_ json_t *got = json_stringn(out.buf, out.len);
		_cleanup_free_ char *g = json_dumps(got, JSON_ENCODE_ANY);
		_cleanup_free_ char *w = json_dumps(want_out, JSON_ENCODE_ANY);
		fprintf(stderr, "template %s (missing %d json %d): output\n  %s\nwant\n  %s\n", tmpl,
			json_is_true(json_object_get(v, "allowMissing")),
			json_is_true(json_object_get(v, "asJSON")), g, w);
		ok = false;
	}
	error_clear();
	strbuf_release(&out);
	json_decref(data);
	jsonpath_free(j);
	return ok;
}

static void test_go_vectors(void **state)
{
	(void)state;
	json_error_t err;
	_cleanup_json_ json_t *all = json_load_file(VECTORS, JSON_ALLOW_NUL, &err);
	if (!all)
		fail_msg("%s: %s", VECTORS, err.text);
	size_t i, failed = 0, checked = 0;
	json_t *v;
	json_array_foreach(all, i, v) {
		/* Go panics on a range over a null with jsonpath-as-json (reflect's zero Value) */
		const char *out = json_string_value(json_object_get(v, "out"));
		if (out && strstr(out, "PANIC"))
			continue;
		checked++;
		failed += !run_vector(v);
	}
	fprintf(stderr, "jsonpath vectors: %zu checked, %zu failed\n", checked, failed);
	assert_true(checked > 300);
	assert_int_equal(failed, 0);
}

/* The object kubeadm prints in its "error executing jsonpath" text (Go's %#v after the JSON
 * round trip: members sorted, numbers float64, nil as interface {}(nil)). */
static void test_go_syntax(void **state)
{
	(void)state;
	_cleanup_json_ json_t *d =
		load("{\"kind\":\"X\",\"b\":[1,2.5,31535999123456789,null,true,\"q\\\"\\n\"],\"a\":{}}", 0);
	struct strbuf sb = STRBUF_INIT;
	jsonpath_go_syntax(d, &sb);
	assert_string_equal(sb.buf, "map[string]interface {}{\"a\":map[string]interface {}{}, "
				    "\"b\":[]interface {}{1, 2.5, 3.1535999123456788e+16, "
				    "interface {}(nil), true, \"q\\\"\\n\"}, \"kind\":\"X\"}");
	strbuf_release(&sb);
}

/* A template keeps its parser between executions, as Go's: after a range the next object
 * sees only the nodes after it (kubeadm's token list prints one object per call). */
static void test_state_kept(void **state)
{
	(void)state;
	struct jsonpath *j = NULL;
	const char *t = "{.k}:{range .v[*]}{@}{end};";
	assert_int_equal(jsonpath_parse(t, strlen(t), &j), 0);
	_cleanup_json_ json_t *d = load("{\"k\":\"K\",\"v\":[1,2]}", 0);
	struct strbuf sb = STRBUF_INIT;
	assert_int_equal(jsonpath_execute(j, d, &sb), 0);
	assert_string_equal(sb.buf, "K:12;");
	int r = jsonpath_execute(j, d, &sb);
	assert_int_equal(r, -EINVAL);
	assert_string_equal(error_message(r), "not in range, nothing to end");
	assert_string_equal(sb.buf, "K:12;");
	error_clear();
	strbuf_release(&sb);
	jsonpath_free(j);
}

/* Templates are bytes: a NUL inside a quoted literal is printed. */
static void test_nul_in_template(void **state)
{
	(void)state;
	struct jsonpath *j = NULL;
	static const char t[] = "a\0b{\"\\x00\"}";
	assert_int_equal(jsonpath_parse(t, sizeof(t) - 1, &j), 0);
	_cleanup_json_ json_t *d = load("{}", 0);
	struct strbuf sb = STRBUF_INIT;
	assert_int_equal(jsonpath_execute(j, d, &sb), 0);
	assert_int_equal(sb.len, 4);
	assert_memory_equal(sb.buf, "a\0b\0", 4);
	strbuf_release(&sb);
	jsonpath_free(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_vectors),
		cmocka_unit_test(test_go_syntax),
		cmocka_unit_test(test_state_kept),
		cmocka_unit_test(test_nul_in_template),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
