/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/version.h"
#include "phases/upgrade/compute.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* constants.CoreDNSVersion and the etcd of constants.SupportedEtcdVersion (every entry). */
#define COREDNS_VERSION "v1.14.6"
#define ETCD_VERSION "3.7.0-0"
#define ETCD_MIN_MINOR 34
#define ETCD_MAX_MINOR 36

enum { MAP_APISERVER, MAP_KCM, MAP_SCHEDULER, MAP_ETCD, MAP_KUBELET };

void upgrade_version_map_add(struct upgrade_version_map *m, const char *version, const char *node)
{
	for (size_t i = 0; i < m->n; i++)
		if (streq(m->v[i].version, version)) {
			strv_push(&m->v[i].nodes, node);
			return;
		}
	m->v = xrealloc(m->v, (m->n + 1) * sizeof(*m->v));
	m->v[m->n].version = xstrdup(version);
	m->v[m->n].nodes = NULL;
	strv_push(&m->v[m->n].nodes, node);
	m->n++;
}

void upgrade_version_map_release(struct upgrade_version_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].version);
		strv_free(m->v[i].nodes);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

static void state_release(struct upgrade_cluster_state *s)
{
	free(s->kube_version);
	free(s->dns_version);
	free(s->kubeadm_version);
	free(s->etcd_version);
}

void upgrade_list_release(struct upgrade_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].description);
		state_release(&l->v[i].before);
		state_release(&l->v[i].after);
	}
	free(l->v);
	for (size_t i = 0; i < ARRAY_SIZE(l->maps); i++)
		upgrade_version_map_release(&l->maps[i]);
	memset(l, 0, sizeof(*l));
}

/* version.Version.String() of a version parsed with ParseSemantic: the input without "v". */
static char *version_string(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (*s == 'v')
		s++;
	char *r = xstrdup(s);
	for (size_t n = strlen(r); n && (r[n - 1] == ' ' || r[n - 1] == '\t' || r[n - 1] == '\n');)
		r[--n] = '\0';
	return r;
}

/* VersionFromCILabel of the (offline) version getter. *ret_str owned. */
static int from_label(const struct upgrade_version_getter *g, const char *label,
		      const char *description, char **ret_str, struct semver *ret)
{
	_cleanup_free_ char *s = NULL;
	struct semver v;
	int r;
	if (g->offline_version && *g->offline_version) {
		r = semver_parse(g->offline_version, &v);
		if (r < 0)
			return error_wrap(r, "Couldn't parse version %s", description);
		*ret_str = xstrdup(g->offline_version);
		*ret = v;
		return 0;
	}
	r = g->version_from_label(g->ud, label, description, &s);
	if (r < 0)
		return r;
	r = semver_parse(s, &v);
	if (r < 0)
		return error_wrap(r, "Couldn't parse latest %s", description);
	*ret_str = TAKE_PTR(s);
	*ret = v;
	return 0;
}

/* getSuggestedEtcdVersion */
static char *suggested_etcd(bool external, const char *kube_version)
{
	if (external)
		return xstrdup("");
	struct semver v;
	if (semver_parse(kube_version, &v) < 0) {
		log_warning("[upgrade/versions] could not retrieve an etcd version for the target "
			    "Kubernetes version: %s",
			    error_message(-EINVAL));
		error_clear();
		return xstrdup("N/A");
	}
	if (v.minor < ETCD_MIN_MINOR || v.minor > ETCD_MAX_MINOR)
		log_v(1, "[upgrade/versions] WARNING: could not find officially supported version of "
			 "etcd for Kubernetes %s, falling back to the nearest etcd version (%s)",
		      kube_version, ETCD_VERSION);
	return xstrdup(ETCD_VERSION);
}

static void add_upgrade(struct upgrade_list *l, const char *description,
			const struct upgrade_cluster_state *before, const char *kube,
			const char *kubeadm, bool external_etcd)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	struct upgrade_available *u = &l->v[l->n++];
	u->description = xstrdup(description);
	u->before = *before;
	u->before.kube_version = xstrdup(before->kube_version);
	u->before.dns_version = xstrdup(before->dns_version);
	u->before.kubeadm_version = xstrdup(before->kubeadm_version);
	u->before.etcd_version = xstrdup(strempty(before->etcd_version));
	u->after = (struct upgrade_cluster_state){
		.kube_version = xstrdup(kube),
		.dns_version = xstrdup(COREDNS_VERSION),
		.kubeadm_version = xstrdup(kubeadm),
		.etcd_version = suggested_etcd(external_etcd, kube),
	};
}

