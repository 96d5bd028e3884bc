/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <errno.h>
#include <string.h>

#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

static void test_strbuf_grows(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	assert_string_equal(sb.buf, "");
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i % 10);
	assert_int_equal(sb.len, 2000);
	assert_memory_equal(sb.buf, "0,1,2,", 6);
	strbuf_setlen(&sb, 3);
	strbuf_addstr(&sb, "  \n");
	strbuf_rtrim(&sb);
	assert_string_equal(sb.buf, "0,1");
	_cleanup_free_ char *d = strbuf_detach(&sb, NULL);
	assert_string_equal(d, "0,1");
	assert_int_equal(sb.len, 0);
}

/* UTF-8 of one code point of each length */
static void test_strbuf_add_rune(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	strbuf_add_rune(&sb, 'A');
	strbuf_add_rune(&sb, 0xE9);
	strbuf_add_rune(&sb, 0x20AC);
	strbuf_add_rune(&sb, 0x1F600);
	strbuf_add_rune(&sb, 0x10FFFF);
	assert_string_equal(sb.buf, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF");
}

static void test_strv_split_join(void **state)
{
	_cleanup_strv_free_ char **v = strv_split("a,,b,c", ',', false);
	assert_int_equal(strv_length(v), 4);
	_cleanup_strv_free_ char **w = strv_split("a,,b,c", ',', true);
	assert_int_equal(strv_length(w), 3);
	_cleanup_free_ char *j = strv_join(w, "|");
	assert_string_equal(j, "a|b|c");
	assert_true(strv_contains(w, "b"));
	assert_false(strv_contains(w, ""));
}

static void test_parse_numbers(void **state)
{
	int v = 0;
	assert_int_equal(parse_int("6443", 0, 65535, &v), 0);
	assert_int_equal(v, 6443);
	assert_int_equal(parse_int("65536", 0, 65535, &v), -ERANGE);
	assert_int_equal(parse_int("12a", 0, 65535, &v), -EINVAL);
	assert_int_equal(parse_int("", 0, 65535, &v), -EINVAL);
	assert_int_equal(parse_int(" 1", 0, 65535, &v), -EINVAL);
	bool b = false;
	assert_int_equal(parse_bool("True", &b), 0);
	assert_true(b);
	assert_int_equal(parse_bool("yes", &b), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf_grows),
		cmocka_unit_test(test_strbuf_add_rune),
		cmocka_unit_test(test_strv_split_join),
		cmocka_unit_test(test_parse_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
