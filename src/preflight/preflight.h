/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm's pre-flight checks (cmd/kubeadm/app/preflight): a list of checks built from a
 * configuration, each check one entry of a const table of kinds (name for
 * --ignore-preflight-errors, run function), run in order by preflight_run_checks with
 * kubeadm's output ("\t[WARNING X]: ...", "[preflight] Some fatal errors occurred:" ...).
 *
 * Paths are plain: under --rootfs the process has already chrooted (as kubeadm does).
 * Errors: -errno with the message set through util/error.h; a failed run of checks is
 * -ECANCELED "preflight checks failed" (kubeadm exits 1 for it).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config/config.h"

/* The kinds of checks (one per Go Checker type), in no particular order. */
enum preflight_kind {
	PREFLIGHT_PRIVILEGED_USER,
	PREFLIGHT_NUM_CPU,
	PREFLIGHT_MEM,
	PREFLIGHT_KUBERNETES_VERSION,
	PREFLIGHT_FIREWALLD,
	PREFLIGHT_PORT_OPEN,
	PREFLIGHT_FILE_AVAILABLE,
	PREFLIGHT_DIR_AVAILABLE,
	PREFLIGHT_FILE_EXISTING,
	PREFLIGHT_FILE_CONTENT,
	PREFLIGHT_IN_PATH,
	PREFLIGHT_HTTP_PROXY,
	PREFLIGHT_HTTP_PROXY_CIDR,
	PREFLIGHT_HOSTNAME,
	PREFLIGHT_SERVICE,
	PREFLIGHT_KUBELET_VERSION,
	PREFLIGHT_SYSTEM_VERIFICATION,
	PREFLIGHT_CONTAINER_RUNTIME,
	PREFLIGHT_CONTAINER_RUNTIME_VERSION,
	PREFLIGHT_SWAP,
	PREFLIGHT_EXTERNAL_ETCD_VERSION,
	PREFLIGHT_IMAGE_PULL,
	PREFLIGHT_FUNC, /* a check of a layer above (label: its name; fn, data) */
	PREFLIGHT_KIND_COUNT,
};

/* One check; which members matter depends on kind (all strings owned). */
struct preflight_check {
	enum preflight_kind kind;
	char *label;   /* explicit name (FileExisting "ExternalEtcdClientCertificates"), or NULL;
			* ImagePull: the sandbox image kubeadm expects (the name stays "ImagePull") */
	char *arg;     /* path, executable, host, CIDR, service, CRI socket (CRI,
			* ContainerRuntimeVersion, ImagePull), listen address (Port), node name,
			* Kubernetes version (KubernetesVersion/KubeletVersion) */
	char *arg2;    /* KubernetesVersion: kubeadm's version; ImagePull: the pull policy;
			* FileContent: the expected content */
	int num;       /* port, CPU count, MB of memory */
	bool flag;     /* InPath: mandatory; Service: check if active; SystemVerification: upgrade;
			* ImagePull: serial */
	char **list;   /* ImagePull: the images; ExternalEtcdVersion: http endpoints */
	char *ca_file, *cert_file, *key_file; /* ExternalEtcdVersion */
	int ports[2];  /* Firewalld */
	/* FUNC: returns 0, or -errno with the error's message set (one error of the check) */
	int (*fn)(void *data);
	void *data;    /* FUNC: borrowed */
};

/* A list of checks, in run order. */
struct preflight_list {
	struct preflight_check *v;
	size_t n;
};

/* Frees the checks (not the list struct itself); leaves an empty list. */
void preflight_list_clear(struct preflight_list *l);

/* The name of a check as kubeadm prints it and --ignore-preflight-errors matches it. Owned. */
char *preflight_check_name(const struct preflight_check *c);

/* Runs one check: owned strv of warnings and errors (each may be NULL). */
void preflight_check_run(const struct preflight_check *c, char ***ret_warnings,
			 char ***ret_errors);

/* kubeadm's setHasItemOrAll: "all" or the lower-cased name in ignore (already lower-cased). */
bool preflight_ignored(char *const *ignore, const char *name);

/*
 * kubeadm's RunChecks: runs every check, prints warnings (and ignored errors) to ww as they
 * come, then the errors with kubeadm's header and hint. -ECANCELED "preflight checks failed"
 * when an error remains. ignore: the lower-cased --ignore-preflight-errors set.
 */
int preflight_run_checks(const struct preflight_list *l, char *const *ignore, FILE *ww);

/* Appends a FUNC check named name (upgrade's CreateJob, CoreDNSMigration...) to *l. */
void preflight_add_func(struct preflight_list *l, const char *name, int (*fn)(void *data),
			void *data);

/* The check lists kubeadm builds (InitNodeChecks, JoinNodeChecks). Appended to *l. */
int preflight_init_node_checks(const struct init_config *cfg, bool secondary_control_plane,
			       bool download_certs, struct preflight_list *l);
int preflight_join_node_checks(const struct join_config *cfg, struct preflight_list *l);

/* RunRootCheckOnly (reset's and every workflow's first call). Output on stderr. */
int preflight_run_root_check(char *const *ignore);
/* RunInitNodeChecks. */
int preflight_run_init_checks(const struct init_config *cfg, char *const *ignore,
			      bool secondary_control_plane, bool download_certs);
/*
 * ckubeadm init --resume (beyond-kubeadm.md §3.3 R2): the checks of init that a previous attempt
 * of the same cluster explains, as --ignore-preflight-errors names them (lower case): the static
 * pod manifests (regenerated and compared), and, when the static pod or the kubelet that a
 * previous attempt set up is there (its manifest, /var/lib/kubelet/config.yaml), the port it
 * holds and the etcd data directory. The caller has proven the node's state to be of this
 * cluster first. Owned strv (NULL: none).
 */
char **preflight_init_resume_explained(const struct init_config *cfg);
/* The same for join's node checks: kubelet.conf, the CA file, the kubelet's port. */
char **preflight_join_resume_explained(const struct join_config *cfg);
/* RunJoinNodeChecks (worker part of join's preflight). */
int preflight_run_join_checks(const struct join_config *cfg, char *const *ignore);
/* reset's preflight checks: the root check only. */
int preflight_run_reset_checks(char *const *ignore);
/* RunUpgradeChecks: SystemVerification (next kubelet minor) and ContainerRuntimeVersion. */
int preflight_run_upgrade_checks(const struct init_config *cfg, char *const *ignore);
/* RunPullImagesCheck: the ImagePull check for the control-plane images. */
int preflight_run_pull_images(const struct init_config *cfg, char *const *ignore);

/*
 * `config images pull`'s PullControlPlaneImages: connects to criSocket and pulls every
 * control-plane image (kubeadm's retries), printing "[config/images] Pulled <image>".
 */
int preflight_pull_control_plane_images(const struct init_config *cfg);

/* GetKubeletVersion: runs `kubelet --version`; *ret "1.37.2" (owned). */
int preflight_kubelet_version(char **ret);
