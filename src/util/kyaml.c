/* SPDX-License-Identifier: Apache-2.0 */
/* sigs.k8s.io/yaml/kyaml's Encoder (non-compact) over the JSON a Go object marshals to. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/json.h"
#include "util/kyaml.h"
#include "util/macro.h"
#include "util/xalloc.h"

static void write_indent(struct strbuf *sb, int level)
{
	strbuf_addchars(sb, ' ', 2 * (size_t)level);
}

/* unicode.IsSpace */
static bool is_space(uint32_t r)
{
	return r == ' ' || (r >= '\t' && r <= '\r') || r == 0x85 || r == 0xA0 || r == 0x1680 ||
	       (r >= 0x2000 && r <= 0x200A) || r == 0x2028 || r == 0x2029 || r == 0x202F ||
	       r == 0x205F || r == 0x3000;
}

/* unicode.IsPrint: exact for Latin-1; beyond it only the separators and format characters
 * kubeadm's objects could carry are told apart (Go has the full Unicode tables). */
static bool is_print(uint32_t r)
{
	if (r < 0x100)
		return (r >= 0x20 && r < 0x7F) || (r > 0xA0 && r != 0xAD);
	if (is_space(r))
		return false;
	return !((r >= 0x200B && r <= 0x200F) || (r >= 0x202A && r <= 0x202E) ||
		 (r >= 0x2060 && r <= 0x2064) || r == 0xFEFF || (r >= 0xD800 && r <= 0xDFFF) ||
		 (r >= 0xE000 && r <= 0xF8FF) || (r & 0xFFFE) == 0xFFFE);
}

/* appendEscapedRune */
static void escaped_rune(struct strbuf *sb, uint32_t r, int indent, bool compact)
{
	if (sb->len && sb->buf[sb->len - 1] == '\n') {
		write_indent(sb, indent);
		/* leading whitespace of a line is escaped, else a space keeps the alignment */
		strbuf_addch(sb, is_space(r) && r != '\n' ? '\\' : ' ');
	}
	if (r == '\n') {
		strbuf_addstr(sb, compact ? "\\n" : "\\n\\\n");
		return;
	}
	if (r == '\t') {
		strbuf_addstr(sb, compact ? "\\t" : "\t");
		return;
	}
	if (r == '"' || r == '\\') {
		strbuf_addch(sb, '\\');
		strbuf_addch(sb, (char)r);
		return;
	}
	if (is_print(r)) {
		strbuf_add_rune(sb, r);
		return;
	}
	switch (r) {
	case '\a': strbuf_addstr(sb, "\\a"); return;
	case '\b': strbuf_addstr(sb, "\\b"); return;
	case '\f': strbuf_addstr(sb, "\\f"); return;
	case '\r': strbuf_addstr(sb, "\\r"); return;
	case '\v': strbuf_addstr(sb, "\\v"); return;
	case 0x00: strbuf_addstr(sb, "\\0"); return;
	case 0x1B: strbuf_addstr(sb, "\\e"); return;
	case 0x85: strbuf_addstr(sb, "\\N"); return;
	case 0xA0: strbuf_addstr(sb, "\\_"); return;
	case 0x2028: strbuf_addstr(sb, "\\L"); return;
	case 0x2029: strbuf_addstr(sb, "\\P"); return;
	default: break;
	}
	if (r < ' ' || r == 0x7F)
		strbuf_addf(sb, "\\x%02x", (unsigned)r);
	else if (r < 0x10000)
		strbuf_addf(sb, "\\u%04x", (unsigned)r);
	else
		strbuf_addf(sb, "\\U%08x", (unsigned)r);
}

/* strconv.ParseInt(s, 0, 64) without error (s has no underscores): an optional sign, a 0b, 0o,
 * 0x or 0 prefix and digits of that base, within int64. */
static bool go_int(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	const char *digits = "0123456789";
	unsigned base = 10;
	if (n - i >= 2 && s[i] == '0' && strchr("bBoOxX", s[i + 1])) {
		char c = (char)tolower((unsigned char)s[i + 1]);
		base = c == 'b' ? 2 : c == 'o' ? 8 : 16;
		digits = c == 'b' ? "01" : c == 'o' ? "01234567" : "0123456789abcdef";
		i += 2;
	} else if (n - i >= 2 && s[i] == '0') {
		base = 8;
		digits = "01234567";
		i++;
	}
	if (i == n)
		return false;
	uint64_t v = 0, limit = s[0] == '-' ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		const char *d = strchr(digits, tolower((unsigned char)s[i]));
		if (!d || !*d)
			return false;
		uint64_t x = (uint64_t)(d - digits);
		if (v > (limit - x) / base)
			return false; /* a range error does not count */
		v = v * base + x;
	}
	return true;
}

