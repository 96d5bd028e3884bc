/* SPDX-License-Identifier: Apache-2.0 */
/* Field tables of the v1beta4 types (types.go order) and their SetDefaults_* functions. */
#include <stddef.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/types.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define F(st, json, kind, member, omit) { json, kind, offsetof(st, member), omit, NULL, NULL, NULL }
/* A field of an embedded Go struct (ControlPlaneComponent, ImageMeta, corev1.EnvVar). */
#define FE(st, json, kind, member, omit, embed)                                                    \
	{ json, kind, offsetof(st, member), omit, NULL, NULL, embed }
#define FT(st, json, kind, member, omit, type, gotype)                                             \
	{ json, kind, offsetof(st, member), omit, type, gotype, NULL }
#define END { NULL, 0, 0, false, NULL, NULL, NULL, false }
#define TYPEMETA(st) F(st, "kind", CFG_STR, kind, true), F(st, "apiVersion", CFG_STR, api_version, true)

static const struct cfg_field arg_fields[] = {
	F(struct cfg_arg, "name", CFG_STR, name, false),
	F(struct cfg_arg, "value", CFG_STR, value, false),
	{ "mergeMethod", CFG_STR, offsetof(struct cfg_arg, merge_method), true, NULL,
	  "v1.ArgMergeMethod", NULL, true },
	END,
};
static const struct cfg_type arg_type = { "Arg", sizeof(struct cfg_arg), arg_fields };

static const struct cfg_field env_fields[] = {
	FE(struct cfg_env, "name", CFG_STR, name, false, "EnvVar"),
	FE(struct cfg_env, "value", CFG_STR, value, true, "EnvVar"),
	{ "valueFrom", CFG_RAW, offsetof(struct cfg_env, value_from), true, NULL, NULL, "EnvVar" },
	END,
};
static const struct cfg_type env_type = { "EnvVar", sizeof(struct cfg_env), env_fields };

static const struct cfg_field volume_fields[] = {
	F(struct cfg_volume, "name", CFG_STR, name, false),
	F(struct cfg_volume, "hostPath", CFG_STR, host_path, false),
	F(struct cfg_volume, "mountPath", CFG_STR, mount_path, false),
	F(struct cfg_volume, "readOnly", CFG_BOOL, read_only, true),
	FT(struct cfg_volume, "pathType", CFG_STR, path_type, true, NULL, "v1.HostPathType"),
	END,
};
static const struct cfg_type volume_type = { "HostPathMount", sizeof(struct cfg_volume),
					     volume_fields };

static const struct cfg_field taint_fields[] = {
	F(struct cfg_taint, "key", CFG_STR, key, false),
	F(struct cfg_taint, "value", CFG_STR, value, true),
	FT(struct cfg_taint, "effect", CFG_STR, effect, false, NULL, "v1.TaintEffect"),
	FT(struct cfg_taint, "timeAdded", CFG_STR, time_added, true, NULL, "v1.Time"),
	END,
};
const struct cfg_type cfg_type_taint = { "Taint", sizeof(struct cfg_taint), taint_fields, "v1" };

static const struct cfg_field token_fields[] = {
	F(struct cfg_token, "token", CFG_TOKEN, token, false),
	F(struct cfg_token, "description", CFG_STR, description, true),
	F(struct cfg_token, "ttl", CFG_DUR, ttl, true),
	FT(struct cfg_token, "expires", CFG_STR, expires, true, NULL, "v1.Time"),
	F(struct cfg_token, "usages", CFG_STRV, usages, true),
	F(struct cfg_token, "groups", CFG_STRV, groups, true),
	END,
};
static const struct cfg_type token_type = { "BootstrapToken", sizeof(struct cfg_token),
					    token_fields, "v1" };

static const struct cfg_field timeouts_fields[] = {
	F(struct cfg_timeouts, "controlPlaneComponentHealthCheck", CFG_DUR,
	  control_plane_component_health_check, true),
	F(struct cfg_timeouts, "kubeletHealthCheck", CFG_DUR, kubelet_health_check, true),
	F(struct cfg_timeouts, "kubernetesAPICall", CFG_DUR, kubernetes_api_call, true),
	F(struct cfg_timeouts, "etcdAPICall", CFG_DUR, etcd_api_call, true),
	F(struct cfg_timeouts, "tlsBootstrap", CFG_DUR, tls_bootstrap, true),
	F(struct cfg_timeouts, "discovery", CFG_DUR, discovery, true),
	F(struct cfg_timeouts, "upgradeManifests", CFG_DUR, upgrade_manifests, true),
	END,
};
static const struct cfg_type timeouts_type = { "Timeouts", sizeof(struct cfg_timeouts),
					       timeouts_fields };

