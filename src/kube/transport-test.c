/* SPDX-License-Identifier: Apache-2.0 */
/* kube/transport: HTTP/1.1 framing, keep-alive, redirects, caps and errors against a raw server
 * (TLS is exercised against real API servers and etcd by tests/integration). */
#include "util/testing.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kube/transport.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* A server answering the n-th request it reads with raw[n] (written as is); "" closes the
 * connection without answering. Counts the connections it accepted. */
struct raw_server {
	int fd, port;
	const char *const *raw;
	size_t n, next;
	int accepts;
	struct strbuf requests; /* each request's head and body */
	pthread_t thr;
};

static void *raw_serve(void *p)
{
	struct raw_server *s = p;
	while (s->next < s->n) {
		int c = accept(s->fd, NULL, NULL);
		if (c < 0)
			return NULL;
		s->accepts++;
		char buf[65536];
		size_t len = 0;
		while (s->next < s->n) {
			char *end;
			ssize_t k;
			while (!(end = memmem(buf, len, "\r\n\r\n", 4)) &&
			       (k = read(c, buf + len, sizeof(buf) - len - 1)) > 0)
				len += (size_t)k;
			if (!end)
				break;
			size_t hdr = (size_t)(end - buf) + 4, clen = 0;
			buf[len] = 0;
			char *cl = strcasestr(buf, "Content-Length:");
			if (cl && cl < end)
				clen = strtoul(cl + 15, NULL, 10);
			while (len < hdr + clen && (k = read(c, buf + len, sizeof(buf) - len - 1)) > 0)
				len += (size_t)k;
			strbuf_add(&s->requests, buf, hdr + clen);
			memmove(buf, buf + hdr + clen, len - hdr - clen);
			len -= hdr + clen;
			const char *r = s->raw[s->next++];
			if (!*r)
				break;
			if (write(c, r, strlen(r)) < 0)
				break;
			if (strstr(r, "Connection: close"))
				break;
		}
		close(c);
	}
	return NULL;
}

static void raw_start(struct raw_server *s, const char *const *raw, size_t n)
{
	memset(s, 0, sizeof(*s));
	strbuf_init(&s->requests, 0);
	s->raw = raw;
	s->n = n;
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	socklen_t al = sizeof(a);
	getsockname(s->fd, (struct sockaddr *)&a, &al);
	s->port = ntohs(a.sin_port);
	assert_int_equal(listen(s->fd, 8), 0);
	pthread_create(&s->thr, NULL, raw_serve, s);
}

static void raw_stop(struct raw_server *s)
{
	shutdown(s->fd, SHUT_RDWR);
	close(s->fd);
	pthread_join(s->thr, NULL);
	strbuf_release(&s->requests);
}

static int get(struct http_conn **conn, int port, const char *path, size_t max,
	       struct http_response *resp)
{
	_cleanup_free_ char *url = xasprintf("http://127.0.0.1:%d%s", port, path);
	const struct http_request req = { .method = "GET", .url = url, .timeout_ms = 2000,
					  .max_body = max, .max_redirects = 3 };
	return http_perform(conn, &req, resp);
}

static void test_framing_and_keep_alive(void **state)
{
	(void)state;
	static const char *const raw[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
		 "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nTrailer: x\r\n\r\n"),
		"HTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.0 200 OK\r\n\r\nto the end",
	};
	struct raw_server s;
	raw_start(&s, raw, ARRAY_SIZE(raw));
	struct http_conn *conn = NULL;
	struct http_response resp;
	assert_int_equal(get(&conn, s.port, "/a", 0, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.body, "hello");
	http_response_release(&resp);
	assert_non_null(conn);
	assert_int_equal(get(&conn, s.port, "/b?x=1", 0, &resp), 0);
	assert_int_equal(resp.status, 201);
	assert_int_equal(resp.len, 7);
	assert_string_equal(resp.body, "abcdefg");
	http_response_release(&resp);
	assert_int_equal(get(&conn, s.port, "/c", 0, &resp), 0);
	assert_int_equal(resp.status, 204);
	assert_int_equal(resp.len, 0);
	http_response_release(&resp);
	/* HTTP/1.0 without a length: the body runs to the end, the connection is not kept */
	assert_int_equal(get(&conn, s.port, "/d", 0, &resp), 0);
	assert_string_equal(resp.body, "to the end");
	http_response_release(&resp);
	assert_null(conn);
	pthread_join(s.thr, NULL);
	/* four requests, one connection */
	assert_int_equal(s.accepts, 1);
	assert_non_null(strstr(s.requests.buf, "GET /b?x=1 HTTP/1.1\r\nHost: 127.0.0.1:"));
	close(s.fd);
	strbuf_release(&s.requests);
}

