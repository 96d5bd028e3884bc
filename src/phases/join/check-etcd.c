/* SPDX-License-Identifier: Apache-2.0 */
/* join phase "check-etcd" (cmd/kubeadm/app/cmd/phases/join/checketcd.go,
 * etcdphase.CheckLocalEtcdClusterStatus). Worker joins skip it, as kubeadm does. */
#include <errno.h>
#include <stdio.h>

#include "etcd/etcd.h"
#include "phases/join.h"
#include "phases/join/join-data.h"
#include "util/error.h"
#include "util/log.h"

int phase_join_check_etcd(struct run_ctx *ctx)
{
	struct join_data *d = join_data(ctx);
	struct init_config *ic = NULL;
	int r = join_data_control_plane_init_cfg(d, &ic);
	if (r <= 0)
		return r;
	if (ic->cluster.etcd.external) {
		printf("[check-etcd] Skipping etcd check in external mode\n");
		fflush(stdout);
		return 0;
	}
	if (d->dry_run) {
		printf("[dryrun] Would check that the etcd cluster is healthy\n");
		fflush(stdout);
		return 0;
	}
	printf("[check-etcd] Checking that the etcd cluster is healthy\n");
	fflush(stdout);
	struct kube_client *kc = NULL;
	r = join_data_client(d, &kc);
	if (r < 0)
		return r;
	log_v(1, "[etcd] Checking etcd cluster health");
	struct etcd_client *ec = NULL;
	r = join_etcd_from_cluster(kc, d, ic->cluster.certificates_dir, &ec);
	if (r < 0)
		return r;
	r = etcd_check_cluster_health(ec);
	etcd_client_free(ec);
	return r;
}
