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
