/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The error texts of Go's pure DNS resolver (net.dnsReadConfig, Resolver.tryOneName) for a
 * name that does not resolve, which kubeadm prints in warnings ("lookup <name> on <server>:
 * ...").
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/*
 * The nameservers Go reads from resolv_conf as "host:53" ("[v6]:53"): the first three valid
 * "nameserver" addresses, or 127.0.0.1:53 and [::1]:53 when the file is missing or names
 * none. NULL-terminated, owned by the caller.
 */
char **resolver_servers(const char *resolv_conf);

/* Whether a UDP socket connects to one of /etc/resolv.conf's nameservers (no packet sent). */
bool resolver_reachable(void);

/*
 * Go's lookup error for name, the getaddrinfo result gai_err (ignored when no nameserver can
 * be dialled): "lookup <name> on <last server>: dial udp <last server>: connect: <errno
 * text>" when none can be dialled (Go keeps the last server's error), else "lookup <name> on
 * <first dialled server>: no such host" (EAI_NONAME, EAI_NODATA) or "...: server
 * misbehaving". Owned by the caller.
 */
char *resolver_lookup_error(const char *name, int gai_err);

/*
 * The socket address of a literal IPv4 or IPv6 address (no brackets) and port: its family
 * (AF_INET, AF_INET6), or -EINVAL when ip is neither.
 */
int sockaddr_from_ip(const char *ip, uint16_t port, struct sockaddr_storage *ss, socklen_t *len);
