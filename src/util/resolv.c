/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/error.h"
#include "util/macro.h"
#include "util/resolv.h"
#include "util/strv.h"
#include "util/xalloc.h"

char **resolver_servers(const char *resolv_conf)
{
	char **servers = NULL;
	_cleanup_fclose_ FILE *f = fopen(resolv_conf, "re");
	char line[512];
	while (f && fgets(line, sizeof(line), f) && strv_length(servers) < 3) {
		char ns[256];
		unsigned char ip[16];
		if (sscanf(line, "nameserver %255s", ns) != 1)
			continue;
		if (inet_pton(AF_INET, ns, ip) == 1)
			strv_consume(&servers, xasprintf("%s:53", ns));
		else if (inet_pton(AF_INET6, ns, ip) == 1)
			strv_consume(&servers, xasprintf("[%s]:53", ns));
	}
	if (!servers) {
		strv_push(&servers, "127.0.0.1:53");
		strv_push(&servers, "[::1]:53");
	}
	return servers;
}

int sockaddr_from_ip(const char *ip, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, ip, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		*len = sizeof(*in4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, ip, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return AF_INET6;
	}
	return -EINVAL;
}

/* Go's dial of the resolver's UDP socket to "host:53" (connect only): 0 or -errno. */
static int dial_udp(const char *hostport)
{
	_cleanup_free_ char *host = xstrdup(hostport);
	char *colon = strrchr(host, ':');
	if (colon)
		*colon = '\0';
	char *h = host;
	if (h[0] == '[') {
		h++;
		h[strcspn(h, "]")] = '\0';
	}
	struct sockaddr_storage ss;
	socklen_t len;
	int fam = sockaddr_from_ip(h, 53, &ss, &len);
	if (fam < 0)
		return 0;
	int fd = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int r = connect(fd, (struct sockaddr *)&ss, len) < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* The first server that dials (*ret_dial 0), else the last one (*ret_dial its -errno). */
static char *pick_server(int *ret_dial)
{
	_cleanup_strv_free_ char **servers = resolver_servers("/etc/resolv.conf");
	char **s = servers;
	int r;
	while ((r = dial_udp(*s)) < 0 && s[1])
		s++;
	*ret_dial = r;
	return xstrdup(*s);
}

bool resolver_reachable(void)
{
	int dial;
	_cleanup_free_ char *server = pick_server(&dial);
	return dial == 0;
}

char *resolver_lookup_error(const char *name, int gai_err)
{
	int dial;
	_cleanup_free_ char *server = pick_server(&dial);
	if (dial < 0) {
		return xasprintf("lookup %s on %s: dial udp %s: connect: %s", name, server, server,
				 go_strerror(-dial));
	}
	return xasprintf("lookup %s on %s: %s", name, server,
			 gai_err == EAI_NONAME || gai_err == EAI_NODATA ? "no such host"
									 : "server misbehaving");
}
