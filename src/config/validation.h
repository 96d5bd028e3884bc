/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm's validation.go: each function returns 0 or -EINVAL with the aggregated message
 * set as kubeadm prints it (one error: "path: Invalid value: ...: detail"; several:
 * "[e1, e2]", duplicates dropped). Warnings (certificate validity) go to the log.
 */
#pragma once

#include "config/types.h"

int cfg_validate_init(const struct cfg_init_configuration *init,
		      const struct cfg_cluster_configuration *cluster);
int cfg_validate_join(const struct cfg_join_configuration *c);
int cfg_validate_reset(const struct cfg_reset_configuration *c);
int cfg_validate_upgrade(const struct cfg_upgrade_configuration *c);

/* Helpers shared with the loader. */
char **cfg_dns1123_subdomain_errors(const char *value);
/* kubeadmutil.ParseHostPort; on error returns -EINVAL with kubeadm's message set. */
int cfg_parse_host_port(const char *hostport, char **ret_host, char **ret_port);
/* Go's %q of s. Owned. */
char *cfg_go_quote(const char *s);
