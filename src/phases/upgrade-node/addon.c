/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade node phase "addon" (cmd/kubeadm/app/cmd/phases/upgrade/addons.go, shared with
 * apply): addons_upgrade_coredns / addons_upgrade_proxy with the run data; off a control
 * plane they print kubeadm's "Skipping ... Not a control plane node." */
#include "addons/addons.h"
#include "phases/upgrade/apply-data.h"
#include "phases/upgrade_node.h"

int phase_upgrade_node_addon_coredns(struct run_ctx *ctx)
{
	struct addons_upgrade u = apply_data_addons(apply_data(ctx));
	return addons_upgrade_coredns(&u);
}

int phase_upgrade_node_addon_kube_proxy(struct run_ctx *ctx)
{
	struct addons_upgrade u = apply_data_addons(apply_data(ctx));
	return addons_upgrade_proxy(&u);
}
