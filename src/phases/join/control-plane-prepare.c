/* SPDX-License-Identifier: Apache-2.0 */
/* join phase "control-plane-prepare" (cmd/kubeadm/app/cmd/phases/join/controlplaneprepare.go). Worker joins skip it as kubeadm does;
 * the control-plane part is not implemented in this build and says so. */
#include <errno.h>

#include "phases/join.h"
#include "phases/join/join-data.h"
#include "util/error.h"

int phase_join_control_plane_prepare_download_certs(struct run_ctx *ctx)
{
	const struct cfg_join_control_plane *cp = join_data(ctx)->cfg->join.control_plane;
	if (!cp || !cp->certificate_key || !*cp->certificate_key)
		return 0;
	return error_set(-ENOSYS, "joining a control-plane node is not implemented in this build (phase control-plane-prepare/download-certs)");
}

int phase_join_control_plane_prepare_certs(struct run_ctx *ctx)
{
	if (!join_data(ctx)->cfg->join.control_plane)
		return 0;
	return error_set(-ENOSYS, "joining a control-plane node is not implemented in this build (phase control-plane-prepare/certs)");
}

int phase_join_control_plane_prepare_kubeconfig(struct run_ctx *ctx)
{
	if (!join_data(ctx)->cfg->join.control_plane)
		return 0;
	return error_set(-ENOSYS, "joining a control-plane node is not implemented in this build (phase control-plane-prepare/kubeconfig)");
}

int phase_join_control_plane_prepare_control_plane(struct run_ctx *ctx)
{
	if (!join_data(ctx)->cfg->join.control_plane)
		return 0;
	return error_set(-ENOSYS, "joining a control-plane node is not implemented in this build (phase control-plane-prepare/control-plane)");
}
