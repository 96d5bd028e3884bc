/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The static-pod upgrade engine of `kubeadm upgrade apply` and `upgrade node`
 * (phases/upgrade/staticpods.go PerformStaticPodUpgrade): new manifests written to
 * /etc/kubernetes/tmp/kubeadm-upgraded-manifestsNNN, the old ones moved to
 * kubeadm-backup-manifests-<ts>, the etcd data dir copied to kubeadm-backup-etcd-<ts>,
 * semantic manifest equality (equal components are skipped), per-component certificate
 * renewal, the wait for the kubelet to restart each pod (its mirror pod's
 * kubernetes.io/config.hash changes, then every pod of the component is Running), and the
 * rollback with kubeadm's messages when a step fails.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "config/config.h"
#include "kube/client.h"

struct upgrade_static_pods {
	const struct init_config *cfg;   /* the target configuration (normalised version) */
	struct kube_client *client;
	const char *kubernetes_dir;      /* /etc/kubernetes */
	const char *patches_dir;         /* --patches, or NULL */
	bool etcd_upgrade;               /* --etcd-upgrade */
	bool renew_certs;                /* --certificate-renewal */
	long timeout_ms;                 /* timeouts.upgradeManifests: each wait */
	long api_timeout_ms;             /* timeouts.kubernetesAPICall */
	long etcd_timeout_ms;            /* timeouts.etcdAPICall */
	long etcd_retry_interval_ms;     /* WaitForClusterAvailable's interval (kubeadm: 15 s) */
	long poll_ms;                    /* the waits' interval (kubeadm: 500 ms) */
};

/*
 * PerformStaticPodUpgrade: prints kubeadm's "[upgrade/staticpods] ..." and "[upgrade/etcd]
 * ..." lines to stdout. Returns 0 (temporary dir removed, backups kept), or -errno with
 * kubeadm's message ("couldn't upgrade control plane. kubeadm has tried to recover everything
 * into the earlier state. Errors faced: ..." after a rollback).
 */
int upgrade_static_pod_upgrade(const struct upgrade_static_pods *o);

/*
 * staticpod.ManifestFilesAreEqual: both files read and compared as Pod objects (not bytes).
 * *ret_equal is written on success; errors as kubeadm's ReadStaticPodFromDisk.
 */
int upgrade_manifest_files_equal(const char *a, const char *b, bool *ret_equal);

/*
 * constants.CreateTimestampDir's last step: <tmp>/<name>-YYYY-MM-DD-HH-MM-SS (local time),
 * mode 0700, an error when it exists ("could not create timestamp directory: ..."). The caller
 * creates tmp. *ret owned.
 */
int upgrade_create_timestamp_dir(const char *tmp, const char *name, char **ret);

/*
 * constants.GetDryRunDir(KUBEADM_UPGRADE_DRYRUN_DIR, name): the variable's value, else a new
 * /etc/kubernetes/tmp/<name><random> with kubeadm's warning. *ret owned.
 */
int upgrade_get_dry_run_dir(const char *name, char **ret);

/*
 * DryRunStaticPodUpgrade: the kube-apiserver, kube-controller-manager and kube-scheduler
 * manifests of cfg (patches applied, their lines printed) written to a dry-run directory, printed
 * as "[dryrun] Would write file "/etc/kubernetes/manifests/<c>.yaml" with content:", then that
 * directory removed (as kubeadm does, even one named by KUBEADM_UPGRADE_DRYRUN_DIR).
 */
int upgrade_static_pod_dry_run(const struct init_config *cfg, const char *patches_dir);
