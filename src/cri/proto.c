/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cri/proto.h"
#include "util/error.h"
#include "util/xalloc.h"

void pb_put_varint_raw(struct strbuf *sb, uint64_t v)
{
	uint8_t b[10];
	size_t n = 0;
	do {
		b[n] = v & 0x7f;
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	strbuf_add(sb, b, n);
}

static void put_tag(struct strbuf *sb, uint32_t field, enum pb_wire_type type)
{
	pb_put_varint_raw(sb, ((uint64_t)field << 3) | type);
}

void pb_put_uint64(struct strbuf *sb, uint32_t field, uint64_t v)
{
	if (!v)
		return;
	put_tag(sb, field, PB_VARINT);
	pb_put_varint_raw(sb, v);
}

void pb_put_bool(struct strbuf *sb, uint32_t field, bool v)
{
	pb_put_uint64(sb, field, v ? 1 : 0);
}

void pb_put_bytes(struct strbuf *sb, uint32_t field, const void *data, size_t len)
{
	put_tag(sb, field, PB_LEN);
	pb_put_varint_raw(sb, len);
	strbuf_add(sb, data, len);
}

void pb_put_string(struct strbuf *sb, uint32_t field, const char *s)
{
	if (!s || !*s)
		return;
	pb_put_bytes(sb, field, s, strlen(s));
}

void pb_put_map_entry(struct strbuf *sb, uint32_t field, const char *key, const char *value)
{
	_cleanup_strbuf_ struct strbuf e = STRBUF_INIT;
	pb_put_string(&e, 1, key);
	pb_put_string(&e, 2, value);
	pb_put_bytes(sb, field, e.buf, e.len);
}

static int bad(const char *what)
{
	return error_set(-EBADMSG, "proto: cannot parse invalid wire-format data: %s", what);
}

static int get_varint(struct pb_reader *r, uint64_t *ret)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < 10; i++) {
		if (r->p >= r->end)
			return bad("truncated varint");
		uint8_t b = *r->p++;
		/* The tenth byte may only carry the top bit of a 64-bit value. */
		if (i == 9 && b > 1)
			return bad("varint overflows 64 bits");
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*ret = v;
			return 0;
		}
	}
	return bad("varint overflows 64 bits");
}

int pb_next(struct pb_reader *r, struct pb_field *ret)
{
	if (r->p >= r->end)
		return 0;
	uint64_t tag;
	int k = get_varint(r, &tag);
	if (k < 0)
		return k;
	uint64_t number = tag >> 3;
	if (number == 0 || number > 536870911)
		return bad("invalid field number");
	struct pb_field f = { .number = (uint32_t)number, .type = (enum pb_wire_type)(tag & 7) };
	switch (tag & 7) {
	case PB_VARINT:
		k = get_varint(r, &f.varint);
		if (k < 0)
			return k;
		break;
	case PB_FIXED64:
	case PB_FIXED32: {
		size_t n = (tag & 7) == PB_FIXED64 ? 8 : 4;
		if ((size_t)(r->end - r->p) < n)
			return bad("truncated fixed-width field");
		uint64_t v = 0;
		for (size_t i = 0; i < n; i++)
			v |= (uint64_t)r->p[i] << (8 * i);
		f.varint = v;
		r->p += n;
		break;
	}
	case PB_LEN: {
		uint64_t len;
		k = get_varint(r, &len);
		if (k < 0)
			return k;
		if (len > (uint64_t)(r->end - r->p))
			return bad("length-delimited field overruns the message");
		f.data = r->p;
		f.len = (size_t)len;
		r->p += len;
		break;
	}
	default:
		/* 3 and 4 are the deprecated groups (unused by CRI), 6 and 7 do not exist. */
		return bad("unsupported wire type");
	}
	*ret = f;
	return 1;
}

static int want(const struct pb_field *f, enum pb_wire_type t)
{
	if (f->type != t)
		return error_set(-EBADMSG, "proto: field %u has wire type %d, expected %d", f->number,
				 f->type, t);
	return 0;
}

int pb_get_bool(const struct pb_field *f, bool *ret)
{
	int r = want(f, PB_VARINT);
	if (r < 0)
		return r;
	*ret = f->varint != 0;
	return 0;
}

int pb_get_uint64(const struct pb_field *f, uint64_t *ret)
{
	int r = want(f, PB_VARINT);
	if (r < 0)
		return r;
	*ret = f->varint;
	return 0;
}

int pb_get_int64(const struct pb_field *f, int64_t *ret)
{
	int r = want(f, PB_VARINT);
	if (r < 0)
		return r;
	*ret = (int64_t)f->varint;
	return 0;
}

/* As protobuf: a 32-bit field decoded from a varint keeps the low 32 bits. */
int pb_get_uint32(const struct pb_field *f, uint32_t *ret)
{
	int r = want(f, PB_VARINT);
	if (r < 0)
		return r;
	*ret = (uint32_t)f->varint;
	return 0;
}

int pb_get_int32(const struct pb_field *f, int32_t *ret)
{
	int r = want(f, PB_VARINT);
	if (r < 0)
		return r;
	*ret = (int32_t)(uint32_t)f->varint;
	return 0;
}

static bool valid_utf8(const uint8_t *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t c = s[i];
		size_t len;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t j = 1; j < len; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

int pb_get_string(const struct pb_field *f, char **s)
{
	int r = want(f, PB_LEN);
	if (r < 0)
		return r;
	if (memchr(f->data, 0, f->len))
		return error_set(-EBADMSG, "proto: string field %u contains a NUL byte", f->number);
	if (!valid_utf8(f->data, f->len))
		return error_set(-EBADMSG, "proto: string field %u contains invalid UTF-8", f->number);
	free(*s);
	*s = xstrndup((const char *)f->data, f->len);
	return 0;
}

int pb_get_message(const struct pb_field *f, struct pb_reader *ret)
{
	int r = want(f, PB_LEN);
	if (r < 0)
		return r;
	pb_reader_init(ret, f->data, f->len);
	return 0;
}

int pb_get_map_entry(const struct pb_field *f, char **ret_key, char **ret_value)
{
	struct pb_reader m;
	int r = pb_get_message(f, &m);
	if (r < 0)
		return r;
	_cleanup_free_ char *key = xstrdup(""), *value = xstrdup("");
	struct pb_field e;
	while ((r = pb_next(&m, &e)) > 0) {
		if (e.number == 1)
			r = pb_get_string(&e, &key);
		else if (e.number == 2)
			r = pb_get_string(&e, &value);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	*ret_key = TAKE_PTR(key);
	*ret_value = TAKE_PTR(value);
	return 0;
}
