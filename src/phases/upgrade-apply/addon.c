/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade apply phase "addon" (cmd/kubeadm/app/cmd/phases). Not implemented yet: every run
 * function reports so instead of pretending success. */
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
