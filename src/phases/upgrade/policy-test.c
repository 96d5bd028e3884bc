/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phases/upgrade/policy.h"
#include "util/error.h"
#include "util/strv.h"

/*
 * TestEnforceVersionPolicies of kubeadm v1.37.2's phases/upgrade/policy_test.go: every case
 * with its expected numbers of mandatory and skippable errors. The Go test runs with an
 * unversioned build, where MinimumControlPlaneVersion is DefaultKubernetesPlaceholderVersion
 * and v1.3.0 / v1.4.0 are minimumControlPlaneVersion / currentKubernetesVersion.
 */
static const struct policy_case {
	const char *name;
	const char *cluster, *kubelet, *kubeadm, *target;
	bool allow_experimental, allow_rc;
	size_t mandatory, skippable;
} policy_cases[] = {
	{ "minor upgrade", "v1.3.3", "v1.3.3", "v1.3.5", "v1.3.5", false, false, 0, 0 },
	{ "major upgrade", "v1.3.3", "v1.3.2", "v1.4.1", "v1.4.0", false, false, 0, 0 },
	{ "downgrade", "v1.3.3", "v1.3.0", "v1.3.3", "v1.3.2", false, false, 0, 0 },
	{ "same version upgrade", "v1.3.3", "v1.3.3", "v1.3.3", "v1.3.3", false, false, 0, 0 },
	{ "new version must be higher than v1.12.0", "v1.12.3", "v1.12.3", "v1.12.3", "v1.10.10",
	  false, false, 1, 1 },
	{ "upgrading two minor versions in one go is not supported", "v1.11.3", "v1.11.3",
	  "v1.13.0", "v1.13.0", false, false, 1, 0 },
	{ "upgrading with n-3 kubelet is supported", "v1.14.3", "v1.12.3", "v1.15.0", "v1.15.0",
	  false, false, 0, 0 },
	{ "upgrading with n-4 kubelet is not supported", "v1.14.3", "v1.11.3", "v1.15.0",
	  "v1.15.0", false, false, 0, 1 },
	{ "downgrading two minor versions in one go is not supported", "v1.6.0", "v1.6.0",
	  "v1.4.0", "v1.4.0", false, false, 1, 0 },
	{ "patch version skews may be forced", "v1.3.3", "v1.3.3", "v1.3.3", "v1.3.5", false,
	  false, 0, 1 },
	{ "a higher minor version than kubeadm itself is never supported", "v1.3.3", "v1.3.3",
	  "v1.3.3", "v1.4.0", false, false, 1, 0 },
	{ "kubelet skew of three minor versions", "v1.13.0", "v1.10.8", "v1.13.0", "v1.13.0", false,
	  false, 0, 0 },
	{ "kubelet skew of four minor versions may be forced", "v1.14.0", "v1.10.8", "v1.14.0",
	  "v1.14.0", false, false, 0, 1 },
	{ "experimental upgrades supported if the flag is set", "v1.3.3", "v1.3.3", "v1.4.0-beta.1",
	  "v1.4.0-beta.1", true, false, 0, 0 },
	{ "release candidate upgrades supported if the flag is set", "v1.3.3", "v1.3.3",
	  "v1.4.0-rc.1", "v1.4.0-rc.1", false, true, 0, 0 },
	{ "release candidate upgrades supported with the experimental flag", "v1.3.3", "v1.3.3",
	  "v1.4.0-rc.1", "v1.4.0-rc.1", true, false, 0, 0 },
	{ "no experimental version without opting in", "v1.3.3", "v1.3.3", "v1.4.0-beta.1",
	  "v1.4.0-beta.1", false, true, 0, 1 },
	{ "no release candidate without opting in", "v1.3.3", "v1.3.3", "v1.4.0-rc.1",
	  "v1.4.0-rc.1", false, false, 0, 1 },
	{ "a newer minor kubeadm cannot upgrade to an older minor", "v1.3.3", "v1.3.3", "v1.4.0",
	  "v1.3.6", false, false, 0, 1 },
	{ "build release supported at MinimumControlPlaneVersion", "v1.3.0", "v1.3.0",
	  "v1.3.0+build", "v1.3.0+build", false, false, 0, 0 },
};

static void test_policy_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(policy_cases) / sizeof(policy_cases[0]); i++) {
		const struct policy_case *c = &policy_cases[i];
		char *kubelets[] = { (char *)c->kubelet, NULL };
		const struct upgrade_policy_input in = {
			.cluster_version = c->cluster,
			.kubeadm_version = c->kubeadm,
			.kubelet_versions = kubelets,
			.min_control_plane = "v1.0.0-placeholder-version",
		};
		struct upgrade_skew_errors e = { 0 };
		FILE *out = fopen("/dev/null", "w");
		assert_non_null(out);
		assert_int_equal(upgrade_enforce_version_policies(&in, c->target, c->allow_experimental,
								  c->allow_rc, out, &e),
				 0);
		fclose(out);
		if (strv_length(e.mandatory) != c->mandatory ||
		    strv_length(e.skippable) != c->skippable)
			fail_msg("%s: %zu mandatory, %zu skippable", c->name, strv_length(e.mandatory),
				 strv_length(e.skippable));
		upgrade_skew_errors_release(&e);
	}
}

