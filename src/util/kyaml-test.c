/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <stdio.h>
#include <string.h>

#include "util/json.h"
#include "util/kyaml.h"
#include "util/strbuf.h"

/* printed by tests/peers/jsonpathvec -kyaml (sigs.k8s.io/yaml/kyaml's Encoder) */
#define VECTORS "tests/vectors/jsonpath/kyaml.json"

static void test_go_vectors(void **state)
{
	(void)state;
	json_error_t err;
	_cleanup_json_ json_t *all = json_load_file(VECTORS, 0, &err);
	if (!all)
		fail_msg("%s: %s", VECTORS, err.text);
	size_t i, failed = 0;
	json_t *v;
	json_array_foreach(all, i, v) {
		const char *in = json_string_value(json_object_get(v, "json"));
		const char *want = json_string_value(json_object_get(v, "kyaml"));
		_cleanup_json_ json_t *doc = json_loads(in, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
		if (!doc)
			fail_msg("%s: %s", in, err.text);
		struct strbuf out = STRBUF_INIT;
		kyaml_from_json(doc, &out);
		if (!streq(out.buf, want)) {
			fprintf(stderr, "kyaml of %s:\n%s\nwant:\n%s\n", in, out.buf, want);
			failed++;
		}
		strbuf_release(&out);
	}
	fprintf(stderr, "kyaml vectors: %zu checked, %zu failed\n", json_array_size(all), failed);
	assert_true(json_array_size(all) >= 10);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