static const struct cfg_field patches_fields[] = {
	F(struct cfg_patches, "directory", CFG_STR, directory, true),
	END,
};
static const struct cfg_type patches_type = { "Patches", sizeof(struct cfg_patches),
					      patches_fields };

static const struct cfg_field endpoint_fields[] = {
	F(struct cfg_api_endpoint, "advertiseAddress", CFG_STR, advertise_address, true),
	F(struct cfg_api_endpoint, "bindPort", CFG_INT32, bind_port, true),
	END,
};
static const struct cfg_type endpoint_type = { "APIEndpoint", sizeof(struct cfg_api_endpoint),
					       endpoint_fields };

#define NR struct cfg_node_registration
static const struct cfg_field nodereg_fields[] = {
	F(NR, "name", CFG_STR, name, true),
	F(NR, "criSocket", CFG_STR, cri_socket, true),
	FT(NR, "taints", CFG_LIST, taints, false, &cfg_type_taint, "[]v1.Taint"),
	FT(NR, "kubeletExtraArgs", CFG_LIST, kubelet_extra_args, true, &arg_type, "[]v1beta4.Arg"),
	F(NR, "ignorePreflightErrors", CFG_STRV, ignore_preflight_errors, true),
	FT(NR, "imagePullPolicy", CFG_STR, image_pull_policy, true, NULL, "v1.PullPolicy"),
	F(NR, "imagePullSerial", CFG_OPTBOOL, image_pull_serial, true),
	END,
};
#undef NR
static const struct cfg_type nodereg_type = { "NodeRegistrationOptions",
					      sizeof(struct cfg_node_registration), nodereg_fields };

#define IC struct cfg_init_configuration
static const struct cfg_field init_fields[] = {
	TYPEMETA(IC),
	FT(IC, "bootstrapTokens", CFG_LIST, bootstrap_tokens, true, &token_type,
	   "[]v1.BootstrapToken"),
	F(IC, "dryRun", CFG_BOOL, dry_run, true),
	FT(IC, "nodeRegistration", CFG_STRUCT, node_registration, true, &nodereg_type, NULL),
	FT(IC, "localAPIEndpoint", CFG_STRUCT, local_api_endpoint, true, &endpoint_type, NULL),
	F(IC, "certificateKey", CFG_STR, certificate_key, true),
	F(IC, "skipPhases", CFG_STRV, skip_phases, true),
	FT(IC, "patches", CFG_PSTRUCT, patches, true, &patches_type, NULL),
	FT(IC, "timeouts", CFG_PSTRUCT, timeouts, true, &timeouts_type, NULL),
	END,
};
#undef IC
const struct cfg_type cfg_type_init_configuration = {
	"InitConfiguration", sizeof(struct cfg_init_configuration), init_fields
};

#define CPC struct cfg_component
#define COMPONENT_FIELDS(st, prefix, embed)                                                        \
	{ "extraArgs", CFG_LIST, offsetof(st, prefix extra_args), true, &arg_type, "[]v1beta4.Arg", \
	  embed },                                                                                  \
		{ "extraVolumes", CFG_LIST, offsetof(st, prefix extra_volumes), true, &volume_type, \
		  "[]v1beta4.HostPathMount", embed },                                               \
		{ "extraEnvs", CFG_LIST, offsetof(st, prefix extra_envs), true, &env_type,          \
		  "[]v1beta4.EnvVar", embed }
static const struct cfg_field component_fields[] = {
	COMPONENT_FIELDS(CPC, , NULL),
	END,
};
static const struct cfg_type component_type = { "ControlPlaneComponent", sizeof(CPC),
						component_fields };
#undef CPC

