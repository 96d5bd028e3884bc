/* SPDX-License-Identifier: Apache-2.0 */
/* kubeadm's join command text (cmd/util/join.go), shared with `token create --print-join-command`. */
#pragma once

#include <stdbool.h>

/*
 * GetJoinWorkerCommand / GetJoinControlPlaneCommand: "kubeadm join <host:port> --token <t> \\\n\t
 * --discovery-token-ca-cert-hash sha256:<pin> ..." from the kubeconfig at kubeconfig_path
 * (its default cluster's server and CA). *ret owned. Errors wrapped as kubeadm's.
 */
int init_join_command(const char *kubeconfig_path, const char *token, const char *key,
		      bool control_plane, bool skip_token_print, bool skip_key_print, char **ret);
/*
 * The same commands as argv arrays for the result object (ckubeadm's InitResult): "kubeadm",
 * "join", host:port, "--token", token, "--discovery-token-ca-cert-hash" pin..., with
 * control_plane "--control-plane" and, when key is set, "--certificate-key" key. *ret_argv
 * owned; *ret_hashes (may be NULL) the CA pins, owned. Errors as init_join_command's.
 */
int init_join_argv(const char *kubeconfig_path, const char *token, const char *key,
		   bool control_plane, char ***ret_argv, char ***ret_hashes);
