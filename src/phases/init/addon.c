/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init phase "addon" (cmd/kubeadm/app/cmd/phases/init/addons.go): CoreDNS and kube-proxy
 * through the API client (addons/ensure.c; the client is initData.Client, api-client.h), or
 * printed with --print-manifest.
 */
#include <stdio.h>

#include "addons/addons.h"
#include "kube/client.h"
#include "phases/init.h"
#include "phases/init/api-client.h"
#include "phases/run-ctx.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct kube_client *, kube_client_free);

static bool print_manifest(const struct run_ctx *ctx)
{
	return ctx->flags && flagset_lookup(ctx->flags, "print-manifest") &&
	       flagset_get_bool(ctx->flags, "print-manifest");
}

/* initData.PatchesDir(): the --patches flag, else the configuration's patches.directory. */
static const char *patches_dir(const struct run_ctx *ctx)
{
	if (ctx->patches_dir && *ctx->patches_dir)
		return ctx->patches_dir;
	const struct cfg_patches *p = ctx->cfg->init.patches;
	return p && p->directory && *p->directory ? p->directory : NULL;
}

int phase_init_addon_coredns(struct run_ctx *ctx)
{
	bool print = print_manifest(ctx);
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	if (!print) {
		int r = init_api_client(ctx, &c);
		if (r < 0)
			return r;
	}
	return addons_ensure_coredns(ctx->cfg, c, patches_dir(ctx), print, stdout);
}

int phase_init_addon_kube_proxy(struct run_ctx *ctx)
{
	bool print = print_manifest(ctx);
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	if (!print) {
		int r = init_api_client(ctx, &c);
		if (r < 0)
			return r;
	}
	/* IsUserSupplied: a KubeProxyConfiguration document in the --config file. */
	const char *config_path = ctx->flags && flagset_lookup(ctx->flags, "config")
					  ? flagset_get_string(ctx->flags, "config") : NULL;
	return addons_ensure_proxy(ctx->cfg, c, patches_dir(ctx), print,
				   addons_proxy_config_user_supplied(config_path), stdout);
}
