/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test driver for tests/integration/etcd/run.sh (not installed): the etcd client's operations
 * from the command line.
 *   etcd-probe [-t api_timeout_ms] -e ep1,ep2 -c ca -C cert -k key <op> [args]
 * ops: list | sync | health | status EP | endpoint-health EP | add NAME PEERURL |
 *      add-learner NAME PEERURL | promote HEXID | remove HEXID | member-id PEERURL | wait N
 * Prints one result per line; exits 1 with "error: <message>" on failure.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etcd/etcd.h"
#include "util/error.h"
#include "util/strv.h"

static int parse_hex(const char *s, uint64_t *ret)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 16);
	if (errno || !*s || *end)
		return error_set(-EINVAL, "bad member id %s", s);
	*ret = v;
	return 0;
}

static void print_briefs(struct etcd_member_brief *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%s %s\n", v[i].name, v[i].peer_url);
	etcd_member_briefs_free(v, n);
}

static int run(struct etcd_client *c, int argc, char **argv)
{
	const char *op = argv[0];
	struct etcd_member_brief *b = NULL;
	size_t n = 0;
	uint64_t id = 0;
	int r;
	if (streq(op, "list")) {
		struct etcd_member *m = NULL;
		r = etcd_member_list(c, &m, &n);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *p = strv_join(m[i].peer_urls, ",");
			_cleanup_free_ char *cl = strv_join(m[i].client_urls, ",");
			printf("%" PRIx64 " name=%s peers=%s clients=%s learner=%s\n", m[i].id,
			       m[i].name, p, cl, m[i].is_learner ? "true" : "false");
		}
		etcd_members_free(m, n);
		return 0;
	}
	if (streq(op, "sync")) {
		r = etcd_sync(c);
		if (r >= 0) {
			_cleanup_free_ char *j = strv_join((char **)etcd_client_endpoints(c), ",");
			printf("%s\n", j);
		}
		return r;
	}
	if (streq(op, "health")) {
		r = etcd_check_cluster_health(c);
		if (r >= 0)
			printf("healthy\n");
		return r;
	}
	if (streq(op, "wait") && argc > 1) {
		r = etcd_wait_for_cluster_available(c, (int)strtol(argv[1], NULL, 10), 500); /* test driver only */
		if (r >= 0)
			printf("available\n");
		return r;
	}
	if (streq(op, "status") && argc > 1) {
		struct etcd_status s;
		r = etcd_endpoint_status(c, argv[1], &s);
		if (r >= 0)
			printf("member=%" PRIx64 " leader=%" PRIx64 " version=%s learner=%s\n",
			       s.member_id, s.leader, s.version, s.is_learner ? "true" : "false");
		etcd_status_release(&s);
		return r;
	}
	if (streq(op, "endpoint-health") && argc > 1) {
		r = etcd_endpoint_health(c, argv[1]);
		if (r >= 0)
			printf("healthy\n");
		return r;
	}
	if ((streq(op, "add") || streq(op, "add-learner")) && argc > 2) {
		r = etcd_add_member(c, argv[1], argv[2], streq(op, "add-learner"), &b, &n);
		if (r >= 0)
			print_briefs(b, n);
		return r;
	}
	if (streq(op, "member-id") && argc > 1) {
		r = etcd_get_member_id(c, argv[1], &id);
		if (r >= 0)
			printf("%" PRIx64 "\n", id);
		return r;
	}
	if (streq(op, "promote") && argc > 1) {
		r = parse_hex(argv[1], &id);
		if (r >= 0)
			r = etcd_member_promote(c, id);
		if (r >= 0)
			printf("promoted\n");
		return r;
	}
	if (streq(op, "remove") && argc > 1) {
		r = parse_hex(argv[1], &id);
		if (r >= 0)
			r = etcd_remove_member(c, id, &b, &n);
		if (r >= 0)
			print_briefs(b, n);
		return r;
	}
	return error_set(-EINVAL, "unknown operation %s", op);
}

int main(int argc, char **argv)
{
	const char *eps = NULL, *ca = NULL, *cert = NULL, *key = NULL;
	long timeout = 0, call = 0;
	int o;
	while ((o = getopt(argc, argv, "e:c:C:k:t:T:")) != -1) {
		switch (o) {
		case 'e': eps = optarg; break;
		case 'c': ca = optarg; break;
		case 'C': cert = optarg; break;
		case 'k': key = optarg; break;
		case 't': timeout = strtol(optarg, NULL, 10); break;
		case 'T': call = strtol(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (!eps || optind >= argc) {
		fprintf(stderr, "usage: etcd-probe -e endpoints [-c ca -C cert -k key] [-t ms] op [args]\n");
		return 2;
	}
	_cleanup_strv_free_ char **v = strv_split(eps, ',', true);
	struct etcd_client *c = NULL;
	int r = etcd_client_new(v, ca, cert, key, &c);
	if (r >= 0) {
		etcd_client_set_timeouts(c, call, timeout, 0);
		r = run(c, argc - optind, argv + optind);
	}
	etcd_client_free(c);
	if (r < 0) {
		fprintf(stderr, "error: %s\n", error_message(r));
		return 1;
	}
	return 0;
}
