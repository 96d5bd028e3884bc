/* SPDX-License-Identifier: Apache-2.0 */
/* joinData's accessors (cmd/kubeadm/app/cmd/join.go): discovery, InitCfg, Client. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "config/schema.h"
#include "discovery/discovery.h"
#include "phases/cluster-config.h"
#include "phases/join/join-data.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strv.h"
#include "util/xalloc.h"

static void kube_client_freep(struct kube_client **p)
{
	kube_client_free(*p);
}

void join_data_free(struct join_data *d)
{
	if (!d)
		return;
	config_join_free(d->cfg);
	config_init_free(d->init_cfg);
	json_decref(d->tls_bootstrap_cfg);
	kube_client_free(d->client);
	for (size_t i = 0; i < d->n_stale; i++)
		kube_client_free(d->stale[i]);
	free(d->dry_run_dir);
	free(d->patches_flag);
	strv_free(d->ignore_preflight_errors);
	free(d->etcd_member_name);
	free(d->etcd_member_peer_url);
	free(d);
}

const char *join_data_kubeconfig_dir(const struct join_data *d)
{
	return d->dry_run ? d->dry_run_dir : JOIN_KUBERNETES_DIR;
}

const char *join_data_kubelet_dir(const struct join_data *d)
{
	return d->dry_run ? d->dry_run_dir : "/var/lib/kubelet";
}

const char *join_data_manifest_dir(const struct join_data *d)
{
	return d->dry_run ? d->dry_run_dir : "/etc/kubernetes/manifests";
}

const char *join_data_patches_dir(const struct join_data *d)
{
	if (d->patches_flag && *d->patches_flag)
		return d->patches_flag;
	if (d->cfg->join.patches && d->cfg->join.patches->directory &&
	    *d->cfg->join.patches->directory)
		return d->cfg->join.patches->directory;
	return NULL;
}

/* where a dry-run client's real GETs go, in kubeadm's order of preference */
enum { SRC_ADMIN = 1, SRC_TLS_BOOTSTRAP, SRC_INSECURE_TOKEN, SRC_NONE };

int join_data_client(struct join_data *d, struct kube_client **ret)
{
	_cleanup_free_ char *admin = xasprintf("%s/admin.conf", join_data_kubeconfig_dir(d));
	struct stat st;
	int src = SRC_NONE;
	if (stat(admin, &st) == 0)
		src = SRC_ADMIN;
	else if (d->tls_bootstrap_cfg)
		src = SRC_TLS_BOOTSTRAP;
	else if (d->cfg->join.discovery.bootstrap_token)
		src = SRC_INSECURE_TOKEN;
	/* kubeadm makes a new dry-run client on each call: after discovery the real GETs use the
	 * discovered identity (kubeadm-config is not readable anonymously). A client made from
	 * the same source is reused; a replaced one stays alive, callers may still hold it. */
	if (d->client &&
	    (!d->dry_run || src == d->client_src || d->n_stale == ARRAY_SIZE(d->stale))) {
		*ret = d->client;
		return 0;
	}
	if (d->client)
		d->stale[d->n_stale++] = TAKE_PTR(d->client);
	d->client_src = src;
	int r;
	if (d->dry_run) {
		unsigned flags = KUBE_DRYRUN_CLUSTER_INFO | KUBE_DRYRUN_KUBEADM_CONFIG |
				 KUBE_DRYRUN_KUBEADM_CERTS | KUBE_DRYRUN_KUBEPROXY_CONFIG |
				 KUBE_DRYRUN_KUBELET_CONFIG | KUBE_DRYRUN_GET_NODE |
				 KUBE_DRYRUN_PATCH_NODE | KUBE_DRYRUN_APPEND;
		if (src == SRC_ADMIN) {
			r = kube_client_new_dry_run_from_file(admin, stdout, flags, &d->client);
		} else if (d->tls_bootstrap_cfg) {
			r = kube_client_new_dry_run(d->tls_bootstrap_cfg, stdout, flags, &d->client);
		} else if (d->cfg->join.discovery.bootstrap_token) {
			/* token.BuildInsecureBootstrapKubeConfig */
			const char *ep =
				strempty(d->cfg->join.discovery.bootstrap_token->api_server_endpoint);
			_cleanup_free_ char *server = xasprintf("https://%s", ep);
			_cleanup_json_ json_t *kc = json_pack(
				"{s:s,s:[{s:s,s:{s:s,s:b}}],s:[{s:s,s:{s:s,s:s}}],s:s,s:s,s:[{s:s,s:{}}]}",
				"apiVersion", "v1", "clusters", "name", "kubernetes", "cluster", "server",
				server, "insecure-skip-tls-verify", 1, "contexts", "name",
				"token-bootstrap-client@kubernetes", "context", "cluster", "kubernetes",
				"user", "token-bootstrap-client", "current-context",
				"token-bootstrap-client@kubernetes", "kind", "Config", "users", "name",
				"token-bootstrap-client", "user");
			r = kube_client_new_dry_run(kc, stdout, flags, &d->client);
			if (r < 0)
				return error_wrap(r, "failed to create API client configuration from kubeconfig");
		} else {
			r = kube_client_new_dry_run(NULL, stdout, flags, &d->client);
		}
		if (r < 0)
			return r;
		*ret = d->client;
		return 0;
	}
	r = kube_client_new_from_file(admin, &d->client);
	if (r < 0)
		return error_wrap(r, "[preflight] couldn't create Kubernetes client");
	*ret = d->client;
	return 0;
}

