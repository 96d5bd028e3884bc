/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The config layer's only door to YAML: util/yaml.h when it is in the tree (HAVE_UTIL_YAML),
 * otherwise JSON documents only (a YAML subset) so that the layer builds and its unit tests
 * run before util/yaml lands.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "util/strbuf.h"

/* Splits a multi-document stream as apimachinery's YAMLReader. */
int yg_split(const char *data, size_t len, char ***ret_docs);
/* One document to JSON (sigs.k8s.io/yaml); strict: duplicate keys are an error. */
int yg_to_json(const char *data, size_t len, bool strict, json_t **ret);
/* Appends the YAML form (sigs.k8s.io/yaml.Marshal) of v. */
int yg_from_json(const json_t *v, struct strbuf *out);
/* Appends Go's json.MarshalIndent(v, "", "    ") and a newline. */
int yg_json_indent(const json_t *v, struct strbuf *out);