static void test_request_body_and_headers(void **state)
{
	(void)state;
	static const char *const raw[] = { "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}" };
	struct raw_server s;
	raw_start(&s, raw, ARRAY_SIZE(raw));
	_cleanup_free_ char *url = xasprintf("http://127.0.0.1:%d/api", s.port);
	static const char *const headers[] = { "Content-Type: application/json", NULL };
	const struct http_request req = { .method = "PATCH", .url = url, .headers = headers,
					  .body = "{\"a\":1}", .body_len = 7, .timeout_ms = 2000 };
	struct http_response resp;
	assert_int_equal(http_perform(NULL, &req, &resp), 0);
	http_response_release(&resp);
	pthread_join(s.thr, NULL);
	assert_non_null(strstr(s.requests.buf, "PATCH /api HTTP/1.1\r\n"));
	assert_non_null(strstr(s.requests.buf, "Content-Type: application/json\r\n"));
	assert_non_null(strstr(s.requests.buf, "Content-Length: 7\r\n\r\n{\"a\":1}"));
	close(s.fd);
	strbuf_release(&s.requests);
}

static void test_redirect_and_stale_connection(void **state)
{
	(void)state;
	static const char *const raw[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1",
		"", /* the kept connection is closed by the server: the client retries once */
		"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nhere",
	};
	struct raw_server s;
	raw_start(&s, raw, ARRAY_SIZE(raw));
	struct http_conn *conn = NULL;
	struct http_response resp;
	assert_int_equal(get(&conn, s.port, "/one", 0, &resp), 0);
	http_response_release(&resp);
	assert_int_equal(get(&conn, s.port, "/start", 0, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.body, "here");
	http_response_release(&resp);
	http_conn_close(conn);
	pthread_join(s.thr, NULL);
	assert_non_null(strstr(s.requests.buf, "GET /elsewhere HTTP/1.1"));
	close(s.fd);
	strbuf_release(&s.requests);
}

static void test_errors(void **state)
{
	(void)state;
	static const char *const raw[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789",
		"HTTP/1.1 200 OK\r\nContent-Length: 64\r\nConnection: close\r\n\r\n",
		"garbage\r\n\r\n",
	};
	struct raw_server s;
	raw_start(&s, raw, ARRAY_SIZE(raw));
	struct http_response resp;
	/* a body longer than the cap: -EFBIG, the status is known */
	assert_int_equal(get(NULL, s.port, "/big", 16, &resp), -EFBIG);
	assert_int_equal(resp.failure, HTTP_F_TOOBIG);
	assert_int_equal(resp.status, 200);
	/* cut short: an error, never a partial body */
	assert_int_equal(get(NULL, s.port, "/short", 0, &resp), -EIO);
	assert_int_equal(resp.failure, HTTP_F_EOF);
	assert_null(resp.body);
	assert_int_equal(get(NULL, s.port, "/bad", 0, &resp), -EIO);
	assert_int_equal(resp.failure, HTTP_F_PROTO);
	raw_stop(&s);

	/* nobody listening: Go's dial error */
	int port = s.port;
	assert_int_equal(get(NULL, port, "/", 0, &resp), -ECONNREFUSED);
	_cleanup_free_ char *want = xasprintf("dial tcp 127.0.0.1:%d: connect: connection refused",
					      port);
	assert_string_equal(resp.error, want);
	/* not a URL we speak */
	const struct http_request bad = { .method = "GET", .url = "ftp://x/" };
	assert_int_equal(http_perform(NULL, &bad, &resp), -EINVAL);
	assert_int_equal(resp.failure, HTTP_F_URL);
}

static void test_timeout(void **state)
{
	(void)state;
	/* a listener that never accepts: the request's deadline ends the wait for an answer */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	socklen_t al = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &al);
	assert_int_equal(listen(fd, 8), 0);
	_cleanup_free_ char *url = xasprintf("http://127.0.0.1:%d/", ntohs(a.sin_port));
	const struct http_request req = { .method = "GET", .url = url, .timeout_ms = 200 };
	struct http_response resp;
	assert_int_equal(http_perform(NULL, &req, &resp), -ETIMEDOUT);
	assert_int_equal(resp.failure, HTTP_F_TIMEOUT);
	assert_non_null(strstr(resp.error, "Client.Timeout exceeded while awaiting headers"));
	close(fd);
}

