/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <signal.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include "etcd/etcd.h"
#include "util/error.h"
#include "util/strv.h"

static void test_urls(void **state)
{
	(void)state;
	char *u = etcd_client_url("10.0.0.1");
	assert_string_equal(u, "https://10.0.0.1:2379");
	free(u);
	u = etcd_peer_url("fd00::1");
	assert_string_equal(u, "https://[fd00::1]:2380");
	free(u);
}

static void test_endpoints_from_pods(void **state)
{
	(void)state;
	json_t *pl = json_loads(
		"{\"items\":[{\"metadata\":{\"name\":\"etcd-a\",\"annotations\":{\"kubeadm.kubernetes.io/etcd.advertise-client-urls\":\"https://10.0.0.1:2379\"}}},"
		"{\"metadata\":{\"name\":\"etcd-b\"}}]}", 0, NULL);
	char **eps = NULL;
	size_t pods = 0;
	assert_int_equal(etcd_endpoints_from_pods(pl, &eps, &pods), 0);
	assert_int_equal(pods, 2);
	assert_int_equal(strv_length(eps), 1);
	assert_string_equal(eps[0], "https://10.0.0.1:2379");
	strv_free(eps);
	json_decref(pl);
	pl = json_loads("{\"items\":{}}", 0, NULL);
	assert_int_equal(etcd_endpoints_from_pods(pl, &eps, &pods), -EBADMSG);
	json_decref(pl);
}

static void test_manifest(void **state)
{
	(void)state;
	char dir[] = "/tmp/etcd-test.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof(path), "%s/etcd.yaml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n"
	      "    kubeadm.kubernetes.io/etcd.advertise-client-urls: https://10.0.0.9:2379\n"
	      "  name: etcd\nspec:\n  volumes:\n  - hostPath:\n      path: /etc/kubernetes/pki/etcd\n"
	      "    name: etcd-certs\n  - hostPath:\n      path: /data/etcd\n    name: etcd-data\n", f);
	fclose(f);
	char *ep = NULL, *dd = NULL;
	assert_int_equal(etcd_manifest_read(AT_FDCWD, path, &ep, &dd), 0);
	assert_string_equal(ep, "https://10.0.0.9:2379");
	assert_string_equal(dd, "/data/etcd");
	free(ep);
	free(dd);
	f = fopen(path, "w");
	fputs("apiVersion: v1\nkind: Service\n", f);
	fclose(f);
	assert_int_equal(etcd_manifest_read(AT_FDCWD, path, &ep, &dd), -EBADMSG);
	unlink(path);
	assert_int_equal(etcd_manifest_read(AT_FDCWD, path, &ep, &dd), -ENOENT);
	rmdir(dir);
}


/* A one-thread HTTP server on 127.0.0.1 answering each connection with the next canned
 * response (status, body) and recording the request line and body. */
struct canned {
	int status;
	const char *body;
	size_t repeat; /* body repeated this many times (0 = once) */
};

struct fake_server {
	int fd;
	int port;
	const struct canned *resp;
	size_t n;
	char requests[8][512];
	size_t served;
	pthread_t th;
};

static void *serve(void *arg)
{
	struct fake_server *s = arg;
	for (size_t i = 0; i < s->n; i++) {
		int c = accept(s->fd, NULL, NULL);
		if (c < 0)
			break;
		char buf[8192];
		size_t got = 0;
		/* read until the headers and the announced body are in */
		for (;;) {
			ssize_t k = read(c, buf + got, sizeof(buf) - 1 - got);
			if (k <= 0)
				break;
			got += (size_t)k;
			buf[got] = '\0';
			char *end = strstr(buf, "\r\n\r\n");
			if (!end)
				continue;
			char *cl = strcasestr(buf, "Content-Length:");
			size_t want = cl ? (size_t)strtoul(cl + 15, NULL, 10) : 0;
			if (got >= (size_t)(end + 4 - buf) + want)
				break;
		}
		if (i < 8) {
			char *line_end = strstr(buf, "\r\n");
			char *body = strstr(buf, "\r\n\r\n");
			snprintf(s->requests[i], sizeof(s->requests[i]), "%.*s %s",
				 line_end ? (int)(line_end - buf) : 0, buf, body ? body + 4 : "");
		}
		const struct canned *r = &s->resp[i];
		size_t reps = r->repeat ? r->repeat : 1;
		size_t blen = strlen(r->body) * reps;
		char hdr[256];
		int hl = snprintf(hdr, sizeof(hdr),
				  "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
				  r->status, blen);
		if (write(c, hdr, (size_t)hl) < 0) {
			close(c);
			break;
		}
		for (size_t k = 0; k < reps; k++)
			if (write(c, r->body, strlen(r->body)) < 0)
				break;
		close(c);
		s->served++;
	}
	return NULL;
}

