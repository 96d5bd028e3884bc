/* SPDX-License-Identifier: Apache-2.0 */
/* What the API phases of init share (initData.Client, KubeConfigPath, Tokens in init.go). */
#pragma once

#include <jansson.h>

#include "kube/client.h"
#include "phases/run-ctx.h"

/*
 * initData.Client(): with --dry-run the DryRun client on <dry-run dir>/admin.conf with init's
 * reactors (GetNode, PatchNode) printing to stdout; otherwise a client from --kubeconfig, and
 * when that is the default /etc/kubernetes/admin.conf, EnsureAdminClusterRoleBinding first
 * (pointed at the local API endpoint; super-admin.conf creates kubeadm:cluster-admins when
 * admin.conf may not). The API call timeout is timeouts.kubernetesAPICall. *ret is owned.
 */
int init_api_client(struct run_ctx *ctx, struct kube_client **ret);
/* initData.KubeConfigPath(): <dry-run dir>/admin.conf with --dry-run, else --kubeconfig.
 * Owned. */
char *init_kubeconfig_path(const struct run_ctx *ctx);
/* clientcmd.LoadFromFile of path, errors as Go's ("open <path>: no such file or directory"). */
int init_kubeconfig_load(const char *path, json_t **ret);
/* initData.Tokens(): the bootstrap token strings of the configuration (owned strv). */
char **init_tokens(const struct run_ctx *ctx);
/* The RBAC objects kubeadm creates over and over: a Role granting get on one object, a
 * (Cluster)RoleBinding to groups/users ("Group:name" / "User:name" subjects). New refs. */
json_t *init_rbac_get_role(const char *name, const char *ns, const char *resource,
			   const char *resource_name);
json_t *init_rbac_binding(const char *name, const char *ns, const char *role_kind,
			  const char *role, const char *const *subjects);