/* getLatestClusterVersion */
static int latest_cluster_version(const struct upgrade_version_map *m, char **ret_str,
				  struct semver *ret)
{
	struct semver latest;
	const char *latest_str = NULL;
	for (size_t i = 0; i < m->n; i++) {
		struct semver v;
		if (semver_parse(m->v[i].version, &v) < 0) {
			error_clear();
			_cleanup_free_ char *nodes = strv_join(m->v[i].nodes, " ");
			return error_set(-EINVAL, "couldn't parse kube-apiserver version %s from nodes [%s]",
					 m->v[i].version, nodes);
		}
		if (!latest_str || semver_cmp(&v, &latest) >= 0) {
			latest = v;
			latest_str = m->v[i].version;
		}
	}
	/* kubeadm dereferences a nil version here (a Go panic) when no kube-apiserver Pod exists */
	if (!latest_str)
		return error_set(-ENOENT, "couldn't find any kube-apiserver Pod labelled "
				 "component=kube-apiserver,tier=control-plane in the kube-system namespace");
	*ret_str = version_string(latest_str);
	*ret = latest;
	return 0;
}

int upgrade_available_upgrades(const struct upgrade_version_getter *g, bool allow_experimental,
			       bool allow_rc, FILE *out, struct upgrade_list *ret)
{
	/* filled in place: the Before states point at its maps */
	memset(ret, 0, sizeof(*ret));
	struct upgrade_list *l = ret;
	int r;
	if (out)
		fprintf(out, "[upgrade] Fetching available versions to upgrade to\n");
	r = g->component_versions(g->ud, "kube-apiserver", &l->maps[MAP_APISERVER]);
	if (r < 0) {
		upgrade_list_release(l);
		return r;
	}
	const struct upgrade_version_map *api = &l->maps[MAP_APISERVER];
	if (api->n > 1) {
		struct strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < api->n; i++) {
			_cleanup_free_ char *nodes = strv_join(api->v[i].nodes, " ");
			strbuf_addf(&sb, "%s%s on nodes [%s]", i ? ", " : "", api->v[i].version, nodes);
		}
		log_warning("Different API server versions in the cluster were discovered: %s. Please "
			    "upgrade your control plane nodes to the same version of Kubernetes",
			    sb.buf);
		strbuf_release(&sb);
	}
	_cleanup_free_ char *cluster_str = NULL;
	struct semver cluster, kubeadm, stable;
	r = latest_cluster_version(api, &cluster_str, &cluster);
	if (r < 0) {
		upgrade_list_release(l);
		return r;
	}
	if (out)
		fprintf(out, "[upgrade/versions] Cluster version: %s\n", cluster_str);
	r = semver_parse(g->kubeadm_version, &kubeadm);
	if (r < 0) {
		upgrade_list_release(l);
		return error_wrap(r, "Couldn't parse kubeadm version");
	}
	if (out)
		fprintf(out, "[upgrade/versions] kubeadm version: %s\n", g->kubeadm_version);

	_cleanup_free_ char *stable_str = NULL;
	r = from_label(g, "stable", "stable version", &stable_str, &stable);
	if (r < 0) {
		log_warning("[upgrade/versions] WARNING: %s\n", error_message(r));
		error_clear();
		log_warning("[upgrade/versions] WARNING: Falling back to current kubeadm version as "
			    "latest stable version");
		stable_str = xstrdup(g->kubeadm_version);
		stable = kubeadm;
	} else if (out) {
		fprintf(out, "[upgrade/versions] Target version: %s\n", stable_str);
	}

	static const char *const components[] = { "kube-controller-manager", "kube-scheduler",
						  "etcd" };
	r = g->kubelet_versions(g->ud, &l->maps[MAP_KUBELET]);
	for (size_t i = 0; i < ARRAY_SIZE(components) && r >= 0; i++)
		r = g->component_versions(g->ud, components[i], &l->maps[MAP_KCM + i]);
	_cleanup_free_ char *dns = NULL;
	if (r >= 0)
		r = g->dns_version(g->ud, &dns);
	if (r < 0) {
		upgrade_list_release(l);
		return r;
	}
	bool external_etcd = l->maps[MAP_ETCD].n == 0;
	const struct upgrade_cluster_state before = {
		.kube_version = cluster_str,
		.dns_version = dns,
		.kubeadm_version = (char *)g->kubeadm_version,
		.apiserver = &l->maps[MAP_APISERVER],
		.controller_manager = &l->maps[MAP_KCM],
		.scheduler = &l->maps[MAP_SCHEDULER],
		.etcd = &l->maps[MAP_ETCD],
		.kubelet = &l->maps[MAP_KUBELET],
	};

	bool can_minor = semver_cmp(&cluster, &stable) < 0;
	/* patchVersionBranchExists */
	if (semver_cmp(&stable, &cluster) >= 0) {
		_cleanup_free_ char *label = xasprintf("stable-%llu.%llu",
						       (unsigned long long)cluster.major,
						       (unsigned long long)cluster.minor);
		_cleanup_free_ char *desc = xasprintf("version in the v%llu.%llu series",
						      (unsigned long long)cluster.major,
						      (unsigned long long)cluster.minor);
		_cleanup_free_ char *patch_str = NULL;
		struct semver patch;
		r = from_label(g, label, desc, &patch_str, &patch);
		if (r < 0) {
			log_warning("[upgrade/versions] WARNING: %s\n", error_message(r));
			error_clear();
		} else {
			if (out)
				fprintf(out, "[upgrade/versions] Latest %s: %s\n", desc, patch_str);
			can_minor = semver_cmp(&patch, &stable) < 0;
			if (semver_cmp(&cluster, &patch) < 0)
				add_upgrade(l, desc, &before, patch_str,
					    semver_cmp(&kubeadm, &patch) >= 0 ? g->kubeadm_version
									       : patch_str,
					    external_etcd);
		}
	}
	if (can_minor)
		add_upgrade(l, "stable version", &before, stable_str, stable_str, external_etcd);

	if (allow_experimental || allow_rc) {
		_cleanup_free_ char *latest_str = NULL, *prev_str = NULL, *prev_label = NULL;
		struct semver latest, prev;
		r = from_label(g, "latest", "experimental version", &latest_str, &latest);
		if (r < 0) {
			upgrade_list_release(l);
			return r;
		}
		if (out)
			fprintf(out, "[upgrade/versions] Latest %s: %s\n", "experimental version",
				latest_str);
		prev_label = xasprintf("latest-1.%llu", (unsigned long long)latest.minor - 1);
		r = from_label(g, prev_label, "previous version", &prev_str, &prev);
		if (r < 0) {
			upgrade_list_release(l);
			return r;
		}
		if (out)
			fprintf(out, "[upgrade/versions] Latest %s: %s\n", "previous version", prev_str);
		/* rcUpgradePossible */
		if (allow_rc && strncmp(prev.pre, "rc", 2) == 0 && semver_cmp(&cluster, &prev) < 0)
			add_upgrade(l, "release candidate version", &before, prev_str, prev_str,
				    external_etcd);
		if (allow_experimental && semver_cmp(&cluster, &latest) < 0) {
			const char *unstable = streq(latest.pre, "alpha.0") ? prev_str : latest_str;
			add_upgrade(l, "experimental version", &before, unstable, unstable,
				    external_etcd);
		}
	}
	if (out)
		fprintf(out, "\n");
	return 0;
}