static void server_start(struct fake_server *s, const struct canned *resp, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->resp = resp;
	s->n = n;
	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s->fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	socklen_t al = sizeof(a);
	assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &al), 0);
	s->port = ntohs(a.sin_port);
	assert_int_equal(listen(s->fd, 8), 0);
	assert_int_equal(pthread_create(&s->th, NULL, serve, s), 0);
}

static void server_stop(struct fake_server *s)
{
	shutdown(s->fd, SHUT_RDWR);
	close(s->fd);
	pthread_join(s->th, NULL);
}

static struct etcd_client *client_for(const struct fake_server *s)
{
	char ep[64];
	snprintf(ep, sizeof(ep), "http://127.0.0.1:%d", s->port);
	char *eps[] = { ep, NULL };
	struct etcd_client *c = NULL;
	assert_int_equal(etcd_client_new(eps, NULL, NULL, NULL, &c), 0);
	etcd_client_set_timeouts(c, 2000, 1500, 50);
	return c;
}

/* uint64 fields come as decimal strings (the gateway's encoding) or plain numbers; a member
 * without a name is a learner that has not started. */
static void test_member_list_decoding(void **state)
{
	(void)state;
	static const struct canned resp[] = {
		{ 200, "{\"header\":{\"cluster_id\":\"1\"},\"members\":["
		       "{\"ID\":\"18446744073709551615\",\"name\":\"a\",\"peerURLs\":[\"https://10.0.0.1:2380\"],"
		       "\"clientURLs\":[\"https://10.0.0.1:2379\"]},"
		       "{\"ID\":42,\"peerURLs\":[\"https://10.0.0.2:2380\"],\"isLearner\":true}]}" },
	};
	struct fake_server s;
	server_start(&s, resp, 1);
	struct etcd_client *c = client_for(&s);
	struct etcd_member *m = NULL;
	size_t n = 0;
	assert_int_equal(etcd_member_list(c, &m, &n), 0);
	assert_int_equal(n, 2);
	assert_true(m[0].id == UINT64_MAX);
	assert_string_equal(m[0].name, "a");
	assert_string_equal(m[0].client_urls[0], "https://10.0.0.1:2379");
	assert_false(m[0].is_learner);
	assert_true(m[1].id == 42);
	assert_string_equal(m[1].name, "");
	assert_null(m[1].client_urls[0]);
	assert_true(m[1].is_learner);
	etcd_members_free(m, n);
	etcd_client_free(c);
	server_stop(&s);
	assert_non_null(strstr(s.requests[0], "POST /v3/cluster/member/list"));
	assert_non_null(strstr(s.requests[0], "\"linearizable\":true"));
}

static void test_malformed_answers(void **state)
{
	(void)state;
	static const struct canned resp[] = {
		{ 200, "{\"members\":[{\"ID\":\"12x\",\"peerURLs\":[]}]}" },
		{ 200, "{\"members\":[{\"ID\":\"-1\"}]}" },
		{ 200, "{\"members\":[{\"ID\":\"99999999999999999999\"}]}" },
		{ 200, "not json" },
		{ 200, "{\"members\":{}}" },
		{ 200, "[]" },
	};
	struct fake_server s;
	server_start(&s, resp, ARRAY_SIZE(resp));
	struct etcd_client *c = client_for(&s);
	for (size_t i = 0; i < ARRAY_SIZE(resp); i++) {
		struct etcd_member *m = NULL;
		size_t n = 0;
		assert_int_equal(etcd_member_list(c, &m, &n), -EBADMSG);
	}
	etcd_client_free(c);
	server_stop(&s);
}

