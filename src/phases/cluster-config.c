/* SPDX-License-Identifier: Apache-2.0 */
/* FetchInitConfigurationFromCluster (cmd/kubeadm/app/util/config/cluster.go); see cluster-config.h. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cri/cri.h"
#include "kubeconfig/kubeconfig.h"
#include "phases/cluster-config.h"
#include "pki/pki.h"
#include "token/token.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "util/yaml.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct kube_client *, kube_client_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct init_config *, config_init_free)

/* A kube-system ConfigMap's data[key] (owned), through GetConfigMapWithShortRetry. */
static int configmap_key(struct kube_client *c, const char *name, const char *key, char **ret)
{
	json_t *cm = NULL;
	int r = kube_get_configmap_short_retry(c, "kube-system", name, &cm);
	if (r < 0)
		return r;
	const char *v = json_string_value(json_object_get(json_object_get(cm, "data"), key));
	if (!v) {
		json_decref(cm);
		return error_set(-EINVAL, "unexpected error when reading %s ConfigMap: %s key value pair missing",
				 name, key);
	}
	*ret = xstrdup(v);
	json_decref(cm);
	return 0;
}

int phases_fetch_component_configs(struct kube_client *c, char **ret_kubelet, char **ret_proxy)
{
	log_v(1, "attempting to download the KubeProxyConfiguration from ConfigMap \"kube-proxy\"");
	int r = configmap_key(c, "kube-proxy", "config.conf", ret_proxy);
	if (r == -ENOENT || r == -EPERM) {
		log_warning("Warning: No kubeproxy.config.k8s.io/v1alpha1 config is loaded. Continuing without it: %s",
			    error_message(r));
		error_clear();
		*ret_proxy = NULL;
	} else if (r < 0) {
		return error_wrap(r, "could not download the kube-proxy configuration from ConfigMap \"kube-proxy\"");
	}
	log_v(1, "attempting to download the KubeletConfiguration from ConfigMap \"kubelet-config\"");
	r = configmap_key(c, "kubelet-config", "kubelet", ret_kubelet);
	if (r < 0)
		return error_wrap(r, "could not download the kubelet configuration from ConfigMap \"kubelet-config\"");
	return 0;
}

static const struct kube_resource res_selfsubjectreviews = {
	.group = "authentication.k8s.io", .version = "v1", .resource = "selfsubjectreviews",
	.kind = "SelfSubjectReview", .namespaced = false, .go_type = "*v1.SelfSubjectReview",
};

/* A named entry of a kubeconfig list ("contexts", "users"): its inner object, or NULL. */
static const json_t *kubeconfig_named(const json_t *kc, const char *list, const char *inner,
				      const char *name)
{
	size_t i;
	const json_t *e;
	json_array_foreach(json_object_get(kc, list), i, e) {
		const char *n = json_string_value(json_object_get(e, "name"));
		if (n && name && streq(n, name))
			return json_object_get(e, inner);
	}
	return NULL;
}

/* getNodeNameFromKubeletConfig: the CN of kubelet.conf's client certificate without the
 * "system:node:" prefix. */
