/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade node phase "kubelet-config" (cmd/kubeadm/app/cmd/phases/upgrade/kubeletconfig.go,
 * the phase apply shares): the same on a control plane and a worker. */
#include "phases/upgrade/apply-data.h"
#include "phases/upgrade_node.h"

int phase_upgrade_node_kubelet_config(struct run_ctx *ctx)
{
	return upgrade_data_kubelet_config(apply_data(ctx));
}
