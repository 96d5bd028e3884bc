/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON helpers on jansson trees: output byte-identical to Go's encoding/json, Go's float
 * formatting (strconv.FormatFloat), dotted-path lookup and RFC 7386 merge patch.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

enum {
	/* json.Marshal instead of json.MarshalIndent (prefix and indent are ignored). */
	JSON_GO_COMPACT = 1u << 0,
	/* Object keys in byte order, as Go prints a map[string]interface{}. */
	JSON_GO_SORT_KEYS = 1u << 1,
};

/*
 * Returns owned text identical to Go's json.MarshalIndent(v, prefix, indent): object keys in
 * the order the tree holds them, <, > and & escaped as \u003c..., U+2028/U+2029 escaped,
 * invalid UTF-8 replaced by \ufffd, numbers as Go prints int64 and float64. No trailing
 * newline. Never NULL.
 */
char *json_dump_go(const json_t *v, const char *prefix, const char *indent);
/* json_dump_go() with JSON_GO_* flags. */
char *json_dump_go_ex(const json_t *v, const char *prefix, const char *indent, unsigned flags);

/*
 * Appends strconv.FormatFloat(f, fmt, -1, bits) to sb: the shortest representation that
 * reads back as the same float64 (bits 64) or float32 (bits 32); fmt is 'e', 'f' or 'g'.
 * Infinities and NaN print as Go does: "+Inf", "-Inf", "NaN".
 */
void json_format_go_float(struct strbuf *sb, double f, char fmt, int bits);
/* Appends f as encoding/json prints a float64 ('f', or 'e' below 1e-6 and from 1e21). */
void json_format_go_json_float(struct strbuf *sb, double f);

/*
 * Decodes one UTF-8 sequence at s (n bytes available) as Go's utf8.DecodeRune does: returns
 * its length and the code point, or 0 for an invalid sequence (then *ret_rune is U+FFFD and
 * the caller skips one byte). Surrogates and overlong forms are invalid.
 */
size_t json_utf8_decode(const unsigned char *s, size_t n, uint32_t *ret_rune);
/* Appends s (n bytes) as Go's strconv.Quote writes it (%q, %#v): "\"" and "\\" escaped, \a \b
 * \f \n \r \t \v, other controls and invalid bytes as \xNN, C1 controls, U+00AD, U+FEFF,
 * U+2028/9 as \uNNNN. */
void go_quote_n(struct strbuf *sb, const char *s, size_t n);
/* The keys of obj in byte order (Go's sorted map keys): an owned, NULL-terminated array of
 * borrowed keys (valid while obj is unchanged); *ret_n (may be NULL) gets their number. */
const char **json_object_sorted_keys(const json_t *obj, size_t *ret_n);
/* Go's fmt %#v of a value json.Unmarshal / yaml.Unmarshal made: map_type is how the decoder
 * typed objects ("map[string]interface {}", "map[interface {}]interface {}"), members in
 * sorted order as fmt prints maps; null is "<nil>" alone and "interface {}(nil)" inside a
 * container (in_container). */
void json_format_go_sharp_v(struct strbuf *sb, const json_t *j, const char *map_type,
			    bool in_container);
/* Appends s with every invalid UTF-8 byte replaced by U+FFFD (what Go's JSON encoder does). */
void json_utf8_sanitize(struct strbuf *sb, const char *s, size_t n);

/*
 * Returns the member at a dotted path ("spec.containers.0.name": object members by name,
 * array elements by decimal index), borrowed from root; NULL when any step is missing.
 */
json_t *json_get_path(const json_t *root, const char *path);

/*
 * Applies an RFC 7386 JSON merge patch in place, exactly as gopkg.in/evanphx/json-patch.v4's
 * MergePatch (what kubeadm's --patches "merge" type and Kubernetes use): null members delete,
 * objects merge recursively, anything else replaces (a deep copy of the patch's value; null
 * members of objects inside a copied value are dropped, as evanphx does, even inside arrays
 * when the old value was not an object). target and patch must be objects (else -EINVAL,
 * target untouched); patch is not modified. New members go after the existing ones.
 */
int json_merge_patch(json_t *target, const json_t *patch);
/*
 * evanphx MergePatch(target, patch) for any values: *ret is a new reference. A null target is
 * -EINVAL "Invalid JSON Document"; a null or scalar patch (when not both are objects) is
 * -EINVAL "Invalid JSON Patch"; a non-object target or an array patch gives the patch.
 */
int json_merge_patch_new(const json_t *target, const json_t *patch, json_t **ret);

/*
 * Applies an RFC 6902 JSON patch (an array of operations) to *doc as
 * gopkg.in/evanphx/json-patch.v4 does for kubeadm's --patches "json" type, quirks included:
 * negative array indices count from the end, "replace" and "test" of a missing object member
 * act as on null, path "" replaces or tests the whole document. On success *doc is replaced
 * by the patched tree (the old reference is released); on failure *doc is untouched and the
 * error text is evanphx's (e.g. "add operation does not apply: doc is missing path: \"/a/b\":
 * missing value"). Returns 0 or -EINVAL/-ERANGE.
 */
int json_patch_apply(json_t **doc, const json_t *patch);

/* A JSON array of the strings of v (NULL: an empty array). New reference. */
json_t *json_from_strv(char *const *v);

/* jansson provides json_decrefp() (its json_auto_t cleanup). */
#define _cleanup_json_ _cleanup_(json_decrefp)
