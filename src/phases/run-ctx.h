/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The run data of the init workflow (kubeadm's initData, cmd/kubeadm/app/cmd/init.go), built
 * once by cmd/init.c and handed to every init phase. Phases read it; the owner frees it.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>

#include "config/config.h"
#include "pki/pki.h"
#include "util/flags.h"

struct run_ctx {
	struct init_config *cfg;          /* owned */
	const struct flagset *flags;      /* the running command's flags (borrowed) */
	int rootfd;                       /* AT_FDCWD once --rootfs has chrooted */
	bool dry_run;
	bool skip_token_print;
	bool upload_certs;
	bool skip_certificate_key_print;
	char *kubeconfig_dir;             /* owned: --kubeconfig-dir (/etc/kubernetes) */
	char *kubeconfig_path;            /* owned: --kubeconfig (/etc/kubernetes/admin.conf) */
	char *patches_dir;                /* owned: --patches, or NULL */
	char *dry_run_dir;                /* owned: with dry-run, where files go instead
					   * ($KUBEADM_INIT_DRYRUN_DIR or a new
					   * /etc/kubernetes/tmp/kubeadm-init-dryrunNNN); else NULL */
	char **ignore_preflight_errors;   /* owned: --ignore-preflight-errors */
	struct pki_keypool *key_pool;     /* owned: keys generated ahead of the certs and
					   * kubeconfig phases, started once the config is known */
	bool external_ca;                 /* ca.crt present without ca.key (initData.externalCA) */
	long long certificate_key_expires; /* upload-certs: when the uploaded Secret's owning
					   * token expires (seconds since the epoch), else 0 */
	/* set (opt-in fail-fast, wait-control-plane) when the diagnosis names a fatal cause: the
	 * waits on the API server end at once, as if timed out; NULL otherwise (borrowed) */
	const atomic_bool *wait_abort;
	bool resume;                      /* ckubeadm --resume / CKUBEADM_RESUME=1 (resume.h) */
};

/*
 * The PKI parameters of the init configuration in ctx (certificatesDir as read dir, the dry-run
 * dir as write dir, the key pool). Strings are borrowed from ctx; out is stdout.
 */
void run_ctx_pki_params(const struct run_ctx *ctx, struct pki_params *ret);
/* initData.KubeConfigDir(): the dry-run dir with --dry-run, else --kubeconfig-dir. Borrowed. */
const char *run_ctx_kubeconfig_dir(const struct run_ctx *ctx);
/*
 * How many private keys the selected certs and kubeconfig phases will create: rows whose
 * files are missing (filter: the `phase` selector, NULL for the whole workflow; skip: the
 * --skip-phases names). Sizes the key pool so that no key is generated for nothing.
 */
unsigned run_ctx_keys_needed(const struct run_ctx *ctx, const char *filter, char *const *skip);
