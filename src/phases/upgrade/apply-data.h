/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The run data of `upgrade apply` (kubeadm's applyData, cmd/kubeadm/app/cmd/upgrade/apply.go
 * newApplyData), built once by cmd/upgrade.c and handed to every apply phase as the engine's
 * opaque struct run_ctx; phases get it back with apply_data().
 */
#pragma once

#include <stdbool.h>

#include "config/config.h"
#include "kube/client.h"
#include "phases/workflow.h"
#include "util/flags.h"

struct apply_data {
	struct upgrade_config *cfg;     /* owned: the UpgradeConfiguration (file or defaults) */
	struct init_config *init_cfg;   /* owned: fetched from the cluster, KubernetesVersion =
					 * the target (normalised by the preflight phase) */
	struct kube_client *client;     /* owned */
	const struct flagset *flags;    /* the running command's flags (borrowed) */
	int rootfd;                     /* AT_FDCWD once --rootfs has chrooted */
	bool non_interactive;           /* --yes */
	bool force, dry_run, etcd_upgrade, renew_certs;
	bool allow_experimental, allow_rc, print_config;
	char *dry_run_dir;              /* owned: with dry-run; else NULL */
	char *patches_dir;              /* owned: --patches or apply.patches.directory; NULL */
	char **ignore;                  /* owned: lower-cased union of flag and config */
	long api_timeout_ms;            /* timeouts.kubernetesAPICall */
	long upgrade_timeout_ms;        /* timeouts.upgradeManifests */
	long etcd_timeout_ms;           /* timeouts.etcdAPICall */
};

static inline struct apply_data *apply_data(struct run_ctx *ctx)
{
	return (struct apply_data *)(void *)ctx;
}

/* SessionIsInteractive: !(yes || dry-run || force). */
static inline bool apply_data_interactive(const struct apply_data *d)
{
	return !(d->non_interactive || d->dry_run || d->force);
}
