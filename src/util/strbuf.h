/* SPDX-License-Identifier: Apache-2.0 */
/* Growable string buffer (git's strbuf): buf is never NULL and always NUL-terminated. */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "util/macro.h"

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { .alloc = 0, .len = 0, .buf = strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
/* Frees the buffer and resets sb to STRBUF_INIT. */
void strbuf_release(struct strbuf *sb);
/* Returns the owned string and resets sb. */
char *strbuf_detach(struct strbuf *sb, size_t *ret_len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen(sb, 0)
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addchars(struct strbuf *sb, char c, size_t n);
/* Appends the UTF-8 encoding of code point r (at most U+10FFFF; surrogates as Go would not). */
void strbuf_add_rune(struct strbuf *sb, uint32_t r);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) _printf_(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) _printf_(2, 0);
/* Removes trailing whitespace. */
void strbuf_rtrim(struct strbuf *sb);
/* Wipes the contents (for secrets) and releases the buffer. */
void strbuf_release_secure(struct strbuf *sb);

static inline void strbuf_releasep(struct strbuf *sb)
{
	strbuf_release(sb);
}
#define _cleanup_strbuf_ _cleanup_(strbuf_releasep)
