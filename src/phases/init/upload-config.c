/* SPDX-License-Identifier: Apache-2.0 */
/* init phase "upload-config" (cmd/kubeadm/app/cmd/phases/init). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/init.h"
#include "util/error.h"

int phase_init_upload_config_kubeadm(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"upload-config/kubeadm\" is not implemented in this build");
}

int phase_init_upload_config_kubelet(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"upload-config/kubelet\" is not implemented in this build");
}
