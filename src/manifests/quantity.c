/* SPDX-License-Identifier: Apache-2.0 */
/*
 * resource.Quantity as apimachinery parses and prints it (ParseQuantity, CanonicalizeBytes):
 * "1000m" -> "1", "0.5" -> "500m", "1024Mi" -> "1Gi", a string already canonical is kept.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifests/schema.h"
#include "util/error.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

typedef __int128 i128;

enum qformat { DECIMAL_EXPONENT, BINARY_SI, DECIMAL_SI };

static const char *const err_format =
	"quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* parseQuantityString */
static int parse_string(const char *str, bool *positive, const char **num, size_t *num_len,
			const char **denom, size_t *denom_len, const char **suffix)
{
	size_t pos = 0, end = strlen(str);
	*positive = true;
	*denom = "";
	*denom_len = 0;
	*suffix = "";
	if (pos < end && (str[0] == '-' || str[0] == '+')) {
		*positive = str[0] != '-';
		pos++;
	}
	while (pos < end && str[pos] == '0')
		pos++;
	if (pos >= end) {
		*num = "0";
		*num_len = 1;
		return 0;
	}
	size_t start = pos;
	while (pos < end && is_digit(str[pos]))
		pos++;
	*num = str + start;
	*num_len = pos - start;
	if (*num_len == 0) {
		*num = "0";
		*num_len = 1;
	}
	if (pos >= end)
		return 0;
	if (str[pos] == '.') {
		pos++;
		start = pos;
		while (pos < end && is_digit(str[pos]))
			pos++;
		*denom = str + start;
		*denom_len = pos - start;
		if (pos >= end)
			return 0;
	}
	size_t sstart = pos;
	while (pos < end && strchr("eEinumkKMGTP", str[pos]))
		pos++;
	if (pos < end && (str[pos] == '-' || str[pos] == '+'))
		pos++;
	while (pos < end && is_digit(str[pos]))
		pos++;
	if (pos < end)
		return error_set(-EINVAL, "%s", err_format);
	*suffix = str + sstart;
	return 0;
}

static const struct {
	const char *s;
	int base, exp;
	enum qformat fmt;
} suffixes[] = {
	{ "", 10, 0, DECIMAL_SI },     { "n", 10, -9, DECIMAL_SI },  { "u", 10, -6, DECIMAL_SI },
	{ "m", 10, -3, DECIMAL_SI },   { "k", 10, 3, DECIMAL_SI },   { "M", 10, 6, DECIMAL_SI },
	{ "G", 10, 9, DECIMAL_SI },    { "T", 10, 12, DECIMAL_SI },  { "P", 10, 15, DECIMAL_SI },
	{ "E", 10, 18, DECIMAL_SI },   { "Ki", 2, 10, BINARY_SI },   { "Mi", 2, 20, BINARY_SI },
	{ "Gi", 2, 30, BINARY_SI },    { "Ti", 2, 40, BINARY_SI },   { "Pi", 2, 50, BINARY_SI },
	{ "Ei", 2, 60, BINARY_SI },
};

static bool interpret(const char *suf, int *base, int *exp, enum qformat *fmt)
{
	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++)
		if (streq(suffixes[i].s, suf)) {
			*base = suffixes[i].base;
			*exp = suffixes[i].exp;
			*fmt = suffixes[i].fmt;
			return true;
		}
	if (strlen(suf) > 1 && (suf[0] == 'e' || suf[0] == 'E')) {
		const char *p = suf + 1;
		if (*p == '+' || *p == '-')
			p++;
		if (!*p)
			return false;
		for (const char *q = p; *q; q++)
			if (!is_digit(*q))
				return false;
		errno = 0;
		long v = strtol(suf + 1, NULL, 10);
		if (errno || v > 100000 || v < -100000)
			return false;
		*base = 10;
		*exp = (int)v;
		*fmt = DECIMAL_EXPONENT;
		return true;
	}
	return false;
}

