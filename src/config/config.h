/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm's configuration API (kubeadm.k8s.io/v1beta4, v1beta3 read): loading, strict decoding,
 * defaulting, validation, conversion and printing. This header is the contract between the
 * config layer and cmd/: the config layer may add to it, never break it.
 *
 * Documents travel as json_t (YAML is converted at the edges by util/yaml). Flags that map to
 * configuration fields are handed in as "overrides": a json_t object keyed by kind
 * ("InitConfiguration", "ClusterConfiguration", "JoinConfiguration", "ResetConfiguration",
 * "UpgradeConfiguration") whose values are partial v1beta4 objects merged (RFC 7386) onto the
 * default document before defaulting, the way kubeadm binds flags onto its versioned structs
 * before defaulting. As in kubeadm (LoadOrDefault*Configuration), the overrides are NOT used
 * when a config file is given: the flags that kubeadm lets mix with --config (init's
 * --node-name, --skip-phases, --dry-run, ...) are applied by the command after loading, on the
 * returned structs.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "config/types.h"
#include "util/strbuf.h"

/* InitConfiguration + ClusterConfiguration + component configs, defaulted and validated. */
struct init_config {
	struct cfg_init_configuration init;
	struct cfg_cluster_configuration cluster;
	json_t *kubelet;   /* KubeletConfiguration as kubeadm marshals it (defaulted) */
	json_t *kubeproxy; /* KubeProxyConfiguration (defaulted) */
	char *ci_image_repository;   /* set for ci/ versions with the default repository */
	char *ci_kubernetes_version; /* "ci/<version>" for ci/ versions */
};
struct join_config {
	struct cfg_join_configuration join;
};
struct reset_config {
	struct cfg_reset_configuration reset;
};
struct upgrade_config {
	struct cfg_upgrade_configuration upgrade;
};

enum config_defaults {
	CONFIG_DEFAULTS_INIT,
	CONFIG_DEFAULTS_JOIN,
	CONFIG_DEFAULTS_RESET,
	CONFIG_DEFAULTS_UPGRADE,
};

/*
 * `config print <which>-defaults`: appends the YAML kubeadm prints to out, byte-identical.
 * component_configs (may be NULL) are the --component-configs names. Returns 0 or -errno with
 * the error message set (e.g. an unknown component config name).
 */
int config_print_defaults(enum config_defaults which, char *const *component_configs,
			  struct strbuf *out);

/*
 * `config validate --config path`: loads, strictly decodes, defaults and validates every
 * document. Appends to out what kubeadm prints on stdout on success. Returns 0 or -errno.
 */
int config_validate_file(const char *path, bool allow_experimental, struct strbuf *out);

/*
 * `config migrate --old-config path`: appends the migrated v1beta4 YAML to out (what kubeadm
 * writes to --new-config or stdout). Returns 0 or -errno.
 */
int config_migrate_file(const char *path, bool allow_experimental, struct strbuf *out);

/*
 * Loads the init configuration from path (NULL: defaults with the overrides applied; with a
 * path the overrides are ignored, as kubeadm does), defaults and validates. *ret is owned by
 * the caller (config_init_free). Returns 0 or -errno.
 */
int config_load_init(const char *path, json_t *overrides, struct init_config **ret);
struct init_config *config_init_free(struct init_config *c);

/*
 * The control-plane images for an init configuration, in kubeadm's order (`config images
 * list`): an owned NULL-terminated vector.
 */
char **config_images(const struct init_config *c);

/* Options of the loaders (kubeadm's LoadOrDefaultConfigurationOptions). */
struct config_load_options {
	bool allow_experimental;
	bool skip_cri_detect;
};

/*
 * As config_load_init, with kubeadm's options (config images list skips CRI detection).
 * path NULL: the defaulted configuration (DefaultedInitConfiguration).
 */
int config_load_init_opts(const char *path, json_t *overrides,
			  const struct config_load_options *opts, struct init_config **ret);
/* Parses an init configuration from memory (BytesToInitConfiguration); overrides are ignored
 * as for a file. */
int config_init_from_bytes(const char *data, size_t len, json_t *overrides,
			   const struct config_load_options *opts, struct init_config **ret);

