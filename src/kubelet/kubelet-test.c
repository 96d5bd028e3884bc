/* SPDX-License-Identifier: Apache-2.0 */
/* The kubelet's env file (kubeadm-flags.env) and the in-memory patched KubeletConfiguration. */
#include "util/testing.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kubelet/kubelet.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"

static char *tmpdir(void)
{
	char *d = xstrdup("/tmp/kubelet-test.XXXXXX");
	if (!mkdtemp(d))
		fail_msg("mkdtemp: %s", strerror(errno));
	return d;
}

static void rm_rf(const char *dir)
{
	if (testing_rm_rf(dir) != 0)
		fail_msg("rm -rf %s failed", dir);
}

static char *hostname(void)
{
	char buf[256] = "";
	assert_int_equal(gethostname(buf, sizeof(buf) - 1), 0);
	for (char *p = buf; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return xstrdup(buf);
}

static struct cfg_taint taints[] = {
	{ .key = "example.com/a", .value = "1", .effect = "NoSchedule" },
	{ .key = "example.com/b", .effect = "PreferNoSchedule" },
	{ .key = "example.com/c", .value = "x" },
	{ .key = "example.com/d" },
};

/* Writes the env file for nr and compares its whole content with want. */
static void expect_env(const struct cfg_node_registration *nr, bool register_taints,
		       const char *want)
{
	char *dir = tmpdir();
	char *sub = xasprintf("%s/var/lib/kubelet", dir);
	assert_int_equal(kubelet_write_dynamic_env_file(AT_FDCWD, sub, nr, register_taints), 0);
	char *path = xasprintf("%s/kubeadm-flags.env", sub);
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(fs_read_file(AT_FDCWD, path, 1 << 20, &data, &len), 0);
	assert_string_equal(data, want);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	free(data);
	free(path);
	free(sub);
	rm_rf(dir);
	free(dir);
}

/* a worker: --register-with-taints with every v1.Taint.ToString form, in the list's order,
 * sorted after hostname-override, before the extra args */
static void test_worker_taints(void **state)
{
	(void)state;
	struct cfg_arg extra[] = { { .name = "v", .value = "4" } };
	struct cfg_node_registration nr = {
		.name = "worker-3",
		.taints = { .n = 4, .items = taints, .set = true },
		.kubelet_extra_args = { .n = 1, .items = extra, .set = true },
	};
	expect_env(&nr, true,
		   "KUBELET_KUBEADM_ARGS=\"--hostname-override=worker-3 --register-with-taints="
		   "example.com/a=1:NoSchedule,example.com/b:PreferNoSchedule,example.com/c=x:,"
		   "example.com/d --v=4\"\n");
}

/* a control plane (and init): taints are never flags */
static void test_no_register(void **state)
{
	(void)state;
	char *host = hostname();
	struct cfg_node_registration nr = {
		.name = host,
		.taints = { .n = 4, .items = taints, .set = true },
	};
	expect_env(&nr, false, "KUBELET_KUBEADM_ARGS=\"\"\n");
	/* kubelet_write_env_file is the init flavour */
	char *dir = tmpdir();
	assert_int_equal(kubelet_write_env_file(AT_FDCWD, dir, &nr), 0);
	char *path = xasprintf("%s/kubeadm-flags.env", dir);
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(fs_read_file(AT_FDCWD, path, 1 << 20, &data, &len), 0);
	assert_string_equal(data, "KUBELET_KUBEADM_ARGS=\"\"\n");
	free(data);
	free(path);
	rm_rf(dir);
	free(dir);
	free(host);
}

/* an empty list and a nil list both register nothing */
static void test_empty_taints(void **state)
{
	(void)state;
	char *host = hostname();
	struct cfg_node_registration nr = { .name = host, .taints = { .n = 0, .set = true } };
	expect_env(&nr, true, "KUBELET_KUBEADM_ARGS=\"\"\n");
	nr.taints.set = false;
	expect_env(&nr, true, "KUBELET_KUBEADM_ARGS=\"\"\n");
	free(host);
}

/* ArgumentsToCommand: an extra arg of the same name replaces the base flag and goes to the
 * tail; append/prepend merge into the base flag and are not repeated */
static void test_overrides(void **state)
{
	(void)state;
	struct cfg_arg replace[] = { { .name = "register-with-taints", .value = "a=b:NoExecute" },
				     { .name = "node-ip", .value = "10.0.0.9" } };
	struct cfg_node_registration nr = {
		.name = "n1",
		.taints = { .n = 1, .items = taints, .set = true },
		.kubelet_extra_args = { .n = 2, .items = replace, .set = true },
	};
	expect_env(&nr, true,
		   "KUBELET_KUBEADM_ARGS=\"--hostname-override=n1 --register-with-taints=a=b:NoExecute "
		   "--node-ip=10.0.0.9\"\n");

	struct cfg_arg merge[] = {
		{ .name = "register-with-taints", .value = ",z:NoSchedule", .merge_method = "append" },
		{ .name = "hostname-override", .value = "pre-", .merge_method = "prepend" },
	};
	nr.kubelet_extra_args = (struct cfg_list){ .n = 2, .items = merge, .set = true };
	/* hostname-override names the node: the node name is the override's value */
	expect_env(&nr, true,
		   "KUBELET_KUBEADM_ARGS=\"--hostname-override=pre-pre- "
		   "--register-with-taints=example.com/a=1:NoSchedule,z:NoSchedule\"\n");

	/* values with quotes and backslashes are Go-quoted (%q) */
	struct cfg_arg q[] = { { .name = "x", .value = "a\"b\\c" } };
	nr.kubelet_extra_args = (struct cfg_list){ .n = 1, .items = q, .set = true };
	nr.taints.n = 0;
	expect_env(&nr, true, "KUBELET_KUBEADM_ARGS=\"--hostname-override=n1 --x=a\\\"b\\\\c\"\n");
}

static json_t *J(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);
	if (!j)
		fail_msg("bad test JSON: %s: %s", s, e.text);
	return j;
}

