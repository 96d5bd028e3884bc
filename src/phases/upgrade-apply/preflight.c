/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade apply phase "preflight" (cmd/kubeadm/app/cmd/phases/upgrade/apply/preflight.go). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/version.h"
#include "phases/confirm.h"
#include "phases/upgrade/apply-data.h"
#include "phases/upgrade/cluster.h"
#include "phases/upgrade/policy.h"
#include "phases/upgrade_apply.h"
#include "preflight/preflight.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* KubeVersionGetter.ClusterVersion: the API server's /version gitVersion. *ret owned. */
static int cluster_version(struct kube_client *c, long timeout_ms, char **ret)
{
	long status = 0;
	_cleanup_free_ char *body = NULL;
	int r = kube_get_raw(c, "/version", timeout_ms, &status, &body);
	if (r >= 0 && status != 200)
		r = error_set(-EIO, "the server responded with the status code %ld", status);
	_cleanup_json_ json_t *v = NULL;
	if (r >= 0) {
		json_error_t je;
		v = json_loads(body, 0, &je);
		if (!json_string_value(json_object_get(v, "gitVersion")))
			r = error_set(-EBADMSG, "couldn't decode the API server's version");
	}
	if (r < 0)
		return error_wrap(r, "Couldn't fetch cluster version from the API Server");
	*ret = xstrdup(json_string_value(json_object_get(v, "gitVersion")));
	return 0;
}

/* KubeVersionGetter.KubeletVersions' versions (the map's keys). */
static int kubelet_versions(void *ud, char ***ret)
{
	struct kube_client *c = ud;
	struct upgrade_version_getter g;
	upgrade_kube_version_getter(c, NULL, &g);
	struct upgrade_version_map m = { 0 };
	int r = g.kubelet_versions(g.ud, &m);
	if (r >= 0)
		for (size_t i = 0; i < m.n; i++)
			strv_push(ret, m.v[i].version);
	upgrade_version_map_release(&m);
	return r;
}

/* enforceVersionPolicies over the offline version getter of the normalised target. */
static int enforce_version_policies(struct apply_data *d)
{
	const char *target = d->init_cfg->cluster.kubernetes_version;
	_cleanup_free_ char *cluster = NULL, *cluster_err = NULL;
	int r = cluster_version(d->client, d->api_timeout_ms, &cluster);
	if (r < 0) {
		cluster_err = xstrdup(error_message(r));
		error_clear();
	}
	const struct upgrade_policy_input in = {
		.cluster_version = cluster,
		.cluster_error = cluster_err,
		.kubeadm_version = UPGRADE_KUBEADM_VERSION,
		.min_control_plane = UPGRADE_MIN_CONTROL_PLANE_VERSION,
		.kubelet_fetch = kubelet_versions,
		.ud = d->client,
	};
	return upgrade_check_version_policies(&in, target, d->allow_experimental, d->allow_rc,
					      d->force, stdout);
}

int phase_upgrade_apply_preflight(struct run_ctx *ctx)
{
	struct apply_data *d = apply_data(ctx);
	struct init_config *ic = d->init_cfg;
	printf("[upgrade/preflight] Running preflight checks\n");
	fflush(stdout);
	int r = preflight_run_root_check(d->ignore);
	if (r >= 0)
		r = preflight_run_upgrade_checks(ic, d->ignore);
	if (r >= 0)
		r = upgrade_coredns_migration_check(d->client, d->ignore);
	if (r < 0)
		return r;
	log_v(1, "[upgrade/preflight] Verifying the cluster health");
	r = upgrade_check_cluster_health(d->client, ic, d->ignore, d->dry_run, stdout);
	if (r < 0)
		return r;
	/* features.CheckDeprecatedFlags: every gate but RootlessControlPlane is unknown to 1.37 */
	size_t n = 0;
	_cleanup_free_ const char **keys = json_object_sorted_keys(ic->cluster.feature_gates, &n);
	for (size_t i = 0; i < n; i++)
		if (!streq(keys[i], "RootlessControlPlane"))
			printf("[upgrade/preflight] Unknown feature gate flag: %s\n", keys[i]);

	log_v(1, "[upgrade/preflight] Validating requested and actual version");
	r = config_normalize_kubernetes_version(ic);
	if (r < 0)
		return r;
	struct semver sv;
	if (semver_parse(ic->cluster.kubernetes_version, &sv) < 0) {
		error_clear();
		return error_set(-EINVAL, "unable to parse normalized version \"%s\" as a semantic version",
				 ic->cluster.kubernetes_version);
	}
	r = enforce_version_policies(d);
	fflush(stdout);
	if (r < 0)
		return r;
	if (apply_data_interactive(d)) {
		r = phases_confirm("upgrade", "Are you sure you want to proceed?", stdin);
		if (r < 0)
			return r;
	}
	return upgrade_data_pull_images(d, "[dryrun]");
}

int upgrade_data_pull_images(const struct apply_data *d, const char *dry_run_prefix)
{
	if (d->dry_run) {
		printf("%s Would pull the required images (like 'kubeadm config images pull')\n",
		       dry_run_prefix);
		fflush(stdout);
		return 0;
	}
	printf("[upgrade/preflight] Pulling images required for setting up a Kubernetes cluster\n");
	printf("[upgrade/preflight] This might take a minute or two, depending on the speed of your internet connection\n");
	printf("[upgrade/preflight] You can also perform this action beforehand using 'kubeadm config images pull'\n");
	fflush(stdout);
	return preflight_run_pull_images(d->init_cfg, d->ignore);
}
