/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init phase "addon" (cmd/kubeadm/app/cmd/phases/init/addons.go): CoreDNS and kube-proxy
 * through the API client (addons/ensure.c), or printed with --print-manifest.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addons/addons.h"
#include "kube/client.h"
#include "kubeconfig/kubeconfig.h"
#include "phases/init.h"
#include "phases/run-ctx.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/xalloc.h"

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

/* Go's os.PathError text: "open <path>: no such file or directory". */
static int open_error(int r, const char *path)
{
	_cleanup_free_ char *msg = xstrdup(strerror(-r));
	msg[0] = (char)tolower((unsigned char)msg[0]);
	return error_set(r, "open %s: %s", path, msg);
}

/*
 * initData.Client(): in dry-run the DryRun client on <dry-run dir>/admin.conf (KubeConfigPath
 * is always that file in dry-run) with init's reactors; otherwise a client from the
 * --kubeconfig file.
 */
static int get_client(struct run_ctx *ctx, struct kube_client **ret)
{
	struct kube_client *c = NULL;
	int r;
	if (ctx->dry_run) {
		_cleanup_free_ char *path = xasprintf("%s/admin.conf", ctx->dry_run_dir ? ctx->dry_run_dir : "");
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		r = fs_read_file(AT_FDCWD, path, 16 << 20, &data, &len);
		if (r < 0)
			return open_error(r, path);
		_cleanup_json_ json_t *kc = NULL;
		r = kubeconfig_parse(data, len, &kc);
		if (r < 0)
			return r;
		fflush(stdout);
		r = kube_client_new_dry_run(kc, stdout, KUBE_DRYRUN_INIT, &c);
	} else {
		r = kube_client_new_from_file(ctx->kubeconfig_path, &c);
	}
	if (r < 0)
		return r;
	const struct cfg_timeouts *t = ctx->cfg->init.timeouts;
	if (t && t->kubernetes_api_call.set)
		kube_client_set_api_call_timeout(c, (long)(t->kubernetes_api_call.ns / 1000000), 500);
	*ret = c;
	return 0;
}

int phase_init_addon_coredns(struct run_ctx *ctx)
{
	bool print = print_manifest(ctx);
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	if (!print) {
		int r = get_client(ctx, &c);
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
		int r = get_client(ctx, &c);
		if (r < 0)
			return r;
	}
	/* IsUserSupplied: a KubeProxyConfiguration document in the --config file. */
	const char *config_path = ctx->flags && flagset_lookup(ctx->flags, "config")
					  ? flagset_get_string(ctx->flags, "config") : NULL;
	return addons_ensure_proxy(ctx->cfg, c, patches_dir(ctx), print,
				   addons_proxy_config_user_supplied(config_path), stdout);
}