static const struct cfg_field apiserver_fields[] = {
	COMPONENT_FIELDS(struct cfg_apiserver, c., "ControlPlaneComponent"),
	F(struct cfg_apiserver, "certSANs", CFG_STRV, cert_sans, true),
	END,
};
static const struct cfg_type apiserver_type = { "APIServer", sizeof(struct cfg_apiserver),
						apiserver_fields };

#define LE struct cfg_local_etcd
static const struct cfg_field local_etcd_fields[] = {
	FE(LE, "imageRepository", CFG_STR, image_repository, true, "ImageMeta"),
	FE(LE, "imageTag", CFG_STR, image_tag, true, "ImageMeta"),
	F(LE, "dataDir", CFG_STR, data_dir, false),
	FT(LE, "extraArgs", CFG_LIST, extra_args, true, &arg_type, "[]v1beta4.Arg"),
	FT(LE, "extraEnvs", CFG_LIST, extra_envs, true, &env_type, "[]v1beta4.EnvVar"),
	F(LE, "serverCertSANs", CFG_STRV, server_cert_sans, true),
	F(LE, "peerCertSANs", CFG_STRV, peer_cert_sans, true),
	END,
};
#undef LE
static const struct cfg_type local_etcd_type = { "LocalEtcd", sizeof(struct cfg_local_etcd),
						 local_etcd_fields };

#define EE struct cfg_external_etcd
static const struct cfg_field external_etcd_fields[] = {
	F(EE, "endpoints", CFG_STRV, endpoints, false),
	F(EE, "httpEndpoints", CFG_STRV, http_endpoints, true),
	F(EE, "caFile", CFG_STR, ca_file, false),
	F(EE, "certFile", CFG_STR, cert_file, false),
	F(EE, "keyFile", CFG_STR, key_file, false),
	END,
};
#undef EE
static const struct cfg_type external_etcd_type = { "ExternalEtcd",
						    sizeof(struct cfg_external_etcd),
						    external_etcd_fields };

#define CC struct cfg_cluster_configuration
static const struct cfg_field etcd_fields[] = {
	FT(CC, "local", CFG_PSTRUCT, etcd.local, true, &local_etcd_type, NULL),
	FT(CC, "external", CFG_PSTRUCT, etcd.external, true, &external_etcd_type, NULL),
	END,
};
/* Nested anonymous structs share the parent's base pointer: offsets are from CC. */
static const struct cfg_type etcd_type = { "Etcd", 0, etcd_fields };

static const struct cfg_field networking_fields[] = {
	F(CC, "serviceSubnet", CFG_STR, networking.service_subnet, true),
	F(CC, "podSubnet", CFG_STR, networking.pod_subnet, true),
	F(CC, "dnsDomain", CFG_STR, networking.dns_domain, true),
	END,
};
static const struct cfg_type networking_type = { "Networking", 0, networking_fields };

static const struct cfg_field dns_fields[] = {
	FE(CC, "imageRepository", CFG_STR, dns.image_repository, true, "ImageMeta"),
	FE(CC, "imageTag", CFG_STR, dns.image_tag, true, "ImageMeta"),
	F(CC, "disabled", CFG_BOOL, dns.disabled, true),
	END,
};
static const struct cfg_type dns_type = { "DNS", 0, dns_fields };

static const struct cfg_field proxy_fields[] = {
	F(CC, "disabled", CFG_BOOL, proxy.disabled, true),
	END,
};
static const struct cfg_type proxy_type = { "Proxy", 0, proxy_fields };

/* Inline structs: offset 0 keeps the parent's base pointer. */
#define INLINE(json, type) { json, CFG_STRUCT, 0, true, type, NULL, NULL }
static const struct cfg_field cluster_fields[] = {
	TYPEMETA(CC),
	INLINE("etcd", &etcd_type),
	INLINE("networking", &networking_type),
	F(CC, "kubernetesVersion", CFG_STR, kubernetes_version, true),
	F(CC, "controlPlaneEndpoint", CFG_STR, control_plane_endpoint, true),
	FT(CC, "apiServer", CFG_STRUCT, api_server, true, &apiserver_type, NULL),
	FT(CC, "controllerManager", CFG_STRUCT, controller_manager, true, &component_type, NULL),
	FT(CC, "scheduler", CFG_STRUCT, scheduler, true, &component_type, NULL),
	INLINE("dns", &dns_type),
	INLINE("proxy", &proxy_type),
	F(CC, "certificatesDir", CFG_STR, certificates_dir, true),
	F(CC, "imageRepository", CFG_STR, image_repository, true),
	F(CC, "featureGates", CFG_MAPBOOL, feature_gates, true),
	F(CC, "clusterName", CFG_STR, cluster_name, true),
	FT(CC, "encryptionAlgorithm", CFG_STR, encryption_algorithm, true, NULL,
	   "v1beta4.EncryptionAlgorithmType"),
	F(CC, "certificateValidityPeriod", CFG_DUR, certificate_validity_period, true),
	F(CC, "caCertificateValidityPeriod", CFG_DUR, ca_certificate_validity_period, true),
	END,
};
#undef CC
const struct cfg_type cfg_type_cluster_configuration = {
	"ClusterConfiguration", sizeof(struct cfg_cluster_configuration), cluster_fields
};

