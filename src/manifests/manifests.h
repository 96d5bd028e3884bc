/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Static Pod manifests of the control plane and local etcd (cmd/kubeadm/app/phases/controlplane,
 * phases/etcd/local.go, util/staticpod): the v1.Pod kubeadm builds, as json_t with exactly the
 * fields Go's encoding of v1.Pod emits, so that yaml_from_json() prints kubeadm's bytes.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "config/config.h"

#define MANIFESTS_ETCD "etcd"
#define MANIFESTS_APISERVER "kube-apiserver"
#define MANIFESTS_CONTROLLER_MANAGER "kube-controller-manager"
#define MANIFESTS_SCHEDULER "kube-scheduler"

struct manifests_options {
	int rootfd;        /* where host paths are checked (/etc/pki/ca-trust, ...): AT_FDCWD */
	bool external_ca;  /* certphase.UsingExternalCA: no cluster-signing files for the KCM */
	char **environ;    /* the process environment for *_proxy variables; NULL: environ */
	/*
	 * etcd only: the members of an existing cluster the new member joins ("name=peerURL",
	 * the new member included), as `kubeadm join --control-plane` passes them; NULL for a
	 * new single-member cluster (--initial-cluster=<node>=<peer URL>).
	 */
	char **initial_cluster;
};

/*
 * GetStaticPodSpecs / GetEtcdPodSpec: the Pod of component (one of the MANIFESTS_* names) for
 * cfg. Warnings kubeadm prints while building (authorization-mode) go through log_warning.
 * *ret is a new reference. Returns 0 or -EINVAL for an unknown component (message set).
 */
int manifests_pod_build(const struct init_config *cfg, const char *component,
			const struct manifests_options *opts, json_t **ret);

/*
 * PatchStaticPod: applies the patches of patches_dir to *pod (target = the Pod's name),
 * printing "[patches] ..." lines to out, then decodes and re-encodes the result as a v1.Pod.
 * Returns 0 or -errno with kubeadm's message set.
 */
int manifests_pod_patch(json_t **pod, const char *patches_dir, FILE *out);

/* The YAML kubeadm writes for a Pod (MarshalToYaml). Owned. */
char *manifests_pod_yaml(const json_t *pod);

/*
 * WriteStaticPodToDisk: <dir>/<component>.yaml, mode 0600, the directory created 0700.
 * Returns 0 or -errno with kubeadm's message set.
 */
int manifests_pod_write(int rootfd, const char *dir, const char *component, const json_t *pod);

/* The number of seconds of timeouts.controlPlaneComponentHealthCheck (default 4m). */
double manifests_health_check_seconds(const struct init_config *cfg);
