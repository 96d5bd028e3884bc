/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade apply phase "post-upgrade" (cmd/kubeadm/app/cmd/phases/upgrade/postupgrade.go). */
#include "phases/upgrade_apply.h"

/*
 * RemoveKubeletArgsFromFile with kubeadm v1.37's empty list of unwanted kubelet flags: it
 * returns before touching kubeadm-flags.env (no backup, no output).
 */
int phase_upgrade_apply_post_upgrade(struct run_ctx *ctx)
{
	(void)ctx;
	return 0;
}