/* etcd's errors keep their text and map once: not found -> -ENOENT, peer URL exists -> -EEXIST. */
static void test_error_mapping(void **state)
{
	(void)state;
	static const struct canned resp[] = {
		{ 404, "{\"code\":5,\"message\":\"etcdserver: member not found\"}" },
		{ 400, "{\"code\":9,\"message\":\"etcdserver: Peer URLs already exists\"}" },
		{ 503, "{\"code\":14,\"error\":\"etcdserver: leader changed\"}" },
		{ 500, "" },
	};
	struct fake_server s;
	server_start(&s, resp, ARRAY_SIZE(resp));
	struct etcd_client *c = client_for(&s);
	struct etcd_member *m = NULL;
	size_t n = 0;
	int r = etcd_member_list(c, &m, &n);
	assert_int_equal(r, -ENOENT);
	assert_string_equal(error_message(r), "etcdserver: member not found");
	r = etcd_member_list(c, &m, &n);
	assert_int_equal(r, -EEXIST);
	r = etcd_member_list(c, &m, &n);
	assert_int_equal(r, -ECONNREFUSED);
	assert_string_equal(error_message(r), "etcdserver: leader changed");
	r = etcd_member_list(c, &m, &n);
	assert_int_equal(r, -EIO);
	assert_non_null(strstr(error_message(r), "HTTP status 500"));
	etcd_client_free(c);
	server_stop(&s);
}

/* Answers larger than the cap are refused, not buffered. */
static void test_body_cap(void **state)
{
	(void)state;
	static const struct canned resp[] = {
		{ 200, "{\"members\":[]}                                                               ",
		  (ETCD_MAX_RESPONSE / 64) + 16 },
	};
	struct fake_server s;
	server_start(&s, resp, 1);
	struct etcd_client *c = client_for(&s);
	struct etcd_member *m = NULL;
	size_t n = 0;
	assert_int_equal(etcd_member_list(c, &m, &n), -EFBIG);
	etcd_client_free(c);
	server_stop(&s);
}

/* RemoveMember: a member already gone (not in the list) is success without a remove call; a
 * remove that races with another remover ("member not found") is success too. */
