/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade apply phase "addon" (cmd/kubeadm/app/cmd/phases/upgrade/addons.go). The work is
 * addons_upgrade_coredns / addons_upgrade_proxy (src/addons/upgrade.c) with the apply run data
 * (init configuration, client, patches directory, control plane (always), dry-run,
 * stdout); until that data is reachable from here each run function reports that it is not
 * implemented instead of pretending success. */
#include <errno.h>

#include "phases/upgrade_apply.h"
#include "util/error.h"

int phase_upgrade_apply_addon_coredns(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"addon/coredns\" is not implemented in this build");
}

int phase_upgrade_apply_addon_kube_proxy(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"addon/kube-proxy\" is not implemented in this build");
}
