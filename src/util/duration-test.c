/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <errno.h>
#include <string.h>

#include "util/duration.h"
#include "util/error.h"

static void check(const char *in, int64_t want_ns, const char *want_str)
{
	int64_t ns = -1;
	char buf[DURATION_BUF];
	assert_int_equal(duration_parse(in, &ns), 0);
	assert_true(ns == want_ns);
	assert_string_equal(duration_format(ns, buf, sizeof(buf)), want_str);
}

static void test_parse_format(void **state)
{
	check("24h", INT64_C(24) * 3600 * 1000000000, "24h0m0s");
	check("87600h0m0s", INT64_C(87600) * 3600 * 1000000000, "87600h0m0s");
	check("4m", INT64_C(240) * 1000000000, "4m0s");
	check("1.5s", INT64_C(1500000000), "1.5s");
	check("0", 0, "0s");
	check("-2us", -2000, "-2\xc2\xb5s");
	check("100ms", 100000000, "100ms");
	check("1h30m", INT64_C(5400) * 1000000000, "1h30m0s");
	check("3ns", 3, "3ns");
	check("+.5m", INT64_C(30) * 1000000000, "30s");
	check("2562047h47m16.854775807s", INT64_MAX, "2562047h47m16.854775807s");
}

static void test_errors(void **state)
{
	int64_t ns;
	assert_int_equal(duration_parse("5x", &ns), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "time: unknown unit \"x\" in duration \"5x\"");
	assert_int_equal(duration_parse("5", &ns), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "time: missing unit in duration \"5\"");
	assert_int_equal(duration_parse("", &ns), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "time: invalid duration \"\"");
	assert_int_equal(duration_parse("h", &ns), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "time: invalid duration \"h\"");
	assert_int_equal(duration_parse("9999999999h", &ns), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "time: invalid duration \"9999999999h\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
