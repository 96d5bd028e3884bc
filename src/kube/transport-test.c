/* SPDX-License-Identifier: Apache-2.0 */
/* kube/transport: HTTP/1.1 framing, keep-alive, redirects, caps and errors against a raw server
 * (TLS is exercised against real API servers and etcd by tests/integration). */
#include "util/testing.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kube/test-server.h"
#include "kube/transport.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

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
	/* the n-th request gets raw[n] as is; "" closes the connection unanswered */
	struct test_server s;
	test_server_start(&s, raw, ARRAY_SIZE(raw), test_server_answer_raw);
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
	test_server_wait(&s);
	/* four requests, one connection */
	assert_int_equal(s.accepts, 1);
	assert_non_null(strstr(s.requests.buf, "GET /b?x=1 HTTP/1.1\r\nHost: 127.0.0.1:"));
	test_server_release(&s);
}

static void test_request_body_and_headers(void **state)
{
	(void)state;
	static const char *const raw[] = { "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}" };
	struct test_server s;
	test_server_start(&s, raw, ARRAY_SIZE(raw), test_server_answer_raw);
	_cleanup_free_ char *url = xasprintf("http://127.0.0.1:%d/api", s.port);
	static const char *const headers[] = { "Content-Type: application/json", NULL };
	const struct http_request req = { .method = "PATCH", .url = url, .headers = headers,
					  .body = "{\"a\":1}", .body_len = 7, .timeout_ms = 2000 };
	struct http_response resp;
	assert_int_equal(http_perform(NULL, &req, &resp), 0);
	http_response_release(&resp);
	test_server_wait(&s);
	assert_non_null(strstr(s.requests.buf, "PATCH /api HTTP/1.1\r\n"));
	assert_non_null(strstr(s.requests.buf, "Content-Type: application/json\r\n"));
	assert_non_null(strstr(s.requests.buf, "Content-Length: 7\r\n\r\n{\"a\":1}"));
	test_server_release(&s);
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
	struct test_server s;
	test_server_start(&s, raw, ARRAY_SIZE(raw), test_server_answer_raw);
	struct http_conn *conn = NULL;
	struct http_response resp;
	assert_int_equal(get(&conn, s.port, "/one", 0, &resp), 0);
	http_response_release(&resp);
	assert_int_equal(get(&conn, s.port, "/start", 0, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.body, "here");
	http_response_release(&resp);
	http_conn_close(conn);
	test_server_wait(&s);
	assert_non_null(strstr(s.requests.buf, "GET /elsewhere HTTP/1.1"));
	test_server_release(&s);
}

static void test_errors(void **state)
{
	(void)state;
	static const char *const raw[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789",
		"HTTP/1.1 200 OK\r\nContent-Length: 64\r\nConnection: close\r\n\r\n",
		"garbage\r\n\r\n",
	};
	struct test_server s;
	test_server_start(&s, raw, ARRAY_SIZE(raw), test_server_answer_raw);
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
	test_server_stop(&s);

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
	int port;
	int fd = test_listen_loopback(&port);
	_cleanup_free_ char *url = xasprintf("http://127.0.0.1:%d/", port);
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
	struct test_server s;
	test_server_start(&s, raw, ARRAY_SIZE(raw), test_server_answer_raw);
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
	test_server_wait(&s);
	const char *log = s.requests.buf;
	assert_non_null(strstr(log, "GET http://api.example:8080/x?y=1 HTTP/1.1\r\nHost: api.example:8080\r\n"
				    "Proxy-Authorization: Basic dXNlcjpwdw==\r\n"));
	assert_non_null(strstr(log, "CONNECT api.example:443 HTTP/1.1\r\nHost: api.example:443\r\n"
				    "Proxy-Authorization: Basic dXNlcjpwdw==\r\n"));
	assert_non_null(strstr(log, "GET /direct HTTP/1.1\r\n"));
	unsetenv("HTTP_PROXY");
	unsetenv("HTTPS_PROXY");
	unsetenv("NO_PROXY");
	test_server_release(&s);
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
