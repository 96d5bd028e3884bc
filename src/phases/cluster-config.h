/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading the InitConfiguration back from a running cluster (kubeadm's
 * util/config/cluster.go FetchInitConfigurationFromCluster), shared by the commands and
 * phases that need it (reset, certs, join).
 */
#pragma once

#include <stdbool.h>

#include "config/config.h"
#include "kube/client.h"
#include "pki/pki.h"

struct phases_fetch_options {
	const char *log_prefix; /* "reset": prints kubeadm's two "[reset] Reading configuration ..."
				 * lines; NULL prints nothing (a json/yaml printer) */
	bool node_registration; /* GetNodeRegistration: name and CRI socket of this node */
	bool api_endpoint;      /* GetAPIEndpoint (kubeadm passes IsControlPlaneNode()) */
	bool component_configs; /* componentconfigs.FetchFromCluster: kubelet and kube-proxy */
	long api_timeout_ms;    /* how long GetAPIEndpoint polls the API server pod */
	long configmap_poll_ms; /* 0: kubeadm-config through GetConfigMapWithShortRetry
				 * (shortConfigMapGet); else polled every KUBE_RETRY_INTERVAL_MS for
				 * this long (join's shortConfigMapGet=false) */
	int rootfd;             /* root of /var/lib/kubelet/instance-config.yaml */
};

/*
 * FetchInitConfigurationFromCluster(client, printer, log_prefix, node_registration,
 * api_endpoint, component_configs, shortConfigMapGet): the kubeadm-config ConfigMap's
 * ClusterConfiguration, the parts o asks for, then SetInitDynamicDefaults (CRI detection
 * skipped; LocalAPIEndpoint defaulting skipped without api_endpoint). *ret is owned by the
 * caller (config_init_free) and written only on success; errors are -errno with kubeadm's
 * wrapped message ("failed to get config map: ...", "failed to get node registration: ...").
 */
int phases_fetch_init_config(struct kube_client *c, const struct phases_fetch_options *o,
			     struct init_config **ret);

/*
 * componentconfigs.FetchFromCluster's downloads, in kubeadm's handler order (kube-proxy, then
 * the kubelet): the "config.conf" key of the kube-proxy ConfigMap (absent or forbidden: NULL,
 * with kubeadm's "Warning: No kubeproxy.config.k8s.io/v1alpha1 config is loaded..." warning)
 * and the "kubelet" key of the kubelet-config ConfigMap (must exist). Both owned.
 */
int phases_fetch_component_configs(struct kube_client *c, char **ret_kubelet, char **ret_proxy);

/*
 * The PKI parameters of a configuration (kubeadm reads them from InitConfiguration and
 * ClusterConfiguration alike in init, join and the certs commands): node, endpoint, service
 * subnet, SANs, algorithm (RSA-2048 if the validated name is unknown), validity periods,
 * local etcd SANs; cert_dir is certificatesDir, rootfd is AT_FDCWD, output goes to stdout.
 * The caller sets the rest (write_dir, dry_run, rootfd, pool). Borrows from c.
 */
void phases_pki_params(const struct init_config *c, struct pki_params *ret);

/* The URL of this node's own API server, https://<advertiseAddress>:<bindPort> as
 * net.JoinHostPort writes it (an IPv6 address in brackets; no validation): where init's
 * and a joining control plane's kubeconfigs and checks point. Owned by the caller. */
char *phases_local_api_url(const struct cfg_api_endpoint *ep);
