/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init phase "certs" (cmd/kubeadm/app/cmd/phases/init/certs.go): thin glue from the init run
 * data to the PKI layer. Reads existing files from certificatesDir, writes new ones to the
 * certificate write dir (the dry-run dir with --dry-run), takes keys from the run's key pool.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kubeconfig/kubeconfig.h"
#include "phases/init.h"
#include "phases/run-ctx.h"
#include "pki/pki.h"
#include "phases/cluster-config.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

void run_ctx_pki_params(const struct run_ctx *ctx, struct pki_params *ret)
{
	phases_pki_params(ctx->cfg, ret);
	ret->write_dir = ctx->dry_run ? ctx->dry_run_dir : NULL;
	ret->dry_run = ctx->dry_run;
	ret->rootfd = ctx->rootfd;
	ret->pool = ctx->key_pool;
	ret->resume = ctx->resume;
}

/* runCerts */
int phase_init_certs(struct run_ctx *ctx)
{
	struct pki_params p;
	run_ctx_pki_params(ctx, &p);
	pki_print_cert_dir(&p);
	fflush(stdout);
	return 0;
}

/* runCAPhase / runCertPhase of one row of the certificate table. */
static int run_row(struct run_ctx *ctx, const char *name)
{
	const struct pki_cert_spec *s = pki_cert_spec_find(name);
	if (!s)
		return error_set(-EINVAL, "unknown certificate %s", name);
	struct pki_params p;
	run_ctx_pki_params(ctx, &p);
	int r = s->ca_name ? pki_phase_cert(&p, s) : pki_phase_ca(&p, s);
	fflush(stdout);
	return r;
}

int phase_init_certs_ca(struct run_ctx *ctx)
{
	return run_row(ctx, "ca");
}

int phase_init_certs_apiserver(struct run_ctx *ctx)
{
	return run_row(ctx, "apiserver");
}

int phase_init_certs_apiserver_kubelet_client(struct run_ctx *ctx)
{
	return run_row(ctx, "apiserver-kubelet-client");
}

int phase_init_certs_front_proxy_ca(struct run_ctx *ctx)
{
	return run_row(ctx, "front-proxy-ca");
}

int phase_init_certs_front_proxy_client(struct run_ctx *ctx)
{
	return run_row(ctx, "front-proxy-client");
}

int phase_init_certs_etcd_ca(struct run_ctx *ctx)
{
	return run_row(ctx, "etcd-ca");
}

int phase_init_certs_etcd_server(struct run_ctx *ctx)
{
	return run_row(ctx, "etcd-server");
}

int phase_init_certs_etcd_peer(struct run_ctx *ctx)
{
	return run_row(ctx, "etcd-peer");
}

int phase_init_certs_etcd_healthcheck_client(struct run_ctx *ctx)
{
	return run_row(ctx, "etcd-healthcheck-client");
}

int phase_init_certs_apiserver_etcd_client(struct run_ctx *ctx)
{
	return run_row(ctx, "apiserver-etcd-client");
}

/* runCertsSa */
int phase_init_certs_sa(struct run_ctx *ctx)
{
	struct pki_params p;
	run_ctx_pki_params(ctx, &p);
	int r = pki_phase_sa(&p, ctx->external_ca);
	fflush(stdout);
	return r;
}

/* Whether the phase selector `filter` (NULL: the whole workflow) runs phase `name`. */
static bool selects(const char *filter, const char *name)
{
	if (!filter)
		return true;
	size_t n = strlen(filter);
	return streq(filter, name) || (strneq(name, filter, n) && name[n] == '/');
}

unsigned run_ctx_keys_needed(const struct run_ctx *ctx, const char *filter, char *const *skip)
{
	struct pki_params p;
	run_ctx_pki_params(ctx, &p);
	unsigned n = 0;
	char name[128];
	for (size_t i = 0; i < pki_cert_table_len; i++) {
		const struct pki_cert_spec *s = &pki_cert_table[i];
		snprintf(name, sizeof(name), "certs/%s", s->name);
		if ((s->etcd && !p.local_etcd) || !selects(filter, name) ||
		    strv_contains(skip, "certs") || strv_contains(skip, name))
			continue;
		if (!pki_cert_or_key_exists(p.rootfd, p.cert_dir, s->base_name))
			n++;
	}
	if (selects(filter, "certs/sa") && !strv_contains(skip, "certs") &&
	    !strv_contains(skip, "certs/sa") && !pki_cert_or_key_exists(p.rootfd, p.cert_dir, "sa"))
		n++;
	for (size_t i = 0; i < kubeconfig_table_len; i++) {
		snprintf(name, sizeof(name), "kubeconfig/%s", kubeconfig_table[i].phase_name);
		if (!selects(filter, name) || strv_contains(skip, "kubeconfig") ||
		    strv_contains(skip, name))
			continue;
		_cleanup_free_ char *path = xasprintf("%s/%s", run_ctx_kubeconfig_dir(ctx),
						      kubeconfig_table[i].file_name);
		if (!fs_exists(p.rootfd, path))
			n++;
	}
	return n;
}
