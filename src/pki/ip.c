/* SPDX-License-Identifier: Apache-2.0 */
/* IP parsing and printing as Go's net package and k8s.io/utils/net do it. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pki/pki.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Dotted quad with optional leading zeros (ParseIPSloppy reads them as decimal). */
static bool parse_v4_sloppy(const char *s, unsigned char out[4])
{
	for (int i = 0; i < 4; i++) {
		if (i > 0) {
			if (*s != '.')
				return false;
			s++;
		}
		unsigned v = 0, digits = 0;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (unsigned)(*s - '0');
			if (++digits > 3 || v > 255)
				return false;
			s++;
		}
		if (digits == 0)
			return false;
		out[i] = (unsigned char)v;
	}
	return *s == '\0';
}

bool pki_ip_parse(const char *s, unsigned char ret[16], size_t *ret_len)
{
	if (!s || !*s)
		return false;
	if (!strchr(s, ':')) {
		if (!parse_v4_sloppy(s, ret))
			return false;
		*ret_len = 4;
		return true;
	}
	/* Go rejects zones ("fe80::1%eth0"); inet_pton does too. */
	unsigned char a[16];
	if (inet_pton(AF_INET6, s, a) != 1)
		return false;
	static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (memcmp(a, v4mapped, 12) == 0) {
		/* net.IP.To4() != nil: Go treats it as IPv4 everywhere. */
		memcpy(ret, a + 12, 4);
		*ret_len = 4;
		return true;
	}
	memcpy(ret, a, 16);
	*ret_len = 16;
	return true;
}

const char *pki_ip_format(const unsigned char *ip, size_t len, char *buf, size_t bufsz)
{
	if (len == 4) {
		snprintf(buf, bufsz, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
		return buf;
	}
	static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (len == 16 && memcmp(ip, v4mapped, 12) == 0)
		return pki_ip_format(ip + 12, 4, buf, bufsz);
	if (len != 16) {
		snprintf(buf, bufsz, "?");
		return buf;
	}
	/* RFC 5952 as Go: longest run (>= 2) of zero groups, the first one on ties. */
	unsigned g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)ip[2 * i] << 8 | ip[2 * i + 1];
	int best = -1, bestlen = 0;
	for (int i = 0; i < 8;) {
		if (g[i] != 0) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > bestlen && j - i >= 2) {
			best = i;
			bestlen = j - i;
		}
		i = j;
	}
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			strbuf_addstr(&sb, "::");
			i += bestlen - 1;
			continue;
		}
		if (sb.len > 0 && sb.buf[sb.len - 1] != ':')
			strbuf_addch(&sb, ':');
		strbuf_addf(&sb, "%x", g[i]);
	}
	snprintf(buf, bufsz, "%s", sb.buf);
	strbuf_release(&sb);
	return buf;
}

/* netutils.ParseCIDRSloppy + GetIndexedIP(cidr, 1). */
static int first_ip_of_cidr(const char *cidr, char **ret)
{
	_cleanup_free_ char *ip = xstrdup(cidr);
	char *slash = strchr(ip, '/');
	if (!slash)
		return error_set(-EINVAL, "invalid CIDR address: %s", cidr);
	*slash = '\0';
	const char *bits = slash + 1;
	unsigned char a[16];
	size_t len;
	if (!pki_ip_parse(ip, a, &len) || !*bits)
		return error_set(-EINVAL, "invalid CIDR address: %s", cidr);
	unsigned prefix = 0;
	for (const char *s = bits; *s; s++) {
		if (*s < '0' || *s > '9' || prefix > 128)
			return error_set(-EINVAL, "invalid CIDR address: %s", cidr);
		prefix = prefix * 10 + (unsigned)(*s - '0');
	}
	/* An IPv4 address written in IPv6 form keeps its /96+ prefix in Go; keep it simple. */
	if (prefix > len * 8)
		return error_set(-EINVAL, "invalid CIDR address: %s", cidr);
	for (size_t i = 0; i < len; i++) {
		unsigned keep = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - i * 8 : 0;
		a[i] &= (unsigned char)(0xff00u >> keep);
	}
	/* network + 1, with carry; beyond the range: kubeadm's error */
	unsigned char net[16];
	memcpy(net, a, len);
	for (size_t i = len; i-- > 0;) {
		if (++a[i] != 0)
			break;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned keep = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - i * 8 : 0;
		unsigned char m = (unsigned char)(0xff00u >> keep);
		if ((a[i] & m) != (net[i] & m)) {
			char b[64];
			return error_set(-EINVAL,
					 "unable to get the first IP address from the given CIDR: %s/%u: "
					 "can't generate IP with index 1 from subnet. subnet too small. "
					 "subnet: %s/%u",
					 pki_ip_format(net, len, b, sizeof(b)), prefix, b, prefix);
		}
	}
	char buf[64];
	*ret = xstrdup(pki_ip_format(a, len, buf, sizeof(buf)));
	return 0;
}

int pki_service_vip(const char *subnets, char **ret)
{
	_cleanup_strv_free_ char **v = strv_split(strempty(subnets), ',', false);
	if (!v || !v[0] || !*v[0])
		return error_set(-EINVAL, "unable to get internal Kubernetes Service IP from the "
					  "given service CIDR: received empty ServiceSubnet");
	/* netutils.ParseCIDRs validates every entry; the VIP comes from the first one. */
	_cleanup_free_ char *vip = NULL;
	STRV_FOREACH(s, v) {
		_cleanup_free_ char *tmp = NULL;
		int r = first_ip_of_cidr(*s, &tmp);
		if (r < 0 && s == v)
			return error_wrap(r, "unable to get internal Kubernetes Service IP from the "
					     "given service CIDR: unable to parse ServiceSubnet %s",
					  subnets);
		if (r < 0)
			return error_set(r, "unable to get internal Kubernetes Service IP from the "
					    "given service CIDR: unable to parse ServiceSubnet %s: "
					    "invalid CIDR address: %s",
					 subnets, *s);
		if (s == v)
			vip = TAKE_PTR(tmp);
	}
	*ret = TAKE_PTR(vip);
	return 0;
}
