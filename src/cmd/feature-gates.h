/* SPDX-License-Identifier: Apache-2.0 */
/* kubeadm's --feature-gates flag (cmd/kubeadm/app/features). */
#pragma once

#include <jansson.h>

/*
 * Parses "Key=bool,..." as features.NewFeatureGate(&InitFeatureGates, value): *ret is a new
 * JSON object of booleans. Returns 0 or -EINVAL with kubeadm's message.
 */
int cmd_feature_gates_parse(const char *value, json_t **ret);

/* Adds the changed --feature-gates of fs to overrides.ClusterConfiguration.featureGates. */
struct flagset;
int cmd_feature_gates_override(const struct flagset *fs, json_t *overrides);
