/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "config/net.h"
#include "util/macro.h"
#include "util/xalloc.h"

static const uint8_t v4prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static bool parse_v4_sloppy(const char *s, uint8_t out[4])
{
	for (int i = 0; i < 4; i++) {
		if (i > 0) {
			if (*s != '.')
				return false;
			s++;
		}
		if (!isdigit((unsigned char)*s))
			return false;
		unsigned v = 0;
		int n = 0;
		while (isdigit((unsigned char)*s)) {
			v = v * 10 + (unsigned)(*s - '0');
			if (v > 255 || ++n > 3)
				return false;
			s++;
		}
		out[i] = (uint8_t)v;
	}
	return *s == '\0';
}

bool net_parse_ip(const char *s, struct cfg_ip *ret)
{
	struct cfg_ip ip = { 0 };
	if (!s || !*s)
		return false;
	if (strchr(s, ':')) {
		/* glibc accepts forms Go rejects (zones are not IPs for either). */
		if (strchr(s, '%'))
			return false;
		if (inet_pton(AF_INET6, s, ip.a) != 1)
			return false;
		ip.v6 = memcmp(ip.a, v4prefix, 12) != 0;
	} else {
		memcpy(ip.a, v4prefix, 12);
		if (!parse_v4_sloppy(s, ip.a + 12))
			return false;
	}
	*ret = ip;
	return true;
}

bool net_parse_cidr(const char *s, struct cfg_cidr *ret)
{
	const char *slash = strchr(s, '/');
	if (!slash)
		return false;
	_cleanup_free_ char *addr = xstrndup(s, (size_t)(slash - s));
	struct cfg_ip ip;
	if (!net_parse_ip(addr, &ip))
		return false;
	/* Go: an IPv4-mapped IPv6 literal with a prefix is an IPv6 network. */
	bool v6 = strchr(addr, ':') != NULL;
	int bits = v6 ? 128 : 32;
	const char *p = slash + 1;
	if (!*p || strlen(p) > 3)
		return false;
	int ones = 0;
	for (; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return false;
		ones = ones * 10 + (*p - '0');
	}
	/* Go rejects leading zeros in the prefix length ("/08"). */
	if (slash[1] == '0' && slash[2] != '\0')
		return false;
	if (ones > bits)
		return false;
	struct cfg_cidr c = { .ip = ip, .ones = ones, .bits = bits };
	c.ip.v6 = v6;
	int start = v6 ? 0 : 12;
	for (int i = 0; i < (v6 ? 16 : 4); i++) {
		int bit0 = i * 8;
		uint8_t mask;
		if (ones >= bit0 + 8)
			mask = 0xff;
		else if (ones <= bit0)
			mask = 0;
		else
			mask = (uint8_t)(0xff << (8 - (ones - bit0)));
		c.ip.a[start + i] &= mask;
	}
	*ret = c;
	return true;
}

const char *net_ip_string(const struct cfg_ip *ip, char *buf, size_t size)
{
	if (!ip->v6 || memcmp(ip->a, v4prefix, 12) == 0) {
		snprintf(buf, size, "%u.%u.%u.%u", ip->a[12], ip->a[13], ip->a[14], ip->a[15]);
		return buf;
	}
	char tmp[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, ip->a, tmp, sizeof(tmp));
	snprintf(buf, size, "%s", tmp);
	return buf;
}

const char *net_cidr_string(const struct cfg_cidr *c, char *buf, size_t size)
{
	char ip[64];
	if (c->bits == 32)
		snprintf(ip, sizeof(ip), "%u.%u.%u.%u", c->ip.a[12], c->ip.a[13], c->ip.a[14],
			 c->ip.a[15]);
	else {
		char tmp[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, c->ip.a, tmp, sizeof(tmp));
		snprintf(ip, sizeof(ip), "%s", tmp);
	}
	snprintf(buf, size, "%s/%d", ip, c->ones);
	return buf;
}

bool net_ip_is_loopback(const struct cfg_ip *ip)
{
	if (memcmp(ip->a, v4prefix, 12) == 0)
		return ip->a[12] == 127;
	static const uint8_t lo6[16] = { [15] = 1 };
	return memcmp(ip->a, lo6, 16) == 0;
}

