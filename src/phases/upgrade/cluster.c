/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "addons/addons.h"
#include "config/version.h"
#include "phases/cluster-config.h"
#include "phases/upgrade/cluster.h"
#include "preflight/preflight.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define COREDNS_TARGET "1.14.6" /* constants.CoreDNSVersion without the "v" */
#define CONTROL_PLANE_LABEL "node-role.kubernetes.io/control-plane"
#define HEALTH_CHECK_PREFIX "upgrade-health-check"

/* ---- the version getter ---- */

/* ComponentVersions: image tags (metadata "_" back to "+") of the component's pods. */
static int component_versions(void *ud, const char *name, struct upgrade_version_map *ret)
{
	struct kube_client *c = ud;
	_cleanup_free_ char *sel = xasprintf("component=%s,tier=control-plane", name);
	_cleanup_json_ json_t *list = NULL;
	int r = kube_list(c, &kube_res_pods, "kube-system", sel, NULL, &list);
	if (r < 0)
		return error_wrap(r, "couldn't list pods in cluster");
	size_t i;
	json_t *pod;
	json_array_foreach (json_object_get(list, "items"), i, pod) {
		const char *image = json_string_value(json_object_get(
			json_array_get(json_get_path(pod, "spec.containers"), 0), "image"));
		_cleanup_free_ char *tag = xstrdup(addons_image_tag(strempty(image)));
		char *u = strchr(tag, '_');
		if (u)
			*u = '+';
		const char *node = json_string_value(json_get_path(pod, "spec.nodeName"));
		upgrade_version_map_add(ret, tag, strempty(node));
	}
	return 0;
}

static int kubelet_versions(void *ud, struct upgrade_version_map *ret)
{
	struct kube_client *c = ud;
	_cleanup_json_ json_t *list = NULL;
	int r = kube_list(c, &kube_res_nodes, NULL, NULL, NULL, &list);
	if (r < 0) {
		error_clear();
		return error_set(r, "couldn't list all nodes in cluster");
	}
	size_t i;
	json_t *node;
	json_array_foreach (json_object_get(list, "items"), i, node) {
		const char *v = json_string_value(json_get_path(node, "status.nodeInfo.kubeletVersion"));
		const char *name = json_string_value(json_get_path(node, "metadata.name"));
		upgrade_version_map_add(ret, strempty(v), strempty(name));
	}
	return 0;
}

static int dns_version(void *ud, char **ret)
{
	return addons_deployed_dns_version(ud, ret);
}

static int version_from_label(void *ud, const char *label, const char *description, char **ret)
{
	(void)ud;
	int r = kube_release_version(label, ret);
	if (r < 0)
		return error_wrap(r, "Couldn't fetch latest %s from the internet", description);
	return 0;
}

void upgrade_kube_version_getter(struct kube_client *c, const char *offline_version,
				 struct upgrade_version_getter *ret)
{
	*ret = (struct upgrade_version_getter){
		.ud = c,
		.component_versions = component_versions,
		.kubelet_versions = kubelet_versions,
		.dns_version = dns_version,
		.version_from_label = version_from_label,
		.offline_version = offline_version,
		.kubeadm_version = UPGRADE_KUBEADM_VERSION,
	};
}

/* ---- cluster health ---- */

struct health {
	struct kube_client *c;
	const struct init_config *cfg;
	bool dry_run;
	FILE *out;
};

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* wait.PollUntilContextTimeout(1s, 60s, immediate) around one call; the last error is kept. */
typedef int (*poll_fn)(void *ud);
static int poll_60s(poll_fn f, void *ud)
{
	long deadline = now_ms() + 60000;
	for (;;) {
		int r = f(ud);
		if (r >= 0 || now_ms() + 1000 > deadline)
			return r;
		error_clear();
		sleep(1);
	}
}

struct job_poll {
	struct kube_client *c;
	json_t *job;
	const char *name;
	json_t *nodes;
	char *last; /* the last error's text */
};

static int list_schedulable(void *ud)
{
	struct job_poll *p = ud;
	json_decref(p->nodes);
	p->nodes = NULL;
	int r = kube_list(p->c, &kube_res_nodes, NULL, NULL, "spec.unschedulable=false", &p->nodes);
	if (r < 0) {
		free(p->last);
		p->last = xstrdup(error_message(r));
	}
	return r;
}

static int create_job(void *ud)
{
	struct job_poll *p = ud;
	int r = kube_create(p->c, &kube_res_jobs, p->job, NULL);
	if (r < 0) {
		free(p->last);
		p->last = xstrdup(error_message(r));
	}
	return r;
}

