/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade node phase "post-upgrade" (cmd/kubeadm/app/cmd/phases/upgrade/postupgrade.go, the
 * phase apply shares). */
#include "phases/upgrade_node.h"

/*
 * RemoveKubeletArgsFromFile with kubeadm v1.37's empty list of unwanted kubelet flags: it
 * returns before touching kubeadm-flags.env (no backup, no output), on any node.
 */
int phase_upgrade_node_post_upgrade(struct run_ctx *ctx)
{
	(void)ctx;
	return 0;
}
