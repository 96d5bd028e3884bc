/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade node phase "control-plane" (cmd/kubeadm/app/cmd/phases/upgrade/node/controlplane.go):
 * apply's static-pod upgrade on a control plane node; a worker skips it. */
#include <stdio.h>

#include "phases/upgrade/apply-data.h"
#include "phases/upgrade_node.h"

int phase_upgrade_node_control_plane(struct run_ctx *ctx)
{
	struct apply_data *d = apply_data(ctx);
	if (!d->control_plane) {
		printf("[upgrade/control-plane] Skipping phase. Not a control plane node.\n");
		fflush(stdout);
		return 0;
	}
	/* unlike apply's, node's line names the instance and no timeout */
	printf("[upgrade/control-plane] Upgrading your Static Pod-hosted control plane instance to version \"%s\"...\n",
	       d->init_cfg->cluster.kubernetes_version);
	fflush(stdout);
	int r = upgrade_data_static_pods(d);
	if (r < 0 || d->dry_run)
		return r;
	printf("[upgrade/control-plane] The control plane instance for this node was successfully upgraded!\n");
	fflush(stdout);
	return 0;
}
