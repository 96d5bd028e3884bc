/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/duration.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strbuf.h"

/* The time package's own quote(): '"' and '\\' escaped, every byte of a control character or
 * of a non-ASCII rune (an invalid byte alone) as \xNN, everything else as is. */
static void time_quote(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	strbuf_addch(sb, '"');
	for (size_t i = 0; i < n;) {
		uint32_t r;
		size_t w = json_utf8_decode(p + i, n - i, &r);
		if (w == 0)
			w = 1;
		if (p[i] >= 0x80 || p[i] < ' ') {
			for (size_t j = 0; j < w; j++)
				strbuf_addf(sb, "\\x%02x", p[i + j]);
		} else {
			if (p[i] == '"' || p[i] == '\\')
				strbuf_addch(sb, '\\');
			strbuf_addch(sb, (char)p[i]);
		}
		i += w;
	}
	strbuf_addch(sb, '"');
}

static int invalid_text(int kind, const char *unit, int unit_len, const char *orig)
{
	_cleanup_strbuf_ struct strbuf q = STRBUF_INIT, u = STRBUF_INIT;
	time_quote(&q, orig, strlen(orig));
	if (kind == 1)
		return error_set(-EINVAL, "time: missing unit in duration %s", q.buf);
	if (kind == 2) {
		time_quote(&u, unit, (size_t)unit_len);
		return error_set(-EINVAL, "time: unknown unit %s in duration %s", u.buf, q.buf);
	}
	return error_set(-EINVAL, "time: invalid duration %s", q.buf);
}

static int invalid(const char *orig)
{
	return invalid_text(0, NULL, 0, orig);
}

/* Leading integer: returns digits consumed, sets *overflow when the value exceeds 1<<63. */
static size_t leading_int(const char *s, uint64_t *ret, bool *overflow)
{
	uint64_t x = 0;
	size_t i = 0;
	*overflow = false;
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		if (x > (UINT64_C(1) << 63) / 10) {
			*overflow = true;
			return i;
		}
		x = x * 10 + (uint64_t)(s[i] - '0');
		if (x > (UINT64_C(1) << 63)) {
			*overflow = true;
			return i;
		}
	}
	*ret = x;
	return i;
}

/* Leading fraction: consumes all digits, keeps as much precision as fits. */
static size_t leading_fraction(const char *s, uint64_t *ret_x, double *ret_scale)
{
	uint64_t x = 0;
	double scale = 1;
	bool overflow = false;
	size_t i = 0;
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		if (overflow)
			continue;
		if (x > (UINT64_C(1) << 63) / 10) {
			overflow = true;
			continue;
		}
		uint64_t y = x * 10 + (uint64_t)(s[i] - '0');
		if (y > (UINT64_C(1) << 63)) {
			overflow = true;
			continue;
		}
		x = y;
		scale *= 10;
	}
	*ret_x = x;
	*ret_scale = scale;
	return i;
}

static const struct {
	const char *name;
	uint64_t ns;
} units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "\xc2\xb5s", 1000 }, /* U+00B5 micro sign */
	{ "\xce\xbcs", 1000 }, /* U+03BC Greek mu */
	{ "ms", 1000000 },
	{ "s", 1000000000 },
	{ "m", UINT64_C(60) * 1000000000 },
	{ "h", UINT64_C(3600) * 1000000000 },
};

int duration_parse(const char *orig, int64_t *ret_ns)
{
	const char *s = orig;
	uint64_t d = 0;
	bool neg = false;

	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	if (streq(s, "0")) {
		*ret_ns = 0;
		return 0;
	}
	if (*s == '\0')
		return invalid(orig);
	while (*s) {
		uint64_t v = 0, f = 0;
		double scale = 1;
		bool overflow;

		if (!(*s == '.' || (*s >= '0' && *s <= '9')))
			return invalid(orig);
		size_t n = leading_int(s, &v, &overflow);
		if (overflow)
			return invalid(orig);
		bool pre = n > 0;
		s += n;
		bool post = false;
		if (*s == '.') {
			s++;
			size_t m = leading_fraction(s, &f, &scale);
			post = m > 0;
			s += m;
		}
		if (!pre && !post)
			return invalid(orig);
		size_t ul = 0;
		while (s[ul] && s[ul] != '.' && !(s[ul] >= '0' && s[ul] <= '9'))
			ul++;
		if (ul == 0)
			return invalid_text(1, NULL, 0, orig);
		uint64_t unit = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strlen(units[i].name) == ul && strneq(units[i].name, s, ul))
				unit = units[i].ns;
		if (unit == 0)
			return invalid_text(2, s, (int)ul, orig);
		s += ul;
		if (v > (UINT64_C(1) << 63) / unit)
			return invalid(orig);
		v *= unit;
		if (f > 0) {
			v += (uint64_t)((double)f * ((double)unit / scale));
			if (v > (UINT64_C(1) << 63))
				return invalid(orig);
		}
		d += v;
		if (d > (UINT64_C(1) << 63))
			return invalid(orig);
	}
	if (neg) {
		*ret_ns = d == (UINT64_C(1) << 63) ? INT64_MIN : -(int64_t)d;
		return 0;
	}
	if (d > (UINT64_C(1) << 63) - 1)
		return invalid(orig);
	*ret_ns = (int64_t)d;
	return 0;
}

/* fmtFrac/fmtInt from Go's time package, writing backwards into buf ending at w. */
static size_t fmt_frac(char *buf, size_t w, uint64_t v, int prec, uint64_t *ret_v)
{
	bool print = false;
	for (int i = 0; i < prec; i++) {
		int digit = (int)(v % 10);
		print = print || digit != 0;
		if (print) {
			w--;
			buf[w] = (char)(digit + '0');
		}
		v /= 10;
	}
	if (print) {
		w--;
		buf[w] = '.';
	}
	*ret_v = v;
	return w;
}

static size_t fmt_int(char *buf, size_t w, uint64_t v)
{
	if (v == 0) {
		w--;
		buf[w] = '0';
		return w;
	}
	while (v > 0) {
		w--;
		buf[w] = (char)(v % 10 + '0');
		v /= 10;
	}
	return w;
}

char *duration_format(int64_t d, char *out, size_t size)
{
	char buf[32];
	size_t w = sizeof(buf);
	uint64_t u = (uint64_t)d;
	bool neg = d < 0;
	if (neg)
		u = -u;

	if (u < 1000000000) {
		int prec = 0;
		w--;
		buf[w] = 's';
		w--;
		if (u == 0) {
			snprintf(out, size, "0s");
			return out;
		} else if (u < 1000) {
			prec = 0;
			buf[w] = 'n';
		} else if (u < 1000000) {
			prec = 3;
			/* U+00B5 'µ' micro sign, two bytes */
			w--;
			memcpy(&buf[w], "\xc2\xb5", 2);
		} else {
			prec = 6;
			buf[w] = 'm';
		}
		w = fmt_frac(buf, w, u, prec, &u);
		w = fmt_int(buf, w, u);
	} else {
		w--;
		buf[w] = 's';
		w = fmt_frac(buf, w, u, 9, &u);
		w = fmt_int(buf, w, u % 60);
		u /= 60;
		if (u > 0) {
			w--;
			buf[w] = 'm';
			w = fmt_int(buf, w, u % 60);
			u /= 60;
			if (u > 0) {
				w--;
				buf[w] = 'h';
				w = fmt_int(buf, w, u);
			}
		}
	}
	if (neg) {
		w--;
		buf[w] = '-';
	}
	snprintf(out, size, "%.*s", (int)(sizeof(buf) - w), buf + w);
	return out;
}
