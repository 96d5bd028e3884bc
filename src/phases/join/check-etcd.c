/* SPDX-License-Identifier: Apache-2.0 */
/* join phase "check-etcd" (cmd/kubeadm/app/cmd/phases). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/join.h"
#include "util/error.h"

int phase_join_check_etcd(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"check-etcd\" is not implemented in this build");
}
