/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init phase "addon" (cmd/kubeadm/app/cmd/phases/init/addons.go): CoreDNS
 * (phases/addons/dns.EnsureDNSAddon) and kube-proxy (phases/addons/proxy.EnsureProxyAddon)
 * through the API client, or printed with --print-manifest.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addons/addons.h"
#include "kube/client.h"
#include "kubeconfig/kubeconfig.h"
#include "phases/init.h"
#include "phases/run-ctx.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/xalloc.h"

#define COREDNS_VERSION "1.14.6" /* constants.CoreDNSVersion without the "v" */

DEFINE_TRIVIAL_CLEANUP_FUNC(struct kube_client *, kube_client_free);

static bool print_manifest(const struct run_ctx *ctx)
{
	return ctx->flags && flagset_lookup(ctx->flags, "print-manifest") &&
	       flagset_get_bool(ctx->flags, "print-manifest");
}

/* initData.PatchesDir(): the --patches flag, else the configuration's patches.directory. */
static const char *patches_dir(const struct run_ctx *ctx)
{
	if (ctx->patches_dir && *ctx->patches_dir)
		return ctx->patches_dir;
	const struct cfg_patches *p = ctx->cfg->init.patches;
	return p && p->directory && *p->directory ? p->directory : NULL;
}

/* Go's os.PathError text: "open <path>: no such file or directory". */
static int open_error(int r, const char *path)
{
	_cleanup_free_ char *msg = xstrdup(strerror(-r));
	msg[0] = (char)tolower((unsigned char)msg[0]);
	return error_set(r, "open %s: %s", path, msg);
}

/*
 * initData.Client(): in dry-run the DryRun client on <dry-run dir>/admin.conf with init's
 * reactors; otherwise a client from the --kubeconfig file.
 */
static int get_client(struct run_ctx *ctx, struct kube_client **ret)
{
	struct kube_client *c = NULL;
	int r;
	if (ctx->dry_run) {
		_cleanup_free_ char *path = NULL;
		path = xasprintf("%s/admin.conf", ctx->dry_run_dir ? ctx->dry_run_dir : "");
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		r = fs_read_file(AT_FDCWD, path, 16 << 20, &data, &len);
		if (r < 0)
			return open_error(r, path);
		_cleanup_(json_decrefp) json_t *kc = NULL;
		r = kubeconfig_parse(data, len, &kc);
		if (r < 0)
			return r;
		fflush(stdout);
		r = kube_client_new_dry_run(kc, stdout, KUBE_DRYRUN_INIT, &c);
	} else {
		r = kube_client_new_from_file(ctx->kubeconfig_path, &c);
	}
	if (r < 0)
		return r;
	const struct cfg_timeouts *t = ctx->cfg->init.timeouts;
	if (t && t->kubernetes_api_call.set)
		kube_client_set_api_call_timeout(c, (long)(t->kubernetes_api_call.ns / 1000000), 500);
	*ret = c;
	return 0;
}

/* ---- CoreDNS ------------------------------------------------------------------------ */

/* The deployments labelled k8s-app=kube-dns in kube-system (a *List), for the checks below. */
static int list_dns_deployments(struct kube_client *c, json_t **ret)
{
	int r = kube_list(c, &kube_res_deployments, "kube-system", "k8s-app=kube-dns", NULL, ret);
	if (r < 0)
		return error_wrap(r, "couldn't retrieve DNS addon deployments");
	size_t n = json_array_size(json_object_get(*ret, "items"));
	if (n > 1) {
		json_decref(*ret);
		/* kubeadm prints the Go structs (%v) of the items; we name them. */
		return error_set(-EINVAL, "multiple DNS addon deployments found: %zu deployments", n);
	}
	return 0;
}

/* deployedDNSReplicas: the replicas of the existing deployment, else 2. */
static int deployed_replicas(struct kube_client *c, int32_t *ret)
{
	_cleanup_(json_decrefp) json_t *list = NULL;
	int r = list_dns_deployments(c, &list);
	if (r < 0)
		return r;
	json_t *dep = json_array_get(json_object_get(list, "items"), 0);
	*ret = ADDONS_COREDNS_REPLICAS;
	if (dep) {
		json_t *rep = json_get_path(dep, "spec.replicas");
		*ret = json_is_integer(rep) ? (int32_t)json_integer_value(rep) : 1;
	}
	return 0;
}

