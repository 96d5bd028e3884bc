/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The field-table engine: one table per Go type (json name, kind, offset, omitempty,
 * children) drives strict decoding from json_t (Go encoding/json semantics with
 * sigs.k8s.io/json strict errors), encoding back to json_t (omitempty rules of Go), and
 * freeing. The kubeadm types and their tables live in types.h/types.c.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/strbuf.h"

/* A Go slice of structs: n elements of the element type's size; set = non-nil. */
struct cfg_list {
	size_t n;
	void *items;
	bool set;
};

/* A Go *bool. */
struct cfg_optbool {
	bool set;
	bool v;
};

/* A Go *metav1.Duration. */
struct cfg_dur {
	bool set;
	int64_t ns;
};

enum cfg_kind {
	CFG_STR,     /* char *; NULL == "" */
	CFG_BOOL,    /* bool */
	CFG_INT32,   /* int64_t holding a Go int32 */
	CFG_INT,     /* int64_t holding a Go int */
	CFG_OPTBOOL, /* struct cfg_optbool */
	CFG_DUR,     /* struct cfg_dur (*metav1.Duration) */
	CFG_STRV,    /* char ** (NULL == nil slice) */
	CFG_STRUCT,  /* struct value embedded at offset */
	CFG_PSTRUCT, /* void * to a struct (NULL == nil) */
	CFG_LIST,    /* struct cfg_list of structs */
	CFG_MAPBOOL, /* json_t * object of booleans (map[string]bool) */
	CFG_RAW,     /* json_t * kept as is (types we do not model field by field) */
	CFG_TOKEN,   /* char *: a BootstrapTokenString ("abcdef.0123456789abcdef") */
};

struct cfg_type;

struct cfg_field {
	const char *name; /* json name */
	enum cfg_kind kind;
	size_t offset;
	bool omitempty;
	const struct cfg_type *type; /* STRUCT, PSTRUCT, LIST */
	const char *gotype;          /* Go type name for type errors */
	const char *goembed;         /* the embedded Go struct holding the field, if any */
	bool v1only;                 /* only in kubeadm.k8s.io/v1 (never encoded: we write v1beta4) */
};

struct cfg_type {
	const char *goname; /* Go struct name for type errors */
	size_t size;
	const struct cfg_field *fields; /* terminated by a NULL name */
	const char *gopkg;              /* Go package name (NULL: "v1beta4") */
};

/*
 * Decodes obj into the zero-initialised struct at p. Unknown fields are collected as
 * "unknown field \"a.b\"" strings into *unknown (may be NULL to ignore them). A type error
 * stops decoding and returns -EINVAL with Go's message set
 * ("json: cannot unmarshal number into Go struct field X.a.b of type string").
 */
int cfg_decode(const struct cfg_type *t, const json_t *obj, void *p, char ***unknown);
/* As cfg_decode, for the experimental kubeadm.k8s.io/v1 when v1 (its extra fields known). */
int cfg_decode_version(const struct cfg_type *t, const json_t *obj, void *p, char ***unknown,
		       bool v1);

/* Encodes the struct as Go's encoding/json would (omitempty rules), keys sorted. Owned. */
json_t *cfg_encode(const struct cfg_type *t, const void *p);

/* Frees everything the struct owns (not p itself). */
void cfg_release(const struct cfg_type *t, void *p);

/* Deep copy of a struct into zeroed dst. */
void cfg_copy(const struct cfg_type *t, void *dst, const void *src);

/* Appends a zeroed element to a list and returns it. */
void *cfg_list_push(struct cfg_list *l, const struct cfg_type *t);

#define CFG_LIST_AT(l, type, i) (&((type *)(l)->items)[i])
