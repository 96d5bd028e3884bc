/* SPDX-License-Identifier: Apache-2.0 */
/* Kubernetes versions as kubeadm handles them (util/version.go, apimachinery's version). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct semver {
	uint64_t major, minor, patch;
	char pre[64]; /* pre-release without '-' */
};

/* apimachinery version.ParseSemantic; -EINVAL with Go's message set. */
int semver_parse(const char *s, struct semver *ret);
/* Compare as version.Compare (pre-releases sort before the release). */
int semver_cmp(const struct semver *a, const struct semver *b);

/*
 * kubeadmutil.KubernetesReleaseVersion: "1.36.1" -> "v1.36.1"; labels (stable-1, latest,
 * ci/latest) are fetched through the fetcher hook and fall back to the client version
 * (v1.37.2) with kubeadm's two warnings when the fetch fails. *ret owned.
 */
int kube_release_version(const char *version, char **ret);
bool kube_is_ci_version(const char *version);

/*
 * The fetcher used for version labels: returns 0 and an owned body, or -errno with an owned
 * error text (Go's "unable to get URL ..." message). The default reports the machine as
 * offline (the config layer has no HTTP client); cmd/ may install one from kube/.
 */
typedef int (*kube_version_fetcher)(const char *url, char **ret_body, char **ret_err);
void kube_version_set_fetcher(kube_version_fetcher f);
