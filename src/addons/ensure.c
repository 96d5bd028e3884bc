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

#define COREDNS_VERSION ADDONS_COREDNS_MIGRATION_TARGET

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

const char *addons_dns_version_trim(const char *v)
{
	while (*v == 'v')
		v++;
	return v;
}

int addons_coredns_info(struct kube_client *c, char **ret_corefile, char **ret_version)
{
	_cleanup_json_ json_t *cm = NULL;
	int r = kube_get(c, &kube_res_configmaps, "kube-system", ADDONS_COREDNS_CONFIGMAP, &cm);
	if (r == -ENOENT) {
		error_clear();
		*ret_corefile = xstrdup("");
		*ret_version = xstrdup("");
		return 0;
	}
	if (r < 0)
		return r;
	const char *corefile = json_string_value(json_get_path(cm, "data.Corefile"));
	if (!corefile)
		return error_set(-EINVAL, "unable to find the CoreDNS Corefile data");
	_cleanup_free_ char *version = NULL;
	r = addons_deployed_dns_version(c, &version);
	if (r < 0)
		return r;
	*ret_corefile = xstrdup(corefile);
	*ret_version = TAKE_PTR(version);
	return 0;
}

/*
 * isCoreDNSConfigMapMigrationRequired: whether migration.Deprecated reports a "removed" or
 * "newdefault" notice between the deployed version and ours (none without a deployed version
 * or at ours).
 */
static int migration_required(const char *corefile, const char *version, bool *ret)
{
	const char *v = addons_dns_version_trim(version);
	*ret = false;
	if (!*version || streq(v, COREDNS_VERSION))
		return 0;
	_cleanup_json_ json_t *notices = NULL;
	int r = corefile_deprecated(v, COREDNS_VERSION, corefile, &notices);
	if (r < 0)
		return error_wrap(r, "unable to get list of changes to the configuration.");
	size_t i;
	json_t *n;
	json_array_foreach (notices, i, n) {
		const char *sev = json_string_value(json_object_get(n, "severity"));
		if (sev && (streq(sev, "removed") || streq(sev, "newdefault")))
			*ret = true;
	}
	return 0;
}

/*
 * migrateCoreDNSCorefile: the ConfigMap updated to {Corefile: migrated, Corefile-backup: old},
 * the Deployment's config-volume pointed at Corefile-backup (setCorefile), "[addons] Migrating
 * CoreDNS Corefile" on stdout. kubeadm passes the deployed version here with its "v" (the
 * image tag), so corefile-migration refuses every "v1.x.y" tag ("start version 'v1.8.0' not
 * supported") and the Corefile is retained: kept on purpose, it is what kubeadm does.
 */
static int corefile_migrate_apply(struct kube_client *c, const char *corefile,
				  const char *version)
{
	_cleanup_free_ char *migrated = NULL;
	int r = corefile_migrate(version, COREDNS_VERSION, corefile, false, &migrated);
	if (r < 0)
		return error_wrap(r, "unable to migrate CoreDNS ConfigMap");
	_cleanup_json_ json_t *cm = json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}}",
					      "kind", "ConfigMap", "apiVersion", "v1", "metadata",
					      "name", ADDONS_COREDNS_CONFIGMAP, "namespace",
					      "kube-system", "data", "Corefile", migrated,
					      "Corefile-backup", corefile);
	r = kube_update(c, &kube_res_configmaps, cm, NULL);
	if (r < 0)
		return error_wrap(r, "unable to update the CoreDNS ConfigMap");
	/* setCorefile(client, "Corefile-backup") */
	_cleanup_json_ json_t *dep = NULL;
	r = kube_get(c, &kube_res_deployments, "kube-system", ADDONS_COREDNS_DEPLOYMENT, &dep);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *patch = json_pack(
		"{s:{s:{s:{s:[{s:s, s:{s:s, s:[{s:s, s:s}]}}]}}}}", "spec", "template", "spec",
		"volumes", "name", "config-volume", "configMap", "name", ADDONS_COREDNS_CONFIGMAP,
		"items", "key", "Corefile-backup", "path", "Corefile");
	r = kube_patch(c, &kube_res_deployments, "kube-system", ADDONS_COREDNS_DEPLOYMENT,
		       KUBE_PATCH_STRATEGIC, patch, NULL);
	if (r < 0)
		return error_wrap(r, "unable to patch the CoreDNS deployment");
	/* kubeadm prints this with fmt.Println, to stdout whatever its writer. */
	fputs("[addons] Migrating CoreDNS Corefile\n", stdout);
	fflush(stdout);
	_cleanup_json_ json_t *changes = NULL;
	r = corefile_deprecated(version, COREDNS_VERSION, corefile, &changes);
	if (r < 0)
		return error_wrap(r, "unable to get list of changes to the configuration.");
	log_v(2, "the CoreDNS configuration has been migrated and applied: %s.", migrated);
	log_v(2, "the old migration has been saved in the CoreDNS ConfigMap under the name "
		 "[Corefile-backup]");
	log_v(2, "The changes in the new CoreDNS Configuration are as follows:");
	size_t i;
	json_t *n;
	json_array_foreach (changes, i, n) {
		_cleanup_free_ char *str = corefile_notice_string(n);
		log_v(2, "%s", str);
	}
	return 0;
}

/*
 * The ConfigMap step of createCoreDNSAddon (GetCoreDNSInfo and what follows): a missing or
 * default Corefile is replaced by ours; one that needs migration is migrated (on failure a
 * warning, and both the ConfigMap and the Deployment are retained: *ret_retain); any other is
 * retained.
 */
static int coredns_configmap_apply(struct kube_client *c, const json_t *cm, bool *ret_retain)
{
	*ret_retain = false;
	_cleanup_free_ char *corefile = NULL, *version = NULL;
	int r = addons_coredns_info(c, &corefile, &version);
	if (r < 0)
		return error_wrap(r, "unable to fetch CoreDNS current installed version and ConfigMap.");
	bool required;
	r = migration_required(corefile, version, &required);
	if (r < 0)
		return r;
	if (!*corefile || corefile_is_default(corefile))
		return kube_create_or_update(c, &kube_res_configmaps, cm);
	if (required) {
		r = corefile_migrate_apply(c, corefile, version);
		if (r >= 0)
			return 0;
		log_warning("the CoreDNS Configuration was not migrated: %s. The existing CoreDNS "
			    "Corefile configuration has been retained.",
			    error_message(r));
		error_clear();
		*ret_retain = true;
	}
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
	bool retain;
	r = coredns_configmap_apply(c, cm, &retain);
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
	if (r >= 0 && retain)
		r = kube_create_or_retain(c, &kube_res_deployments, dep);
	else if (r >= 0)
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
