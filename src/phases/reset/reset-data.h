/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The run data of the reset workflow (kubeadm's resetData, cmd/kubeadm/app/cmd/reset.go), built
 * once by cmd/reset.c (reset_workflow_init) and handed to every reset phase. The phase engine
 * passes it as the opaque struct run_ctx; reset phases get it back with reset_data().
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "phases/workflow.h"
#include "util/flags.h"

struct kube_client;

struct reset_data {
	struct reset_config *cfg;        /* owned: the ResetConfiguration (defaulted) */
	struct init_config *init_cfg;    /* owned: fetched from the cluster, or NULL */
	struct kube_client *client;      /* owned: the API client (or dry-run client), or NULL */
	const struct flagset *flags;     /* the running command's flags (borrowed) */
	int rootfd;                      /* AT_FDCWD once --rootfs has chrooted */
	bool dry_run;
	bool force;
	bool cleanup_tmp_dir;
	char *cert_dir;                  /* owned: the certificates directory to clean */
	char *cri_socket;                /* owned: the CRI endpoint */
	char *kubeconfig_path;           /* owned: --kubeconfig */
	char **ignore_preflight_errors;  /* owned: lower-cased union of flag and config */
	FILE *in;                        /* borrowed: where the confirmation is read (stdin) */
	/* for ResetResult (beyond-kubeadm.md §1.3) */
	char *removed_etcd_member;       /* owned: peer URL of the member removed, or NULL */
	uint64_t removed_etcd_member_id;
	char **unmounted;                /* owned: mount points unmounted under the kubelet's dir */
};

/* The reset run data behind the engine's opaque pointer. */
static inline struct reset_data *reset_data(struct run_ctx *ctx)
{
	return (struct reset_data *)(void *)ctx;
}
