/* SPDX-License-Identifier: Apache-2.0 */
/* Plain HTTP(S) requests over kube/transport.h: TLS always verified, bodies capped. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct http_tls;
struct http_response;
/*
 * GETs url as Go's http.Client{Timeout, Transport{Proxy: ProxyFromEnvironment,
 * TLSClientConfig: tls}} does (tls NULL: the system's roots): the environment's proxy, up to
 * 10 redirects but never from https to http, a total timeout, the body capped at max. Returns
 * 0 with *resp filled for any status (http_response_release), else -errno with the message
 * (error.h) Go's url.Error: `Get "<url>": dial tcp ...: connect: connection refused`.
 */
int kube_http_fetch(const char *url, const struct http_tls *tls, long timeout_ms, size_t max,
		    struct http_response *resp);

/*
 * GETs url with a total timeout, as kubeadm's fetchFromURL (util/version.go): on success *ret_body
 * is the owned body with surrounding whitespace trimmed. On failure returns -errno and *ret_err is
 * an owned message in kubeadm's words ("unable to get URL ...", "unable to fetch file. URL: ...,
 * status: ..."), with the transport's error in Go's words. Bodies larger than max are -EFBIG.
 */
int kube_http_get(const char *url, long timeout_ms, size_t max, char **ret_body, char **ret_err);

/* The version-label fetcher for config/version.h: kube_http_get with kubeadm's 10 s and 1 MiB. */
int kube_version_fetch(const char *url, char **ret_body, char **ret_err);

/*
 * One GET of url for a health check: *ret_status is the HTTP status. conn (NULL: none) keeps
 * the connection between probes (http_conn_close when done). insecure skips TLS
 * verification (kubeadm's controller-manager and scheduler checks use InsecureSkipVerify).
 * Transport errors are -errno with Go's text ("Get \"<url>\": dial tcp <host:port>: connect:
 * connection refused"); the body is read (capped at 64 KiB) and dropped.
 */
struct http_conn;
int kube_http_probe(struct http_conn **conn, const char *url, bool insecure, long timeout_ms,
		    long *ret_status);