/*
 * Join/reset/upgrade: loaded from path (non-strict: unknown fields are warnings), or with
 * path NULL the defaults with the overrides merged; then defaulted (static + dynamic) and
 * validated. Free with the matching *_free.
 */
int config_load_join(const char *path, json_t *overrides, const struct config_load_options *opts,
		     struct join_config **ret);
struct join_config *config_join_free(struct join_config *c);
int config_load_reset(const char *path, json_t *overrides,
		      const struct config_load_options *opts, struct reset_config **ret);
struct reset_config *config_reset_free(struct reset_config *c);
int config_load_upgrade(const char *path, json_t *overrides,
			const struct config_load_options *opts, struct upgrade_config **ret);
struct upgrade_config *config_upgrade_free(struct upgrade_config *c);

/*
 * `config images list -o json|yaml|jsonpath...`: the images as kubeadm's output API object
 * (output.kubeadm.k8s.io/v1alpha3 Images: kind, apiVersion, images), a new reference.
 */
json_t *config_images_object(const struct init_config *c);

/* The v1beta4 documents of an init configuration (InitConfiguration---ClusterConfiguration). */
int config_init_marshal(const struct init_config *c, struct strbuf *out);

/* The images of a ClusterConfiguration, individually (images.go). Owned strings. */
char *config_image_kubernetes(const struct init_config *c, const char *component);
char *config_image_etcd(const struct init_config *c);
char *config_image_coredns(const struct init_config *c);
char *config_image_pause(const struct init_config *c);

/* ClusterConfiguration alone (the kubeadm-config ConfigMap's ClusterConfiguration key). */
int config_cluster_marshal(const struct init_config *c, struct strbuf *out);
/* The component configs as kubeadm marshals them (before the kubelet's Mutate step). */
int config_kubelet_marshal(const struct init_config *c, struct strbuf *out);
int config_kubeproxy_marshal(const struct init_config *c, struct strbuf *out);
/* The v1beta4 YAML of a join/reset/upgrade configuration. */
int config_join_marshal(const struct join_config *c, struct strbuf *out);
int config_reset_marshal(const struct reset_config *c, struct strbuf *out);
int config_upgrade_marshal(const struct upgrade_config *c, struct strbuf *out);

/*
 * validation.ValidateIgnorePreflightErrors: the lower-cased union of the flag's and the
 * config's values, sorted (*ret owned). -EINVAL with kubeadm's message when "all" is mixed
 * with individual checks.
 */
int config_ignore_preflight_errors(char *const *from_cli, char *const *from_config, char ***ret);
/*
 * NormalizeKubernetesVersion: resolves a label of ClusterConfiguration.kubernetesVersion
 * (kube_release_version), adds the "v", keeps the CI version and image repository, and
 * refuses a version below 1.36.0 (-EINVAL with kubeadm's "this version of kubeadm only
 * supports deploying clusters with the control plane version >= 1.36.0. ..."). Used by
 * SetInitDynamicDefaults and by upgrade apply's preflight.
 */
int config_normalize_kubernetes_version(struct init_config *c);
/* configutil.VerifyAPIServerBindAddress: loopback or global unicast, else -EINVAL. */
int config_verify_apiserver_bind_address(const char *address);

/*
 * getInitConfigurationFromCluster's decoding half: a defaulted InitConfiguration plus the
 * ClusterConfiguration from the kubeadm-config ConfigMap's "ClusterConfiguration" data
 * (strict errors are warnings), and the component configs from the "kubelet-config"
 * ("kubelet" key) and "kube-proxy" ("config.conf" key) ConfigMaps (NULL: not fetched). The
 * caller fills nodeRegistration/localAPIEndpoint from the cluster, then calls
 * config_init_dynamic_defaults (FetchInitConfigurationFromCluster's SetInitDynamicDefaults).
 */
int config_init_from_cluster_data(const char *cluster_configuration, const char *kubelet,
				  const char *kubeproxy, struct init_config **ret);
/* SetInitDynamicDefaults(cfg, skipCRIDetect=true, skip_api_endpoint). */
int config_init_dynamic_defaults(struct init_config *c, bool skip_api_endpoint);
