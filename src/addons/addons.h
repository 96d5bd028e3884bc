/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The essential addons kubeadm installs (cmd/kubeadm/app/phases/addons/dns and .../proxy):
 * the CoreDNS and kube-proxy objects, rendered from kubeadm's Go templates and decoded as
 * kubeadm decodes them (the json_t of each object is what Go's encoding of the decoded
 * k8s.io/api struct gives, which is what kubeadm sends to the API server), and the text
 * `init phase addon <x> --print-manifest` prints.
 *
 * Objects are new references owned by the caller. Functions return 0 or -errno with
 * kubeadm's message set (util/error.h).
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "util/strbuf.h"

#define ADDONS_COREDNS_REPLICAS 2 /* dns.coreDNSReplicas */
#define ADDONS_COREDNS_DEPLOYMENT "coredns"
#define ADDONS_COREDNS_CONFIGMAP "coredns"
#define ADDONS_KUBE_PROXY_CONFIGMAP "kube-proxy"
#define ADDONS_CONFIG_HASH_ANNOTATION "kubeadm.kubernetes.io/component-config.hash"

/*
 * constants.GetDNSIP: the 10th address of the first CIDR of the comma-separated service
 * subnets, as Go prints it, into buf (>= 64 bytes). -EINVAL with kubeadm's message.
 */
int addons_dns_ip(const char *service_subnets, char *buf, size_t size);

/* ---- CoreDNS ------------------------------------------------------------------------ */

/*
 * The CoreDNS Deployment as kubeadm decodes it: the template with the image of
 * config_image_coredns(cfg) and replicas, then the "corednsdeployment" patches of
 * patches_dir (NULL/"": none) applied with their "[patches]" lines printed to out.
 * With ret_yaml non-NULL, also the YAML text kubeadm keeps for --print-manifest (the
 * template text, or JSONToYAML of the patched document when a patches dir is given). Owned.
 */
int addons_coredns_deployment(const struct init_config *cfg, int32_t replicas,
			      const char *patches_dir, FILE *out, json_t **ret,
			      char **ret_yaml);
/* The "coredns" ConfigMap (Corefile for networking.dnsDomain). ret_yaml as above. */
int addons_coredns_configmap(const struct init_config *cfg, json_t **ret, char **ret_yaml);
/* The "kube-dns" Service with the DNS IP of networking.serviceSubnet. ret_yaml as above. */
int addons_coredns_service(const struct init_config *cfg, json_t **ret, char **ret_yaml);
/* The fixed objects: ClusterRole/ClusterRoleBinding "system:coredns", ServiceAccount. */
json_t *addons_coredns_cluster_role(void);
json_t *addons_coredns_cluster_role_binding(void);
json_t *addons_coredns_service_account(void);

/*
 * What `init phase addon coredns --print-manifest` prints (coreDNSAddon with printManifest),
 * appended to sb; "[patches]" lines go to out as kubeadm prints them (before the manifest).
 */
int addons_coredns_manifest(const struct init_config *cfg, const char *patches_dir, FILE *out,
			    struct strbuf *sb);

/* ---- kube-proxy --------------------------------------------------------------------- */

/*
 * The "kube-proxy" ConfigMap: config.conf (the KubeProxyConfiguration as kubeadm marshals
 * it) and kubeconfig.conf (in-cluster kubeconfig pointing at the control-plane endpoint).
 * sign: annotate it with the component-config hash, as kubeadm does when the configuration
 * was not supplied by the user. ret_yaml (may be NULL): the template text (--print-manifest).
 */
int addons_proxy_configmap(const struct init_config *cfg, bool sign, json_t **ret,
			   char **ret_yaml);
/*
 * The "kube-proxy" DaemonSet with the "kubeproxydaemonset" patches of patches_dir applied
 * ("[patches]" lines to out) and, in the decoded object only, the *_proxy variables of env
 * (NULL: the process environment) appended to the container's env. ret_yaml as above.
 */
int addons_proxy_daemonset(const struct init_config *cfg, const char *patches_dir, FILE *out,
			   char *const *env, json_t **ret, char **ret_yaml);
/* ServiceAccount, ClusterRoleBinding kubeadm:node-proxier, Role and RoleBinding kube-proxy. */
json_t *addons_proxy_service_account(void);
json_t *addons_proxy_cluster_role_binding(void);
json_t *addons_proxy_role(void);
json_t *addons_proxy_role_binding(void);

/* What `init phase addon kube-proxy --print-manifest` prints, appended to sb. */
int addons_proxy_manifest(const struct init_config *cfg, const char *patches_dir, FILE *out,
			  struct strbuf *sb);

/*
 * IsUserSupplied for the kube-proxy component config: whether the --config file (NULL: no
 * file, false) holds a document of group kubeproxy.config.k8s.io. Read errors give false
 * (the loader already reported them).
 */
bool addons_proxy_config_user_supplied(const char *config_path);

/* ChecksumForConfigMap: "sha256:<hex>" over data values in key order. Owned. */
char *addons_configmap_checksum(const json_t *cm);

/* ---- installing (ensure.c) ---------------------------------------------------------- */

struct kube_client;

/* image.TagFromImage: the tag of an image reference (after the last ":" that follows the last
 * "/"), "" without one. Borrowed from image. */
const char *addons_image_tag(const char *image);
/* dns.DeployedDNSAddon: the image tag of the one k8s-app=kube-dns Deployment, "" when there is
 * none; -EINVAL "multiple DNS addon deployments found" for more. *ret owned. */
int addons_deployed_dns_version(struct kube_client *c, char **ret);

/*
 * dns.EnsureDNSAddon: with print_manifest the manifests are printed to out (c unused, may be
 * NULL); otherwise the replicas of a deployed CoreDNS are kept, the ConfigMap is created or
 * updated (a Corefile that differs from ours is retained: CreateOrRetain; kubeadm's
 * migration of an older CoreDNS version's Corefile is not implemented), the RBAC objects,
 * ServiceAccount and Deployment are created or updated, the kube-dns Service created (or
 * updated when it exists or its IP is taken), and "[addons] Applied essential addon:
 * CoreDNS" is printed to out. "[patches]" lines go to out. Returns 0 or -errno (message set).
 */
int addons_ensure_coredns(const struct init_config *cfg, struct kube_client *c,
			  const char *patches_dir, bool print_manifest, FILE *out);
/*
 * proxy.EnsureProxyAddon: the ConfigMap (signed unless user_supplied), DaemonSet,
 * ServiceAccount, ClusterRoleBinding, Role and RoleBinding, created or updated, then
 * "[addons] Applied essential addon: kube-proxy"; or the manifests with print_manifest.
 */
int addons_ensure_proxy(const struct init_config *cfg, struct kube_client *c,
			const char *patches_dir, bool print_manifest, bool user_supplied, FILE *out);
