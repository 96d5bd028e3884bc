/* SPDX-License-Identifier: Apache-2.0 */
/* util/difflib against the vectors go-difflib printed (tests/vectors/difflib, from
 * tests/peers/difflibvec). */
#include "util/testing.h"

#include <stdio.h>
#include <string.h>

#include "util/difflib.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define VECTORS "tests/vectors/difflib/vectors.json"

static char **lines(const json_t *arr)
{
	char **v = xnew0(char *);
	size_t i;
	const json_t *s;
	json_array_foreach(arr, i, s) strv_push(&v, json_string_value(s));
	return v;
}

static const char *str(const json_t *v, const char *key)
{
	return json_string_value(json_object_get(v, key));
}

static void test_go_vectors(void **state)
{
	(void)state;
	json_error_t err;
	json_t *all = json_load_file(VECTORS, 0, &err);
	if (!all)
		fail_msg("%s: %s", VECTORS, err.text);
	assert_true(json_array_size(all) > 300);
	size_t i, failed = 0, nonempty = 0;
	const json_t *v;
	json_array_foreach(all, i, v) {
		_cleanup_strv_free_ char **a = lines(json_object_get(v, "a"));
		_cleanup_strv_free_ char **b = lines(json_object_get(v, "b"));
		_cleanup_free_ char *got = NULL;
		const char *want;
		if (streq(str(v, "op"), "split")) {
			_cleanup_strv_free_ char **want_lines = lines(json_object_get(v, "lines"));
			_cleanup_strv_free_ char **split = difflib_split_lines(str(v, "in") ? str(v, "in") : "");
			got = strv_join(split, "|");
			_cleanup_free_ char *w = strv_join(want_lines, "|");
			if (!streq(got, w) && failed++ < 10)
				fprintf(stderr, "%s: got %s want %s\n", str(v, "name"), got, w);
			continue;
		}
		struct difflib_unified d = {
			.a = a, .b = b, .from_file = str(v, "fromFile"), .to_file = str(v, "toFile"),
			.from_date = str(v, "fromDate"), .to_date = str(v, "toDate"), .eol = str(v, "eol"),
			.context = (int)json_integer_value(json_object_get(v, "context")),
		};
		got = difflib_unified_diff(&d);
		want = str(v, "out");
		nonempty += *want != 0;
		if (!streq(got, want) && failed++ < 10)
			fprintf(stderr, "%s:\ngot:\n%swant:\n%s\n", str(v, "name"), got, want);
	}
	fprintf(stderr, "difflib vectors: %zu checked (%zu non-empty diffs), %zu failed\n",
		json_array_size(all), nonempty, failed);
	assert_true(nonempty > 200);
	json_decref(all);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
