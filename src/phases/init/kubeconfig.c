/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init phase "kubeconfig" (cmd/kubeadm/app/cmd/phases/init/kubeconfig.go): thin glue from the
 * init run data to the kubeconfig layer (files in KubeConfigDir(), the dry-run dir with
 * --dry-run; CA read from the certificate write dir; client keys from the run's key pool).
 */
#include <stdio.h>

#include "kubeconfig/kubeconfig.h"
#include "phases/init.h"
#include "phases/run-ctx.h"

const char *run_ctx_kubeconfig_dir(const struct run_ctx *ctx)
{
	return ctx->dry_run ? ctx->dry_run_dir : ctx->kubeconfig_dir;
}

/* runKubeConfig */
int phase_init_kubeconfig(struct run_ctx *ctx)
{
	struct pki_params p;
	run_ctx_pki_params(ctx, &p);
	kubeconfig_print_dir(&p, run_ctx_kubeconfig_dir(ctx));
	fflush(stdout);
	return 0;
}

/* runKubeConfigFile */
static int run_file(struct run_ctx *ctx, const char *file)
{
	struct pki_params p;
	run_ctx_pki_params(ctx, &p);
	int r = kubeconfig_phase(&p, run_ctx_kubeconfig_dir(ctx), file, ctx->external_ca);
	fflush(stdout);
	return r;
}

int phase_init_kubeconfig_admin(struct run_ctx *ctx)
{
	return run_file(ctx, "admin.conf");
}

int phase_init_kubeconfig_super_admin(struct run_ctx *ctx)
{
	return run_file(ctx, "super-admin.conf");
}

int phase_init_kubeconfig_kubelet(struct run_ctx *ctx)
{
	return run_file(ctx, "kubelet.conf");
}

int phase_init_kubeconfig_controller_manager(struct run_ctx *ctx)
{
	return run_file(ctx, "controller-manager.conf");
}

int phase_init_kubeconfig_scheduler(struct run_ctx *ctx)
{
	return run_file(ctx, "scheduler.conf");
}
