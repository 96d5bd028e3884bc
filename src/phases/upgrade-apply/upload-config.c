/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade apply phase "upload-config" (cmd/kubeadm/app/cmd/phases). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/upgrade_apply.h"
#include "util/error.h"

int phase_upgrade_apply_upload_config_kubeadm(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"upload-config/kubeadm\" is not implemented in this build");
}

int phase_upgrade_apply_upload_config_kubelet(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"upload-config/kubelet\" is not implemented in this build");
}
