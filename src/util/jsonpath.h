/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSONPath templates as k8s.io/client-go/util/jsonpath parses and executes them (what
 * kubectl's and kubeadm's -o jsonpath=... print): text with {actions} holding fields,
 * [n], [a:b:c], [*], unions [a,b], ['key'], .., ?(filters), "quoted" literals, range/end.
 * The data is seen as Go sees it after a json.Marshal/Unmarshal round trip: objects are
 * map[string]interface{} (members in byte order), every number is a float64.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

struct jsonpath;

/*
 * Parses text (len bytes) into a new template (*ret owned; free with jsonpath_free). On a
 * syntax error returns -EINVAL with Go's Parse error text ("unclosed action",
 * "invalid array index x", "unrecognized character in action: U+0023 '#'", ...).
 */
int jsonpath_parse(const char *text, size_t len, struct jsonpath **ret);
struct jsonpath *jsonpath_free(struct jsonpath *j);

/* JSONPath.AllowMissingKeys (default false: a missing field is "x is not found"). */
void jsonpath_allow_missing_keys(struct jsonpath *j, bool allow);
/* JSONPath.EnableJSONOutput: each result list is printed as an indented JSON array. */
void jsonpath_enable_json_output(struct jsonpath *j, bool enable);

/*
 * JSONPath.Execute: appends the template's output for data to out. Nothing is appended on
 * error: -EINVAL with Go's text ("foo is not found", "array index out of bounds: index 5,
 * length 3", "not in range, nothing to end", ...). As in Go, a template that ran a range
 * keeps the parser state that range left (kubeadm prints one object per call).
 */
int jsonpath_execute(struct jsonpath *j, const json_t *data, struct strbuf *out);

/* Appends data as Go's %#v prints it after the JSON round trip (map[string]interface {}{...}). */
void jsonpath_go_syntax(const json_t *data, struct strbuf *out);
