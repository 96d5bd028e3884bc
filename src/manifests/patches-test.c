/* SPDX-License-Identifier: Apache-2.0 */
/* The patch engines: RFC 6902 (json-patch.v4 flavour), RFC 7386 and strategic merge. */
#include "util/testing.h"

#include <errno.h>
#include <string.h>

#include "manifests/patches.h"
#include "manifests/schema.h"
#include "util/error.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "util/yaml.h"

#define VECTORS "tests/vectors/patches/vectors.json"

static json_t *J(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, JSON_DECODE_ANY, &e);
	if (!j)
		fail_msg("bad test JSON: %s: %s", s, e.text);
	return j;
}

static void expect_json(json_t *got, const char *want)
{
	json_t *w = J(want);
	if (!json_equal(got, w)) {
		char *g = json_dumps(got, JSON_SORT_KEYS | JSON_ENCODE_ANY);
		fail_msg("got %s, want %s", g, want);
	}
	json_decref(w);
}

/* Applies an RFC 6902 patch; want NULL: expect an error with message err. */
static void jp(const char *doc, const char *patch, const char *want, const char *err)
{
	json_t *d = J(doc), *p = J(patch);
	int r = patch_json_apply(&d, p);
	if (want) {
		if (r < 0)
			fail_msg("%s on %s: %s", patch, doc, error_message(r));
		expect_json(d, want);
	} else {
		assert_true(r < 0);
		if (err)
			assert_string_equal(error_message(r), err);
		/* nothing applied on error */
		expect_json(d, doc);
	}
	json_decref(d);
	json_decref(p);
}

/* RFC 6902 appendix A */
static void test_json_patch_rfc6902(void **state)
{
	jp("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]",
	   "{\"baz\":\"qux\",\"foo\":\"bar\"}", NULL);
	jp("{\"foo\":[\"bar\",\"baz\"]}", "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]",
	   "{\"foo\":[\"bar\",\"qux\",\"baz\"]}", NULL);
	jp("{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]",
	   "{\"foo\":\"bar\"}", NULL);
	jp("{\"foo\":[\"bar\",\"qux\",\"baz\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]",
	   "{\"foo\":[\"bar\",\"baz\"]}", NULL);
	jp("{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]",
	   "{\"baz\":\"boo\",\"foo\":\"bar\"}", NULL);
	jp("{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
	   "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]",
	   "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}", NULL);
	jp("{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}",
	   "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]",
	   "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}", NULL);
	jp("{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}",
	   "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]",
	   "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}", NULL);
	jp("{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]", NULL,
	   "testing value /baz failed: test failed");
	jp("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]",
	   "{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}", NULL);
	jp("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]", NULL,
	   "add operation does not apply: doc is missing path: \"/baz/bat\": missing value");
	jp("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]",
	   "{\"/\":9,\"~1\":10}", NULL);
	jp("{\"foo\":[\"bar\"]}", "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]",
	   "{\"foo\":[\"bar\",[\"abc\",\"def\"]]}", NULL);
	jp("{\"foo\":\"bar\"}", "[{\"op\":\"copy\",\"from\":\"/foo\",\"path\":\"/baz\"}]",
	   "{\"foo\":\"bar\",\"baz\":\"bar\"}", NULL);
}

