/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phases/upgrade/staticpods.h"
#include "util/error.h"
#include "util/xalloc.h"

static void write_text(const char *dir, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static bool equal(const char *dir, const char *a, const char *b, int *ret_r)
{
	char *pa = xasprintf("%s/%s", dir, a), *pb = xasprintf("%s/%s", dir, b);
	bool eq = false;
	*ret_r = upgrade_manifest_files_equal(pa, pb, &eq);
	free(pa);
	free(pb);
	return eq;
}

/* ManifestFilesAreEqual compares Pods, not bytes: order of keys and YAML style do not count,
 * a value does; a missing file is ReadStaticPodFromDisk's error. */
static void test_manifest_files_equal(void **state)
{
	(void)state;
	struct testing_env t;
	testing_env_init(&t, "staticpods-test");
	write_text(t.dir, "a.yaml",
		   "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\n"
		   "spec:\n  containers:\n  - command:\n    - kube-apiserver\n    - --v=2\n    image: x:1\n    name: kube-apiserver\n");
	write_text(t.dir, "b.yaml",
		   "kind: Pod\napiVersion: v1\nspec:\n  containers:\n    - name: kube-apiserver\n      image: \"x:1\"\n"
		   "      command: [kube-apiserver, --v=2]\nmetadata: {namespace: kube-system, name: kube-apiserver}\n");
	write_text(t.dir, "c.yaml",
		   "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\n"
		   "spec:\n  containers:\n  - command:\n    - kube-apiserver\n    - --v=3\n    image: x:1\n    name: kube-apiserver\n");
	int r;
	assert_true(equal(t.dir, "a.yaml", "b.yaml", &r));
	assert_int_equal(r, 0);
	assert_false(equal(t.dir, "a.yaml", "c.yaml", &r));
	assert_int_equal(r, 0);
	equal(t.dir, "a.yaml", "missing.yaml", &r);
	assert_int_equal(r, -ENOENT);
	char *want = xasprintf("failed to read manifest for \"%s/missing.yaml\": open %s/missing.yaml: no such file or directory",
			       t.dir, t.dir);
	assert_string_equal(error_message(r), want);
	free(want);
	error_clear();
	testing_env_release(&t);
}

/* CreateTimestampDir: <name>-YYYY-MM-DD-HH-MM-SS, 0700; the same second twice is an error. */
static void test_timestamp_dir(void **state)
{
	(void)state;
	struct testing_env t;
	testing_env_init(&t, "staticpods-test");
	char *a = NULL, *b = NULL;
	int r = 0;
	/* two calls in the same second: retry the pair if the clock ticked in between */
	for (int i = 0; i < 3; i++) {
		free(a);
		a = NULL;
		assert_int_equal(upgrade_create_timestamp_dir(t.dir, "kubeadm-backup-manifests", &a), 0);
		r = upgrade_create_timestamp_dir(t.dir, "kubeadm-backup-manifests", &b);
		if (r < 0)
			break;
		free(b);
		b = NULL;
	}
	assert_int_equal(r, -EEXIST);
	assert_non_null(strstr(error_message(r), "could not create timestamp directory: mkdir "));
	error_clear();
	char *pattern = xasprintf("^%s/kubeadm-backup-manifests-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}$",
				  t.dir);
	regex_t re;
	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	assert_int_equal(regexec(&re, a, 0, NULL, 0), 0);
	regfree(&re);
	struct stat st;
	assert_int_equal(stat(a, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	free(pattern);
	free(a);
	testing_env_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_files_equal),
		cmocka_unit_test(test_timestamp_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
