/* SPDX-License-Identifier: Apache-2.0 */
/* reset phase "remove-etcd-member" (cmd/kubeadm/app/cmd/phases). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/reset.h"
#include "util/error.h"

int phase_reset_remove_etcd_member(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"remove-etcd-member\" is not implemented in this build");
}