/* The messages and output of apply's enforceVersionPolicies with kubeadm v1.37.2's numbers. */
static char *check(const char *cluster, const char *kubelet, const char *target, bool force,
		   int *ret_r)
{
	char *kubelets[] = { (char *)kubelet, NULL };
	const struct upgrade_policy_input in = {
		.cluster_version = cluster,
		.kubeadm_version = "v1.37.2",
		.kubelet_versions = kubelets,
		.min_control_plane = UPGRADE_MIN_CONTROL_PLANE_VERSION,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	*ret_r = upgrade_check_version_policies(&in, target, false, false, force, out);
	fclose(out);
	return buf;
}

static void test_policy_messages(void **state)
{
	(void)state;
	int r;
	char *o = check("v1.36.3", "v1.36.3", "v1.37.2", false, &r);
	assert_int_equal(r, 0);
	assert_string_equal(o, "[upgrade/preflight] You have chosen to upgrade the cluster version to \"v1.37.2\"\n"
			       "[upgrade/versions] Cluster version: v1.36.3\n"
			       "[upgrade/versions] kubeadm version: v1.37.2\n");
	free(o);

	o = check("v1.36.3", "v1.36.3", "v1.38.0", false, &r);
	assert_int_equal(r, -EINVAL);
	assert_string_equal(error_message(r),
			    "the version argument is invalid due to these fatal errors:\n\n"
			    "\t- Specified version to upgrade to \"v1.38.0\" is too high; kubeadm can upgrade only 1 minor version at a time\n"
			    "\t- Specified version to upgrade to \"v1.38.0\" is at least one minor release higher than the kubeadm minor release (38 > 37). Such an upgrade is not supported\n"
			    "\nPlease fix the misalignments highlighted above and try upgrading again");
	error_clear();
	free(o);

	o = check("v1.37.2", "v1.37.2", "v1.37.3", false, &r);
	assert_int_equal(r, -EINVAL);
	assert_string_equal(error_message(r),
			    "the version argument is invalid due to these errors:\n\n"
			    "\t- Specified version to upgrade to \"v1.37.3\" is higher than the kubeadm version \"v1.37.2\". Upgrade kubeadm first using the tool you used to install kubeadm\n"
			    "\nCan be bypassed if you pass the --force flag");
	error_clear();
	free(o);

	o = check("v1.37.2", "v1.33.0", "v1.36.1", true, &r);
	assert_int_equal(r, 0);
	assert_string_equal(o, "[upgrade/preflight] You have chosen to upgrade the cluster version to \"v1.36.1\"\n"
			       "[upgrade/versions] Cluster version: v1.37.2\n"
			       "[upgrade/versions] kubeadm version: v1.37.2\n"
			       "[upgrade/preflight] Found 1 potential version compatibility errors but skipping since the --force flag is set: \n\n"
			       "\t- Kubeadm version v1.37.2 can only be used to upgrade to Kubernetes version 1.37\n");
	free(o);

	o = check("v1.35.4", "v1.35.4", "v1.37.2", false, &r);
	assert_int_equal(r, -EINVAL);
	assert_non_null(strstr(error_message(r), "\"v1.37.2\" is too high"));
	error_clear();
	free(o);
}

/* The kubelet versions asked through kubelet_fetch: after the "kubeadm version" line (what a
 * dry-run client prints lands where kubeadm's does), used like kubelet_versions, and a failure
 * becomes the skippable "Unable to fetch kubelet version" error. */
struct fetch_state {
	FILE *out;
	int fail;
	int calls;
};

static int fetch_kubelets(void *ud, char ***ret)
{
	struct fetch_state *f = ud;
	f->calls++;
	fputs("<fetch>\n", f->out);
	if (f->fail)
		return error_set(-EIO, "nodes is forbidden");
	strv_push(ret, "v1.33.0");
	return 0;
}

static void test_policy_kubelet_fetch(void **state)
{
	(void)state;
	for (int fail = 0; fail <= 1; fail++) {
		char *buf = NULL;
		size_t len = 0;
		struct fetch_state f = { .out = open_memstream(&buf, &len), .fail = fail };
		assert_non_null(f.out);
		const struct upgrade_policy_input in = {
			.cluster_version = "v1.37.2",
			.kubeadm_version = "v1.37.2",
			.min_control_plane = UPGRADE_MIN_CONTROL_PLANE_VERSION,
			.kubelet_fetch = fetch_kubelets,
			.ud = &f,
		};
		struct upgrade_skew_errors e = { 0 };
		assert_int_equal(upgrade_enforce_version_policies(&in, "v1.37.2", false, false, f.out, &e),
				 0);
		fclose(f.out);
		assert_int_equal(f.calls, 1);
		assert_string_equal(buf, "[upgrade/versions] Cluster version: v1.37.2\n"
					 "[upgrade/versions] kubeadm version: v1.37.2\n<fetch>\n");
		assert_null(e.mandatory);
		assert_int_equal(strv_length(e.skippable), 1);
		/* v1.33.0 is four minors behind v1.37.2: skippable; a failed fetch: its message */
		assert_non_null(strstr(e.skippable[0], fail ? "Unable to fetch kubelet version: nodes is forbidden"
							    : "too old that have these versions [v1.33.0]"));
		upgrade_skew_errors_release(&e);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_vectors),
		cmocka_unit_test(test_policy_messages),
		cmocka_unit_test(test_policy_kubelet_fetch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
