/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The YAML <-> JSON edge, byte-compatible with the Go code Kubernetes uses:
 * sigs.k8s.io/yaml (YAMLToJSON, YAMLToJSONStrict, JSONToYAML) over go.yaml.in/yaml/v2 (YAML 1.1
 * resolution: yes/no/on/off/y/n are booleans, 0x/0o/0b ints, ~ null, timestamps stay strings),
 * and k8s.io/apimachinery's YAMLReader for multi-document streams.
 */
#pragma once

#include <jansson.h>
#include <stddef.h>

enum {
	/* YAMLToJSONStrict: a key set twice in one mapping is an error. */
	YAML_STRICT = 1u << 0,
};

/* Inputs larger than this are refused (-EFBIG); nesting deeper than YAML_MAX_DEPTH too. */
#define YAML_MAX_INPUT (32u * 1024 * 1024)
#define YAML_MAX_DEPTH 1000

/*
 * Converts the first YAML document of data to a JSON tree, as sigs.k8s.io/yaml.YAMLToJSON
 * (YAMLToJSONStrict with YAML_STRICT). An empty document gives JSON null. Non-string keys
 * become strings as Go does (1 -> "1", true -> "true", 1.5 -> "1.5"). Object members keep
 * document order. *ret is a new reference, set only on success. On failure returns -EINVAL
 * (or -EFBIG for the size/depth caps) with the error message Go prints, e.g.
 * "yaml: line 3: mapping values are not allowed in this context".
 */
int yaml_to_json(const char *data, size_t len, unsigned flags, json_t **ret);

/*
 * Splits a multi-document stream as k8s.io/apimachinery's YAMLReader (kubeadm's
 * SplitConfigDocuments): a line starting with "---" ends a non-empty document (only spaces or
 * a comment may follow it, else -EINVAL "invalid Yaml document separator: ..."); a "---" line
 * met while no document is open stays in the next document, as Go keeps it ("---\na: 1\n" is
 * one document "---\na: 1\n"; "---\n---\n" is "---\n"); a document of blank lines or
 * comments is returned as it is. Lines come back "\n"-terminated with a "\r" before "\n"
 * removed. *ret_docs is an owned NULL-terminated strv (possibly empty), set only on success.
 */
int yaml_split_documents(const char *data, size_t len, char ***ret_docs);

/*
 * Returns owned YAML text byte-identical to sigs.k8s.io/yaml.JSONToYAML of v's JSON (what
 * kubeadm prints): keys in go-yaml's natural order, 2-space indent, sequences in mappings not
 * indented, go-yaml's quoting and literal blocks, width 80. NULL v prints "null\n". A raw
 * U+0085 in a string is folded to a space, as it is on Kubernetes' way (json.Marshal leaves it
 * raw, the YAML parser folds it). Returns NULL only if libyaml's emitter fails (not expected;
 * the message is set).
 */
char *yaml_from_json(const json_t *v);