static int node_name_from_kubelet_conf(const char *path, char **ret)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = fs_read_file(AT_FDCWD, path, 16u << 20, &data, &len);
	if (r < 0)
		return r;
	json_t *kc = NULL;
	r = kubeconfig_parse(data, len, &kc);
	if (r < 0)
		return r;
	const char *cur = json_string_value(json_object_get(kc, "current-context"));
	const json_t *ctx = kubeconfig_named(kc, "contexts", "context", cur);
	const json_t *user = ctx ? kubeconfig_named(kc, "users", "user",
						    json_string_value(json_object_get(ctx, "user")))
				 : NULL;
	const char *cdata = json_string_value(json_object_get(user, "client-certificate-data"));
	const char *cfile = json_string_value(json_object_get(user, "client-certificate"));
	_cleanup_free_ unsigned char *pem = NULL;
	_cleanup_free_ char *fpem = NULL;
	size_t plen = 0;
	if (!ctx)
		r = error_set(-EINVAL, "invalid kubeconfig file %s: missing context %s", path, strempty(cur));
	else if (!user)
		r = error_set(-EINVAL, "invalid kubeconfig file %s: missing AuthInfo", path);
	else if (cdata && *cdata)
		r = token_base64_decode(cdata, &pem, &plen);
	else if (cfile && *cfile)
		r = fs_read_file(AT_FDCWD, cfile, 1u << 20, &fpem, &plen);
	else
		r = error_set(-EINVAL, "invalid kubeconfig file %s. x509 certificate expected", path);
	json_decref(kc);
	if (r < 0)
		return r;
	struct pki_cert **certs = NULL;
	r = pki_certs_from_pem(pem ? (const char *)pem : fpem, plen, &certs);
	if (r < 0)
		return r;
	if (!certs || !certs[0]) {
		pki_certs_free(certs);
		return error_set(-EINVAL, "data does not contain any valid RSA or ECDSA certificates");
	}
	char *cn = pki_cert_common_name(certs[0]);
	pki_certs_free(certs);
	const char *n = cn ? cn : "";
	if (strneq(n, "system:node:", 12))
		n += 12;
	*ret = xstrdup(n);
	free(cn);
	return 0;
}

/*
 * GetNodeName(/etc/kubernetes/kubelet.conf): the node user of a SelfSubjectReview made with
 * the kubelet's credentials, else the CN of kubelet.conf's client certificate, else the host
 * name (lower-cased, as nodeutil.GetHostname).
 */
