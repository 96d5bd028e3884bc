/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade apply phase "addon" (cmd/kubeadm/app/cmd/phases/upgrade/addons.go): the work is
 * addons_upgrade_coredns / addons_upgrade_proxy (src/addons/upgrade.c) with the apply run data;
 * apply always runs on a control plane node. */
#include <stdio.h>

#include "addons/addons.h"
#include "phases/upgrade/apply-data.h"
#include "phases/upgrade_apply.h"

static struct addons_upgrade addon_args(const struct apply_data *d)
{
	return (struct addons_upgrade){
		.cfg = d->init_cfg,
		.client = d->client,
		.patches_dir = d->patches_dir,
		.control_plane = true,
		.dry_run = d->dry_run,
		.out = stdout,
	};
}

int phase_upgrade_apply_addon_coredns(struct run_ctx *ctx)
{
	struct addons_upgrade u = addon_args(apply_data(ctx));
	return addons_upgrade_coredns(&u);
}

int phase_upgrade_apply_addon_kube_proxy(struct run_ctx *ctx)
{
	struct addons_upgrade u = addon_args(apply_data(ctx));
	return addons_upgrade_proxy(&u);
}
