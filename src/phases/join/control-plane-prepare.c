/* SPDX-License-Identifier: Apache-2.0 */
/* join phase "control-plane-prepare" (cmd/kubeadm/app/cmd/phases). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/join.h"
#include "util/error.h"

int phase_join_control_plane_prepare_download_certs(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"control-plane-prepare/download-certs\" is not implemented in this build");
}

int phase_join_control_plane_prepare_certs(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"control-plane-prepare/certs\" is not implemented in this build");
}

int phase_join_control_plane_prepare_kubeconfig(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"control-plane-prepare/kubeconfig\" is not implemented in this build");
}

int phase_join_control_plane_prepare_control_plane(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"control-plane-prepare/control-plane\" is not implemented in this build");
}
