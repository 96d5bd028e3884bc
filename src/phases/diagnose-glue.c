/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The diagnosis of init's and join's failed waits (beyond-kubeadm.md §2.3): the phases'
 * on_failure hooks (init-tree.c, join-tree.c) hand the run's settings to diagnose/.
 * Off with CKUBEADM_DIAGNOSE=0; never with --dry-run (nothing ran).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diagnose/diagnose.h"
#include "phases/init.h"
#include "phases/join.h"
#include "phases/join/join-data.h"
#include "phases/run-ctx.h"
#include "util/flags.h"
#include "util/json.h"
#include "util/macro.h"

static void options(int rootfd, const char *cri_socket, const char *pki_dir,
		    const json_t *kubelet, struct diag_options *ret)
{
	const json_t *port = json_object_get(kubelet, "healthzPort");
	const char *klog = getenv("CKUBEADM_KUBELET_LOG");
	*ret = (struct diag_options){
		.rootfd = rootfd,
		.cri_socket = cri_socket && *cri_socket ? cri_socket : NULL,
		.manifests_dir = "/etc/kubernetes/manifests",
		.pki_dir = pki_dir && *pki_dir ? pki_dir : "/etc/kubernetes/pki",
		.kubelet_config = "/var/lib/kubelet/config.yaml",
		.kubelet_log = klog && *klog ? klog : NULL,
		.kubelet_healthz_port = json_is_integer(port) ? (int)json_integer_value(port) : 0,
		.run_start = diag_process_start(),
		.since_s = 600,
	};
}

static void run(int rootfd, const char *cri_socket, const char *pki_dir, const json_t *kubelet,
		const char *phase)
{
	struct diag_options o;
	options(rootfd, cri_socket, pki_dir, kubelet, &o);
	diag_on_failure(&o, phase);
}

bool phase_init_fail_fast(const struct run_ctx *ctx, struct diag_options *ret)
{
	const char *e = getenv("CKUBEADM_FAIL_FAST");
	bool on = e && streq(e, "1");
	if (ctx->flags && flagset_lookup(ctx->flags, "fail-fast") &&
	    flagset_changed(ctx->flags, "fail-fast"))
		on = flagset_get_bool(ctx->flags, "fail-fast");
	if (!on || ctx->dry_run)
		return false;
	options(ctx->rootfd, ctx->cfg->init.node_registration.cri_socket,
		ctx->cfg->cluster.certificates_dir, ctx->cfg->kubelet, ret);
	return true;
}

void phase_init_diagnose(struct run_ctx *ctx, const char *phase)
{
	if (ctx->dry_run)
		return;
	run(ctx->rootfd, ctx->cfg->init.node_registration.cri_socket,
	    ctx->cfg->cluster.certificates_dir, ctx->cfg->kubelet, phase);
}

void phase_join_diagnose(struct run_ctx *ctx, const char *phase)
{
	struct join_data *d = join_data(ctx);
	if (d->dry_run)
		return;
	/* the cluster's configuration is known after discovery only */
	const struct init_config *ic = d->init_cfg;
	run(d->rootfd, d->cfg->join.node_registration.cri_socket,
	    ic ? ic->cluster.certificates_dir : NULL, ic ? ic->kubelet : NULL, phase);
}