/* ---- the UpgradePlan object ---- */

static json_t *component(const char *name, const char *current, const char *new_version,
			 const char *node)
{
	json_t *c = json_object();
	json_object_set_new(c, "name", json_string(name));
	json_object_set_new(c, "currentVersion", json_string(current));
	json_object_set_new(c, "newVersion", json_string(new_version));
	if (node && *node)
		json_object_set_new(c, "nodeName", json_string(node));
	return c;
}

/* The rows of one map: versions sorted as strings, nodes in list order. */
static void add_rows(json_t *rows, const char *name, const struct upgrade_version_map *m,
		     const char *target)
{
	if (!m)
		return;
	_cleanup_free_ const char **keys = xcalloc(m->n + 1, sizeof(*keys));
	for (size_t i = 0; i < m->n; i++)
		keys[i] = m->v[i].version;
	qsort(keys, m->n, sizeof(*keys), strv_qsort_cmp);
	for (size_t k = 0; k < m->n; k++)
		for (size_t i = 0; i < m->n; i++)
			if (m->v[i].version == keys[k])
				STRV_FOREACH(n, m->v[i].nodes)
					json_array_append_new(rows, component(name, keys[k], target, *n));
}

/* Upgrade.CanUpgradeKubelets */
static bool can_upgrade_kubelets(const struct upgrade_available *u)
{
	const struct upgrade_version_map *k = u->before.kubelet;
	if (!k || k->n == 0)
		return false;
	if (k->n > 1)
		return true;
	return !streq(k->v[0].version, u->after.kube_version);
}