static void test_remove_tolerates_gone(void **state)
{
	(void)state;
	static const struct canned resp[] = {
		/* 1st: list without id 7 -> done */
		{ 200, "{\"members\":[{\"ID\":\"1\",\"name\":\"a\",\"peerURLs\":[\"https://a:2380\"]}]}" },
		/* 2nd: list with id 7, remove says not found, list again */
		{ 200, "{\"members\":[{\"ID\":\"1\",\"name\":\"a\",\"peerURLs\":[\"https://a:2380\"]},"
		       "{\"ID\":\"7\",\"name\":\"b\",\"peerURLs\":[\"https://b:2380\"]}]}" },
		{ 404, "{\"code\":5,\"message\":\"etcdserver: member not found\"}" },
		{ 200, "{\"members\":[{\"ID\":\"1\",\"name\":\"a\",\"peerURLs\":[\"https://a:2380\"]}]}" },
	};
	struct fake_server s;
	server_start(&s, resp, ARRAY_SIZE(resp));
	struct etcd_client *c = client_for(&s);
	struct etcd_member_brief *b = NULL;
	size_t n = 0;
	assert_int_equal(etcd_remove_member(c, 7, &b, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(b[0].peer_url, "https://a:2380");
	etcd_member_briefs_free(b, n);
	assert_int_equal(etcd_remove_member(c, 7, &b, &n), 0);
	assert_int_equal(n, 1);
	etcd_member_briefs_free(b, n);
	etcd_client_free(c);
	server_stop(&s);
	assert_non_null(strstr(s.requests[2], "POST /v3/cluster/member/remove"));
	assert_non_null(strstr(s.requests[2], "{\"ID\":\"7\"}"));
}

/* AddMember: the new member is named as asked, nameless others by their hex id. */
static void test_add_names(void **state)
{
	(void)state;
	static const struct canned resp[] = {
		{ 200, "{\"members\":[{\"ID\":\"1\",\"name\":\"a\",\"peerURLs\":[\"https://a:2380\"]}]}" },
		{ 200, "{\"members\":[{\"ID\":\"1\",\"name\":\"a\",\"peerURLs\":[\"https://a:2380\"]},"
		       "{\"ID\":\"255\",\"peerURLs\":[\"https://c:2380\"],\"isLearner\":true},"
		       "{\"ID\":\"9\",\"peerURLs\":[\"https://10.0.0.9:2380\"],\"isLearner\":true}]}" },
	};
	struct fake_server s;
	server_start(&s, resp, ARRAY_SIZE(resp));
	struct etcd_client *c = client_for(&s);
	struct etcd_member_brief *b = NULL;
	size_t n = 0;
	assert_int_equal(etcd_add_member(c, "node9", "https://10.0.0.9:2380", true, &b, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(b[1].name, "ff");
	assert_string_equal(b[2].name, "node9");
	etcd_member_briefs_free(b, n);
	/* a learner does not become an endpoint */
	assert_null(etcd_client_endpoints(c)[1]);
	etcd_client_free(c);
	server_stop(&s);
	assert_non_null(strstr(s.requests[1], "\"isLearner\":true"));
	assert_non_null(strstr(s.requests[1], "\"peerURLs\":[\"https://10.0.0.9:2380\"]"));
}

/* --resume: our peer URL already a learner that never started: removed, then added again;
 * without the option the addition is skipped (kubeadm). */
static void test_readd_unstarted(void **state)
{
	(void)state;
	static const struct canned resp[] = {
		/* with the option: list (ours unstarted), remove, add */
		{ 200, "{\"members\":[{\"ID\":\"1\",\"name\":\"a\",\"peerURLs\":[\"https://a:2380\"]},"
		       "{\"ID\":\"9\",\"peerURLs\":[\"https://10.0.0.9:2380\"],\"isLearner\":true}]}" },
		{ 200, "{\"members\":[{\"ID\":\"1\",\"name\":\"a\",\"peerURLs\":[\"https://a:2380\"]}]}" },
		{ 200, "{\"members\":[{\"ID\":\"1\",\"name\":\"a\",\"peerURLs\":[\"https://a:2380\"]},"
		       "{\"ID\":\"10\",\"peerURLs\":[\"https://10.0.0.9:2380\"],\"isLearner\":true}]}" },
		/* the option spent: list (ours unstarted) -> the addition skipped, as kubeadm */
		{ 200, "{\"members\":[{\"ID\":\"1\",\"name\":\"a\",\"peerURLs\":[\"https://a:2380\"]},"
		       "{\"ID\":\"10\",\"peerURLs\":[\"https://10.0.0.9:2380\"],\"isLearner\":true}]}" },
	};
	struct fake_server s;
	server_start(&s, resp, ARRAY_SIZE(resp));
	struct etcd_client *c = client_for(&s);
	etcd_client_set_readd_unstarted(c, true);
	struct etcd_member_brief *b = NULL;
	size_t n = 0;
	assert_int_equal(etcd_add_member(c, "node9", "https://10.0.0.9:2380", true, &b, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(b[1].name, "node9");
	etcd_member_briefs_free(b, n);
	assert_int_equal(etcd_add_member(c, "node9", "https://10.0.0.9:2380", true, &b, &n), 0);
	assert_int_equal(n, 2);
	etcd_member_briefs_free(b, n);
	etcd_client_free(c);
	server_stop(&s);
	assert_int_equal(s.served, 4);
	assert_non_null(strstr(s.requests[1], "POST /v3/cluster/member/remove"));
	assert_non_null(strstr(s.requests[1], "{\"ID\":\"9\"}"));
	assert_non_null(strstr(s.requests[2], "POST /v3/cluster/member/add"));
	assert_non_null(strstr(s.requests[3], "/v3/cluster/member/list"));
}

static void test_dead_endpoint(void **state)
{
	(void)state;
	/* port 1 on loopback: nothing listens; a refused connection is a quick, clear error */
	char *eps[] = { "http://127.0.0.1:1", NULL };
	struct etcd_client *c = NULL;
	assert_int_equal(etcd_client_new(eps, NULL, NULL, NULL, &c), 0);
	etcd_client_set_timeouts(c, 500, 600, 100);
	struct etcd_member_brief *b = NULL;
	size_t n = 0;
	int r = etcd_list_members(c, &b, &n);
	assert_true(r == -ECONNREFUSED || r == -ETIMEDOUT);
	assert_non_null(strstr(error_message(r), "127.0.0.1:1"));
	/* with retries, the last error comes back once the budget is spent */
	r = etcd_remove_member(c, 1, &b, &n);
	assert_true(r == -ECONNREFUSED || r == -ETIMEDOUT);
	etcd_client_free(c);
	char *none[] = { NULL };
	assert_int_equal(etcd_client_new(none, NULL, NULL, NULL, &c), -EINVAL);
}

int main(void)
{
	/* the scripted server writes to clients that may have hung up */
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_endpoints_from_pods),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_dead_endpoint),
		cmocka_unit_test(test_member_list_decoding),
		cmocka_unit_test(test_malformed_answers),
		cmocka_unit_test(test_error_mapping),
		cmocka_unit_test(test_body_cap),
		cmocka_unit_test(test_remove_tolerates_gone),
		cmocka_unit_test(test_add_names),
		cmocka_unit_test(test_readd_unstarted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