#define BTD struct cfg_bootstrap_token_discovery
static const struct cfg_field btd_fields[] = {
	F(BTD, "token", CFG_STR, token, false),
	F(BTD, "apiServerEndpoint", CFG_STR, api_server_endpoint, true),
	F(BTD, "caCertHashes", CFG_STRV, ca_cert_hashes, true),
	F(BTD, "unsafeSkipCAVerification", CFG_BOOL, unsafe_skip_ca_verification, true),
	END,
};
#undef BTD
static const struct cfg_type btd_type = { "BootstrapTokenDiscovery",
					  sizeof(struct cfg_bootstrap_token_discovery), btd_fields };

static const struct cfg_field file_discovery_fields[] = {
	F(struct cfg_file_discovery, "kubeConfigPath", CFG_STR, kube_config_path, false),
	END,
};
static const struct cfg_type file_discovery_type = { "FileDiscovery",
						     sizeof(struct cfg_file_discovery),
						     file_discovery_fields };

static const struct cfg_field jcp_fields[] = {
	FT(struct cfg_join_control_plane, "localAPIEndpoint", CFG_STRUCT, local_api_endpoint, true,
	   &endpoint_type, NULL),
	F(struct cfg_join_control_plane, "certificateKey", CFG_STR, certificate_key, true),
	END,
};
static const struct cfg_type jcp_type = { "JoinControlPlane", sizeof(struct cfg_join_control_plane),
					  jcp_fields };

#define JC struct cfg_join_configuration
static const struct cfg_field discovery_fields[] = {
	FT(JC, "bootstrapToken", CFG_PSTRUCT, discovery.bootstrap_token, true, &btd_type, NULL),
	FT(JC, "file", CFG_PSTRUCT, discovery.file, true, &file_discovery_type, NULL),
	F(JC, "tlsBootstrapToken", CFG_STR, discovery.tls_bootstrap_token, true),
	END,
};
static const struct cfg_type discovery_type = { "Discovery", 0, discovery_fields };

static const struct cfg_field join_fields[] = {
	TYPEMETA(JC),
	F(JC, "dryRun", CFG_BOOL, dry_run, true),
	FT(JC, "nodeRegistration", CFG_STRUCT, node_registration, true, &nodereg_type, NULL),
	F(JC, "caCertPath", CFG_STR, ca_cert_path, true),
	INLINE("discovery", &discovery_type),
	FT(JC, "controlPlane", CFG_PSTRUCT, control_plane, true, &jcp_type, NULL),
	F(JC, "skipPhases", CFG_STRV, skip_phases, true),
	FT(JC, "patches", CFG_PSTRUCT, patches, true, &patches_type, NULL),
	FT(JC, "timeouts", CFG_PSTRUCT, timeouts, true, &timeouts_type, NULL),
	END,
};
#undef JC
const struct cfg_type cfg_type_join_configuration = {
	"JoinConfiguration", sizeof(struct cfg_join_configuration), join_fields
};

