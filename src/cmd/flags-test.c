/* SPDX-License-Identifier: Apache-2.0 */
/* util/flags.c: Go-compatible value parsing, pflag parsing and FlagUsages rendering. */
#include "util/testing.h"

#include <string.h>

#include "util/error.h"
#include "util/flags.h"
#include "util/strbuf.h"

static void test_duration(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "24h", "24h0m0s" }, { "1.5h", "1h30m0s" }, { "0", "0s" }, { "-1s", "-1s" },
		{ "300ms", "300ms" }, { "1us", "1\xc2\xb5s" }, { "2h45m", "2h45m0s" }, { "1ns", "1ns" },
		{ "90s", "1m30s" }, { "1.000000001s", "1.000000001s" },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		int64_t ns;
		assert_int_equal(go_parse_duration(ok[i].in, &ns), 0);
		struct strbuf sb = STRBUF_INIT;
		go_format_duration(ns, &sb);
		assert_string_equal(sb.buf, ok[i].out);
		strbuf_release(&sb);
	}
	int64_t ns;
	assert_int_equal(go_parse_duration("x", &ns), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "time: invalid duration \"x\"");
	assert_int_equal(go_parse_duration("5", &ns), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "time: missing unit in duration \"5\"");
	assert_int_equal(go_parse_duration("5q", &ns), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "time: unknown unit \"q\" in duration \"5q\"");
}

static void test_parse_int(void **state)
{
	int64_t v;
	assert_int_equal(go_parse_int("0x10", 0, 32, &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(go_parse_int("010", 0, 32, &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(go_parse_int("1_000", 0, 32, &v), 0);
	assert_int_equal(v, 1000);
	assert_true(go_parse_int("_1", 0, 32, &v) < 0);
	assert_string_equal(error_message(-EINVAL), "strconv.ParseInt: parsing \"_1\": invalid syntax");
	assert_true(go_parse_int("1_000", 10, 32, &v) < 0);
	assert_true(go_parse_int("2147483648", 0, 32, &v) < 0);
	assert_string_equal(error_message(-EINVAL),
			    "strconv.ParseInt: parsing \"2147483648\": value out of range");
	assert_int_equal(go_parse_int("-2147483648", 0, 32, &v), 0);
	assert_true(v == -2147483648LL);
	assert_true(go_parse_int("", 10, 32, &v) < 0);
}

static const struct flag table[] = {
	{ .name = "output", .shorthand = 'o', .type = FLAG_STRING, .def = "text", .usage = "Output format" },
	{ .name = "dry-run", .type = FLAG_BOOL, .usage = "Don't apply" },
	{ .name = "sans", .type = FLAG_STRING_SLICE, .usage = "SANs",
	  .config_path = "ClusterConfiguration.apiServer.certSANs" },
	{ .name = "port", .type = FLAG_INT32, .def = "6443", .usage = "Port",
	  .config_path = "InitConfiguration.localAPIEndpoint.bindPort" },
	{ .name = "ttl", .type = FLAG_DURATION, .def = "24h0m0s", .usage = "TTL" },
	{ .name = "gates", .type = FLAG_STRING, .usage = "Gates:\nA=true|false" },
	{ .name = "old", .type = FLAG_STRING, .usage = "old", .deprecated = "use new" },
	{ 0 },
};

static void test_parse(void **state)
{
	struct flagset fs;
	flagset_init(&fs);
	flagset_add_table(&fs, table, true);
	char *argv[] = { "-ojson", "a", "--dry-run", "--sans=x,\"y,z\"", "--sans", "w",
			 "--port", "0x10", "--old=1", "--", "--port" };
	assert_int_equal(flagset_parse(&fs, argv, sizeof(argv) / sizeof(argv[0])), 0);
	assert_string_equal(flagset_get_string(&fs, "output"), "json");
	assert_true(flagset_get_bool(&fs, "dry-run"));
	char *const *sans = flagset_get_strv(&fs, "sans");
	assert_string_equal(sans[0], "x");
	assert_string_equal(sans[1], "y,z");
	assert_string_equal(sans[2], "w");
	assert_null(sans[3]);
	assert_string_equal(flagset_get_string(&fs, "sans"), "[x,\"y,z\",w]");
	assert_int_equal(flagset_get_int(&fs, "port"), 16);
	assert_string_equal(fs.args[0], "a");
	assert_string_equal(fs.args[1], "--port");
	assert_int_equal(fs.args_len_at_dash, 1);
	assert_string_equal(fs.warnings.buf, "Flag --old has been deprecated, use new\n");

	json_t *ov;
	assert_int_equal(flagset_overrides(&fs, &ov), 0);
	char *j = json_dumps(ov, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(j, "{\"ClusterConfiguration\":{\"apiServer\":{\"certSANs\":[\"x\",\"y,z\",\"w\"]}},"
			       "\"InitConfiguration\":{\"localAPIEndpoint\":{\"bindPort\":16}}}");
	free(j);
	json_decref(ov);
	flagset_release(&fs);

	flagset_init(&fs);
	flagset_add_table(&fs, table, true);
	char *bad[] = { "--ttl=5q" };
	assert_int_equal(flagset_parse(&fs, bad, 1), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "invalid argument \"5q\" for \"--ttl\" flag: time: unknown unit \"q\" in duration \"5q\"");
	char *bad2[] = { "-x" };
	assert_int_equal(flagset_parse(&fs, bad2, 1), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "unknown shorthand flag: 'x' in -x");
	char *bad3[] = { "--output" };
	assert_int_equal(flagset_parse(&fs, bad3, 1), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "flag needs an argument: --output");
	char *bad4[] = { "--dry_run" };
	assert_int_equal(flagset_parse(&fs, bad4, 1), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "unknown flag: --dry_run");
	flagset_release(&fs);
}

static void test_usages(void **state)
{
	struct flagset fs;
	flagset_init(&fs);
	flagset_add_table(&fs, table, true);
	struct strbuf sb = STRBUF_INIT;
	flagset_usages(&fs, true, &sb);
	assert_string_equal(sb.buf,
			    "      --dry-run         Don't apply\n"
			    "      --gates string    Gates:\n"
			    "                        A=true|false\n"
			    "  -o, --output string   Output format (default \"text\")\n"
			    "      --port int32      Port (default 6443)\n"
			    "      --sans strings    SANs\n"
			    "      --ttl duration    TTL (default 24h0m0s)");
	strbuf_release(&sb);
	flagset_release(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_usages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