int join_data_tls_bootstrap_cfg(struct join_data *d, json_t **ret)
{
	if (d->tls_bootstrap_cfg) {
		*ret = d->tls_bootstrap_cfg;
		return 0;
	}
	struct kube_client *client = NULL;
	int r;
	if (d->dry_run) {
		r = join_data_client(d, &client);
		if (r < 0)
			return error_wrap(r, "could not create a client for TLS bootstrap");
	}
	log_v(1, "[preflight] Discovering cluster-info");
	json_t *cfg = NULL;
	r = discovery_for(client, &d->cfg->join, &cfg);
	if (r < 0)
		return r;
	d->tls_bootstrap_cfg = cfg;
	*ret = cfg;
	return 0;
}

void join_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int64_t join_now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long api_call_timeout_ms(const struct join_data *d)
{
	const struct cfg_timeouts *t = d->cfg->join.timeouts;
	if (t && t->kubernetes_api_call.set && t->kubernetes_api_call.ns > 0)
		return (long)(t->kubernetes_api_call.ns / 1000000);
	return 60000;
}

/* initConfiguration.NodeRegistration = cfg.NodeRegistration (a deep copy through the types) */
static int copy_node_registration(const struct join_config *jc, struct init_config *ic)
{
	_cleanup_json_ json_t *j = cfg_encode(&cfg_type_join_configuration, &jc->join);
	json_t *nr = json_object_get(j, "nodeRegistration");
	_cleanup_json_ json_t *obj = json_pack("{s:O}", "nodeRegistration", nr ? nr : json_null());
	struct cfg_init_configuration tmp = { 0 };
	int r = cfg_decode(&cfg_type_init_configuration, obj, &tmp, NULL);
	if (r < 0) {
		cfg_release(&cfg_type_init_configuration, &tmp);
		return r;
	}
	struct cfg_node_registration old = ic->init.node_registration;
	ic->init.node_registration = tmp.node_registration;
	tmp.node_registration = old;
	cfg_release(&cfg_type_init_configuration, &tmp);
	return 0;
}