#define RC struct cfg_reset_configuration
static const struct cfg_field reset_fields[] = {
	TYPEMETA(RC),
	F(RC, "cleanupTmpDir", CFG_BOOL, cleanup_tmp_dir, true),
	F(RC, "certificatesDir", CFG_STR, certificates_dir, true),
	F(RC, "criSocket", CFG_STR, cri_socket, true),
	F(RC, "dryRun", CFG_BOOL, dry_run, true),
	F(RC, "force", CFG_BOOL, force, true),
	F(RC, "ignorePreflightErrors", CFG_STRV, ignore_preflight_errors, true),
	F(RC, "skipPhases", CFG_STRV, skip_phases, true),
	F(RC, "unmountFlags", CFG_STRV, unmount_flags, true),
	FT(RC, "timeouts", CFG_PSTRUCT, timeouts, true, &timeouts_type, NULL),
	END,
};
#undef RC
const struct cfg_type cfg_type_reset_configuration = {
	"ResetConfiguration", sizeof(struct cfg_reset_configuration), reset_fields
};

#define UC struct cfg_upgrade_configuration
static const struct cfg_field apply_fields[] = {
	F(UC, "kubernetesVersion", CFG_STR, apply.kubernetes_version, true),
	F(UC, "allowExperimentalUpgrades", CFG_OPTBOOL, apply.allow_experimental_upgrades, true),
	F(UC, "allowRCUpgrades", CFG_OPTBOOL, apply.allow_rc_upgrades, true),
	F(UC, "certificateRenewal", CFG_OPTBOOL, apply.certificate_renewal, true),
	F(UC, "dryRun", CFG_OPTBOOL, apply.dry_run, true),
	F(UC, "etcdUpgrade", CFG_OPTBOOL, apply.etcd_upgrade, true),
	F(UC, "forceUpgrade", CFG_OPTBOOL, apply.force_upgrade, true),
	F(UC, "ignorePreflightErrors", CFG_STRV, apply.ignore_preflight_errors, true),
	FT(UC, "patches", CFG_PSTRUCT, apply.patches, true, &patches_type, NULL),
	F(UC, "printConfig", CFG_OPTBOOL, apply.print_config, true),
	F(UC, "skipPhases", CFG_STRV, apply.skip_phases, true),
	FT(UC, "imagePullPolicy", CFG_STR, apply.image_pull_policy, true, NULL, "v1.PullPolicy"),
	F(UC, "imagePullSerial", CFG_OPTBOOL, apply.image_pull_serial, true),
	END,
};
static const struct cfg_type apply_type = { "UpgradeApplyConfiguration", 0, apply_fields };

static const struct cfg_field diff_fields[] = {
	F(UC, "kubernetesVersion", CFG_STR, diff.kubernetes_version, true),
	F(UC, "contextLines", CFG_INT, diff.context_lines, true),
	END,
};
static const struct cfg_type diff_type = { "UpgradeDiffConfiguration", 0, diff_fields };

static const struct cfg_field unode_fields[] = {
	F(UC, "certificateRenewal", CFG_OPTBOOL, node.certificate_renewal, true),
	F(UC, "dryRun", CFG_OPTBOOL, node.dry_run, true),
	F(UC, "etcdUpgrade", CFG_OPTBOOL, node.etcd_upgrade, true),
	F(UC, "ignorePreflightErrors", CFG_STRV, node.ignore_preflight_errors, true),
	F(UC, "skipPhases", CFG_STRV, node.skip_phases, true),
	FT(UC, "patches", CFG_PSTRUCT, node.patches, true, &patches_type, NULL),
	FT(UC, "imagePullPolicy", CFG_STR, node.image_pull_policy, true, NULL, "v1.PullPolicy"),
	F(UC, "imagePullSerial", CFG_OPTBOOL, node.image_pull_serial, true),
	END,
};
static const struct cfg_type unode_type = { "UpgradeNodeConfiguration", 0, unode_fields };

static const struct cfg_field plan_fields[] = {
	F(UC, "kubernetesVersion", CFG_STR, plan.kubernetes_version, true),
	F(UC, "allowExperimentalUpgrades", CFG_OPTBOOL, plan.allow_experimental_upgrades, true),
	F(UC, "allowRCUpgrades", CFG_OPTBOOL, plan.allow_rc_upgrades, true),
	F(UC, "dryRun", CFG_OPTBOOL, plan.dry_run, true),
	F(UC, "etcdUpgrade", CFG_OPTBOOL, plan.etcd_upgrade, true),
	F(UC, "ignorePreflightErrors", CFG_STRV, plan.ignore_preflight_errors, true),
	F(UC, "printConfig", CFG_OPTBOOL, plan.print_config, true),
	END,
};
static const struct cfg_type plan_type = { "UpgradePlanConfiguration", 0, plan_fields };

