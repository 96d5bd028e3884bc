/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Corefile migration port against the vectors the Go library printed
 * (tests/vectors/corefile, from tests/peers/corefilemigration): its own test cases from
 * migrate_test.go, then every Corefile found in its tests through Migrate, Deprecated,
 * Unsupported, Default and ValidUpMigration over the release chain.
 */
#include "util/testing.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addons/corefile.h"
#include "util/error.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/xalloc.h"

#define VECTORS "tests/vectors/corefile/vectors.json"

static const char *str(const json_t *v, const char *key)
{
	const char *s = json_string_value(json_object_get(v, key));
	return s ? s : "";
}

static const char *text(const json_t *corefiles, const json_t *v, const char *key)
{
	return json_string_value(json_array_get(corefiles, json_integer_value(json_object_get(v, key))));
}

/* One vector; returns NULL when it matches, else what differed (caller frees). */
static char *check(const json_t *corefiles, const json_t *v)
{
	const char *op = str(v, "op"), *from = str(v, "from"), *to = str(v, "to"), *err = str(v, "err");
	const char *in = text(corefiles, v, "in");
	int r = 0;
	error_clear();
	if (streq(op, "default")) {
		bool want = json_is_true(json_object_get(v, "bool"));
		return corefile_is_default(in) == want ? NULL : xasprintf("default: want %d", want);
	}
	if (streq(op, "validup")) {
		r = corefile_valid_up_migration(from, to);
	} else if (streq(op, "migrate")) {
		_cleanup_free_ char *out = NULL;
		r = corefile_migrate(from, to, in, json_is_true(json_object_get(v, "deprecations")), &out);
		if (r >= 0 && !*err) {
			const char *want = text(corefiles, v, "out");
			return streq(out, want) ? NULL : xasprintf("got\n%s\nwant\n%s", out, want);
		}
	} else {
		json_t *ns = NULL;
		r = streq(op, "deprecated") ? corefile_deprecated(from, to, in, &ns)
					    : corefile_unsupported(from, to, in, &ns);
		if (r >= 0 && !*err) {
			const json_t *want = json_object_get(v, "notices");
			char *diff = NULL;
			if (json_array_size(ns) != json_array_size(want))
				diff = xasprintf("%zu notices, want %zu", json_array_size(ns),
						 json_array_size(want));
			for (size_t i = 0; !diff && i < json_array_size(ns); i++) {
				_cleanup_free_ char *s = corefile_notice_string(json_array_get(ns, i));
				const char *w = json_string_value(json_array_get(want, i));
				if (!streq(s, w))
					diff = xasprintf("notice %zu: %s, want %s", i, s, w);
			}
			json_decref(ns);
			return diff;
		}
	}
	if (r < 0 && *err)
		return streq(error_message(r), err) ? NULL
						    : xasprintf("error %s, want %s", error_message(r), err);
	if (r < 0)
		return xasprintf("error %s, want success", error_message(r));
	return *err ? xasprintf("success, want error %s", err) : NULL;
}

static void test_go_vectors(void **state)
{
	(void)state;
	json_error_t jerr;
	json_t *all = json_load_file(VECTORS, 0, &jerr);
	if (!all)
		fail_msg("%s: %s", VECTORS, jerr.text);
	const json_t *corefiles = json_object_get(all, "corefiles");
	const json_t *vectors = json_object_get(all, "vectors");
	assert_true(json_array_size(vectors) > 1000);
	size_t i, failed = 0, per_op[5] = { 0 };
	static const char *const ops[] = { "migrate", "deprecated", "unsupported", "default", "validup" };
	const json_t *v;
	json_array_foreach(vectors, i, v) {
		for (size_t k = 0; k < 5; k++)
			per_op[k] += streq(str(v, "op"), ops[k]);
		_cleanup_free_ char *diff = check(corefiles, v);
		if (diff && failed++ < 10)
			fprintf(stderr, "%s: %s\n", str(v, "name"), diff);
	}
	fprintf(stderr, "corefile vectors: %zu checked, %zu failed\n", json_array_size(vectors), failed);
	for (size_t k = 0; k < 5; k++) /* every operation has vectors */
		assert_true(per_op[k] > 0);
	json_decref(all);
	assert_int_equal(failed, 0);
}

/* kubeadm's own case: its Corefile going from the CoreDNS of v1.36 to v1.37's is retained. */
static void test_kubeadm_corefile(void **state)
{
	(void)state;
	static const char cf[] =
		".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n"
		"    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n"
		"       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n"
		"    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n"
		"    }\n    cache 30 {\n       disable success cluster.local\n"
		"       disable denial cluster.local\n    }\n    loop\n    reload\n    loadbalance\n}\n";
	json_t *ns = NULL;
	assert_int_equal(corefile_unsupported("1.14.2", "1.14.6", cf, &ns), 0);
	assert_int_equal(json_array_size(ns), 0);
	json_decref(ns);
	assert_int_equal(corefile_deprecated("1.14.2", "1.14.6", cf, &ns), 0);
	assert_int_equal(json_array_size(ns), 0);
	json_decref(ns);
	assert_int_equal(corefile_valid_up_migration("1.6.2-100", "1.14.6"), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "start version '1.6.2-100' not supported");
	assert_int_equal(corefile_migrate("1.14.6", "1.14.2", cf, false, &(char *){ NULL }), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "cannot migrate up to '1.14.2' from '1.14.6'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_vectors),
		cmocka_unit_test(test_kubeadm_corefile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
