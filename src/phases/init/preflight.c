/* SPDX-License-Identifier: Apache-2.0 */
/* init phase "preflight" (cmd/kubeadm/app/cmd/phases/init/preflight.go). */
#include <stdio.h>

#include "phases/init.h"
#include "phases/run-ctx.h"
#include "preflight/preflight.h"
#include "util/strv.h"

int phase_init_preflight(struct run_ctx *ctx)
{
	printf("[preflight] Running pre-flight checks\n");
	fflush(stdout);
	/* the root check first, on its own: fail fast */
	int r = preflight_run_root_check(ctx->ignore_preflight_errors);
	if (r < 0)
		return r;
	/* --resume: what the previous attempt left is accepted (printed as ignored warnings) */
	_cleanup_strv_free_ char **ignore = strv_copy(ctx->ignore_preflight_errors);
	if (ctx->resume) {
		strv_merge_unique(&ignore, preflight_init_resume_explained(ctx->cfg));
	}
	r = preflight_run_init_checks(ctx->cfg, ignore, false, false);
	if (r < 0)
		return r;
	if (ctx->dry_run) {
		printf("[preflight] Would pull the required images (like 'kubeadm config images pull')\n");
		return 0;
	}
	printf("[preflight] Pulling images required for setting up a Kubernetes cluster\n"
	       "[preflight] This might take a minute or two, depending on the speed of your internet connection\n"
	       "[preflight] You can also perform this action beforehand using 'kubeadm config images pull'\n");
	fflush(stdout);
	return preflight_run_pull_images(ctx->cfg, ctx->ignore_preflight_errors);
}