static const struct cfg_field upgrade_fields[] = {
	TYPEMETA(UC),
	INLINE("apply", &apply_type),
	INLINE("diff", &diff_type),
	INLINE("node", &unode_type),
	INLINE("plan", &plan_type),
	FT(UC, "timeouts", CFG_PSTRUCT, timeouts, true, &timeouts_type, NULL),
	END,
};
#undef UC
const struct cfg_type cfg_type_upgrade_configuration = {
	"UpgradeConfiguration", sizeof(struct cfg_upgrade_configuration), upgrade_fields
};

/* ---- defaulting (v1beta4 defaults.go) ---- */

#define NS_PER_MIN (INT64_C(60) * 1000000000)
#define NS_PER_HOUR (INT64_C(60) * NS_PER_MIN)

static void set_str(char **s, const char *v)
{
	if (!*s || !**s) {
		free(*s);
		*s = xstrdup(v);
	}
}

static void set_dur(struct cfg_dur *d, int64_t ns)
{
	if (!d->set)
		*d = (struct cfg_dur){ .set = true, .ns = ns };
}

static void set_optbool(struct cfg_optbool *b, bool v)
{
	if (!b->set)
		*b = (struct cfg_optbool){ .set = true, .v = v };
}

void cfg_default_timeouts(struct cfg_timeouts *t)
{
	set_dur(&t->control_plane_component_health_check, 4 * NS_PER_MIN);
	set_dur(&t->kubelet_health_check, 4 * NS_PER_MIN);
	set_dur(&t->kubernetes_api_call, 1 * NS_PER_MIN);
	set_dur(&t->etcd_api_call, 2 * NS_PER_MIN);
	set_dur(&t->tls_bootstrap, 5 * NS_PER_MIN);
	set_dur(&t->discovery, 5 * NS_PER_MIN);
	set_dur(&t->upgrade_manifests, 5 * NS_PER_MIN);
}

static void default_timeouts_ptr(struct cfg_timeouts **t)
{
	if (!*t)
		*t = xnew0(struct cfg_timeouts);
	cfg_default_timeouts(*t);
}

static void default_node_registration(struct cfg_node_registration *nr)
{
	set_str(&nr->image_pull_policy, "IfNotPresent");
	set_optbool(&nr->image_pull_serial, true);
}

static void default_endpoint(struct cfg_api_endpoint *e)
{
	if (e->bind_port == 0)
		e->bind_port = 6443;
}

void cfg_default_init(struct cfg_init_configuration *c)
{
	if (c->bootstrap_tokens.n == 0)
		cfg_list_push(&c->bootstrap_tokens, &token_type);
	for (size_t i = 0; i < c->bootstrap_tokens.n; i++) {
		struct cfg_token *t = CFG_LIST_AT(&c->bootstrap_tokens, struct cfg_token, i);
		set_dur(&t->ttl, 24 * NS_PER_HOUR);
		if (strv_length(t->usages) == 0) {
			strv_free(t->usages);
			t->usages = NULL;
			strv_push(&t->usages, "signing");
			strv_push(&t->usages, "authentication");
		}
		if (strv_length(t->groups) == 0) {
			strv_free(t->groups);
			t->groups = NULL;
			strv_push(&t->groups, "system:bootstrappers:kubeadm:default-node-token");
		}
	}
	default_endpoint(&c->local_api_endpoint);
	default_node_registration(&c->node_registration);
	default_timeouts_ptr(&c->timeouts);
}

static void default_env_list(struct cfg_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct cfg_env *e = CFG_LIST_AT(l, struct cfg_env, i);
		json_t *fr = e->value_from ? json_object_get(e->value_from, "fieldRef") : NULL;
		if (json_is_object(fr)) {
			const char *av = json_string_value(json_object_get(fr, "apiVersion"));
			if (!av || !*av)
				json_object_set_new(fr, "apiVersion", json_string("v1"));
		}
	}
}

