/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade node phase "preflight" (cmd/kubeadm/app/cmd/phases/upgrade/node/preflight.go): the
 * root check and RunUpgradeChecks, then on a control plane the image pull with the
 * UpgradeConfiguration's node.imagePullPolicy/Serial. No version policy, no cluster health
 * check, no CoreDNS check and no prompt (unlike apply's). */
#include <stdio.h>
#include <stdlib.h>

#include "phases/upgrade/apply-data.h"
#include "phases/upgrade_node.h"
#include "preflight/preflight.h"
#include "util/xalloc.h"

int phase_upgrade_node_preflight(struct run_ctx *ctx)
{
	struct apply_data *d = apply_data(ctx);
	printf("[upgrade/preflight] Running pre-flight checks\n");
	fflush(stdout);
	int r = preflight_run_root_check(d->ignore);
	if (r >= 0)
		r = preflight_run_upgrade_checks(d->init_cfg, d->ignore);
	if (r < 0)
		return r;
	if (!d->control_plane) {
		printf("[upgrade/preflight] Skipping prepull. Not a control plane node.\n");
		fflush(stdout);
		return 0;
	}
	const struct cfg_upgrade_configuration *u = &d->cfg->upgrade;
	struct cfg_node_registration *nr = &d->init_cfg->init.node_registration;
	free(nr->image_pull_policy);
	nr->image_pull_policy = u->node.image_pull_policy ? xstrdup(u->node.image_pull_policy) : NULL;
	nr->image_pull_serial = u->node.image_pull_serial;
	return upgrade_data_pull_images(d, "[upgrade/preflight]");
}