json_t *upgrade_plan_object(const struct upgrade_list *l, const json_t *config_versions,
			    bool etcd_upgrade)
{
	json_t *plan = json_object();
	json_object_set_new(plan, "kind", json_string("UpgradePlan"));
	json_object_set_new(plan, "apiVersion", json_string("output.kubeadm.k8s.io/v1alpha3"));
	json_t *avail = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct upgrade_available *u = &l->v[i];
		const char *target = u->after.kube_version;
		json_t *rows = json_array();
		if (can_upgrade_kubelets(u))
			add_rows(rows, "kubelet", u->before.kubelet, target);
		add_rows(rows, "kube-apiserver", u->before.apiserver, target);
		add_rows(rows, "kube-controller-manager", u->before.controller_manager, target);
		add_rows(rows, "kube-scheduler", u->before.scheduler, target);
		json_array_append_new(rows, component("kube-proxy", u->before.kube_version, target,
						       NULL));
		if (*strempty(u->before.dns_version) || *strempty(u->after.dns_version))
			json_array_append_new(rows, component("CoreDNS", strempty(u->before.dns_version),
							       strempty(u->after.dns_version), NULL));
		if (*strempty(u->before.kubeadm_version) || *strempty(u->after.kubeadm_version))
			json_array_append_new(rows,
					      component("kubeadm", strempty(u->before.kubeadm_version),
							strempty(u->after.kubeadm_version), NULL));
		if (etcd_upgrade)
			add_rows(rows, "etcd", u->before.etcd, strempty(u->after.etcd_version));
		json_t *au = json_object();
		json_object_set_new(au, "description", json_string(u->description));
		json_object_set_new(au, "components", rows);
		json_array_append_new(avail, au);
	}
	if (json_array_size(avail))
		json_object_set_new(plan, "availableUpgrades", avail);
	else
		json_decref(avail);
	if (config_versions && json_array_size(config_versions))
		json_object_set(plan, "configVersions", (json_t *)config_versions);
	return plan;
}

/* ---- the text printer ---- */

/* text/tabwriter (minwidth 10, tabwidth 4, padding 3, ' ', no flags) over rows of cells
 * separated by tabs; each row ends with a newline; the last cell of a row is not padded. */
static void tabwrite(struct strbuf *out, char *const *rows)
{
	size_t widths[8] = { 0 };
	STRV_FOREACH(row, rows) {
		_cleanup_strv_free_ char **cells = strv_split(*row, '\t', false);
		for (size_t c = 0; cells[c] && cells[c + 1] && c < ARRAY_SIZE(widths); c++) {
			size_t w = strlen(cells[c]) + 3;
			if (w > widths[c])
				widths[c] = w;
		}
	}
	STRV_FOREACH(row, rows) {
		_cleanup_strv_free_ char **cells = strv_split(*row, '\t', false);
		for (size_t c = 0; cells[c]; c++) {
			strbuf_addstr(out, cells[c]);
			if (!cells[c + 1])
				break;
			size_t w = widths[c] < 10 ? 10 : widths[c];
			for (size_t k = strlen(cells[c]); k < w; k++)
				strbuf_addch(out, ' ');
		}
		strbuf_addch(out, '\n');
	}
}