void cfg_default_cluster(struct cfg_cluster_configuration *c)
{
	set_str(&c->kubernetes_version, "stable-1");
	set_str(&c->networking.service_subnet, "10.96.0.0/12");
	set_str(&c->networking.dns_domain, "cluster.local");
	set_str(&c->certificates_dir, "/etc/kubernetes/pki");
	set_str(&c->image_repository, "registry.k8s.io");
	set_str(&c->cluster_name, "kubernetes");
	set_str(&c->encryption_algorithm, "RSA-2048");
	set_dur(&c->certificate_validity_period, 365 * 24 * NS_PER_HOUR);
	set_dur(&c->ca_certificate_validity_period, 10 * 365 * 24 * NS_PER_HOUR);
	if (!c->etcd.external && !c->etcd.local)
		c->etcd.local = xnew0(struct cfg_local_etcd);
	if (c->etcd.local) {
		set_str(&c->etcd.local->data_dir, "/var/lib/etcd");
		default_env_list(&c->etcd.local->extra_envs);
	}
	if (c->etcd.external) {
		struct cfg_external_etcd *e = c->etcd.external;
		if (strv_length(e->http_endpoints) == 0 && strv_length(e->endpoints) > 0) {
			strv_free(e->http_endpoints);
			e->http_endpoints = strv_copy(e->endpoints);
		}
	}
	default_env_list(&c->api_server.c.extra_envs);
	default_env_list(&c->controller_manager.extra_envs);
	default_env_list(&c->scheduler.extra_envs);
}

/* SetDefaults_FileDiscovery: a file:// URL becomes its path (url.Parse's u.Path). */
static void file_url_to_path(char **p)
{
	const char *s = *p;
	if (strncasecmp(s, "file:", 5) != 0)
		return;
	const char *rest = s + 5;
	size_t end = strcspn(rest, "?#");
	_cleanup_free_ char *r = xstrndup(rest, end);
	const char *path;
	if (strneq(r, "//", 2)) {
		const char *slash = strchr(r + 2, '/');
		path = slash ? slash : "";
	} else if (r[0] == '/') {
		path = r;
	} else {
		path = ""; /* opaque URL: no path */
	}
	/* percent-decoding, as url.Parse does for Path */
	struct strbuf sb = STRBUF_INIT;
	for (const char *q = path; *q; q++) {
		if (*q == '%' && isxdigit((unsigned char)q[1]) && isxdigit((unsigned char)q[2])) {
			char hex[3] = { q[1], q[2], 0 };
			strbuf_addch(&sb, (char)strtol(hex, NULL, 16));
			q += 2;
		} else
			strbuf_addch(&sb, *q);
	}
	free(*p);
	*p = strbuf_detach(&sb, NULL);
}

void cfg_default_join(struct cfg_join_configuration *c)
{
	set_str(&c->ca_cert_path, "/etc/kubernetes/pki/ca.crt");
	if (c->control_plane)
		default_endpoint(&c->control_plane->local_api_endpoint);
	if ((!c->discovery.tls_bootstrap_token || !*c->discovery.tls_bootstrap_token) &&
	    c->discovery.bootstrap_token) {
		free(c->discovery.tls_bootstrap_token);
		c->discovery.tls_bootstrap_token = xstrdup(c->discovery.bootstrap_token->token);
	}
	if (c->discovery.file && c->discovery.file->kube_config_path)
		file_url_to_path(&c->discovery.file->kube_config_path);
	default_node_registration(&c->node_registration);
	default_timeouts_ptr(&c->timeouts);
}

void cfg_default_reset(struct cfg_reset_configuration *c)
{
	set_str(&c->certificates_dir, "/etc/kubernetes/pki");
	default_timeouts_ptr(&c->timeouts);
}

void cfg_default_upgrade(struct cfg_upgrade_configuration *c)
{
	set_optbool(&c->node.etcd_upgrade, true);
	set_optbool(&c->node.certificate_renewal, true);
	set_str(&c->node.image_pull_policy, "IfNotPresent");
	set_optbool(&c->node.image_pull_serial, true);
	set_optbool(&c->apply.etcd_upgrade, true);
	set_optbool(&c->apply.certificate_renewal, true);
	set_str(&c->apply.image_pull_policy, "IfNotPresent");
	set_optbool(&c->apply.image_pull_serial, true);
	set_optbool(&c->plan.etcd_upgrade, true);
	default_timeouts_ptr(&c->timeouts);
}
