/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade apply phase "post-upgrade" (cmd/kubeadm/app/cmd/phases). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/upgrade_apply.h"
#include "util/error.h"

int phase_upgrade_apply_post_upgrade(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"post-upgrade\" is not implemented in this build");
}
