/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade apply phase "addon" (cmd/kubeadm/app/cmd/phases/upgrade/addons.go, shared with
 * node): the work is addons_upgrade_coredns / addons_upgrade_proxy (src/addons/upgrade.c) with
 * the run data; apply always runs on a control plane node. */
#include "addons/addons.h"
#include "phases/upgrade/apply-data.h"
#include "phases/upgrade_apply.h"

int phase_upgrade_apply_addon_coredns(struct run_ctx *ctx)
{
	struct addons_upgrade u = apply_data_addons(apply_data(ctx));
	return addons_upgrade_coredns(&u);
}

int phase_upgrade_apply_addon_kube_proxy(struct run_ctx *ctx)
{
	struct addons_upgrade u = apply_data_addons(apply_data(ctx));
	return addons_upgrade_proxy(&u);
}
