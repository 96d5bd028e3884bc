/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kubelet's files and service (cmd/kubeadm/app/phases/kubelet, componentconfigs/kubelet*):
 * /var/lib/kubelet/config.yaml, kubeadm-flags.env and instance-config.yaml, and the
 * stop/start of the kubelet through the init system. Console lines go to stdout as kubeadm's.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "config/config.h"

#define KUBELET_RUN_DIR "/var/lib/kubelet"

/*
 * WriteKubeletDynamicEnvFile: <dir>/kubeadm-flags.env with KUBELET_KUBEADM_ARGS, kubeadm's
 * ArgumentsToCommand of the base flags (register-with-taints when register_taints and nr has
 * taints -- a worker join; hostname-override when the node name is not the hostname) and of
 * kubeletExtraArgs. Returns 0 or -errno with kubeadm's message set.
 */
int kubelet_write_dynamic_env_file(int rootfd, const char *dir,
				   const struct cfg_node_registration *nr, bool register_taints);

/* kubelet_write_dynamic_env_file without taints (init: mark-control-plane taints the node). */
int kubelet_write_env_file(int rootfd, const char *dir, const struct cfg_node_registration *nr);

/* WriteInstanceConfigToDisk: <dir>/instance-config.yaml with containerRuntimeEndpoint. */
int kubelet_write_instance_config(int rootfd, const char *dir, const char *cri_socket);

/*
 * WriteConfigToDisk: the cluster KubeletConfiguration (cfg->kubelet) mutated for this node
 * (resolvConf when systemd-resolved is active), patched from patches_dir (may be NULL) and
 * from <dir>/instance-config.yaml, written to <dir>/config.yaml. "[patches] ..." lines go to
 * out. Returns 0 or -errno with kubeadm's message set.
 */
int kubelet_write_config(int rootfd, const char *dir, const struct init_config *cfg,
			 const char *patches_dir, FILE *out);

/*
 * ApplyPatchesToConfig: the cluster KubeletConfiguration (cfg->kubelet, not changed) mutated
 * for this node and patched from patches_dir (may be NULL), as the join's kubelet-wait-bootstrap
 * reads healthzBindAddress/healthzPort from it. *ret is owned by the caller. Returns 0 or -errno
 * with kubeadm's message set.
 */
int kubelet_apply_patches_to_config(const struct init_config *cfg, const char *patches_dir,
				    json_t **ret);

/* TryStopKubelet / TryStartKubelet: best effort, kubeadm's console lines and warnings. */
void kubelet_try_stop(void);
void kubelet_try_start(void);
/* TryRestartKubelet: the same, restarting it (upgrade's kubelet.conf server change). */
void kubelet_try_restart(void);
