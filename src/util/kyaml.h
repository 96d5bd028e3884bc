/* SPDX-License-Identifier: Apache-2.0 */
/*
 * KYAML (sigs.k8s.io/yaml/kyaml), the YAML dialect of kubectl's and kubeadm's -o kyaml: JSON-like
 * braces and brackets, two-space indents, trailing commas, every string value double-quoted,
 * keys bare when no YAML parser could read them as another type.
 */
#pragma once

#include <jansson.h>

#include "util/strbuf.h"

/*
 * Appends v as kyaml's Encoder.FromObject renders the JSON of a Go object: "---\n", the
 * document (members in the order the tree holds them, numbers as encoding/json writes them)
 * and a newline.
 */
void kyaml_from_json(const json_t *v, struct strbuf *out);