static int node_name(char **ret)
{
	static const char kubelet_conf[] = "/etc/kubernetes/kubelet.conf";
	_cleanup_(kube_client_freep) struct kube_client *kc = NULL;
	if (kube_client_new_from_file(kubelet_conf, &kc) >= 0) {
		json_t *in = json_pack("{s:s,s:s}", "apiVersion", "authentication.k8s.io/v1", "kind",
				       "SelfSubjectReview");
		json_t *out = NULL;
		int r = kube_create(kc, &res_selfsubjectreviews, in, &out);
		json_decref(in);
		const char *user = r >= 0 ? json_string_value(json_object_get(json_object_get(
						json_object_get(out, "status"), "userInfo"), "username"))
					  : NULL;
		if (user && strneq(user, "system:node:", 12)) {
			*ret = xstrdup(user + 12);
			json_decref(out);
			error_clear();
			return 0;
		}
		json_decref(out);
	}
	error_clear();
	if (node_name_from_kubelet_conf(kubelet_conf, ret) >= 0)
		return 0;
	error_clear();
	char host[256];
	if (gethostname(host, sizeof(host)) < 0)
		return error_set(-errno, "could not get node name: %s", go_strerror(errno));
	host[sizeof(host) - 1] = '\0';
	for (char *p = host; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	*ret = xstrdup(host);
	return 0;
}

/* GetNodeRegistration: name, CRI socket (instance config, else detection) of this node. */
static int fetch_node_registration(struct kube_client *c, int rootfd, struct init_config *ic)
{
	_cleanup_free_ char *name = NULL;
	int r = node_name(&name);
	if (r < 0)
		return r;
	json_t *node = NULL;
	r = kube_get(c, &kube_res_nodes, NULL, name, &node);
	if (r < 0)
		return error_wrap(r, "failed to get corresponding node");
	json_decref(node);
	static const char instance[] = "/var/lib/kubelet/instance-config.yaml";
	char *sock = NULL;
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	r = fs_read_file(rootfd, instance, 1u << 20, &data, &len);
	if (r == -ENOENT) {
		error_clear();
		log_warning("Node \"%s\" lacks a kubelet instance config file \"%s\"; attempting auto-detection",
			    name, instance);
		int dr = cri_detect_socket(rootfd, &sock);
		if (dr < 0) {
			log_warning("Auto-detection of CRI socket failed for node \"%s\": %s; falling back to default \"%s\"",
				    name, error_message(dr), CRI_DEFAULT_SOCKET);
			error_clear();
			sock = xstrdup(CRI_DEFAULT_SOCKET);
		}
	} else if (r < 0) {
		return r;
	} else {
		json_t *kc = NULL;
		r = yaml_to_json(data, len, 0, &kc);
		if (r < 0)
			return error_wrap(r, "could not read kubelet instance configuration on node \"%s\"",
					  name);
		sock = xstrdup(strempty(json_string_value(
			json_object_get(kc, "containerRuntimeEndpoint"))));
		json_decref(kc);
	}
	free(ic->init.node_registration.name);
	ic->init.node_registration.name = TAKE_PTR(name);
	free(ic->init.node_registration.cri_socket);
	ic->init.node_registration.cri_socket = sock;
	return 0;
}

/* getRawAPIEndpointFromPodAnnotationWithoutRetry, polled as GetAPIEndpoint. */
static int fetch_api_endpoint(struct kube_client *c, const char *node, long timeout_ms,
			      struct init_config *ic)
{
	_cleanup_free_ char *field = xasprintf("spec.nodeName=%s", node);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r;
	_cleanup_free_ char *ep = NULL;
	for (;;) {
		json_t *list = NULL;
		r = kube_list(c, &kube_res_pods, "kube-system", "component=kube-apiserver,tier=control-plane",
			      field, &list);
		if (r < 0) {
			r = error_wrap(r, "could not retrieve list of pods to determine api server endpoints");
		} else {
			json_t *items = json_object_get(list, "items");
			const char *a = json_string_value(json_object_get(
				json_object_get(json_object_get(json_array_get(items, 0), "metadata"),
						"annotations"),
				"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint"));
			if (json_array_size(items) != 1)
				r = error_set(-EINVAL, "API server pod for node name \"%s\" has %zu entries, only one was expected",
					      node, json_array_size(items));
			else if (!a)
				r = error_set(-EINVAL, "API server pod for node name \"%s\" hasn't got a \"%s\" annotation, cannot retrieve API endpoint",
					      node, "kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint");
			else
				ep = xstrdup(a);
		}
		json_decref(list);
		if (ep)
			break;
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long el = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
		if (el + 500 > timeout_ms)
			return error_set(-ETIMEDOUT, "could not retrieve API endpoints for node \"%s\" using pod annotations: context deadline exceeded",
					 node);
		struct timespec ts = { 0, 500000000L };
		nanosleep(&ts, NULL);
	}
	/* kubeadmapi.APIEndpointFromString: host:port */
	char *colon = strrchr(ep, ':');
	int64_t port = 0;
	if (!colon || parse_int64(colon + 1, 0, 65535, &port) < 0)
		return error_set(-EINVAL, "could not parse API endpoint for node \"%s\": invalid advertise address endpoint: %s",
				 node, ep);
	*colon = '\0';
	const char *host = ep;
	size_t hl = strlen(host);
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		ep[hl - 1] = '\0';
		host = ep + 1;
	}
	free(ic->init.local_api_endpoint.advertise_address);
	ic->init.local_api_endpoint.advertise_address = xstrdup(host);
	ic->init.local_api_endpoint.bind_port = port;
	return 0;
}

/* The kubeadm-config ConfigMap: GetConfigMapWithShortRetry, or with poll_ms a GET polled every
 * KUBE_RETRY_INTERVAL_MS (kubeadm: 500 ms) for that long, the last error kept. */
