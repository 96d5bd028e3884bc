/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm's version skew policy for `upgrade apply` (phases/upgrade/policy.go
 * EnforceVersionPolicies and cmd/phases/upgrade/apply/preflight.go enforceVersionPolicies).
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "config/version.h"

/* constants.MinimumControlPlaneVersion of kubeadm v1.37.2. */
#define UPGRADE_MIN_CONTROL_PLANE_VERSION "v1.36.0"

/* What the policy reads from kubeadm's VersionGetter. Borrowed strings. */
struct upgrade_policy_input {
	const char *cluster_version;   /* ClusterVersion (GitVersion of /version) */
	const char *cluster_error;     /* set: ClusterVersion failed with this message */
	const char *kubeadm_version;   /* KubeadmVersion */
	char *const *kubelet_versions; /* the distinct kubelet versions (KubeletVersions' keys) */
	const char *kubelet_error;     /* set: KubeletVersions failed with this message */
	const char *min_control_plane; /* constants.MinimumControlPlaneVersion */
	/* set: KubeletVersions is asked when kubeadm asks it (after the "kubeadm version" line,
	 * so what a dry-run client prints lands where kubeadm's does) instead of the two fields
	 * above; returns the versions (owned strv) or -errno with its message */
	int (*kubelet_fetch)(void *ud, char ***ret);
	void *ud;
};

/* VersionSkewPolicyErrors: both lists owned (strv), each NULL when empty. */
struct upgrade_skew_errors {
	char **mandatory;
	char **skippable;
};

void upgrade_skew_errors_release(struct upgrade_skew_errors *e);

/*
 * EnforceVersionPolicies(versionGetter, new_version, ...): prints "[upgrade/versions] Cluster
 * version: ..." and "... kubeadm version: ..." to out as kubeadm does, and fills *ret with the
 * mandatory and skippable errors (both empty: no skew problem). Returns 0, or -EINVAL when
 * new_version is not a semantic version (the caller parsed it already in kubeadm).
 */
int upgrade_enforce_version_policies(const struct upgrade_policy_input *in, const char *new_version,
				     bool allow_experimental, bool allow_rc, FILE *out,
				     struct upgrade_skew_errors *ret);

/*
 * apply's enforceVersionPolicies over the result: prints "[upgrade/preflight] You have chosen to
 * upgrade the cluster version to ..." first, then returns -EINVAL with kubeadm's "the version
 * argument is invalid due to these fatal errors: ..." (mandatory) or "... these errors: ...
 * Can be bypassed if you pass the --force flag" (skippable without force); with force prints
 * "[upgrade/preflight] Found N potential version compatibility errors but skipping ..." and
 * returns 0.
 */
int upgrade_check_version_policies(const struct upgrade_policy_input *in, const char *new_version,
				   bool allow_experimental, bool allow_rc, bool force, FILE *out);
