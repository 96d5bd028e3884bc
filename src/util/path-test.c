/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <stdlib.h>

#include "util/path.h"

/* Cases from Go's path/filepath tests (cleantests, jointests). */
static void test_clean(void **state)
{
	static const char *const cases[][2] = {
		{ "abc", "abc" }, { "abc/def", "abc/def" }, { "a/b/c", "a/b/c" }, { ".", "." },
		{ "..", ".." }, { "../..", "../.." }, { "../../abc", "../../abc" }, { "/abc", "/abc" },
		{ "/", "/" }, { "", "." }, { "abc/", "abc" }, { "abc/def/", "abc/def" },
		{ "a/b/c/", "a/b/c" }, { "./", "." }, { "../", ".." }, { "../../", "../.." },
		{ "/abc/", "/abc" }, { "abc//def//ghi", "abc/def/ghi" }, { "//abc", "/abc" },
		{ "///abc", "/abc" }, { "//abc//", "/abc" }, { "abc//", "abc" },
		{ "abc/./def", "abc/def" }, { "/./abc/def", "/abc/def" }, { "abc/.", "abc" },
		{ "abc/def/ghi/../jkl", "abc/def/jkl" }, { "abc/def/../ghi/../jkl", "abc/jkl" },
		{ "abc/def/..", "abc" }, { "abc/def/../..", "." }, { "/abc/def/../..", "/" },
		{ "abc/def/../../..", ".." }, { "/abc/def/../../..", "/" },
		{ "abc/def/../../../ghi/jkl/../../../mno", "../../mno" }, { "/../abc", "/abc" },
		{ "abc/./../def", "def" }, { "abc//./../def", "def" }, { "abc/../../././../def", "../../def" },
		{ "/srv/pki/", "/srv/pki" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *c = path_clean(cases[i][0]);
		assert_string_equal(c, cases[i][1]);
		free(c);
	}
}

static void test_join(void **state)
{
	static const char *const cases[][3] = {
		{ "a", "b", "a/b" }, { "a", "", "a" }, { "", "b", "b" }, { "/", "a", "/a" },
		{ "/", "", "/" }, { "a/", "b", "a/b" }, { "a/", "", "a" }, { "", "", "" },
		{ "/srv/pki/", "ca.crt", "/srv/pki/ca.crt" }, { "/etc/kubernetes", "../x", "/etc/x" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *j = path_join(cases[i][0], cases[i][1]);
		assert_string_equal(j, cases[i][2]);
		free(j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_join),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
