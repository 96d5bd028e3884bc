/* SPDX-License-Identifier: Apache-2.0 */
/* join phase "control-plane-join" (cmd/kubeadm/app/cmd/phases/join/controlplanejoin.go). Worker joins skip it as kubeadm does;
 * the control-plane part is not implemented in this build and says so. */
#include <errno.h>

#include "phases/join.h"
#include "phases/join/join-data.h"
#include "util/error.h"

int phase_join_control_plane_join_mark_control_plane(struct run_ctx *ctx)
{
	if (!join_data(ctx)->cfg->join.control_plane)
		return 0;
	return error_set(-ENOSYS, "joining a control-plane node is not implemented in this build (phase control-plane-join/mark-control-plane)");
}
