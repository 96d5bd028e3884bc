/* SPDX-License-Identifier: Apache-2.0 */
/* init phase "kubeconfig" (cmd/kubeadm/app/cmd/phases/init). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/init.h"
#include "util/error.h"

int phase_init_kubeconfig(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"kubeconfig\" is not implemented in this build");
}

int phase_init_kubeconfig_admin(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"kubeconfig/admin\" is not implemented in this build");
}

int phase_init_kubeconfig_super_admin(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"kubeconfig/super-admin\" is not implemented in this build");
}

int phase_init_kubeconfig_kubelet(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"kubeconfig/kubelet\" is not implemented in this build");
}

int phase_init_kubeconfig_controller_manager(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"kubeconfig/controller-manager\" is not implemented in this build");
}

int phase_init_kubeconfig_scheduler(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"kubeconfig/scheduler\" is not implemented in this build");
}
