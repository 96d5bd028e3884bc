/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade apply phase "control-plane" (cmd/kubeadm/app/cmd/phases/upgrade/apply/controlplane.go)
 * and the static-pod upgrade that node's control-plane phase shares. */
#include <errno.h>
#include <stdio.h>

#include "phases/upgrade/apply-data.h"
#include "phases/upgrade/staticpods.h"
#include "phases/upgrade_apply.h"
#include "util/duration.h"
#include "util/error.h"

int upgrade_data_static_pods(const struct apply_data *d)
{
	if (d->dry_run) {
		/* kubeadm's line has no newline: the printout goes on after it */
		printf("[dryrun] Would upgrade your static Pod-hosted control plane to version \"%s\"",
		       d->init_cfg->cluster.kubernetes_version);
		return upgrade_static_pod_dry_run(d->init_cfg, d->patches_dir);
	}
	const struct upgrade_static_pods o = {
		.cfg = d->init_cfg,
		.client = d->client,
		.kubernetes_dir = "/etc/kubernetes",
		.patches_dir = d->patches_dir,
		.etcd_upgrade = d->etcd_upgrade,
		.renew_certs = d->renew_certs,
		.timeout_ms = d->upgrade_timeout_ms,
		.api_timeout_ms = d->api_timeout_ms,
		.etcd_timeout_ms = d->etcd_timeout_ms,
		.etcd_retry_interval_ms = 15000,
		.poll_ms = 500,
	};
	int r = upgrade_static_pod_upgrade(&o);
	if (r < 0)
		return error_wrap(r, "couldn't complete the static pod upgrade");
	return 0;
}

int phase_upgrade_apply_control_plane(struct run_ctx *ctx)
{
	struct apply_data *d = apply_data(ctx);
	if (d->dry_run)
		return upgrade_data_static_pods(d);
	char t[32];
	duration_format((int64_t)d->upgrade_timeout_ms * 1000000, t, sizeof(t));
	printf("[upgrade/control-plane] Upgrading your static Pod-hosted control plane to version \"%s\" (timeout: %s)...\n",
	       d->init_cfg->cluster.kubernetes_version, t);
	fflush(stdout);
	int r = upgrade_data_static_pods(d);
	if (r < 0)
		return r;
	printf("[upgrade/control-plane] The control plane instance for this node was successfully upgraded!\n");
	fflush(stdout);
	return 0;
}