static int get_kubeadm_config(struct kube_client *c, long poll_ms, json_t **ret)
{
	if (poll_ms <= 0)
		return kube_get_configmap_short_retry(c, "kube-system", "kubeadm-config", ret);
	for (long waited = 0;; waited += KUBE_RETRY_INTERVAL_MS) {
		int r = kube_get(c, &kube_res_configmaps, "kube-system", "kubeadm-config", ret);
		if (r >= 0 || waited + KUBE_RETRY_INTERVAL_MS >= poll_ms)
			return r;
		error_clear();
		struct timespec ts = { 0, KUBE_RETRY_INTERVAL_MS * 1000000L };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
}

int phases_fetch_init_config(struct kube_client *c, const struct phases_fetch_options *o,
			     struct init_config **ret)
{
	if (o->log_prefix) {
		printf("[%s] Reading configuration from the \"kubeadm-config\" ConfigMap in namespace \"kube-system\"...\n"
		       "[%s] Use 'kubeadm init phase upload-config kubeadm --config your-config-file' to re-upload it.\n",
		       o->log_prefix, o->log_prefix);
		fflush(stdout);
	}
	_cleanup_free_ char *cc = NULL, *kubelet = NULL, *proxy = NULL;
	json_t *cm = NULL;
	int r = get_kubeadm_config(c, o->configmap_poll_ms, &cm);
	if (r < 0)
		return error_wrap(r, "failed to get config map");
	const char *v = json_string_value(
		json_object_get(json_object_get(cm, "data"), "ClusterConfiguration"));
	cc = v ? xstrdup(v) : NULL;
	json_decref(cm);
	if (!cc)
		return error_set(-EINVAL, "unexpected error when reading kubeadm-config ConfigMap: ClusterConfiguration key value pair missing");
	if (o->component_configs) {
		r = phases_fetch_component_configs(c, &kubelet, &proxy);
		if (r < 0)
			return error_wrap(r, "failed to get component configs");
	}
	_cleanup_(config_init_freep) struct init_config *ic = NULL;
	r = config_init_from_cluster_data(cc, kubelet, proxy, &ic);
	if (r < 0)
		return r;
	if (o->node_registration) {
		r = fetch_node_registration(c, o->rootfd, ic);
		if (r < 0)
			return error_wrap(r, "failed to get node registration");
	}
	if (o->api_endpoint) {
		r = fetch_api_endpoint(c, ic->init.node_registration.name, o->api_timeout_ms, ic);
		if (r < 0)
			return error_wrap(r, "failed to getAPIEndpoint");
	}
	r = config_init_dynamic_defaults(ic, !o->api_endpoint);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(ic);
	return 0;
}

void phases_pki_params(const struct init_config *c, struct pki_params *ret)
{
	const struct cfg_init_configuration *ic = &c->init;
	const struct cfg_cluster_configuration *cc = &c->cluster;
	enum pki_algo algo = PKI_RSA2048;
	if (pki_algo_parse(cc->encryption_algorithm, &algo) < 0)
		error_clear();
	*ret = (struct pki_params){
		.node_name = ic->node_registration.name,
		.advertise_address = ic->local_api_endpoint.advertise_address,
		.bind_port = (int)ic->local_api_endpoint.bind_port,
		.service_subnet = cc->networking.service_subnet,
		.dns_domain = cc->networking.dns_domain,
		.cert_sans = cc->api_server.cert_sans,
		.control_plane_endpoint = cc->control_plane_endpoint,
		.cert_dir = cc->certificates_dir,
		.cluster_name = cc->cluster_name,
		.algo = algo,
		.cert_validity = cc->certificate_validity_period.set
					 ? cc->certificate_validity_period.ns / 1000000000
					 : 0,
		.ca_cert_validity = cc->ca_certificate_validity_period.set
					    ? cc->ca_certificate_validity_period.ns / 1000000000
					    : 0,
		.local_etcd = cc->etcd.local != NULL,
		.etcd_server_sans = cc->etcd.local ? cc->etcd.local->server_cert_sans : NULL,
		.etcd_peer_sans = cc->etcd.local ? cc->etcd.local->peer_cert_sans : NULL,
		.rootfd = AT_FDCWD,
		.out = stdout,
	};
}

char *phases_local_api_url(const struct cfg_api_endpoint *ep)
{
	const char *a = strempty(ep->advertise_address);
	if (strchr(a, ':'))
		return xasprintf("https://[%s]:%lld", a, (long long)ep->bind_port);
	return xasprintf("https://%s:%lld", a, (long long)ep->bind_port);
}
