/* SPDX-License-Identifier: Apache-2.0 */
/* join phase "control-plane-join" (cmd/kubeadm/app/cmd/phases). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/join.h"
#include "util/error.h"

int phase_join_control_plane_join_mark_control_plane(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"control-plane-join/mark-control-plane\" is not implemented in this build");
}
