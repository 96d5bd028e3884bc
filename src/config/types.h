/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm.k8s.io/v1beta4 types as C structs (field for field, json names in comments where
 * they differ) and their field tables (types.c). Strings are owned char * (NULL == ""),
 * string slices are strv (NULL == nil), struct slices are struct cfg_list.
 */
#pragma once

#include "config/schema.h"

struct cfg_arg {
	char *name;
	char *value;
	char *merge_method; /* kubeadm.k8s.io/v1 only: "", "append" or "prepend" */
};

struct cfg_env {
	char *name;
	char *value;
	json_t *value_from; /* valueFrom, kept as JSON */
};

struct cfg_volume { /* HostPathMount */
	char *name;
	char *host_path;
	char *mount_path;
	bool read_only;
	char *path_type;
};

struct cfg_taint {
	char *key;
	char *value;
	char *effect;
	char *time_added;
};

struct cfg_token { /* bootstraptoken/v1 BootstrapToken */
	char *token;
	char *description;
	struct cfg_dur ttl;
	char *expires; /* metav1.Time, RFC 3339 text */
	char **usages;
	char **groups;
	bool generated; /* token made by defaulting (none given): not part of the config */
};

struct cfg_timeouts {
	struct cfg_dur control_plane_component_health_check;
	struct cfg_dur kubelet_health_check;
	struct cfg_dur kubernetes_api_call;
	struct cfg_dur etcd_api_call;
	struct cfg_dur tls_bootstrap;
	struct cfg_dur discovery;
	struct cfg_dur upgrade_manifests;
};

struct cfg_patches {
	char *directory;
};

struct cfg_api_endpoint {
	char *advertise_address;
	int64_t bind_port;
};

struct cfg_node_registration {
	char *name;
	char *cri_socket;
	struct cfg_list taints; /* struct cfg_taint; json "taints" without omitempty */
	struct cfg_list kubelet_extra_args; /* struct cfg_arg */
	char **ignore_preflight_errors;
	char *image_pull_policy;
	struct cfg_optbool image_pull_serial;
};

struct cfg_init_configuration {
	char *api_version;
	char *kind;
	struct cfg_list bootstrap_tokens; /* struct cfg_token */
	bool dry_run;
	struct cfg_node_registration node_registration;
	struct cfg_api_endpoint local_api_endpoint;
	char *certificate_key;
	char **skip_phases;
	struct cfg_patches *patches;
	struct cfg_timeouts *timeouts;
};

struct cfg_component { /* ControlPlaneComponent */
	struct cfg_list extra_args;    /* struct cfg_arg */
	struct cfg_list extra_volumes; /* struct cfg_volume */
	struct cfg_list extra_envs;    /* struct cfg_env */
};

struct cfg_apiserver {
	struct cfg_component c;
	char **cert_sans;
};

struct cfg_local_etcd {
	char *image_repository;
	char *image_tag;
	char *data_dir;
	struct cfg_list extra_args;
	struct cfg_list extra_envs;
	char **server_cert_sans;
	char **peer_cert_sans;
};

struct cfg_external_etcd {
	char **endpoints;
	char **http_endpoints;
	char *ca_file;
	char *cert_file;
	char *key_file;
};

struct cfg_cluster_configuration {
	char *api_version;
	char *kind;
	struct {
		struct cfg_local_etcd *local;
		struct cfg_external_etcd *external;
	} etcd;
	struct {
		char *service_subnet;
		char *pod_subnet;
		char *dns_domain;
	} networking;
	char *kubernetes_version;
	char *control_plane_endpoint;
	struct cfg_apiserver api_server;
	struct cfg_component controller_manager;
	struct cfg_component scheduler;
	struct {
		char *image_repository;
		char *image_tag;
		bool disabled;
	} dns;
	struct {
		bool disabled;
	} proxy;
	char *certificates_dir;
	char *image_repository;
	json_t *feature_gates;
	char *cluster_name;
	char *encryption_algorithm;
	struct cfg_dur certificate_validity_period;
	struct cfg_dur ca_certificate_validity_period;
};

struct cfg_bootstrap_token_discovery {
	char *token;
	char *api_server_endpoint;
	char **ca_cert_hashes;
	bool unsafe_skip_ca_verification;
};

struct cfg_file_discovery {
	char *kube_config_path;
};

struct cfg_join_control_plane {
	struct cfg_api_endpoint local_api_endpoint;
	char *certificate_key;
};

struct cfg_join_configuration {
	char *api_version;
	char *kind;
	bool dry_run;
	struct cfg_node_registration node_registration;
	char *ca_cert_path;
	struct {
		struct cfg_bootstrap_token_discovery *bootstrap_token;
		struct cfg_file_discovery *file;
		char *tls_bootstrap_token;
	} discovery;
	struct cfg_join_control_plane *control_plane;
	char **skip_phases;
	struct cfg_patches *patches;
	struct cfg_timeouts *timeouts;
};

struct cfg_reset_configuration {
	char *api_version;
	char *kind;
	bool cleanup_tmp_dir;
	char *certificates_dir;
	char *cri_socket;
	bool dry_run;
	bool force;
	char **ignore_preflight_errors;
	char **skip_phases;
	char **unmount_flags;
	struct cfg_timeouts *timeouts;
};

struct cfg_upgrade_configuration {
	char *api_version;
	char *kind;
	struct {
		char *kubernetes_version;
		struct cfg_optbool allow_experimental_upgrades;
		struct cfg_optbool allow_rc_upgrades;
		struct cfg_optbool certificate_renewal;
		struct cfg_optbool dry_run;
		struct cfg_optbool etcd_upgrade;
		struct cfg_optbool force_upgrade;
		char **ignore_preflight_errors;
		struct cfg_patches *patches;
		struct cfg_optbool print_config;
		char **skip_phases;
		char *image_pull_policy;
		struct cfg_optbool image_pull_serial;
	} apply;
	struct {
		char *kubernetes_version;
		int64_t context_lines;
	} diff;
	struct {
		struct cfg_optbool certificate_renewal;
		struct cfg_optbool dry_run;
		struct cfg_optbool etcd_upgrade;
		char **ignore_preflight_errors;
		char **skip_phases;
		struct cfg_patches *patches;
		char *image_pull_policy;
		struct cfg_optbool image_pull_serial;
	} node;
	struct {
		char *kubernetes_version;
		struct cfg_optbool allow_experimental_upgrades;
		struct cfg_optbool allow_rc_upgrades;
		struct cfg_optbool dry_run;
		struct cfg_optbool etcd_upgrade;
		char **ignore_preflight_errors;
		struct cfg_optbool print_config;
	} plan;
	struct cfg_timeouts *timeouts;
};

extern const struct cfg_type cfg_type_init_configuration;
extern const struct cfg_type cfg_type_cluster_configuration;
extern const struct cfg_type cfg_type_join_configuration;
extern const struct cfg_type cfg_type_reset_configuration;
extern const struct cfg_type cfg_type_upgrade_configuration;
extern const struct cfg_type cfg_type_taint;

/* v1beta4 SetObjectDefaults_* (static defaults only; dynamic ones live in load.c). */
void cfg_default_init(struct cfg_init_configuration *c);
void cfg_default_cluster(struct cfg_cluster_configuration *c);
void cfg_default_join(struct cfg_join_configuration *c);
void cfg_default_reset(struct cfg_reset_configuration *c);
void cfg_default_upgrade(struct cfg_upgrade_configuration *c);
void cfg_default_timeouts(struct cfg_timeouts *t);