/* The json-patch.v4 behaviour kubeadm inherits */
static void test_json_patch_quirks(void **state)
{
	/* negative indices count from the end */
	jp("{\"a\":[1,2,3]}", "[{\"op\":\"remove\",\"path\":\"/a/-1\"}]", "{\"a\":[1,2]}", NULL);
	/* replace of a missing object key adds it */
	jp("{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"/b\",\"value\":2}]", "{\"a\":1,\"b\":2}", NULL);
	jp("{\"a\":[1]}", "[{\"op\":\"add\",\"path\":\"/a/5\",\"value\":2}]", NULL,
	   "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced");
	jp("{\"a\":[1]}", "[{\"op\":\"add\",\"path\":\"/a/x\",\"value\":2}]", NULL,
	   "error in add for path: '/a/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax");
	jp("{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"/b\"}]", NULL,
	   "error in remove for path: '/b': Unable to remove nonexistent key: b: missing value");
	jp("{\"a\":1}", "[{\"op\":\"frob\",\"path\":\"/b\"}]", NULL, "Unexpected kind: frob");
	jp("{\"a\":1}", "[{\"path\":\"/b\"}]", NULL, "Unexpected kind: unknown");
	jp("{\"a\":1}", "{\"op\":\"add\"}", NULL,
	   "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
	/* a failing op leaves the document untouched */
	jp("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/b\",\"value\":2},{\"op\":\"test\",\"path\":\"/a\",\"value\":2}]",
	   NULL, "testing value /a failed: test failed");
}

static void mp(const char *doc, const char *patch, const char *want)
{
	json_t *d = J(doc), *p = J(patch);
	int r = patch_merge_apply(&d, p);
	if (!want) {
		assert_true(r < 0);
		assert_string_equal(error_message(r), "Invalid JSON Patch");
	} else {
		assert_int_equal(r, 0);
		expect_json(d, want);
	}
	json_decref(d);
	json_decref(p);
}

/* RFC 7386 appendix A, with json-patch.v4's handling of non-object patches */
static void test_merge_patch(void **state)
{
	mp("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
	mp("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}");
	mp("{\"a\":\"b\"}", "{\"a\":null}", "{}");
	mp("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}");
	mp("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
	mp("{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}");
	mp("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}");
	mp("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}");
	mp("{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}");
	mp("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}");
	mp("{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]");
	mp("{\"a\":\"b\"}", "\"x\"", NULL);
	mp("{\"a\":\"b\"}", "null", NULL);
}

static json_t *pod(void)
{
	return J("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"etcd\",\"labels\":{\"a\":\"b\"}},"
		 "\"spec\":{\"containers\":[{\"name\":\"etcd\",\"image\":\"i\",\"command\":[\"etcd\",\"--x=1\"],"
		 "\"env\":[{\"name\":\"A\",\"value\":\"1\"}],"
		 "\"volumeMounts\":[{\"name\":\"v1\",\"mountPath\":\"/a\"},{\"name\":\"v2\",\"mountPath\":\"/b\"}],"
		 "\"resources\":{\"requests\":{\"cpu\":\"100m\"}}}],"
		 "\"volumes\":[{\"name\":\"v1\",\"hostPath\":{\"path\":\"/a\"}},{\"name\":\"v2\",\"hostPath\":{\"path\":\"/b\"}}]}}");
}

static void smp(const char *patch, const char *path, const char *want)
{
	json_t *d = pod(), *p = J(patch);
	int r = patch_strategic_apply(&d, p, schema_root("pod"));
	if (r < 0)
		fail_msg("%s: %s", patch, error_message(r));
	char *w = json_dumps(json_get_path(d, path), JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(w, want);
	free(w);
	json_decref(d);
	json_decref(p);
}

static void test_strategic(void **state)
{
	/* containers merge by name; a new one goes first (mergeSortedSlice: an item missing
	 * from the live list wins the comparison), as apimachinery does */
	smp("{\"spec\":{\"containers\":[{\"name\":\"etcd\",\"image\":\"j\"}]}}", "spec.containers.0.image", "\"j\"");
	smp("{\"spec\":{\"containers\":[{\"name\":\"side\",\"image\":\"s\"}]}}", "spec.containers.0.name", "\"side\"");
	/* env merges by name */
	smp("{\"spec\":{\"containers\":[{\"name\":\"etcd\",\"env\":[{\"name\":\"B\",\"value\":\"2\"}]}]}}",
	    "spec.containers.0.env", "[{\"name\":\"B\",\"value\":\"2\"},{\"name\":\"A\",\"value\":\"1\"}]");
	/* volumeMounts merge by mountPath */
	smp("{\"spec\":{\"containers\":[{\"name\":\"etcd\",\"volumeMounts\":[{\"mountPath\":\"/b\",\"name\":\"v3\"}]}]}}",
	    "spec.containers.0.volumeMounts",
	    "[{\"mountPath\":\"/a\",\"name\":\"v1\"},{\"mountPath\":\"/b\",\"name\":\"v3\"}]");
	/* command has no strategy: replaced */
	smp("{\"spec\":{\"containers\":[{\"name\":\"etcd\",\"command\":[\"x\"]}]}}", "spec.containers.0.command", "[\"x\"]");
	/* $patch: delete in a merging list */
	smp("{\"spec\":{\"volumes\":[{\"name\":\"v1\",\"$patch\":\"delete\"}]}}", "spec.volumes",
	    "[{\"hostPath\":{\"path\":\"/b\"},\"name\":\"v2\"}]");
	/* $patch: replace of a map */
	smp("{\"metadata\":{\"labels\":{\"$patch\":\"replace\",\"c\":\"d\"}}}", "metadata.labels", "{\"c\":\"d\"}");
	/* null deletes */
	smp("{\"metadata\":{\"labels\":{\"a\":null}}}", "metadata.labels", "{}");
	/* $setElementOrder */
	smp("{\"spec\":{\"$setElementOrder/volumes\":[{\"name\":\"v2\"},{\"name\":\"v1\"}]}}", "spec.volumes",
	    "[{\"hostPath\":{\"path\":\"/b\"},\"name\":\"v2\"},{\"hostPath\":{\"path\":\"/a\"},\"name\":\"v1\"}]");
	/* $retainKeys on the volume source */
	smp("{\"spec\":{\"volumes\":[{\"name\":\"v1\",\"$retainKeys\":[\"name\",\"emptyDir\"],\"emptyDir\":{}}]}}",
	    "spec.volumes.0", "{\"emptyDir\":{},\"name\":\"v1\"}");
}

static void test_strategic_errors(void **state)
{
	json_t *d = pod();
	json_t *p = J("{\"spec\":{\"containers\":[{\"image\":\"x\"}]}}");
	int r = patch_strategic_apply(&d, p, schema_root("pod"));
	assert_true(r < 0);
	assert_string_equal(error_message(r), "map: map[image:x] does not contain declared merge key: name");
	json_decref(p);
	p = J("[1]");
	r = patch_strategic_apply(&d, p, schema_root("pod"));
	assert_true(r < 0);
	assert_string_equal(error_message(r), "invalid JSON document");
	json_decref(p);
	p = J("{\"metadata\":{\"labels\":{\"$patch\":\"frob\"}}}");
	r = patch_strategic_apply(&d, p, schema_root("pod"));
	assert_true(r < 0);
	assert_string_equal(error_message(r), "unknown patch type: frob in map: map[$patch:frob]");
	json_decref(p);
	json_decref(d);
}

static void test_normalize(void **state)
{
	json_t *p = J("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\",\"unknown\":1},"
		      "\"spec\":{\"containers\":[{\"name\":\"c\",\"env\":[],\"resources\":{\"requests\":null}}],"
		      "\"hostNetwork\":false,\"securityContext\":{}}}");
	json_t *n = NULL;
	assert_int_equal(schema_normalize(schema_root("pod"), p, &n), 0);
	expect_json(n, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"},"
		       "\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{}}],\"securityContext\":{}},"
		       "\"status\":{}}");
	json_decref(n);
	json_decref(p);
	p = J("{\"spec\":{\"containers\":[{\"name\":1}]}}");
	assert_true(schema_normalize(schema_root("pod"), p, &n) < 0);
	assert_string_equal(error_message(-EINVAL),
			    "json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string");
	json_decref(p);
}

/* Every case of tests/vectors/patches/vectors.json (made by tests/peers/patchvec from the Go
 * libraries kubeadm uses): same result, or the same error text. */
static void test_go_vectors(void **state)
{
	json_error_t e;
	json_t *all = json_load_file(VECTORS, 0, &e);
	if (!all)
		fail_msg("%s: %s", VECTORS, e.text);
	assert_true(json_array_size(all) >= 80);
	size_t i, failed = 0;
	json_t *c;
	json_array_foreach(all, i, c) {
		const char *kind = json_string_value(json_object_get(c, "kind"));
		const char *want = json_string_value(json_object_get(c, "want"));
		const char *err = json_string_value(json_object_get(c, "err"));
		json_t *doc = J(json_string_value(json_object_get(c, "doc")));
		json_t *patch = NULL;
		const char *ps = json_string_value(json_object_get(c, "patch"));
		if (ps && *ps)
			patch = J(ps);
		int r = 0;
		char *got = NULL;
		error_clear();
		if (streq(kind, "json"))
			r = patch_json_apply(&doc, patch);
		else if (streq(kind, "merge"))
			r = patch_merge_apply(&doc, patch);
		else if (streq(kind, "smp-pod"))
			r = patch_strategic_apply(&doc, patch, schema_root("pod"));
		else if (streq(kind, "smp-kubelet"))
			r = patch_strategic_apply(&doc, patch, schema_root("kubelet"));
		if (streq(kind, "pod-yaml")) {
			json_t *n = NULL;
			r = schema_normalize(schema_root("pod"), doc, &n);
			if (r >= 0) {
				got = yaml_from_json(n);
				json_decref(n);
			}
		} else if (r >= 0) {
			got = json_dump_go_ex(doc, "", "", JSON_GO_COMPACT | JSON_GO_SORT_KEYS);
		}
		bool ok;
		if (err && streq(kind, "pod-yaml")) {
			/* kubeadm's UniversalUnmarshal wraps: "failed to decode <doc> into
			 * runtime.Object: <decode error>" (manifests_pod_patch adds the wrapper) */
			const char *m = r < 0 ? error_message(r) : "";
			size_t ml = strlen(m), el = strlen(err);
			ok = r < 0 && strncmp(err, "failed to decode ", 17) == 0 && el > ml + 2 &&
			     streq(err + el - ml, m) && strncmp(err + el - ml - 2, ": ", 2) == 0;
		} else if (err)
			ok = r < 0 && streq(error_message(r), err);
		else
			ok = r >= 0 && got && streq(got, want);
		if (!ok) {
			failed++;
			print_message("vector %zu (%s %s):\n  want %s\n  got  %s\n", i, kind, ps ? ps : "",
				      err ? err : want, r < 0 ? error_message(r) : got);
		}
		free(got);
		json_decref(doc);
		json_decref(patch);
	}
	json_decref(all);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_patch_rfc6902),
		cmocka_unit_test(test_json_patch_quirks),
		cmocka_unit_test(test_merge_patch),
		cmocka_unit_test(test_strategic),
		cmocka_unit_test(test_strategic_errors),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_go_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
