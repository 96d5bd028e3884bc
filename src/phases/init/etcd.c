/* SPDX-License-Identifier: Apache-2.0 */
/* init phase "etcd" (cmd/kubeadm/app/cmd/phases/init). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/init.h"
#include "util/error.h"

int phase_init_etcd_local(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"etcd/local\" is not implemented in this build");
}