/* strconv.ParseFloat(s, 64) without error: C's strtod reads the same syntax, but for its
 * nan(chars), signed nan and hexadecimal floats without a p exponent; overflow is an error. */
static bool go_float(const char *s, size_t n)
{
	if (n == 0 || isspace((unsigned char)s[0]))
		return false;
	_cleanup_free_ char *c = xstrndup(s, n);
	const char *t = c + (c[0] == '+' || c[0] == '-');
	if ((t[0] == '0' && (t[1] == 'x' || t[1] == 'X') && !strpbrk(t, "pP")) || strchr(t, '(') ||
	    (t != c && strncasecmp(t, "nan", 3) == 0))
		return false;
	char *end;
	errno = 0;
	double f = strtod(c, &end);
	return end == c + n && !(errno == ERANGE && isinf(f));
}

/* ^[+-]?[1-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$ */
static bool sexagesimal(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i == n || s[i] < '1' || s[i] > '9')
		return false;
	for (i++; i < n && (isdigit((unsigned char)s[i]) || s[i] == '_'); i++)
		;
	int groups = 0;
	while (i < n && s[i] == ':') {
		size_t d = 0;
		i++;
		while (i + d < n && isdigit((unsigned char)s[i + d]) && d < 2)
			d++;
		if (d == 0 || (d == 2 && s[i] > '5'))
			return false;
		i += d;
		groups++;
	}
	if (!groups)
		return false;
	if (i < n && s[i] == '.')
		for (i++; i < n && (isdigit((unsigned char)s[i]) || s[i] == '_'); i++)
			;
	return i == n;
}

/* parseTimestamp's quick check and formats: YYYY-M-D, optionally with a time */
static bool timestamp(const char *s, size_t n)
{
	if (n < 5 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    !isdigit((unsigned char)s[2]) || !isdigit((unsigned char)s[3]) || s[4] != '-')
		return false;
	size_t i = 5, d;
	for (d = 0; i < n && isdigit((unsigned char)s[i]) && d < 2; i++)
		d++;
	if (!d || i == n || s[i] != '-')
		return false;
	for (i++, d = 0; i < n && isdigit((unsigned char)s[i]) && d < 2; i++)
		d++;
	if (!d)
		return false;
	/* a date alone; anything longer (a time) is counted as a timestamp when it starts as one */
	return i == n || s[i] == 'T' || s[i] == 't' || s[i] == ' ';
}

/* isTypeAmbiguous */
static bool type_ambiguous(const char *s, size_t n)
{
	static const char *const words[] = { "null", "~", "true", "false", "y", "yes", "n", "no",
					     "on", "off", ".inf", "-.inf", "+.inf", ".nan" };
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0)
			return true;
	static const char *const bools[] = { "1", "t", "T", "TRUE", "True", "0", "f", "F", "FALSE", "False" };
	for (size_t i = 0; i < ARRAY_SIZE(bools); i++)
		if (strlen(bools[i]) == n && strncmp(s, bools[i], n) == 0)
			return true;
	char buf[128];
	size_t m = 0;
	for (size_t i = 0; i < n && m < sizeof(buf); i++)
		if (s[i] != '_')
			buf[m++] = s[i];
	if (m < sizeof(buf) && (go_int(buf, m) || go_float(buf, m)))
		return true;
	return sexagesimal(s, n) || timestamp(s, n);
}

/* unicode.IsLetter || unicode.IsNumber: exact for Latin-1; beyond it, printable runes outside
 * the punctuation, symbol and emoji blocks count as letters. */
static bool is_letter_or_number(uint32_t r)
{
	if (r < 0x80)
		return isalnum((int)r);
	if (r < 0x100)
		return r == 0xAA || r == 0xB2 || r == 0xB3 || r == 0xB5 || r == 0xB9 || r == 0xBA ||
		       (r >= 0xBC && r <= 0xBE) || (r >= 0xC0 && r != 0xD7 && r != 0xF7);
	return is_print(r) && !(r >= 0x2000 && r <= 0x206F) && !(r >= 0x20A0 && r <= 0x20CF) &&
	       !(r >= 0x2190 && r <= 0x2BFF) && !(r >= 0x3000 && r <= 0x303F) &&
	       !(r >= 0xFE30 && r <= 0xFE4F) && !(r >= 0xFF00 && r <= 0xFF0F) &&
	       !(r >= 0x1F000 && r <= 0x1FAFF);
}

/* needsQuotes (for keys): letters, numbers and _ anywhere, - . / inside */
static bool needs_quotes(const char *s, size_t n)
{
	if (n == 0 || type_ambiguous(s, n))
		return true;
	for (size_t i = 0; i < n;) {
		uint32_t r;
		size_t l = json_utf8_decode((const unsigned char *)s + i, n - i, &r);
		if (!l)
			return true;
		bool inner = i > 0 && i + l < n;
		i += l;
		if (is_letter_or_number(r) || r == '_')
			continue;
		if (inner && (r == '-' || r == '.' || r == '/'))
			continue;
		return true;
	}
	return false;
}

