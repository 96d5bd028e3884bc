/* SPDX-License-Identifier: Apache-2.0 */
/* init phase "control-plane" (cmd/kubeadm/app/cmd/phases/init). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/init.h"
#include "util/error.h"

int phase_init_control_plane(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"control-plane\" is not implemented in this build");
}

int phase_init_control_plane_apiserver(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"control-plane/apiserver\" is not implemented in this build");
}

int phase_init_control_plane_controller_manager(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"control-plane/controller-manager\" is not implemented in this build");
}

int phase_init_control_plane_scheduler(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"control-plane/scheduler\" is not implemented in this build");
}