/* ApplyPatchesToConfig: the patches of the directory land in a copy; the cluster object is
 * left alone */
static void test_apply_patches(void **state)
{
	(void)state;
	char *dir = tmpdir();
	char *pf = xasprintf("%s/kubeletconfiguration+strategic.yaml", dir);
	const char *patch = "healthzPort: 10252\nhealthzBindAddress: 127.0.0.2\n";
	assert_int_equal(fs_write_atomic(AT_FDCWD, pf, patch, strlen(patch), 0644, 0755), 0);
	struct init_config ic = { .kubelet = J("{\"apiVersion\":\"kubelet.config.k8s.io/v1beta1\","
					       "\"kind\":\"KubeletConfiguration\","
					       "\"healthzBindAddress\":\"127.0.0.1\","
					       "\"healthzPort\":10248}") };
	json_t *kc = NULL;
	int r = kubelet_apply_patches_to_config(&ic, dir, &kc);
	if (r < 0)
		fail_msg("%s", error_message(r));
	assert_int_equal(json_integer_value(json_object_get(kc, "healthzPort")), 10252);
	assert_string_equal(json_string_value(json_object_get(kc, "healthzBindAddress")),
			    "127.0.0.2");
	assert_int_equal(json_integer_value(json_object_get(ic.kubelet, "healthzPort")), 10248);
	json_decref(kc);

	/* no directory: the configuration as is */
	kc = NULL;
	assert_int_equal(kubelet_apply_patches_to_config(&ic, NULL, &kc), 0);
	assert_int_equal(json_integer_value(json_object_get(kc, "healthzPort")), 10248);
	json_decref(kc);

	/* a patch that does not apply: kubeadm's wrapping */
	char *bad = xasprintf("%s/bad", dir);
	assert_int_equal(mkdir(bad, 0755), 0);
	char *bf = xasprintf("%s/kubeletconfiguration+json.json", bad);
	const char *jp = "[{\"op\":\"remove\",\"path\":\"/nosuch\"}]";
	assert_int_equal(fs_write_atomic(AT_FDCWD, bf, jp, strlen(jp), 0644, 0755), 0);
	kc = NULL;
	r = kubelet_apply_patches_to_config(&ic, bad, &kc);
	assert_true(r < 0);
	assert_null(kc);
	assert_true(strncmp(error_message(r), "could not apply patches to the KubeletConfiguration: ",
			    strlen("could not apply patches to the KubeletConfiguration: ")) == 0);
	error_clear();

	/* no kubelet component config */
	struct init_config none = { 0 };
	r = kubelet_apply_patches_to_config(&none, NULL, &kc);
	assert_int_equal(r, -EINVAL);
	assert_string_equal(error_message(r), "no kubelet component config found");
	error_clear();

	json_decref(ic.kubelet);
	free(bf);
	free(bad);
	free(pf);
	rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worker_taints),
		cmocka_unit_test(test_no_register),
		cmocka_unit_test(test_empty_taints),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_apply_patches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
