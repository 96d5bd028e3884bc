/* SPDX-License-Identifier: Apache-2.0 */
/* reset phase "cleanup-node" (cmd/kubeadm/app/cmd/phases). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/reset.h"
#include "util/error.h"

int phase_reset_cleanup_node(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"cleanup-node\" is not implemented in this build");
}