static int job_complete(void *ud)
{
	struct job_poll *p = ud;
	_cleanup_json_ json_t *job = NULL;
	int r = kube_get(p->c, &kube_res_jobs, "kube-system", p->name, &job);
	if (r < 0) {
		free(p->last);
		p->last = xstrdup(error_message(r));
		return r;
	}
	size_t i;
	json_t *cond;
	json_array_foreach (json_get_path(job, "status.conditions"), i, cond)
		if (streq(strempty(json_string_value(json_object_get(cond, "type"))), "Complete"))
			return 0;
	free(p->last);
	p->last = xstrdup("no condition of type Complete");
	return error_set(-EAGAIN, "%s", p->last);
}

/* createJob */
static int check_create_job(void *data)
{
	const struct health *h = data;
	struct job_poll p = { .c = h->c };
	int r = poll_60s(list_schedulable, &p);
	if (r < 0) {
		r = error_set(r, "could not check if there is at least one Node that can schedule a "
			      "test Pod: %s",
			      p.last);
		free(p.last);
		return r;
	}
	bool none = json_array_size(json_object_get(p.nodes, "items")) == 0;
	json_decref(p.nodes);
	if (none) {
		log_warning("The preflight check \"CreateJob\" was skipped because there are no "
			    "schedulable Nodes in the cluster.");
		free(p.last);
		return 0;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	_cleanup_free_ char *name = xasprintf(HEALTH_CHECK_PREFIX "-%lld",
					      (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	_cleanup_free_ char *image = config_image_pause(h->cfg);
	p.name = name;
	p.job = json_pack(
		"{s:s, s:s, s:{s:s, s:s}, s:{s:i, s:i, s:i, s:{s:{s:s, s:{s:i, s:i, s:b}, "
		"s:[{s:s, s:s}], s:[{s:s, s:s, s:[s]}]}}}}",
		"apiVersion", "batch/v1", "kind", "Job", "metadata", "name", name, "namespace",
		"kube-system", "spec", "backoffLimit", 0, "ttlSecondsAfterFinished", 65,
		"activeDeadlineSeconds", 65, "template", "spec", "restartPolicy", "Never",
		"securityContext", "runAsUser", 999, "runAsGroup", 999, "runAsNonRoot", 1,
		"tolerations", "key", CONTROL_PLANE_LABEL, "effect", "NoSchedule", "containers",
		"name", HEALTH_CHECK_PREFIX, "image", image, "args", "-v");
	log_v(2, "Creating a Job \"%s\" in the namespace \"kube-system\"", name);
	r = poll_60s(create_job, &p);
	json_decref(p.job);
	if (r < 0) {
		r = error_set(r, "could not create Job \"%s\" in the namespace \"kube-system\": %s",
			      name, p.last);
		free(p.last);
		return r;
	}
	r = poll_60s(job_complete, &p);
	if (r < 0)
		r = error_set(r, "Job \"%s\" in the namespace \"kube-system\" did not complete in 1m0s: %s",
			      name, p.last);
	else
		log_v(2, "Job \"%s\" in the namespace \"kube-system\" completed", name);
	free(p.last);
	return r;
}

/* controlPlaneNodesReady: a Ready condition that is not True (none at all passes). */
static int check_nodes_ready(void *data)
{
	const struct health *h = data;
	_cleanup_json_ json_t *list = NULL;
	int r = kube_list(h->c, &kube_res_nodes, NULL, CONTROL_PLANE_LABEL "=", NULL, &list);
	if (r < 0)
		return error_wrap(r, "could not list nodes labeled with \"%s\"", CONTROL_PLANE_LABEL);
	_cleanup_strv_free_ char **not_ready = NULL;
	size_t i, j;
	json_t *node, *cond;
	json_array_foreach (json_object_get(list, "items"), i, node)
		json_array_foreach (json_get_path(node, "status.conditions"), j, cond)
			if (streq(strempty(json_string_value(json_object_get(cond, "type"))), "Ready") &&
			    !streq(strempty(json_string_value(json_object_get(cond, "status"))), "True"))
				strv_push(&not_ready, strempty(json_string_value(
							      json_get_path(node, "metadata.name"))));
	if (!not_ready)
		return 0;
	_cleanup_free_ char *names = strv_join(not_ready, " ");
	return error_set(-EINVAL, "there are NotReady control-planes in the cluster: [%s]", names);
}

/* staticPodManifestHealth */
static int check_manifests(void *data)
{
	const struct health *h = data;
	static const char *const components[] = { "kube-apiserver", "kube-controller-manager",
						  "kube-scheduler" };
	_cleanup_strv_free_ char **missing = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(components); i++) {
		_cleanup_free_ char *path = xasprintf("/etc/kubernetes/manifests/%s.yaml",
						      components[i]);
		if (h->dry_run) {
			if (h->out)
				fprintf(h->out, "[dryrun] would check if %s exists\n", path);
			continue;
		}
		struct stat st;
		if (stat(path, &st) < 0 && errno == ENOENT)
			strv_push(&missing, path);
	}
	if (!missing)
		return 0;
	_cleanup_free_ char *list = strv_join(missing, " ");
	return error_set(-ENOENT, "manifest files not found: [%s]", list);
}

int upgrade_check_cluster_health(struct kube_client *c, const struct init_config *cfg,
				 char *const *ignore, bool dry_run, FILE *out)
{
	if (out) {
		fprintf(out, "[upgrade] Running cluster health checks\n");
		fflush(out);
	}
	struct health h = { c, cfg, dry_run, out };
	struct preflight_list l = { 0 };
	preflight_add_func(&l, "CreateJob", check_create_job, &h);
	preflight_add_func(&l, "ControlPlaneNodesReady", check_nodes_ready, &h);
	preflight_add_func(&l, "StaticPodManifest", check_manifests, &h);
	int r = preflight_run_checks(&l, ignore, stderr);
	preflight_list_clear(&l);
	return r;
}

/* ---- CoreDNS ---- */

/*
 * GetCoreDNSInfo: the Corefile and the deployed version; a missing ConfigMap is no error
 * (both empty).
 */
static int coredns_info(struct kube_client *c, char **ret_corefile, char **ret_version)
{
	_cleanup_json_ json_t *cm = NULL;
	int r = kube_get(c, &kube_res_configmaps, "kube-system", "coredns", &cm);
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
 * migration.Unsupported / migration.Migrate from the deployed CoreDNS version to
 * constants.CoreDNSVersion: nothing to check when they are equal; no deployed version (no
 * ConfigMap or no Deployment) is never a release of corefile-migration's table, so both fail
 * its validateVersion. Other versions need corefile-migration's release tables, which this
 * build does not have yet.
 */
static int coredns_check(struct kube_client *c, const char *wrap)
{
	_cleanup_free_ char *corefile = NULL, *version = NULL;
	int r = coredns_info(c, &corefile, &version);
	if (r < 0)
		return wrap ? error_wrap(r, "%s", wrap) : r;
	const char *v = version;
	while (*v == 'v')
		v++;
	if (streq(v, COREDNS_TARGET))
		return 0;
	if (!*v)
		r = error_set(-EINVAL, "start version '' not supported");
	else
		r = error_set(-ENOTSUP, "the CoreDNS migration check from version '%s' is not implemented "
			       "in this build",
		      v);
	return wrap ? error_wrap(r, "%s", wrap) : r;
}

static int check_unsupported_plugins(void *data)
{
	log_v(1, "validating if there are any unsupported CoreDNS plugins in the Corefile");
	return coredns_check(data, NULL);
}

static int check_migration(void *data)
{
	log_v(1, "validating if migration can be done for the current CoreDNS release.");
	return coredns_check(data, "CoreDNS will not be upgraded");
}

int upgrade_coredns_migration_check(struct kube_client *c, char *const *ignore)
{
	struct preflight_list l = { 0 };
	preflight_add_func(&l, "CoreDNSUnsupportedPlugins", check_unsupported_plugins, c);
	preflight_add_func(&l, "CoreDNSMigration", check_migration, c);
	int r = preflight_run_checks(&l, ignore, stderr);
	preflight_list_clear(&l);
	return r;
}

/* ---- component configs ---- */

static json_t *state(const char *group, const char *version, bool loaded)
{
	return json_pack("{s:s, s:s, s:s, s:b}", "group", group, "currentVersion",
			 loaded ? version : "", "preferredVersion", version, "manualUpgradeRequired",
			 0);
}

int upgrade_component_config_states(struct kube_client *c, json_t **ret)
{
	_cleanup_free_ char *kubelet = NULL, *proxy = NULL;
	int r = phases_fetch_component_configs(c, &kubelet, &proxy);
	if (r < 0)
		return r;
	json_t *a = json_array();
	json_array_append_new(a, state("kubeproxy.config.k8s.io", "v1alpha1", proxy != NULL));
	json_array_append_new(a, state("kubelet.config.k8s.io", "v1beta1", kubelet != NULL));
	*ret = a;
	return 0;
}
