/* SPDX-License-Identifier: Apache-2.0 */
/* The bootstrap-token work shared by init's phases and the token command. */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "config/types.h"
#include "kube/client.h"

/* UpdateOrCreateTokens: a Secret per token (fail_if_exists: -EEXIST "a token with id "x"
 * already exists" when its Secret is there). */
int init_update_or_create_tokens(struct kube_client *c, bool fail_if_exists,
				 const struct cfg_list *tokens);
/* The five RBAC steps of the bootstrap-token phase with their console lines. */
int init_bootstrap_token_rbac(struct kube_client *c);
/* CreateBootstrapConfigMapIfNotExists + CreateClusterInfoRBACRules from the admin kubeconfig. */
int init_cluster_info(struct kube_client *c, const json_t *kubeconfig);
/* CreateClusterInfoRBACRules: Role and RoleBinding kubeadm:bootstrap-signer-clusterinfo in
 * kube-public (anonymous may read cluster-info); errors "error creating clusterinfo RBAC rules". */
int init_cluster_info_rbac(struct kube_client *c);