/* DeployedDNSAddon: the image tag of the deployed DNS addon ("" when none). Owned. */
static int deployed_dns_version(struct kube_client *c, char **ret)
{
	_cleanup_(json_decrefp) json_t *list = NULL;
	int r = list_dns_deployments(c, &list);
	if (r < 0)
		return r;
	json_t *dep = json_array_get(json_object_get(list, "items"), 0);
	const char *image = json_string_value(json_object_get(
		json_array_get(json_get_path(dep, "spec.template.spec.containers"), 0), "image"));
	const char *tag = "";
	if (image) {
		/* image.TagFromImage: after the last ":" that follows the last "/". */
		const char *slash = strrchr(image, '/');
		const char *colon = strrchr(slash ? slash : image, ':');
		if (colon)
			tag = colon + 1;
	}
	*ret = xstrdup(tag);
	return 0;
}

/* The ConfigMap step of createCoreDNSAddon (GetCoreDNSInfo and what follows). */
static int coredns_configmap_apply(struct kube_client *c, const json_t *cm)
{
	_cleanup_(json_decrefp) json_t *live = NULL;
	int r = kube_get(c, &kube_res_configmaps, "kube-system", ADDONS_COREDNS_CONFIGMAP, &live);
	if (r == -ENOENT) {
		error_clear();
		return kube_create_or_update(c, &kube_res_configmaps, cm);
	}
	if (r < 0)
		return error_wrap(r, "unable to fetch CoreDNS current installed version and ConfigMap.");
	const char *corefile = json_string_value(json_get_path(live, "data.Corefile"));
	if (!corefile)
		return error_set(-EINVAL, "unable to fetch CoreDNS current installed version and "
				 "ConfigMap.: unable to find the CoreDNS Corefile data");
	_cleanup_free_ char *version = NULL;
	r = deployed_dns_version(c, &version);
	if (r < 0)
		return error_wrap(r, "unable to fetch CoreDNS current installed version and ConfigMap.");
	const char *want = json_string_value(json_get_path(cm, "data.Corefile"));
	/*
	 * migration.Default("", corefile) is approximated by "equal to the Corefile we render":
	 * then the latest default is applied. A modified Corefile is retained (kubeadm would
	 * migrate one of an older CoreDNS version; migration is not implemented).
	 */
	if (!*corefile || (want && strcmp(corefile, want) == 0))
		return kube_create_or_update(c, &kube_res_configmaps, cm);
	const char *v = version[0] == 'v' ? version + 1 : version;
	if (*v && strcmp(v, COREDNS_VERSION) != 0)
		log_v(1, "[addons] the CoreDNS Corefile of version %s is retained unmigrated", v);
	return kube_create_or_retain(c, &kube_res_configmaps, cm);
}

/* createDNSService: create, on AlreadyExists or Invalid update. */
static int coredns_service_apply(struct kube_client *c, const json_t *svc)
{
	int r = kube_create(c, &kube_res_services, svc, NULL);
	if (r >= 0)
		return 0;
	if (r != -EEXIST && r != -EINVAL)
		return error_wrap(r, "unable to create a new DNS service");
	error_clear();
	r = kube_update(c, &kube_res_services, svc, NULL);
	if (r < 0)
		return error_wrap(r, "unable to create/update the DNS service");
	return 0;
}

