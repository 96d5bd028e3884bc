/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal protobuf (proto3) wire codec, written from the field numbers of the CRI v1 API:
 * a writer that appends to a strbuf and a bounded reader that walks the fields of one message.
 * Only the wire types the CRI messages use are produced; the reader accepts every valid wire
 * type (skipping unknown fields, as protobuf requires) and rejects groups and malformed input.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

enum pb_wire_type {
	PB_VARINT = 0,
	PB_FIXED64 = 1,
	PB_LEN = 2,
	PB_FIXED32 = 5,
};

/* Writer: proto3 semantics, a zero/empty scalar is not written at all. */
void pb_put_varint_raw(struct strbuf *sb, uint64_t v);
void pb_put_uint64(struct strbuf *sb, uint32_t field, uint64_t v);
void pb_put_bool(struct strbuf *sb, uint32_t field, bool v);
/* s may be NULL (same as ""). */
void pb_put_string(struct strbuf *sb, uint32_t field, const char *s);
/* A length-delimited field holding already encoded bytes (a nested message); written even
 * when empty, because presence of a message field is meaningful. */
void pb_put_bytes(struct strbuf *sb, uint32_t field, const void *data, size_t len);
/* One entry of a map<string,string> field. */
void pb_put_map_entry(struct strbuf *sb, uint32_t field, const char *key, const char *value);

struct pb_reader {
	const uint8_t *p;
	const uint8_t *end;
};

struct pb_field {
	uint32_t number;
	enum pb_wire_type type;
	uint64_t varint;     /* PB_VARINT, PB_FIXED64, PB_FIXED32 */
	const uint8_t *data; /* PB_LEN */
	size_t len;          /* PB_LEN */
};

static inline void pb_reader_init(struct pb_reader *r, const void *data, size_t len)
{
	r->p = data;
	r->end = r->p + len;
}

/* Reads the next field. Returns 1 and fills *ret, 0 at the end of the message, or -EBADMSG
 * (message set) on truncated input, an over-long varint, field number 0, a group, or an
 * unknown wire type. */
int pb_next(struct pb_reader *r, struct pb_field *ret);

/* Typed accessors for a field just read; each returns -EBADMSG when the wire type does not
 * match the declared type of the field. */
int pb_get_bool(const struct pb_field *f, bool *ret);
int pb_get_uint64(const struct pb_field *f, uint64_t *ret);
int pb_get_int64(const struct pb_field *f, int64_t *ret);
int pb_get_uint32(const struct pb_field *f, uint32_t *ret);
int pb_get_int32(const struct pb_field *f, int32_t *ret);
/* Replaces *s (freed) with an owned copy of a string field; rejects invalid UTF-8 (as Go's
 * protobuf runtime does for proto3 strings) and embedded NUL bytes, which a C string cannot
 * carry. */
int pb_get_string(const struct pb_field *f, char **s);
/* A nested message: *ret is set up to read its fields. */
int pb_get_message(const struct pb_field *f, struct pb_reader *ret);
/* Decodes a map<string,string> entry message into owned *ret_key and *ret_value. */
int pb_get_map_entry(const struct pb_field *f, char **ret_key, char **ret_value);
