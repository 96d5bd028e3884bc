/* SPDX-License-Identifier: Apache-2.0 */
/* `kubeadm reset` (cmd/kubeadm/app/cmd/reset.go): options, run data, the reset workflow. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmdutil.h"
#include "cmd/commands.h"
#include "config/config.h"
#include "cri/cri.h"
#include "kube/client.h"
#include "kubeconfig/kubeconfig.h"
#include "pki/pki.h"
#include "token/token.h"
#include "phases/reset.h"
#include "phases/reset/reset-data.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/yaml.h"

#define DEFAULT_CERT_DIR "/etc/kubernetes/pki"
#define DEFAULT_KUBECONFIG "/etc/kubernetes/admin.conf"

const struct workflow reset_workflow = { .name = "reset", .phases = phases_reset };

static void kube_client_freep(struct kube_client **p)
{
	kube_client_free(*p);
}

static void init_config_freep(struct init_config **p)
{
	config_init_free(*p);
}

static const char manual_cleanup_instructions[] =
	"\n"
	"The reset process does not perform cleanup of CNI plugin configuration,\n"
	"network filtering rules and kubeconfig files.\n"
	"\n"
	"For information on how to perform this cleanup manually, please see:\n"
	"    https://k8s.io/docs/reference/setup-tools/kubeadm/kubeadm-reset/\n"
	"\n";

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

/* componentconfigs.FetchFromCluster, in kubeadm's handler order (kube-proxy, then the
 * kubelet): kube-proxy's ConfigMap may be absent, the kubelet's must exist. */
static int fetch_component_configs(struct kube_client *c, char **ret_kubelet, char **ret_proxy)
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

/*
 * FetchInitConfigurationFromCluster(client, "reset", getNodeRegistration=true,
 * getAPIEndpoint=IsControlPlaneNode(), getComponentConfigs=true, shortConfigMapGet=true).
 */
static int reset_fetch_init_config_from_cluster(struct kube_client *c, int rootfd,
						 long api_timeout_ms, struct init_config **ret)
{
	printf("[reset] Reading configuration from the \"kubeadm-config\" ConfigMap in namespace \"kube-system\"...\n");
	printf("[reset] Use 'kubeadm init phase upload-config kubeadm --config your-config-file' to re-upload it.\n");
	fflush(stdout);
	_cleanup_free_ char *cc = NULL, *kubelet = NULL, *proxy = NULL;
	json_t *cm = NULL;
	int r = kube_get_configmap_short_retry(c, "kube-system", "kubeadm-config", &cm);
	if (r < 0)
		return error_wrap(r, "failed to get config map");
	const char *v = json_string_value(
		json_object_get(json_object_get(cm, "data"), "ClusterConfiguration"));
	cc = v ? xstrdup(v) : NULL;
	json_decref(cm);
	if (!cc)
		return error_set(-EINVAL, "unexpected error when reading kubeadm-config ConfigMap: ClusterConfiguration key value pair missing");
	r = fetch_component_configs(c, &kubelet, &proxy);
	if (r < 0)
		return error_wrap(r, "failed to get component configs");
	_cleanup_(init_config_freep) struct init_config *ic = NULL;
	r = config_init_from_cluster_data(cc, kubelet, proxy, &ic);
	if (r < 0)
		return r;
	r = fetch_node_registration(c, rootfd, ic);
	if (r < 0)
		return error_wrap(r, "failed to get node registration");
	struct stat st;
	bool control_plane = !(stat("/etc/kubernetes/manifests/kube-apiserver.yaml", &st) < 0 &&
			       errno == ENOENT);
	if (control_plane) {
		r = fetch_api_endpoint(c, ic->init.node_registration.name, api_timeout_ms, ic);
		if (r < 0)
			return error_wrap(r, "failed to getAPIEndpoint");
	}
	r = config_init_dynamic_defaults(ic, !control_plane);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(ic);
	return 0;
}

static long api_call_timeout_ms(const struct reset_config *cfg)
{
	const struct cfg_timeouts *t = cfg->reset.timeouts;
	if (t && t->kubernetes_api_call.set && t->kubernetes_api_call.ns > 0)
		return (long)(t->kubernetes_api_call.ns / 1000000);
	return 60000;
}

/*
 * newResetData's client and fetch: a kubeconfig that cannot be loaded is only logged at -v=1
 * (in dry-run: a missing file); a cluster that cannot be read is a warning and reset goes on
 * without the InitConfiguration.
 */
static void fetch_init_config(struct reset_data *d)
{
	const char *path = d->kubeconfig_path;
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	int r;
	if (d->dry_run) {
		struct stat st;
		r = stat(path, &st) < 0 ? -errno : 0;
		if (r >= 0)
			r = kube_client_new_dry_run_from_file(path, stdout,
							      KUBE_DRYRUN_KUBEADM_CONFIG |
								      KUBE_DRYRUN_KUBELET_CONFIG |
								      KUBE_DRYRUN_KUBEPROXY_CONFIG |
								      /* reset.go AppendReactor()s them */
								      KUBE_DRYRUN_APPEND,
							      &c);
	} else {
		r = kube_client_new_from_file(path, &c);
	}
	if (r < 0) {
		error_clear();
		log_v(1, "[reset] Could not obtain a client set from the kubeconfig file: %s", path);
		return;
	}
	log_v(1, "[reset] Loaded client set from kubeconfig file: %s", path);
	long timeout = api_call_timeout_ms(d->cfg);
	kube_client_set_api_call_timeout(c, timeout, 0);
	struct init_config *ic = NULL;
	r = reset_fetch_init_config_from_cluster(c, d->rootfd, timeout, &ic);
	if (r < 0) {
		log_warning("[reset] Unable to fetch the kubeadm-config ConfigMap from cluster: %s",
			    error_message(r));
		error_clear();
		return;
	}
	d->init_cfg = ic;
	d->client = TAKE_PTR(c);
}

