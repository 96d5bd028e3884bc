/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade node phase "addon" (cmd/kubeadm/app/cmd/phases/upgrade/addons.go). The work is
 * addons_upgrade_coredns / addons_upgrade_proxy (src/addons/upgrade.c) with the node run data
 * (init configuration, client, patches directory, control plane, dry-run,
 * stdout); until that data is reachable from here each run function reports that it is not
 * implemented instead of pretending success. */
#include <errno.h>

#include "phases/upgrade_node.h"
#include "util/error.h"

int phase_upgrade_node_addon_coredns(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"addon/coredns\" is not implemented in this build");
}

int phase_upgrade_node_addon_kube_proxy(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"addon/kube-proxy\" is not implemented in this build");
}
