/* SPDX-License-Identifier: Apache-2.0 */
/* Plain HTTPS requests (kube/ is the only user of libcurl): TLS always verified, bodies capped. */
#pragma once

#include <stddef.h>

/*
 * GETs url with a total timeout, as kubeadm's fetchFromURL (util/version.go): on success *ret_body
 * is the owned body with surrounding whitespace trimmed. On failure returns -errno and *ret_err is
 * an owned message in kubeadm's words ("unable to get URL ...", "unable to fetch file. URL: ...,
 * status: ..."), whose transport part is libcurl's. Bodies larger than max are -EFBIG.
 */
int kube_http_get(const char *url, long timeout_ms, size_t max, char **ret_body, char **ret_err);

/* The version-label fetcher for config/version.h: kube_http_get with kubeadm's 10 s and 1 MiB. */
int kube_version_fetch(const char *url, char **ret_body, char **ret_err);