void reset_workflow_free(struct run_ctx *ctx)
{
	struct reset_data *d = reset_data(ctx);
	if (!d)
		return;
	config_reset_free(d->cfg);
	config_init_free(d->init_cfg);
	kube_client_free(d->client);
	free(d->cert_dir);
	free(d->cri_socket);
	free(d->kubeconfig_path);
	strv_free(d->ignore_preflight_errors);
	free(d);
}

/* newResetData + the runner's data initializer in newCmdReset. */
int reset_workflow_init(struct cmd_ctx *ctx, struct workflow_options *opts, struct run_ctx **ret)
{
	const struct flagset *fs = &ctx->flags;
	int r = cmd_validate_mixed_arguments(fs);
	if (r < 0)
		return r;

	const char *cfg_path = cmd_flag_string_or(fs, "config", "");
	_cleanup_(json_decrefp) json_t *ov = NULL;
	r = flagset_overrides(fs, &ov);
	if (r < 0)
		return r;
	/* phases without --cri-socket do not depend on it: skip CRI detection */
	struct config_load_options lo = { .allow_experimental = true,
					  .skip_cri_detect = !flagset_lookup(fs, "cri-socket") };
	struct reset_config *cfg = NULL;
	r = config_load_reset(*cfg_path ? cfg_path : NULL, ov, &lo, &cfg);
	if (r < 0)
		return r;

	struct reset_data *d = xnew0(struct reset_data);
	d->cfg = cfg;
	d->flags = fs;
	d->rootfd = ctx->rootfd;
	d->in = stdin;
	d->kubeconfig_path = xstrdup(cmd_flag_string_or(fs, "kubeconfig", DEFAULT_KUBECONFIG));
	d->dry_run = cmd_flag_bool_or_config(fs, "dry-run", cfg->reset.dry_run);

	fetch_init_config(d);

	char *const *cli_ignore = flagset_lookup(fs, "ignore-preflight-errors")
					  ? flagset_get_strv(fs, "ignore-preflight-errors")
					  : NULL;
	r = config_ignore_preflight_errors(cli_ignore, cfg->reset.ignore_preflight_errors,
					   &d->ignore_preflight_errors);
	if (r < 0) {
		reset_workflow_free((struct run_ctx *)(void *)d);
		return r;
	}
	if (d->init_cfg) {
		strv_free(d->init_cfg->init.node_registration.ignore_preflight_errors);
		d->init_cfg->init.node_registration.ignore_preflight_errors =
			strv_copy(d->ignore_preflight_errors);
	}

	const char *sock = cmd_flag_string_or(fs, "cri-socket", "");
	if (*sock) {
		d->cri_socket = xstrdup(sock);
	} else {
		/* resetDetectCRISocket */
		if (cfg->reset.cri_socket && *cfg->reset.cri_socket)
			d->cri_socket = xstrdup(cfg->reset.cri_socket);
		else if (d->init_cfg && d->init_cfg->init.node_registration.cri_socket &&
			 *d->init_cfg->init.node_registration.cri_socket)
			d->cri_socket = xstrdup(d->init_cfg->init.node_registration.cri_socket);
		else
			r = cri_detect_socket(d->rootfd, &d->cri_socket);
		if (r < 0) {
			reset_workflow_free((struct run_ctx *)(void *)d);
			return r;
		}
		log_v(1, "[reset] Using specified CRI socket: %s", d->cri_socket);
	}

	if (flagset_changed(fs, "cert-dir"))
		d->cert_dir = xstrdup(flagset_get_string(fs, "cert-dir"));
	else if (cfg->reset.certificates_dir && *cfg->reset.certificates_dir)
		d->cert_dir = xstrdup(cfg->reset.certificates_dir);
	else if (d->init_cfg && d->init_cfg->cluster.certificates_dir &&
		 *d->init_cfg->cluster.certificates_dir)
		d->cert_dir = xstrdup(d->init_cfg->cluster.certificates_dir);
	else
		d->cert_dir = xstrdup(DEFAULT_CERT_DIR);

	d->force = cmd_flag_bool_or_config(fs, "force", cfg->reset.force);
	d->cleanup_tmp_dir = cmd_flag_bool_or_config(fs, "cleanup-tmp-dir", cfg->reset.cleanup_tmp_dir);

	/* an empty --skip-phases takes the configuration's skipPhases */
	if (!opts->skip || !opts->skip[0]) {
		strv_free(opts->skip);
		opts->skip = strv_copy(cfg->reset.skip_phases);
	}
	*ret = (struct run_ctx *)(void *)d;
	return 0;
}

int cmd_reset(struct cmd_ctx *ctx)
{
	struct workflow_options opts = {
		.skip = strv_copy(flagset_get_strv(&ctx->flags, "skip-phases")),
	};
	struct run_ctx *data = NULL;
	int r = reset_workflow_init(ctx, &opts, &data);
	if (r >= 0)
		r = workflow_run(&reset_workflow, &opts, NULL, NULL, &data);
	if (r >= 0) {
		fputs(manual_cleanup_instructions, stdout);
		fflush(stdout);
	}
	reset_workflow_free(data);
	strv_free(opts.skip);
	return r;
}
