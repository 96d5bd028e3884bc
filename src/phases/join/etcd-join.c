/* SPDX-License-Identifier: Apache-2.0 */
/* join phase "etcd-join" (cmd/kubeadm/app/cmd/phases/join/controlplanejoin.go runEtcdPhase,
 * phases/etcd CreateStackedEtcdStaticPodManifestFile, util/etcd NewFromCluster). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "etcd/etcd.h"
#include "manifests/manifests.h"
#include "phases/join.h"
#include "phases/join/join-data.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* etcdutil.NewFromCluster with the configuration's API call budgets */
int join_etcd_from_cluster(struct kube_client *kc, const struct join_data *d, const char *cert_dir,
			   struct etcd_client **ret)
{
	const struct cfg_timeouts *t = d->cfg->join.timeouts;
	long kube_ms = t && t->kubernetes_api_call.set ? (long)(t->kubernetes_api_call.ns / 1000000) : 0;
	long etcd_ms = t && t->etcd_api_call.set ? (long)(t->etcd_api_call.ns / 1000000) : 0;
	return etcd_client_new_from_cluster(kc, cert_dir, kube_ms, etcd_ms, ret);
}

static int write_manifest(struct join_data *d, struct init_config *ic, char **initial_cluster)
{
	printf("[etcd] Creating static Pod manifest for \"etcd\"\n");
	fflush(stdout);
	/* RootlessControlPlane: as the control-plane manifests (control-plane-prepare.c) */
	if (json_is_true(json_object_get(ic->cluster.feature_gates, "RootlessControlPlane"))) {
		if (!d->dry_run)
			return error_set(-ENOTSUP, "%s", "failed to create users and groups: the RootlessControlPlane feature gate is not supported by this build");
		printf("[etcd] Would create users and groups for \"etcd\" to run as non-root\n");
		printf("[etcd] Would update static pod manifest for \"etcd\" to run run as non-root\n");
		fflush(stdout);
	}
	_cleanup_json_ json_t *pod = NULL;
	struct manifests_options o = { .rootfd = d->rootfd, .initial_cluster = initial_cluster };
	int r = join_manifest_write(d, ic, MANIFESTS_ETCD, &o, &pod);
	if (r < 0)
		return r;
	if (d->dry_run) {
		_cleanup_free_ char *yaml = manifests_pod_yaml(pod);
		printf("[dryrun] Would write file \"/etc/kubernetes/manifests/etcd.yaml\" with content:\n%s",
		       yaml);
		fflush(stdout);
	}
	return 0;
}

int phase_join_etcd_join(struct run_ctx *ctx)
{
	struct join_data *d = join_data(ctx);
	struct kube_client *kc = NULL;
	struct init_config *ic = NULL;
	int r = join_data_control_plane_client(d, &kc, &ic);
	if (r <= 0)
		return r;
	if (ic->cluster.etcd.external) {
		printf("[control-plane-join] Using external etcd - no local stacked instance added\n");
		fflush(stdout);
		return 0;
	}
	const char *data_dir = ic->cluster.etcd.local && ic->cluster.etcd.local->data_dir
				       ? ic->cluster.etcd.local->data_dir
				       : "/var/lib/etcd";
	if (!d->dry_run) {
		r = fs_mkdir_p(d->rootfd, data_dir, 0700);
		if (r < 0)
			return error_set(r, "failed to create etcd directory \"%s\": %s", data_dir,
					 strerror(-r));
	} else {
		printf("[control-plane-join] Would ensure that \"%s\" directory is present\n", data_dir);
	}
	_cleanup_free_ char *peer = etcd_peer_url(strempty(ic->init.local_api_endpoint.advertise_address));
	const char *name = strempty(ic->init.node_registration.name);
	if (d->dry_run) {
		printf("[etcd] Would add etcd member: %s\n", peer);
		fflush(stdout);
		r = write_manifest(d, ic, NULL);
		if (r < 0)
			return error_wrap(r, "error creating local etcd static pod manifest file");
		printf("[etcd] Would wait for the new etcd member to join the cluster\n");
		fflush(stdout);
		return 0;
	}
	const char *cert_dir = ic->cluster.certificates_dir;
	_cleanup_(etcd_client_freep) struct etcd_client *ec = NULL;
	r = join_etcd_from_cluster(kc, d, cert_dir, &ec);
	if (r < 0)
		return error_wrap(r, "error creating local etcd static pod manifest file");
	log_v(1, "[etcd] Adding etcd member: %s", peer);
	struct etcd_member_brief *members = NULL;
	size_t n = 0;
	etcd_client_set_readd_unstarted(ec, d->resume);
	r = etcd_add_member(ec, name, peer, true, &members, &n);
	if (r < 0)
		return error_wrap(r, "error creating local etcd static pod manifest file");
	printf("[etcd] Announced new etcd member joining to the existing etcd cluster\n");
	fflush(stdout);
	_cleanup_strv_free_ char **initial = NULL;
	for (size_t i = 0; i < n; i++)
		strv_consume(&initial, xasprintf("%s=%s", members[i].name, members[i].peer_url));
	etcd_member_briefs_free(members, n);
	r = write_manifest(d, ic, initial);
	if (r < 0)
		return error_wrap(r, "error creating local etcd static pod manifest file");
	uint64_t id = 0;
	r = etcd_get_member_id(ec, peer, &id);
	if (r >= 0) {
		d->etcd_member_id = id;
		free(d->etcd_member_name);
		free(d->etcd_member_peer_url);
		d->etcd_member_name = xstrdup(name);
		d->etcd_member_peer_url = xstrdup(peer);
		r = etcd_member_promote(ec, id);
	}
	if (r >= 0) {
		printf("[etcd] Waiting for the new etcd member to join the cluster. This can take up to 40s\n");
		fflush(stdout);
		r = etcd_wait_for_cluster_available(ec, 8, 5000);
	}
	if (r < 0)
		return error_wrap(r, "error creating local etcd static pod manifest file");
	return 0;
}
