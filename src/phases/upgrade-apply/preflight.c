/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade apply phase "preflight" (cmd/kubeadm/app/cmd/phases). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/upgrade_apply.h"
#include "util/error.h"

int phase_upgrade_apply_preflight(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"preflight\" is not implemented in this build");
}
