/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The run data of `upgrade apply` and `upgrade node` (kubeadm's applyData and nodeData,
 * cmd/kubeadm/app/cmd/upgrade/apply.go newApplyData, node.go newNodeData), built once by
 * cmd/upgrade.c and handed to every phase as the engine's opaque struct run_ctx; phases get it
 * back with apply_data(). The work the two workflows share (kubeadm's common phases and the
 * static-pod upgrade) is declared below and takes this data.
 */
#pragma once

#include <stdbool.h>

#include <stdio.h>

#include "addons/addons.h"
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
	bool node;                      /* `upgrade node`'s data (else apply's) */
	bool control_plane;             /* IsControlPlaneNode (apply: always true) */
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

/* KubeletDir() and KubeConfigDir(): the dry-run directory with dry-run. Borrowed. */
static inline const char *apply_data_kubelet_dir(const struct apply_data *d)
{
	return d->dry_run ? d->dry_run_dir : "/var/lib/kubelet";
}

static inline const char *apply_data_kubeconfig_dir(const struct apply_data *d)
{
	return d->dry_run ? d->dry_run_dir : "/etc/kubernetes";
}

/* The addon phases' arguments (cmd/phases/upgrade/addons.go getInitData). */
static inline struct addons_upgrade apply_data_addons(const struct apply_data *d)
{
	return (struct addons_upgrade){
		.cfg = d->init_cfg,
		.client = d->client,
		.patches_dir = d->patches_dir,
		.control_plane = d->control_plane,
		.dry_run = d->dry_run,
		.out = stdout,
	};
}

/*
 * The static-pod upgrade of this node's control plane with d's options (PerformStaticPodUpgrade,
 * or DryRunStaticPodUpgrade's printout with dry-run), wrapped "couldn't complete the static pod
 * upgrade". The phases print their own first and last lines.
 */
int upgrade_data_static_pods(const struct apply_data *d);

/*
 * UpdateKubeletKubeconfigServer then "[upgrade/kubeconfig] The kubeconfig files for this node
 * were successfully upgraded!" (the kubeconfig phase of apply, and of node on a control plane).
 */
int upgrade_data_kubeconfig(const struct apply_data *d);

/*
 * The common kubelet-config phase (WriteKubeletConfigFiles): backup of config.yaml under
 * /etc/kubernetes/tmp/kubeadm-kubelet-config-<ts>, instance-config.yaml when missing,
 * config.yaml from the cluster, then kubeadm's success line.
 */
int upgrade_data_kubelet_config(const struct apply_data *d);

/*
 * RunPullImagesCheck with kubeadm's three lines, or with dry-run "<dry_run_prefix> Would pull
 * the required images (like 'kubeadm config images pull')" (apply: "[dryrun]", node:
 * "[upgrade/preflight]").
 */
int upgrade_data_pull_images(const struct apply_data *d, const char *dry_run_prefix);

/* SessionIsInteractive: !(yes || dry-run || force). */
static inline bool apply_data_interactive(const struct apply_data *d)
{
	return !(d->non_interactive || d->dry_run || d->force);
}