int join_data_init_cfg(struct join_data *d, struct init_config **ret)
{
	if (d->init_cfg) {
		*ret = d->init_cfg;
		return 0;
	}
	json_t *tls = NULL;
	int r = join_data_tls_bootstrap_cfg(d, &tls);
	if (r < 0)
		return r;
	log_v(1, "[preflight] Fetching init configuration");
	struct kube_client *client = NULL;
	_cleanup_(kube_client_freep) struct kube_client *own = NULL;
	if (d->dry_run) {
		r = join_data_client(d, &client);
		if (r < 0)
			return error_wrap(r, "could not get dry-run client for fetching InitConfiguration");
	}
	log_v(1, "[preflight] Retrieving KubeConfig objects");
	if (!client) {
		r = kube_client_new_from_config(tls, &own);
		if (r < 0)
			return error_wrap(r, "unable to access the cluster");
		client = own;
	}
	/* fetchInitConfiguration: FetchInitConfigurationFromCluster(client, nil, "preflight",
	 * false, false, true, false) */
	const struct phases_fetch_options fo = {
		.log_prefix = "preflight",
		.component_configs = true,
		.configmap_poll_ms = api_call_timeout_ms(d),
	};
	struct init_config *ic = NULL;
	r = phases_fetch_init_config(client, &fo, &ic);
	if (r < 0)
		return error_wrap(r, "unable to fetch the kubeadm-config ConfigMap");

	/* the TLS bootstrap kubeconfig's cluster takes the cluster's name */
	const char *cn;
	json_t *cl;
	r = discovery_kubeconfig_cluster(tls, &cn, &cl);
	if (r < 0) {
		config_init_free(ic);
		return error_wrap(r, "the TLS bootstrap kubeconfig is malformed");
	}
	const char *cluster_name = strempty(ic->cluster.cluster_name);
	json_t *entry = json_pack("{s:O,s:s}", "cluster", cl, "name", cluster_name);
	json_object_set_new(tls, "clusters", json_pack("[o]", entry));
	const char *cur = strempty(json_string_value(json_object_get(tls, "current-context")));
	json_t *ctx = NULL;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(tls, "contexts"), i, e) {
		const char *n = json_string_value(json_object_get(e, "name"));
		if (n && streq(n, cur))
			ctx = json_object_get(e, "context");
	}
	if (!ctx) {
		config_init_free(ic);
		return error_set(-EINVAL, "the TLS bootstrap kubeconfig is malformed: \"%s\" set as current-context, but not found in context list",
				 cur);
	}
	json_object_set_new(ctx, "cluster", json_string(cluster_name));

	r = copy_node_registration(d->cfg, ic);
	if (r < 0) {
		config_init_free(ic);
		return r;
	}
	if (d->cfg->join.control_plane) {
		const struct cfg_api_endpoint *ep = &d->cfg->join.control_plane->local_api_endpoint;
		free(ic->init.local_api_endpoint.advertise_address);
		ic->init.local_api_endpoint.advertise_address =
			ep->advertise_address ? xstrdup(ep->advertise_address) : NULL;
		ic->init.local_api_endpoint.bind_port = ep->bind_port;
	}
	d->init_cfg = ic;
	*ret = ic;
	return 0;
}

int join_data_control_plane_init_cfg(struct join_data *d, struct init_config **ret)
{
	if (!d->cfg->join.control_plane)
		return 0;
	int r = join_data_init_cfg(d, ret);
	return r < 0 ? r : 1;
}

int join_data_control_plane_client(struct join_data *d, struct kube_client **ret_client,
				   struct init_config **ret_init_cfg)
{
	if (!d->cfg->join.control_plane)
		return 0;
	/* kubeadm gets the client before InitCfg(): its error comes first */
	struct kube_client *c = NULL;
	int r = join_data_client(d, &c);
	if (r < 0)
		return error_wrap(r, "couldn't create Kubernetes client");
	r = join_data_init_cfg(d, ret_init_cfg);
	if (r < 0)
		return r;
	*ret_client = c;
	return 1;
}
