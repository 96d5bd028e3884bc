/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm's discovery (cmd/kubeadm/app/discovery): how a joining node learns where the cluster
 * is and which CA to trust, before it has any credentials. Three forms, as kubeadm:
 *   - bootstrap token (discovery/token): cluster-info is fetched from kube-public over a TLS
 *     connection not yet trusted, its kubeconfig is checked against the JWS signature made with
 *     the token (cluster-bootstrap's DetachedTokenIsValid), the CA inside is checked against the
 *     --discovery-token-ca-cert-hash pins, and cluster-info is fetched again with that CA;
 *   - a kubeconfig file (discovery/file), validated against the cluster;
 *   - an HTTPS URL serving that file (discovery/https).
 * Kubeconfigs are client-go v1 Config json trees (kubeconfig/kubeconfig.h). Errors carry
 * kubeadm's messages (error.h); retries and timeouts are kubeadm's (5 s interval, the
 * configuration's timeouts.discovery).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "config/types.h"
#include "kube/client.h"
#include "token/token.h"

/* constants.DiscoveryRetryInterval */
#define DISCOVERY_RETRY_INTERVAL_MS 5000L
/* discovery.TokenUser, token.BootstrapUser */
#define DISCOVERY_TOKEN_USER "tls-bootstrap-token-user"
#define DISCOVERY_BOOTSTRAP_USER "token-bootstrap-client"

/*
 * pubkeypin.Set.Allow: checks every "sha256:<64 hex>" pin. -EINVAL with kubeadm's message
 * (`invalid hash "x", expected a 32 byte SHA-256 hash, found 3 bytes`, `unknown hash format
 * "md5". Known format(s) are: sha256`, ...).
 */
int discovery_pins_validate(char *const *pins);
/*
 * pubkeypin.Set.CheckAny over the certificates of ca_pem (all PEM blocks): 0 when one of them
 * has a pinned SPKI hash, else -EPERM `none of the public keys "sha256:..." are pinned`;
 * -EINVAL when ca_pem holds no certificate.
 */
int discovery_pins_check(char *const *pins, const char *ca_pem, size_t len);
/*
 * discovery_pins_check, and on success the certificates of ca_pem split by it: *ret_pinned
 * (PEM, owned) those whose public key is pinned, *ret_others (PEM, owned, maybe "") the rest.
 * Discovery's second, validated fetch trusts only the pinned ones.
 */
int discovery_pins_split(char *const *pins, const char *ca_pem, size_t len, char **ret_pinned,
			 char **ret_others);

/*
 * validateClusterInfoToken: the "kubeconfig" value of the cluster-info ConfigMap cm whose
 * "jws-kubeconfig-<id>" signature verifies with t. *ret (owned) is the kubeconfig text.
 * Errors as kubeadm ("token id \"x\" is invalid for this cluster or it has expired. ...",
 * "failed to verify JWS signature of received cluster info object, can't trust this API
 * Server"), -EINVAL / -EPERM.
 */
int discovery_cluster_info_verify(const json_t *cm, const struct token *t, char **ret);

/*
 * kubeconfigutil.GetClusterFromKubeConfig: the cluster entry (borrowed) and its name
 * (borrowed) of the current context. -EINVAL with kubeadm's message.
 */
int discovery_kubeconfig_cluster(const json_t *cfg, const char **ret_name, json_t **ret_cluster);

/*
 * token.RetrieveValidatedConfigInfo: discovery with the bootstrap token of d (d->bootstrap_token
 * set). dry_run_client: kubeadm's dry-run client (its fake cluster-info), or NULL for the real
 * API server; in dry-run, d is mutated as kubeadm's mutateTokenDiscoveryForDryRun does when
 * the token has no signature. *ret: the validated kubeconfig (owned).
 */
int discovery_token_retrieve(struct kube_client *dry_run_client, struct cfg_join_configuration *d,
			     long interval_ms, long timeout_ms, json_t **ret);

/*
 * file.ValidateConfigInfo on cfg (borrowed): CA embedded, cluster-info refreshed (forbidden
 * ends the refresh). *ret: the validated kubeconfig (new reference).
 */
int discovery_file_validate(json_t *cfg, long timeout_ms, json_t **ret);
/* file.RetrieveValidatedConfigInfo: loads path, then discovery_file_validate. */
int discovery_file_retrieve(const char *path, long timeout_ms, json_t **ret);
/* https.RetrieveValidatedConfigInfo: GETs url (host trust store), then as a file. */
int discovery_https_retrieve(const char *url, long timeout_ms, json_t **ret);

/*
 * discovery.For: the kubeconfig for the TLS bootstrap (the discovered cluster with the TLS
 * bootstrap token, or the discovery file's own credentials). Errors wrapped "couldn't validate
 * the identity of the API Server: ...". *ret owned.
 */
int discovery_for(struct kube_client *dry_run_client, struct cfg_join_configuration *cfg,
		  json_t **ret);

/* formatCACertInfo: kubeadm's -v=1 summary of the CA certificate. Owned. */
char *discovery_format_ca_info(const char *ca_pem, size_t len);
