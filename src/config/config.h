/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm's configuration API (kubeadm.k8s.io/v1beta4, v1beta3 read): loading, strict decoding,
 * defaulting, validation, conversion and printing. This header is the contract between the
 * config layer and cmd/: the config layer may add to it, never break it.
 *
 * Documents travel as json_t (YAML is converted at the edges by util/yaml). Flags that map to
 * configuration fields are handed in as "overrides": a json_t object keyed by kind
 * ("InitConfiguration", "ClusterConfiguration", "JoinConfiguration", "ResetConfiguration",
 * "UpgradeConfiguration") whose values are partial v1beta4 objects merged (RFC 7386) onto the
 * loaded or default document before defaulting, the way kubeadm binds flags onto its versioned
 * structs before defaulting.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "util/strbuf.h"

struct init_config;  /* InitConfiguration + ClusterConfiguration + component configs */
struct join_config;  /* JoinConfiguration */
struct reset_config; /* ResetConfiguration */

enum config_defaults {
	CONFIG_DEFAULTS_INIT,
	CONFIG_DEFAULTS_JOIN,
	CONFIG_DEFAULTS_RESET,
	CONFIG_DEFAULTS_UPGRADE,
};

/*
 * `config print <which>-defaults`: appends the YAML kubeadm prints to out, byte-identical.
 * component_configs (may be NULL) are the --component-configs names. Returns 0 or -errno with
 * the error message set (e.g. an unknown component config name).
 */
int config_print_defaults(enum config_defaults which, char *const *component_configs,
			  struct strbuf *out);

/*
 * `config validate --config path`: loads, strictly decodes, defaults and validates every
 * document. Appends to out what kubeadm prints on stdout on success. Returns 0 or -errno.
 */
int config_validate_file(const char *path, bool allow_experimental, struct strbuf *out);

/*
 * `config migrate --old-config path`: appends the migrated v1beta4 YAML to out (what kubeadm
 * writes to --new-config or stdout). Returns 0 or -errno.
 */
int config_migrate_file(const char *path, bool allow_experimental, struct strbuf *out);

/*
 * Loads the init configuration from path (NULL: defaults), applies overrides (may be NULL),
 * defaults and validates. *ret is owned by the caller (config_init_free). Returns 0 or -errno.
 */
int config_load_init(const char *path, json_t *overrides, struct init_config **ret);
struct init_config *config_init_free(struct init_config *c);

/*
 * The control-plane images for an init configuration, in kubeadm's order (`config images
 * list`): an owned NULL-terminated vector.
 */
char **config_images(const struct init_config *c);