static const char *str_field(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static const char separator[] = "_____________________________________________________________________\n\n";

static int print_available(const json_t *au, struct strbuf *out)
{
	const char *kube = "", *kubeadm_before = "", *kubeadm_after = "";
	const json_t *comps = json_object_get(au, "components");
	size_t i;
	const json_t *c;
	json_array_foreach (comps, i, c) {
		if (streq(str_field(c, "name"), "kube-apiserver"))
			kube = str_field(c, "newVersion");
		if (streq(str_field(c, "name"), "kubeadm")) {
			kubeadm_before = str_field(c, "currentVersion");
			kubeadm_after = str_field(c, "newVersion");
		}
	}
	struct semver v;
	int r = semver_parse(kube, &v);
	if (r < 0)
		return error_wrap(r, "Unable to parse normalized version \"%s\" as a semantic version",
				  kube);
	const char *unstable = !*v.pre ? ""
			       : strncmp(v.pre, "rc", 2) == 0 ? " --allow-release-candidate-upgrades"
							      : " --allow-experimental-upgrades";
	strbuf_addstr(out, "Components that must be upgraded manually after you have upgraded the "
			   "control plane with 'kubeadm upgrade apply':\n");
	_cleanup_strv_free_ char **rows = NULL;
	strv_push(&rows, "COMPONENT\tNODE\tCURRENT\tTARGET");
	json_array_foreach (comps, i, c)
		if (streq(str_field(c, "name"), "kubelet"))
			strv_consume(&rows, xasprintf("%s\t%s\t%s\t%s", str_field(c, "name"),
						      str_field(c, "nodeName"),
						      str_field(c, "currentVersion"),
						      str_field(c, "newVersion")));
	tabwrite(out, rows);
	rows = strv_free(rows);
	strbuf_addf(out, "\nUpgrade to the latest %s:\n\n", str_field(au, "description"));
	strv_push(&rows, "COMPONENT\tNODE\tCURRENT\tTARGET");
	json_array_foreach (comps, i, c) {
		const char *name = str_field(c, "name");
		if (streq(name, "kubelet") || streq(name, "kubeadm"))
			continue;
		strv_consume(&rows, xasprintf("%s\t%s\t%s\t%s", name, str_field(c, "nodeName"),
					      str_field(c, "currentVersion"),
					      str_field(c, "newVersion")));
	}
	tabwrite(out, rows);
	strbuf_addf(out, "\nYou can now apply the upgrade by executing the following command:\n\n"
			 "\tkubeadm upgrade apply %s%s\n\n",
		    kube, unstable);
	if (!streq(kubeadm_before, kubeadm_after))
		strbuf_addf(out, "Note: Before you can perform this upgrade, you have to update "
				 "kubeadm to %s.\n\n",
			    kubeadm_after);
	strbuf_addstr(out, separator);
	return 0;
}

int upgrade_plan_print_text(const json_t *plan, struct strbuf *out)
{
	size_t i;
	const json_t *au;
	json_array_foreach (json_object_get(plan, "availableUpgrades"), i, au) {
		int r = print_available(au, out);
		if (r < 0)
			return r;
	}
	const json_t *states = json_object_get(plan, "configVersions");
	if (json_array_size(states) == 0) {
		strbuf_addstr(out, "No information available on component configs.\n");
		return 0;
	}
	strbuf_addstr(out,
		      "\n"
		      "The table below shows the current state of component configs as understood by this version of kubeadm.\n"
		      "Configs that have a \"yes\" mark in the \"MANUAL UPGRADE REQUIRED\" column require manual config upgrade or\n"
		      "resetting to kubeadm defaults before a successful upgrade can be performed. The version to manually\n"
		      "upgrade to is denoted in the \"PREFERRED VERSION\" column.\n"
		      "\n");
	_cleanup_strv_free_ char **rows = NULL;
	strv_push(&rows, "API GROUP\tCURRENT VERSION\tPREFERRED VERSION\tMANUAL UPGRADE REQUIRED");
	const json_t *s;
	json_array_foreach (states, i, s) {
		const char *cur = str_field(s, "currentVersion");
		const char *pref = str_field(s, "preferredVersion");
		strv_consume(&rows,
			     xasprintf("%s\t%s\t%s\t%s", str_field(s, "group"), *cur ? cur : "-",
				       *pref ? pref : "-",
				       json_is_true(json_object_get(s, "manualUpgradeRequired"))
					       ? "yes"
					       : "no"));
	}
	tabwrite(out, rows);
	strbuf_addstr(out, separator);
	return 0;
}
