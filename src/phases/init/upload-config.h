/* SPDX-License-Identifier: Apache-2.0 */
/* The domain work of init's upload-config phase, shared with `upgrade apply`'s. */
#pragma once

#include <stdbool.h>

#include "config/config.h"
#include "kube/client.h"

/*
 * uploadconfig.UploadConfiguration: prints "[upload-config] Storing the configuration used in
 * ConfigMap ...", CreateOrMutates kube-system/kubeadm-config with cfg's ClusterConfiguration
 * and CreateOrUpdates the Role and RoleBinding kubeadm:nodes-kubeadm-config.
 */
int init_upload_configuration(const struct init_config *cfg, struct kube_client *c);

/*
 * kubelet.CreateConfigMap: prints "[kubelet] Creating a ConfigMap \"kubelet-config\" ...",
 * CreateOrUpdates kube-system/kubelet-config with cfg's KubeletConfiguration (signed unless
 * user_supplied) and the Role and RoleBinding kubeadm:kubelet-config.
 */
int init_create_kubelet_configmap(const struct init_config *cfg, struct kube_client *c,
				  bool user_supplied);