/* Proxies from the environment (Go's ProxyFromEnvironment): a plain request goes to the proxy
 * with the whole URL, an https one asks for a CONNECT tunnel, a NO_PROXY entry for another host
 * does not apply, loopback never goes through a proxy. No name is ever resolved here: every
 * connection is to the test's server on 127.0.0.1. */
static void test_proxy(void **state)
{
	(void)state;
	static const char *const raw[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
		"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\ndirect",
	};
	struct raw_server s;
	raw_start(&s, raw, ARRAY_SIZE(raw));
	_cleanup_free_ char *proxy = xasprintf("http://user:pw@127.0.0.1:%d", s.port);
	setenv("HTTP_PROXY", proxy, 1);
	setenv("HTTPS_PROXY", proxy, 1);
	setenv("NO_PROXY", "other.example,.elsewhere,10.0.0.0/8", 1);
	struct http_response resp;
	const struct http_request plain = { .method = "GET", .url = "http://api.example:8080/x?y=1",
					    .timeout_ms = 2000, .use_proxy = true };
	assert_int_equal(http_perform(NULL, &plain, &resp), 0);
	assert_string_equal(resp.body, "ok");
	http_response_release(&resp);
	const struct http_request tls = { .method = "GET", .url = "https://api.example/",
					  .timeout_ms = 2000, .use_proxy = true };
	assert_int_equal(http_perform(NULL, &tls, &resp), -EIO);
	assert_int_equal(resp.failure, HTTP_F_PROXY);
	assert_string_equal(resp.error, "proxyconnect tcp: 403 Forbidden");
	/* loopback: straight to the server, whatever the environment says */
	_cleanup_free_ char *url = xasprintf("http://127.0.0.1:%d/direct", s.port);
	const struct http_request local = { .method = "GET", .url = url, .timeout_ms = 2000,
					    .use_proxy = true };
	assert_int_equal(http_perform(NULL, &local, &resp), 0);
	assert_string_equal(resp.body, "direct");
	http_response_release(&resp);
	pthread_join(s.thr, NULL);
	const char *log = s.requests.buf;
	assert_non_null(strstr(log, "GET http://api.example:8080/x?y=1 HTTP/1.1\r\nHost: api.example:8080\r\n"
				    "Proxy-Authorization: Basic dXNlcjpwdw==\r\n"));
	assert_non_null(strstr(log, "CONNECT api.example:443 HTTP/1.1\r\nHost: api.example:443\r\n"
				    "Proxy-Authorization: Basic dXNlcjpwdw==\r\n"));
	assert_non_null(strstr(log, "GET /direct HTTP/1.1\r\n"));
	unsetenv("HTTP_PROXY");
	unsetenv("HTTPS_PROXY");
	unsetenv("NO_PROXY");
	close(s.fd);
	strbuf_release(&s.requests);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_framing_and_keep_alive),
		cmocka_unit_test(test_request_body_and_headers),
		cmocka_unit_test(test_redirect_and_stale_connection),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_proxy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
