/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The run data of the join workflow (kubeadm's joinData, cmd/kubeadm/app/cmd/join.go), built
 * once by cmd/join.c (join_workflow_init) and handed to every join phase. The phase engine
 * passes it as the opaque struct run_ctx; join phases get it back with join_data(). The
 * discovered TLS bootstrap kubeconfig, the cluster's InitConfiguration and the API client are
 * fetched lazily, on first use, as kubeadm's TLSBootstrapCfg()/InitCfg()/Client() do.
 */
#pragma once

#include <stdint.h>

#include <stdbool.h>

#include <jansson.h>

#include "config/config.h"
#include "kube/client.h"
#include "phases/workflow.h"
#include "pki/pki.h"
#include "util/flags.h"

#define JOIN_KUBERNETES_DIR "/etc/kubernetes"
#define JOIN_ADMIN_KUBECONFIG "/etc/kubernetes/admin.conf"
#define JOIN_KUBELET_KUBECONFIG "/etc/kubernetes/kubelet.conf"

struct join_data {
	struct join_config *cfg;         /* owned: the JoinConfiguration (defaulted, validated) */
	struct init_config *init_cfg;    /* owned: fetched from the cluster, lazily */
	json_t *tls_bootstrap_cfg;       /* owned: discovered kubeconfig, lazily */
	struct kube_client *client;      /* owned: admin.conf or dry-run client, lazily */
	int client_src;                  /* what d->client was made from (data.c) */
	struct kube_client *stale[4];    /* owned: dry-run clients replaced (still borrowed) */
	size_t n_stale;
	const struct flagset *flags;     /* the running command's flags (borrowed) */
	int rootfd;                      /* AT_FDCWD once --rootfs has chrooted */
	bool dry_run;
	char *dry_run_dir;               /* owned: with dry-run, where files go; else NULL */
	char *patches_flag;              /* owned: --patches, or NULL */
	char **ignore_preflight_errors;  /* owned: lower-cased union of flag and config */
	/* for JoinResult (beyond-kubeadm.md §1.3): the etcd member etcd-join added, or 0/NULL */
	uint64_t etcd_member_id;
	char *etcd_member_name;          /* owned */
	char *etcd_member_peer_url;      /* owned */
	bool resume;                     /* ckubeadm --resume / CKUBEADM_RESUME=1 (resume.h) */
};

/* The join run data behind the engine's opaque pointer. */
static inline struct join_data *join_data(struct run_ctx *ctx)
{
	return (struct join_data *)(void *)ctx;
}

/* Frees d and everything it owns (NULL is fine). */
void join_data_free(struct join_data *d);

/* KubeConfigDir()/KubeletDir()/ManifestDir(): the dry-run dir with --dry-run. Borrowed. */
const char *join_data_kubeconfig_dir(const struct join_data *d);
const char *join_data_kubelet_dir(const struct join_data *d);
const char *join_data_manifest_dir(const struct join_data *d);

/*
 * kubeadm polls the kubelet's healthz every 500 ms, kubelet.conf every second and the API
 * server every 500 ms; ckubeadm every 100 ms (a loopback probe or a stat), so a join sees each
 * step done 50 ms after it is on average instead of 250-500 ms.
 */
#define JOIN_POLL_MS 100
/* Monotonic now in ns, and a sleep that survives signals: the join phases' waits. */
int64_t join_now_ns(void);
void join_sleep_ms(long ms);

/* PatchesDir(): --patches, else the configuration's patches.directory, else NULL. */
const char *join_data_patches_dir(const struct join_data *d);

/* Client(): the admin.conf client, or kubeadm's dry-run client with join's reactors.
 * Borrowed (owned by d). */
int join_data_client(struct join_data *d, struct kube_client **ret);
/* TLSBootstrapCfg(): runs discovery once (discovery_for). Borrowed. */
int join_data_tls_bootstrap_cfg(struct join_data *d, json_t **ret);
/* InitCfg(): the cluster's InitConfiguration through the bootstrap identity, with this
 * node's registration (fetchInitConfigurationFromJoinConfiguration). Borrowed. */
int join_data_init_cfg(struct join_data *d, struct init_config **ret);

/*
 * The start of a phase that only a control plane's join runs ("if data.Cfg().ControlPlane ==
 * nil { return nil }", then InitCfg()): 0 for a worker join (the phase has nothing to do), 1
 * with the InitConfiguration in *ret (borrowed), or InitCfg()'s error.
 */
int join_data_control_plane_init_cfg(struct join_data *d, struct init_config **ret);
/*
 * The same start for the control-plane-join phases, which get Client() first (its error
 * wrapped "couldn't create Kubernetes client"), then InitCfg(): 0 for a worker join, 1 with
 * both in *ret_client and *ret_init_cfg (borrowed), or the error.
 */
int join_data_control_plane_client(struct join_data *d, struct kube_client **ret_client,
				   struct init_config **ret_init_cfg);

/* The PKI parameters of the fetched InitConfiguration for this node (certificates read and
 * written in CertificateWriteDir()). Strings borrowed from ic. */
void join_data_pki_params(const struct join_data *d, const struct init_config *ic,
			  struct pki_params *ret);

struct manifests_options;
/*
 * One static Pod manifest of a joining control plane (staticpodutil.PatchStaticPod and
 * WriteStaticPodToDisk): component's Pod built from ic with o, patched from PatchesDir(),
 * written to ManifestDir(). Errors wrapped as kubeadm's ("failed to patch static Pod manifest
 * file for \"<component>\"", "failed to create static pod manifest file for ..."). With
 * ret_pod, *ret_pod is the Pod written (owned by the caller).
 */
int join_manifest_write(struct join_data *d, const struct init_config *ic, const char *component,
			const struct manifests_options *o, json_t **ret_pod);

/*
 * copycerts.DownloadCerts once the kubeadm-certs Secret is fetched: decrypts each file of
 * certsToTransfer from secret's data with key (the external etcd's three files, at the paths
 * ext names, when ext is set), checks them all (pki_transfer_files_check), then writes them
 * under dir with kubeadm's modes. A missing, undecryptable or unsound entry is an error with
 * nothing written; an empty one is skipped, as kubeadm does.
 */
int join_certs_save(const json_t *secret, const unsigned char key[32], const char *dir,
		    const struct cfg_external_etcd *ext);

struct etcd_client;
/* etcdutil.NewFromCluster (etcd_client_new_from_cluster) with the join configuration's
 * kubernetesAPICall and etcdAPICall timeouts. *ret owned. */
int join_etcd_from_cluster(struct kube_client *kc, const struct join_data *d, const char *cert_dir,
			   struct etcd_client **ret);