bool net_ip_is_unspecified(const struct cfg_ip *ip)
{
	static const uint8_t zero[16];
	if (memcmp(ip->a, v4prefix, 12) == 0)
		return memcmp(ip->a + 12, zero, 4) == 0;
	return memcmp(ip->a, zero, 16) == 0;
}

bool net_cidr_indexed_ip(const struct cfg_cidr *c, uint64_t index, struct cfg_ip *ret)
{
	int hostbits = c->bits - c->ones;
	if (hostbits < 64 && index >= (UINT64_C(1) << hostbits))
		return false;
	struct cfg_ip ip = c->ip;
	uint64_t carry = index;
	for (int i = 15; i >= 0 && carry; i--) {
		uint64_t v = ip.a[i] + (carry & 0xff);
		ip.a[i] = (uint8_t)v;
		carry = (carry >> 8) + (v >> 8);
	}
	*ret = ip;
	return true;
}

static char *addr_err(const char *why, const char *addr)
{
	return xasprintf("address %s: %s", addr, why);
}

bool net_split_host_port(const char *hostport, char **ret_host, char **ret_port, char **ret_err)
{
	const char *missing_port = "missing port in address";
	const char *too_many = "too many colons in address";
	size_t len = strlen(hostport);
	const char *i = strrchr(hostport, ':');
	const char *host_start, *host_end;

	if (!i) {
		*ret_err = addr_err(missing_port, hostport);
		return false;
	}
	if (hostport[0] == '[') {
		const char *end = strchr(hostport, ']');
		if (!end) {
			*ret_err = addr_err("missing ']' in address", hostport);
			return false;
		}
		size_t e = (size_t)(end - hostport);
		if (e + 1 == len) {
			*ret_err = addr_err(missing_port, hostport);
			return false;
		} else if (e + 1 == (size_t)(i - hostport)) {
			/* expected */
		} else {
			if (hostport[e + 1] == ':')
				*ret_err = addr_err(too_many, hostport);
			else
				*ret_err = addr_err(missing_port, hostport);
			return false;
		}
		host_start = hostport + 1;
		host_end = end;
		if (memchr(hostport + 1, '[', (size_t)(end - hostport - 1)) ||
		    strchr(end + 1, ']')) {
			*ret_err = addr_err(strchr(end + 1, ']') ? "unexpected ']' in address"
								 : "unexpected '[' in address",
					    hostport);
			return false;
		}
	} else {
		host_start = hostport;
		host_end = i;
		if (memchr(hostport, ':', (size_t)(i - hostport))) {
			*ret_err = addr_err(too_many, hostport);
			return false;
		}
		if (memchr(hostport, '[', (size_t)(i - hostport))) {
			*ret_err = addr_err("unexpected '[' in address", hostport);
			return false;
		}
		if (memchr(hostport, ']', (size_t)(i - hostport))) {
			*ret_err = addr_err("unexpected ']' in address", hostport);
			return false;
		}
	}
	if (strchr(i + 1, '[')) {
		*ret_err = addr_err("unexpected '[' in address", hostport);
		return false;
	}
	if (strchr(i + 1, ']')) {
		*ret_err = addr_err("unexpected ']' in address", hostport);
		return false;
	}
	*ret_host = xstrndup(host_start, (size_t)(host_end - host_start));
	*ret_port = xstrdup(i + 1);
	return true;
}

bool net_url_scheme(const char *s, char **ret_scheme, char **ret_err)
{
	/* url.getScheme: letters first, then letters, digits, + - .; ':' ends it. */
	for (size_t i = 0; s[i]; i++) {
		char c = s[i];
		if (isalpha((unsigned char)c))
			continue;
		if (isdigit((unsigned char)c) || c == '+' || c == '-' || c == '.') {
			if (i == 0)
				break;
			continue;
		}
		if (c == ':') {
			if (i == 0) {
				*ret_err = xasprintf("parse \"%s\": missing protocol scheme", s);
				return false;
			}
			*ret_scheme = xstrndup(s, i);
			for (char *p = *ret_scheme; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			return true;
		}
		break;
	}
	*ret_scheme = xstrdup("");
	return true;
}
