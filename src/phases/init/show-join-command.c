/* SPDX-License-Identifier: Apache-2.0 */
/* init phase "show-join-command" (cmd/kubeadm/app/cmd/phases/init). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/init.h"
#include "util/error.h"

int phase_init_show_join_command(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"show-join-command\" is not implemented in this build");
}
