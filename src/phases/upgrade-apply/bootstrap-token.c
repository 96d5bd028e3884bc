/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade apply phase "bootstrap-token" (cmd/kubeadm/app/cmd/phases/upgrade/apply/bootstraptoken.go). */
#include <errno.h>
#include <stdio.h>

#include "phases/init/bootstrap-token.h"
#include "phases/upgrade/apply-data.h"
#include "phases/upgrade_apply.h"
#include "util/error.h"

/* The RBAC rules again (CreateOrUpdate); no token is created and cluster-info is left alone. */
int phase_upgrade_apply_bootstrap_token(struct run_ctx *ctx)
{
	struct apply_data *d = apply_data(ctx);
	if (d->dry_run) {
		printf("[dryrun] Would configure bootstrap token and cluster-info RBAC rules\n");
		fflush(stdout);
		return 0;
	}
	printf("[upgrade/bootstrap-token] Configuring bootstrap token and cluster-info RBAC rules\n");
	fflush(stdout);
	int r = init_bootstrap_token_rbac(d->client);
	if (r >= 0)
		r = init_cluster_info_rbac(d->client);
	return r;
}
