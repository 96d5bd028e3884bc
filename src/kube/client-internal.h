/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by client.c and dryrun.c (not for other layers). */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "kube/client.h"
#include "kube/transport.h"

struct kube_client {
	char *server;
	char *ca_pem, *cert_pem, *key_pem, *token;
	size_t ca_len, cert_len, key_len;
	char *chain_pem; /* kube_client_set_tls_chain */
	size_t chain_len;
	char *server_name; /* the cluster's tls-server-name */
	bool insecure; /* the cluster's insecure-skip-tls-verify (kubeadm's discovery) */
	bool live;             /* loaded from a kubeconfig: requests go to server */
	struct http_conn *conn; /* kept alive between requests */
	long api_timeout_ms, api_interval_ms, request_timeout_ms;
	size_t body_cap;
	bool timeout_param; /* ?timeout=<request timeout> on non-list requests (ToClientSet) */
	/* dry-run */
	bool dry_run;
	FILE *out;
	unsigned flags;
	json_t *tracker; /* "<group>/<resource>/<ns>/<name>" -> object */
};

int kube_base64_decode(const char *s, char **ret, size_t *ret_len);
int kube_http_do(struct kube_client *c, const char *method, const char *path,
		 const char *content_type, const char *body, long timeout_ms, long *ret_status,
		 char **ret_body, size_t *ret_len);
/* A transport failure (http_perform's r and resp) as Go's url.Error, set as the message. */
int kube_transport_error(int r, const struct http_response *resp, const char *method,
			 const char *url);
int kube_status_error(long status, const char *body, size_t len, const char *method,
		      const char *url);
int kube_poll(long interval_ms, long timeout_ms, int (*attempt)(void *), void *userdata);
int kube_last_error_code(void);
json_t *kube_two_way_merge_patch(const json_t *old, const json_t *new);

int kube_dry_get(struct kube_client *c, const struct kube_resource *res, const char *ns,
		 const char *name, json_t **ret);
int kube_dry_list(struct kube_client *c, const struct kube_resource *res, const char *ns,
		  const char *label_selector, const char *field_selector, json_t **ret);
int kube_dry_write(struct kube_client *c, const char *verb, const struct kube_resource *res,
		   const json_t *obj, json_t **ret);
int kube_dry_patch(struct kube_client *c, const struct kube_resource *res, const char *ns,
		   const char *name, enum kube_patch_type type, const json_t *patch, json_t **ret);
int kube_dry_delete(struct kube_client *c, const struct kube_resource *res, const char *ns,
		    const char *name);
