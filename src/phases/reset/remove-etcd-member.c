/* SPDX-License-Identifier: Apache-2.0 */
/* reset phase "remove-etcd-member" (cmd/kubeadm/app/cmd/phases/reset/removeetcdmember.go) and
 * etcdphase.RemoveStackedEtcdMemberFromCluster. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "etcd/etcd.h"
#include "kube/client.h"
#include "phases/reset.h"
#include "phases/reset/clean-dir.h"
#include "phases/reset/reset-data.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define ETCD_MANIFEST "/etc/kubernetes/manifests/etcd.yaml"
#define DEFAULT_ETCD_DATA_DIR "/var/lib/etcd"

/* getEtcdDataDir: the configuration's local etcd, else the manifest's etcd-data volume. */
static int etcd_data_dir(struct reset_data *d, char **ret)
{
	if (d->init_cfg && d->init_cfg->cluster.etcd.local) {
		*ret = xstrdup(strempty(d->init_cfg->cluster.etcd.local->data_dir));
		return 0;
	}
	log_warning("[reset] No kubeadm config, using etcd pod spec to get data directory");
	struct stat st;
	if (stat(ETCD_MANIFEST, &st) < 0 && errno == ENOENT) {
		/* etcd.yaml may be gone already (cleanup-node ran first): the default data dir */
		*ret = xstrdup(DEFAULT_ETCD_DATA_DIR);
		return 0;
	}
	char *dir = NULL;
	int r = etcd_manifest_read(d->rootfd, ETCD_MANIFEST, NULL, &dir);
	if (r < 0)
		return r;
	if (!dir || !*dir) {
		free(dir);
		return error_set(-EINVAL, "invalid etcd pod manifest");
	}
	*ret = dir;
	return 0;
}

static long kube_api_timeout_ms(const struct reset_data *d)
{
	const struct cfg_timeouts *t = d->cfg->reset.timeouts;
	if (t && t->kubernetes_api_call.set && t->kubernetes_api_call.ns > 0)
		return (long)(t->kubernetes_api_call.ns / 1000000);
	return 60000;
}

static long etcd_api_timeout_ms(const struct reset_data *d)
{
	const struct cfg_timeouts *t = d->cfg->reset.timeouts;
	if (t && t->etcd_api_call.set && t->etcd_api_call.ns > 0)
		return (long)(t->etcd_api_call.ns / 1000000);
	return ETCD_API_CALL_TIMEOUT_MS;
}

/* etcdphase.RemoveStackedEtcdMemberFromCluster. */
static int remove_stacked_member(struct reset_data *d)
{
	const struct init_config *cfg = d->init_cfg;
	log_v(1, "[etcd] creating etcd client that connects to etcd pods");
	if (!d->client)
		return error_set(-ENOTCONN, "could not retrieve the list of etcd endpoints: no client");
	_cleanup_(etcd_client_freep) struct etcd_client *c = NULL;
	int r = etcd_client_new_from_cluster(d->client, strempty(cfg->cluster.certificates_dir),
					     kube_api_timeout_ms(d), etcd_api_timeout_ms(d), &c);
	if (r < 0)
		return r;

	struct etcd_member_brief *members = NULL;
	size_t n = 0;
	r = etcd_list_members(c, &members, &n);
	if (r < 0)
		return r;
	etcd_member_briefs_free(members, n);
	const char *addr = strempty(cfg->init.local_api_endpoint.advertise_address);
	if (n == 1) {
		_cleanup_free_ char *mine = etcd_client_url(addr);
		if (strv_contains(etcd_client_endpoints(c), mine)) {
			log_v(1, "[etcd] This is the only remaining etcd member in the etcd cluster, skip removing it");
			return 0;
		}
	}
	_cleanup_free_ char *peer = etcd_peer_url(addr);
	log_v(2, "[etcd] get the member id from peer: %s", peer);
	uint64_t id = 0;
	r = etcd_get_member_id(c, peer, &id);
	if (r == -ENOENT) {
		log_v(5, "[etcd] member was already removed, because no member id exists for peer %s",
		      peer);
		error_clear();
		return 0;
	}
	if (r < 0)
		return r;
	log_v(1, "[etcd] removing etcd member: %s, id: %" PRIu64, peer, id);
	r = etcd_remove_member(c, id, &members, &n);
	if (r < 0)
		return r;
	free(d->removed_etcd_member);
	d->removed_etcd_member = xstrdup(peer);
	d->removed_etcd_member_id = id;
	/* klog.V(1).Infof("[etcd] Updated etcd member list: %v", members): Go's %v of
	 * []Member{Name, PeerURL} */
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, "%s{%s %s}", i ? " " : "", members[i].name, members[i].peer_url);
	log_v(1, "[etcd] Updated etcd member list: [%s]", sb.buf);
	etcd_member_briefs_free(members, n);
	return 0;
}

static void clean_data_dir(const char *dir)
{
	int r = reset_clean_dir(dir);
	if (r < 0) {
		log_warning("[reset] Failed to delete contents of the etcd directory: \"%s\", error: %s",
			    dir, error_message(r));
		error_clear();
	} else {
		printf("[reset] Deleted contents of the etcd data directory: %s\n", dir);
		fflush(stdout);
	}
}

int phase_reset_remove_etcd_member(struct run_ctx *ctx)
{
	struct reset_data *d = reset_data(ctx);
	log_v(1, "[reset] Checking for etcd config");
	_cleanup_free_ char *dir = NULL;
	int r = etcd_data_dir(d, &dir);
	if (r < 0) {
		error_clear();
		printf("[reset] No etcd config found. Assuming external etcd\n");
		printf("[reset] Please, manually reset etcd to prevent further issues\n");
		fflush(stdout);
		return 0;
	}
	/* stricter than kubeadm: a data dir of "/" or "/var" is a typo, not etcd's to wipe; refused
	 * before the member is removed */
	r = reset_check_clean_dir(dir, "the etcd data directory");
	if (r < 0)
		return r;
	if (d->init_cfg) {
		if (!d->dry_run) {
			r = remove_stacked_member(d);
			if (r < 0) {
				log_warning("[reset] Failed to remove etcd member: %s, please manually remove this etcd member using etcdctl",
					    error_message(r));
				error_clear();
			} else {
				clean_data_dir(dir);
			}
		} else {
			printf("[dryrun] Would remove the etcd member on this node from the etcd cluster\n");
			printf("[dryrun] Would delete contents of the etcd data directory: %s\n", dir);
			fflush(stdout);
		}
	}
	/* cleanup-node may have run first: clean stale data so the next init does not trip on it.
	 * kubeadm's IsDirEmpty reports a missing dir as "not empty", so the message still prints. */
	if (!reset_dir_is_empty(dir) && !d->dry_run)
		clean_data_dir(dir);
	return 0;
}