static void add_i128(struct strbuf *sb, i128 v)
{
	char buf[64];
	int n = 0;
	bool neg = v < 0;
	unsigned __int128 u = neg ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
	do {
		buf[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	if (neg)
		strbuf_addch(sb, '-');
	while (n)
		strbuf_addch(sb, buf[--n]);
}

#define I128_LIMIT ((i128)1 << 120)

/* Go's multiply with overflow check, within our 128-bit budget. */
static bool mul(i128 *v, i128 by)
{
	if (*v > I128_LIMIT / by || *v < -I128_LIMIT / by)
		return false;
	*v *= by;
	return true;
}

int quantity_canonical(const char *str, char **ret)
{
	if (!*str)
		return error_set(-EINVAL, "%s", err_format);
	if (streq(str, "0")) {
		*ret = xstrdup("0");
		return 0;
	}
	bool positive;
	const char *num, *denom, *suf;
	size_t nl, dl;
	int r = parse_string(str, &positive, &num, &nl, &denom, &dl, &suf);
	if (r < 0)
		return r;
	int base, exp;
	enum qformat fmt;
	if (!interpret(suf, &base, &exp, &fmt))
		return error_set(-EINVAL, "unable to parse quantity's suffix");

	/* the fast path keeps an already canonical string */
	int precision = 0, scale = 0;
	if (fmt != BINARY_SI) {
		scale = exp;
		precision = 18 - (int)(nl + dl);
	} else if (exp >= 0 && dl == 0) {
		precision = 15 - (int)nl - (int)((float)exp * 3 / 10) - 1;
	} else {
		precision = -1;
	}
	if (precision >= 0) {
		scale -= (int)dl;
		if (scale >= -9) {
			_cleanup_free_ char *shifted = xasprintf("%.*s%.*s", (int)nl, num, (int)dl, denom);
			int64_t value = strtoll(shifted, NULL, 10);
			size_t sl = strlen(shifted);
			bool keep;
			if (fmt == BINARY_SI)
				keep = exp % 10 == 0 && (value & 0x07) != 0;
			else
				keep = scale % 3 == 0 && !(sl >= 3 && streq(shifted + sl - 3, "000")) &&
				       shifted[0] != '0';
			if (keep && (fmt != BINARY_SI || value < ((int64_t)1 << (62 - exp)))) {
				*ret = xstrdup(str);
				return 0;
			}
		}
	}

	/* value = u * 10^e */
	i128 u = 0;
	for (size_t i = 0; i < nl + dl; i++) {
		char c = i < nl ? num[i] : denom[i - nl];
		if (!mul(&u, 10)) {
			*ret = xstrdup(str); /* beyond 128 bits: kept as written */
			return 0;
		}
		u += c - '0';
	}
	int e = -(int)dl;
	if (base == 10) {
		e += exp;
	} else {
		for (int i = 0; i < exp; i++)
			if (!mul(&u, 2)) {
				*ret = xstrdup(str);
				return 0;
			}
	}
	/* round up (away from zero) to nano units */
	if (e < -9) {
		i128 div = 1;
		for (int i = e; i < -9; i++)
			if (!mul(&div, 10)) {
				div = 0;
				break;
			}
		u = div ? (u + div - 1) / div : 1;
		e = -9;
	}
	if (!positive)
		u = -u;
	if (u == 0) {
		*ret = xstrdup("0");
		return 0;
	}
	struct strbuf sb = STRBUF_INIT;
	if (fmt == BINARY_SI) {
		/* |value| < 1024, or not an integer: printed as DecimalSI */
		i128 iv = u;
		bool integer = true;
		for (int i = e; i < 0; i++) {
			if (iv % 10)
				integer = false;
			iv /= 10;
		}
		for (int i = 0; i < e && integer; i++)
			if (!mul(&iv, 10))
				integer = false;
		i128 abs = iv < 0 ? -iv : iv;
		if (!integer || abs < 1024) {
			fmt = DECIMAL_SI;
		} else {
			int times = 0;
			while (abs >= 1024 && abs % 1024 == 0 && times < 6) {
				abs /= 1024;
				iv /= 1024;
				times++;
			}
			add_i128(&sb, iv);
			static const char *const bin[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
			strbuf_addstr(&sb, bin[times]);
			*ret = strbuf_detach(&sb, NULL);
			return 0;
		}
	}
	while ((u >= 10 || u <= -10) && u % 10 == 0) {
		u /= 10;
		e++;
	}
	while (e % 3 != 0) {
		if (!mul(&u, 10)) {
			*ret = xstrdup(str);
			return 0;
		}
		e--;
	}
	add_i128(&sb, u);
	if (fmt == DECIMAL_EXPONENT) {
		if (e)
			strbuf_addf(&sb, "e%d", e);
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++)
			if (suffixes[i].base == 10 && suffixes[i].exp == e)
				strbuf_addstr(&sb, suffixes[i].s);
	}
	*ret = strbuf_detach(&sb, NULL);
	return 0;
}
