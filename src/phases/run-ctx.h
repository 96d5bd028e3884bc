/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The run data of the init workflow (kubeadm's initData, cmd/kubeadm/app/cmd/init.go), built
 * once by cmd/init.c and handed to every init phase. Phases read it; the owner frees it.
 */
#pragma once

#include <stdbool.h>

#include "config/config.h"
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
};