int phase_init_addon_coredns(struct run_ctx *ctx)
{
	const struct init_config *cfg = ctx->cfg;
	bool print = print_manifest(ctx);
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	int32_t replicas = ADDONS_COREDNS_REPLICAS;
	int r;
	if (!print) {
		r = get_client(ctx, &c);
		if (r < 0)
			return r;
		r = deployed_replicas(c, &replicas);
		if (r < 0)
			return r;
	}
	if (print) {
		_cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
		r = addons_coredns_manifest(cfg, patches_dir(ctx), stdout, &sb);
		if (r < 0)
			return r;
		fputs(sb.buf, stdout);
		fflush(stdout);
		return 0;
	}
	_cleanup_(json_decrefp) json_t *dep = NULL, *cm = NULL, *svc = NULL;
	r = addons_coredns_deployment(cfg, replicas, patches_dir(ctx), stdout, &dep, NULL);
	if (r < 0)
		return r;
	r = addons_coredns_configmap(cfg, &cm, NULL);
	if (r < 0)
		return r;
	r = addons_coredns_service(cfg, &svc, NULL);
	if (r < 0)
		return r;
	fflush(stdout);
	r = coredns_configmap_apply(c, cm);
	if (r < 0)
		return r;
	_cleanup_(json_decrefp) json_t *role = addons_coredns_cluster_role();
	_cleanup_(json_decrefp) json_t *binding = addons_coredns_cluster_role_binding();
	_cleanup_(json_decrefp) json_t *sa = addons_coredns_service_account();
	r = kube_create_or_update(c, &kube_res_clusterroles, role);
	if (r >= 0)
		r = kube_create_or_update(c, &kube_res_clusterrolebindings, binding);
	if (r >= 0)
		r = kube_create_or_update(c, &kube_res_serviceaccounts, sa);
	if (r >= 0)
		r = kube_create_or_update(c, &kube_res_deployments, dep);
	if (r >= 0)
		r = coredns_service_apply(c, svc);
	if (r < 0)
		return r;
	fflush(stdout);
	printf("[addons] Applied essential addon: CoreDNS\n");
	fflush(stdout);
	return 0;
}

/* ---- kube-proxy --------------------------------------------------------------------- */

int phase_init_addon_kube_proxy(struct run_ctx *ctx)
{
	const struct init_config *cfg = ctx->cfg;
	bool print = print_manifest(ctx);
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	int r;
	if (!print) {
		r = get_client(ctx, &c);
		if (r < 0)
			return r;
	}
	if (print) {
		_cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
		r = addons_proxy_manifest(cfg, patches_dir(ctx), stdout, &sb);
		if (r < 0)
			return r;
		fputs(sb.buf, stdout);
		fflush(stdout);
		return 0;
	}
	const char *config_path = ctx->flags && flagset_lookup(ctx->flags, "config")
					  ? flagset_get_string(ctx->flags, "config") : NULL;
	bool sign = !addons_proxy_config_user_supplied(config_path);
	_cleanup_(json_decrefp) json_t *cm = NULL, *ds = NULL;
	r = addons_proxy_configmap(cfg, sign, &cm, NULL);
	if (r < 0)
		return r;
	r = kube_create_or_update(c, &kube_res_configmaps, cm);
	if (r < 0)
		return r;
	fflush(stdout);
	r = addons_proxy_daemonset(cfg, patches_dir(ctx), stdout, NULL, &ds, NULL);
	if (r < 0)
		return r;
	fflush(stdout);
	r = kube_create_or_update(c, &kube_res_daemonsets, ds);
	if (r < 0)
		return r;
	_cleanup_(json_decrefp) json_t *sa = addons_proxy_service_account();
	_cleanup_(json_decrefp) json_t *crb = addons_proxy_cluster_role_binding();
	_cleanup_(json_decrefp) json_t *role = addons_proxy_role();
	_cleanup_(json_decrefp) json_t *rb = addons_proxy_role_binding();
	r = kube_create_or_update(c, &kube_res_serviceaccounts, sa);
	if (r < 0)
		return error_wrap(r, "error when creating kube-proxy service account");
	r = kube_create_or_update(c, &kube_res_clusterrolebindings, crb);
	if (r >= 0)
		r = kube_create_or_update(c, &kube_res_roles, role);
	if (r >= 0)
		r = kube_create_or_update(c, &kube_res_rolebindings, rb);
	if (r < 0)
		return r;
	fflush(stdout);
	printf("[addons] Applied essential addon: kube-proxy\n");
	fflush(stdout);
	return 0;
}