/*
 * What yaml.v3 reads back from a double-quoted JSON string: json.Marshal leaves U+0085 (NEL)
 * raw, and YAML folds it as a line break: spaces before it are dropped, one break becomes a
 * space, n breaks n-1 newlines, spaces after them are dropped.
 */
static void fold_nel(const struct strbuf *in, struct strbuf *out)
{
	const char *s = in->buf;
	size_t n = in->len, i = 0;
	while (i < n) {
		while (i < n && s[i] != ' ' && !(s[i] == '\xC2' && i + 1 < n && s[i + 1] == '\x85'))
			strbuf_addch(out, s[i++]);
		size_t spaces = 0, breaks = 0;
		while (i < n) {
			if (s[i] == ' ') {
				spaces += breaks == 0;
				i++;
			} else if (s[i] == '\xC2' && i + 1 < n && s[i + 1] == '\x85') {
				breaks++;
				i += 2;
			} else {
				break;
			}
		}
		if (breaks == 1)
			strbuf_addch(out, ' ');
		else if (breaks > 1)
			strbuf_addchars(out, '\n', breaks - 1);
		else
			strbuf_addchars(out, ' ', spaces);
	}
}

/* renderString; keys are lazy and compact, values neither */
static void render_string(struct strbuf *out, const char *val, size_t len, int indent, bool key)
{
	struct strbuf raw = STRBUF_INIT, s = STRBUF_INIT;
	json_utf8_sanitize(&raw, val, len); /* what json.Marshal leaves of invalid UTF-8 */
	fold_nel(&raw, &s);
	strbuf_release(&raw);
	bool multi = memchr(s.buf, '\n', s.len) != NULL;
	if (key && !multi && !needs_quotes(s.buf, s.len)) {
		strbuf_add(out, s.buf, s.len);
		strbuf_release(&s);
		return;
	}
	bool folded = multi && !key;
	strbuf_addch(out, '"');
	if (folded)
		strbuf_addstr(out, "\\\n");
	for (size_t i = 0; i < s.len;) {
		uint32_t r;
		size_t l = json_utf8_decode((const unsigned char *)s.buf + i, s.len - i, &r);
		escaped_rune(out, r, indent, key);
		i += l;
	}
	if (folded) {
		if (out->buf[out->len - 1] != '\n')
			strbuf_addstr(out, "\\\n");
		write_indent(out, indent);
	}
	strbuf_addch(out, '"');
	strbuf_release(&s);
}

static void render_node(struct strbuf *out, const json_t *v, int indent)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		if (json_object_size(v) == 0) {
			strbuf_addstr(out, "{}");
			return;
		}
		const char *key;
		json_t *m;
		strbuf_addstr(out, "{\n");
		json_object_foreach((json_t *)v, key, m) {
			write_indent(out, indent + 1);
			render_string(out, key, strlen(key), indent + 1, true);
			strbuf_addstr(out, ": ");
			render_node(out, m, indent + 1);
			strbuf_addstr(out, ",\n");
		}
		write_indent(out, indent);
		strbuf_addch(out, '}');
		return;
	}
	case JSON_ARRAY: {
		if (json_array_size(v) == 0) {
			strbuf_addstr(out, "[]");
			return;
		}
		size_t i;
		json_t *m;
		bool cuddle = true;
		json_array_foreach(v, i, m)
			cuddle = cuddle && (json_is_object(m) || json_is_array(m));
		strbuf_addch(out, '[');
		if (cuddle) {
			/* lists of objects and lists: "[{", "}, {", "}]" */
			json_array_foreach(v, i, m) {
				if (i)
					strbuf_addstr(out, ", ");
				render_node(out, m, indent);
			}
		} else {
			strbuf_addch(out, '\n');
			write_indent(out, indent);
			json_array_foreach(v, i, m) {
				write_indent(out, 1);
				render_node(out, m, indent + 1);
				strbuf_addstr(out, ",\n");
				write_indent(out, indent);
			}
		}
		strbuf_addch(out, ']');
		return;
	}
	case JSON_STRING:
		render_string(out, json_string_value(v), json_string_length(v), indent + 1, false);
		return;
	case JSON_INTEGER:
		strbuf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return;
	case JSON_REAL:
		json_format_go_json_float(out, json_real_value(v));
		return;
	case JSON_TRUE:
		strbuf_addstr(out, "true");
		return;
	case JSON_FALSE:
		strbuf_addstr(out, "false");
		return;
	case JSON_NULL:
		strbuf_addstr(out, "null");
		return;
	}
}

void kyaml_from_json(const json_t *v, struct strbuf *out)
{
	strbuf_addstr(out, "---\n");
	render_node(out, v, 0);
	strbuf_addch(out, '\n');
}
