/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "util/error.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static json_t *load(const char *s)
{
	json_error_t err;
	json_t *j = json_loads(s, JSON_DECODE_ANY, &err);
	if (!j)
		fail_msg("json_loads(%s): %s", s, err.text);
	return j;
}

static void check_float(double f, char fmt, int bits, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	json_format_go_float(&sb, f, fmt, bits);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

/* Expected values printed by Go's strconv.FormatFloat. */
static void test_go_float(void **state)
{
	check_float(0, 'g', 64, "0");
	check_float(-0.0, 'g', 64, "-0");
	check_float(1, 'g', 64, "1");
	check_float(1.5, 'g', 64, "1.5");
	check_float(0.1, 'g', 64, "0.1");
	check_float(1e6, 'g', 64, "1e+06");
	check_float(123456, 'g', 64, "123456");
	check_float(0.0001, 'g', 64, "0.0001");
	check_float(0.00001, 'g', 64, "1e-05");
	check_float(1e21, 'g', 64, "1e+21");
	check_float(1e100, 'g', 64, "1e+100");
	check_float(5e-324, 'g', 64, "5e-324");
	check_float(1.7976931348623157e308, 'g', 64, "1.7976931348623157e+308");
	check_float(3.14159265358979, 'g', 32, "3.1415927");
	check_float(0.1, 'g', 32, "0.1");
	check_float(1e7, 'g', 32, "1e+07");
	check_float(1e20, 'f', 64, "100000000000000000000");
	check_float(1.25, 'e', 64, "1.25e+00");
	check_float(INFINITY, 'g', 64, "+Inf");
	check_float(-INFINITY, 'g', 64, "-Inf");
	check_float(NAN, 'g', 64, "NaN");

	struct strbuf sb = STRBUF_INIT;
	json_format_go_json_float(&sb, 1e-7);
	assert_string_equal(sb.buf, "1e-7");
	strbuf_reset(&sb);
	json_format_go_json_float(&sb, 1e21);
	assert_string_equal(sb.buf, "1e+21");
	strbuf_reset(&sb);
	json_format_go_json_float(&sb, 123456789.5);
	assert_string_equal(sb.buf, "123456789.5");
	strbuf_release(&sb);
}

static void test_dump_order_and_escapes(void **state)
{
	json_t *j = json_object();
	json_object_set_new(j, "z", json_integer(1));
	json_object_set_new(j, "a", json_stringn("<&>\xe2\x80\xa8\x01", 7));
	json_object_set_new(j, "e", json_array());
	json_object_set_new(j, "o", json_object());
	char *s = json_dump_go(j, "", "  ");
	assert_string_equal(s, "{\n  \"z\": 1,\n  \"a\": \"\\u003c\\u0026\\u003e\\u2028\\u0001\",\n"
			       "  \"e\": [],\n  \"o\": {}\n}");
	free(s);
	s = json_dump_go_ex(j, NULL, NULL, JSON_GO_COMPACT | JSON_GO_SORT_KEYS);
	assert_string_equal(s, "{\"a\":\"\\u003c\\u0026\\u003e\\u2028\\u0001\",\"e\":[],\"o\":{},\"z\":1}");
	free(s);
	json_decref(j);

	/* invalid UTF-8 (only reachable through the _nocheck API) becomes U+FFFD */
	j = json_stringn_nocheck("a\xff" "b", 3);
	s = json_dump_go(j, "", "");
	assert_string_equal(s, "\"a\\ufffdb\"");
	free(s);
	json_decref(j);
	assert_string_equal((s = json_dump_go(NULL, "", "")), "null");
	free(s);
}

static void test_utf8(void **state)
{
	uint32_t r;
	assert_int_equal(json_utf8_decode((const unsigned char *)"\xc3\xa9", 2, &r), 2);
	assert_int_equal(r, 0xe9);
	assert_int_equal(json_utf8_decode((const unsigned char *)"\xf0\x9f\x99\x82", 4, &r), 4);
	assert_int_equal(r, 0x1f642);
	assert_int_equal(json_utf8_decode((const unsigned char *)"\xed\xa0\x80", 3, &r), 0); /* surrogate */
	assert_int_equal(json_utf8_decode((const unsigned char *)"\xc0\xaf", 2, &r), 0);     /* overlong */
	assert_int_equal(json_utf8_decode((const unsigned char *)"\xe2\x82", 2, &r), 0);     /* short */
	struct strbuf sb = STRBUF_INIT;
	json_utf8_sanitize(&sb, "x\xe2\x82y", 4);
	assert_string_equal(sb.buf, "x\xef\xbf\xbd\xef\xbf\xbdy");
	strbuf_release(&sb);
}

static void test_get_path(void **state)
{
	json_t *j = load("{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]},\"x\":1}");
	assert_string_equal(json_string_value(json_get_path(j, "spec.containers.1.name")), "b");
	assert_int_equal(json_integer_value(json_get_path(j, "x")), 1);
	assert_ptr_equal(json_get_path(j, ""), j);
	assert_null(json_get_path(j, "spec.containers.2"));
	assert_null(json_get_path(j, "spec.containers.x"));
	assert_null(json_get_path(j, "x.y"));
	assert_null(json_get_path(j, "nope"));
	json_decref(j);
}

static void test_merge_patch(void **state)
{
	json_t *t = load("{\"a\":\"b\",\"c\":{\"d\":\"e\",\"f\":\"g\"},\"l\":[1]}");
	json_t *p = load("{\"a\":\"z\",\"c\":{\"f\":null,\"h\":{\"i\":null}},\"l\":{\"x\":1}}");
	assert_int_equal(json_merge_patch(t, p), 0);
	char *s = json_dump_go_ex(t, NULL, NULL, JSON_GO_COMPACT);
	assert_string_equal(s, "{\"a\":\"z\",\"c\":{\"d\":\"e\",\"h\":{}},\"l\":{\"x\":1}}");
	free(s);
	/* the patch is not modified */
	s = json_dump_go_ex(p, NULL, NULL, JSON_GO_COMPACT);
	assert_string_equal(s, "{\"a\":\"z\",\"c\":{\"f\":null,\"h\":{\"i\":null}},\"l\":{\"x\":1}}");
	free(s);
	json_t *arr = load("[1,null,{\"a\":null}]");
	assert_int_equal(json_merge_patch(t, arr), -EINVAL);
	json_t *n = NULL;
	assert_int_equal(json_merge_patch_new(t, arr, &n), 0);
	s = json_dump_go_ex(n, NULL, NULL, JSON_GO_COMPACT);
	assert_string_equal(s, "[1,null,{}]");
	free(s);
	json_decref(n);
	json_decref(arr);
	json_t *nul = json_null(), *num = json_integer(1);
	n = NULL;
	assert_int_equal(json_merge_patch_new(nul, t, &n), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "Invalid JSON Document");
	assert_int_equal(json_merge_patch_new(num, num, &n), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "Invalid JSON Patch");
	assert_null(n);
	json_decref(num);
	json_decref(t);
	json_decref(p);
}

/* go_quote_n against Go's strconv.Quote (printed by Go 1.26 for each rune) */
static void test_go_quote(void **state)
{
	static const struct {
		const char *in, *want;
	} v[] = {
		{ "\xc2\xa0", "\\u00a0" },
		{ "\xe1\x9a\x80", "\\u1680" },
		{ "\xe2\x80\x80", "\\u2000" },
		{ "\xe2\x80\x8b", "\\u200b" },
		{ "\xe2\x80\xa8", "\\u2028" },
		{ "\xe2\x80\xaf", "\\u202f" },
		{ "\xe2\x81\x9f", "\\u205f" },
		{ "\xe3\x80\x80", "\\u3000" },
		{ "\xee\x80\x80", "\\ue000" },
		{ "\xef\xbb\xbf", "\\ufeff" },
		{ "\xef\xbf\xbe", "\\ufffe" },
		{ "\xf4\x8f\xbf\xbf", "\\U0010ffff" },
		{ "\xf3\xa0\x80\x81", "\\U000e0001" },
		{ "\x41", "A" },
		{ "\xc3\xa9", "\xc3\xa9" },
		{ "\xe4\xb8\xad", "\xe4\xb8\xad" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
		{ "\xd8\x9c", "\\u061c" },
		{ "\xe1\xa0\x8e", "\\u180e" },
		{ "a\"b\\c\a\b\f\n\r\t\v\x01\x7f\xff", "a\\\"b\\\\c\\a\\b\\f\\n\\r\\t\\v\\x01\\x7f\\xff" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		go_quote_n(&sb, v[i].in, strlen(v[i].in));
		_cleanup_free_ char *want = xasprintf("\"%s\"", v[i].want);
		assert_string_equal(sb.buf, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_float),
		cmocka_unit_test(test_dump_order_and_escapes),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_get_path),
		cmocka_unit_test(test_merge_patch),
		cmocka_unit_test(test_go_quote),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
