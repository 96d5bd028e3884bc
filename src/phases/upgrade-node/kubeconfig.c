/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade node's hidden phase "kubeconfig" (cmd/kubeadm/app/cmd/phases/upgrade/node/
 * kubeconfig.go): apply's on a control plane node; a worker skips it. */
#include <stdio.h>

#include "phases/upgrade/apply-data.h"
#include "phases/upgrade_node.h"

int phase_upgrade_node_kubeconfig(struct run_ctx *ctx)
{
	struct apply_data *d = apply_data(ctx);
	if (!d->control_plane) {
		printf("[upgrade/kubeconfig] Skipping phase. Not a control plane node.\n");
		fflush(stdout);
		return 0;
	}
	return upgrade_data_kubeconfig(d);
}
