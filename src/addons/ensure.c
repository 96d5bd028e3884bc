/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EnsureDNSAddon (phases/addons/dns/dns.go) and EnsureProxyAddon (phases/addons/proxy/proxy.go)
 * through the kube client, or printed with printManifest. Used by `init phase addon` and by
 * the upgrade addon phases.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addons/addons.h"
#include "addons/corefile.h"
#include "kube/client.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/xalloc.h"

#define COREDNS_VERSION "1.14.6" /* constants.CoreDNSVersion without the "v" */

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
	_cleanup_json_ json_t *list = NULL;
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

const char *addons_image_tag(const char *image)
{
	/* image.TagFromImage: after the last ":" that follows the last "/". */
	const char *slash = strrchr(image, '/');
	const char *colon = strrchr(slash ? slash : image, ':');
	return colon ? colon + 1 : "";
}

int addons_deployed_dns_version(struct kube_client *c, char **ret)
{
	_cleanup_json_ json_t *list = NULL;
	int r = list_dns_deployments(c, &list);
	if (r < 0)
		return r;
	json_t *dep = json_array_get(json_object_get(list, "items"), 0);
	const char *image = json_string_value(json_object_get(
		json_array_get(json_get_path(dep, "spec.template.spec.containers"), 0), "image"));
	*ret = xstrdup(image ? addons_image_tag(image) : "");
	return 0;
}

/* The ConfigMap step of createCoreDNSAddon (GetCoreDNSInfo and what follows). */
static int coredns_configmap_apply(struct kube_client *c, const json_t *cm)
{
	_cleanup_json_ json_t *live = NULL;
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
	r = addons_deployed_dns_version(c, &version);
	if (r < 0)
		return error_wrap(r, "unable to fetch CoreDNS current installed version and ConfigMap.");
	if (!*corefile || corefile_is_default(corefile))
		return kube_create_or_update(c, &kube_res_configmaps, cm);
	/*
	 * A Corefile that is not the default of any release is retained. kubeadm first tries to
	 * migrate one deployed by an older CoreDNS version (migration.Migrate, Corefile-backup);
	 * that migration is not implemented: such a Corefile is retained as well.
	 */
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

int addons_ensure_coredns(const struct init_config *cfg, struct kube_client *c,
			  const char *patches_dir, bool print_manifest, FILE *out)
{
	int32_t replicas = ADDONS_COREDNS_REPLICAS;
	int r;
	if (print_manifest) {
		_cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
		r = addons_coredns_manifest(cfg, patches_dir, out, &sb);
		if (r < 0)
			return r;
		fputs(sb.buf, out);
		fflush(out);
		return 0;
	}
	r = deployed_replicas(c, &replicas);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *dep = NULL, *cm = NULL, *svc = NULL;
	r = addons_coredns_deployment(cfg, replicas, patches_dir, out, &dep, NULL);
	if (r < 0)
		return r;
	r = addons_coredns_configmap(cfg, &cm, NULL);
	if (r < 0)
		return r;
	r = addons_coredns_service(cfg, &svc, NULL);
	if (r < 0)
		return r;
	fflush(out);
	r = coredns_configmap_apply(c, cm);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *role = addons_coredns_cluster_role();
	_cleanup_json_ json_t *binding = addons_coredns_cluster_role_binding();
	_cleanup_json_ json_t *sa = addons_coredns_service_account();
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
	fprintf(out, "[addons] Applied essential addon: CoreDNS\n");
	fflush(out);
	return 0;
}

int addons_ensure_proxy(const struct init_config *cfg, struct kube_client *c,
			const char *patches_dir, bool print_manifest, bool user_supplied, FILE *out)
{
	int r;
	if (print_manifest) {
		_cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
		r = addons_proxy_manifest(cfg, patches_dir, out, &sb);
		if (r < 0)
			return r;
		fputs(sb.buf, out);
		fflush(out);
		return 0;
	}
	_cleanup_json_ json_t *cm = NULL, *ds = NULL;
	r = addons_proxy_configmap(cfg, !user_supplied, &cm, NULL);
	if (r < 0)
		return r;
	r = kube_create_or_update(c, &kube_res_configmaps, cm);
	if (r < 0)
		return r;
	fflush(out);
	r = addons_proxy_daemonset(cfg, patches_dir, out, NULL, &ds, NULL);
	if (r < 0)
		return r;
	fflush(out);
	r = kube_create_or_update(c, &kube_res_daemonsets, ds);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *sa = addons_proxy_service_account();
	_cleanup_json_ json_t *crb = addons_proxy_cluster_role_binding();
	_cleanup_json_ json_t *role = addons_proxy_role();
	_cleanup_json_ json_t *rb = addons_proxy_role_binding();
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
	fprintf(out, "[addons] Applied essential addon: kube-proxy\n");
	fflush(out);
	return 0;
}
