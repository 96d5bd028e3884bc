/* SPDX-License-Identifier: Apache-2.0 */
/*
 * KubeletConfiguration (kubelet.config.k8s.io/v1beta1) and KubeProxyConfiguration
 * (kubeproxy.config.k8s.io/v1alpha1) kept as json_t, with the defaults kubeadm applies
 * (componentconfigs/kubelet.go, kubeproxy.go).
 */
#pragma once

#include <jansson.h>

#include "config/types.h"

#define KUBELET_GROUP "kubelet.config.k8s.io"
#define KUBELET_VERSION "v1beta1"
#define KUBEPROXY_GROUP "kubeproxy.config.k8s.io"
#define KUBEPROXY_VERSION "v1alpha1"

/*
 * Decodes a user document (may be NULL) into the zero-valued Go struct as encoding/json does,
 * driven by the generated shapes: unknown fields are appended to *unknown (may be NULL) as
 * "unknown field \"a.b\""; type errors give -EINVAL with Go's message. *ret (owned) is the
 * Go value as JSON (nil pointers as null, durations normalised), apiVersion and kind set.
 */
int cc_decode(const char *kind, const json_t *user, char ***unknown, json_t **ret);
/* cc_decode ignoring errors (the zero document on failure). Owned. */
json_t *cc_kubelet_new(const json_t *user);
json_t *cc_kubeproxy_new(const json_t *user);
/* The document as Go marshals it (omitempty fields left out). Owned. */
json_t *cc_marshal_json(const json_t *doc);

/* kubeletConfig.Default / kubeProxyConfig.Default (warnings as kubeadm's). */
void cc_kubelet_default(json_t *kc, const struct cfg_cluster_configuration *cluster);
void cc_kubeproxy_default(json_t *kp, const struct cfg_cluster_configuration *cluster,
			  const struct cfg_api_endpoint *endpoint);

/* sigs.k8s.io/json strict decoding of a component config: "unknown field \"a.b\"" entries. */
void cc_unknown_fields(const json_t *doc, const char *kind, char ***unknown);
