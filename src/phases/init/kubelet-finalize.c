/* SPDX-License-Identifier: Apache-2.0 */
/* init phase "kubelet-finalize" (cmd/kubeadm/app/cmd/phases/init). Not implemented yet: every run
 * function reports so instead of pretending success. */
#include <errno.h>

#include "phases/init.h"
#include "util/error.h"

int phase_init_kubelet_finalize_enable_client_cert_rotation(struct run_ctx *ctx)
{
	return error_set(-ENOSYS, "phase \"kubelet-finalize/enable-client-cert-rotation\" is not implemented in this build");
}
