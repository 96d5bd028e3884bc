/* SPDX-License-Identifier: Apache-2.0 */
/* init phase "addon" (cmd/kubeadm/app/cmd/phases/init). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/init.h"
#include "util/error.h"

int phase_init_addon_coredns(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"addon/coredns\" is not implemented in this build");
}

int phase_init_addon_kube_proxy(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"addon/kube-proxy\" is not implemented in this build");
}
