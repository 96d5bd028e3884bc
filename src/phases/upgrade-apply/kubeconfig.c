/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade apply phase "kubeconfig" (cmd/kubeadm/app/cmd/phases). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/upgrade_apply.h"
#include "util/error.h"

int phase_upgrade_apply_kubeconfig(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"kubeconfig\" is not implemented in this build");
}
