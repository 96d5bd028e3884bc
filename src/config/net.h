/* SPDX-License-Identifier: Apache-2.0 */
/* The bits of Go's net and k8s.io/utils/net that kubeadm's config code relies on. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct cfg_ip {
	bool v6;            /* a 16-byte address that is not IPv4-mapped */
	uint8_t a[16];      /* IPv4 in a[12..15] with the ::ffff: prefix, as Go stores it */
};

struct cfg_cidr {
	struct cfg_ip ip; /* masked network address */
	int ones, bits;
};

/* netutils.ParseIPSloppy: IPv4 with leading zeros allowed, IPv6, IPv4-mapped IPv6. */
bool net_parse_ip(const char *s, struct cfg_ip *ret);
/* netutils.ParseCIDRSloppy. */
bool net_parse_cidr(const char *s, struct cfg_cidr *ret);
/* Go's IP.String / IPNet.String into buf (>= 64 bytes). */
const char *net_ip_string(const struct cfg_ip *ip, char *buf, size_t size);
const char *net_cidr_string(const struct cfg_cidr *c, char *buf, size_t size);
bool net_ip_is_loopback(const struct cfg_ip *ip);
bool net_ip_is_unspecified(const struct cfg_ip *ip);
/* The index-th address of the CIDR (netutils.GetIndexedIP); false when out of range. */
bool net_cidr_indexed_ip(const struct cfg_cidr *c, uint64_t index, struct cfg_ip *ret);

/*
 * Go's net.SplitHostPort. On error returns false with *ret_err an owned message
 * ("address x: missing port in address").
 */
bool net_split_host_port(const char *hostport, char **ret_host, char **ret_port, char **ret_err);
/* The scheme of a URL as Go's url.Parse sees it ("" when none); false on a parse error. */
bool net_url_scheme(const char *s, char **ret_scheme, char **ret_err);
