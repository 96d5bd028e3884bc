/* SPDX-License-Identifier: Apache-2.0 */
/* kube/transport: HTTP/1.1 framing, keep-alive, redirects, caps and errors against a raw server;
 * TLS verification (host names, anchors, chains) against a TLS server with certificates made
 * here (and against real API servers and etcd by tests/integration). */
#include "util/testing.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include "kube/test-server.h"
#include "kube/test-tls.h"
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

/* Go's net/http refuses control characters in the URL, the method and header values and
 * non-token header names; so does the transport, before it connects: a CR/LF in a bearer token
 * from a kubeconfig (or a key file named as its tokenFile) never reaches a server. */
static void test_header_injection(void **state)
{
	(void)state;
	static const char *const raw[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"HTTP/1.1 302 Found\r\nLocation: /next\rX-Injected: 1\r\nContent-Length: 0\r\n\r\n",
	};
	struct test_server s;
	test_server_start(&s, raw, ARRAY_SIZE(raw), test_server_answer_raw);
	_cleanup_free_ char *url = xasprintf("http://127.0.0.1:%d/api", s.port);
	struct http_response resp;
	static const char *const bad_value[] = { "Authorization: Bearer abc\r\nX-Evil: 1", NULL };
	static const char *const bad_lf[] = { "Authorization: Bearer abc\nX-Evil: 1", NULL };
	static const char *const bad_nul_del[] = { "X-A: a\x7f", NULL };
	static const char *const bad_name[] = { "X Evil: 1", NULL };
	static const char *const no_colon[] = { "Authorization", NULL };
	static const char *const *const bad[] = { bad_value, bad_lf, bad_nul_del };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		const struct http_request req = { .method = "GET", .url = url, .headers = bad[i],
						  .timeout_ms = 2000 };
		assert_int_equal(http_perform(NULL, &req, &resp), -EINVAL);
		assert_int_equal(resp.failure, HTTP_F_REQUEST);
		assert_null(resp.body);
	}
	assert_string_equal(resp.error, "net/http: invalid header field value for \"X-A\"");
	const struct http_request r1 = { .method = "GET", .url = url, .headers = bad_value };
	assert_int_equal(http_perform(NULL, &r1, &resp), -EINVAL);
	/* the value is never echoed: it may be a secret */
	assert_string_equal(resp.error, "net/http: invalid header field value for \"Authorization\"");
	const struct http_request r2 = { .method = "GET", .url = url, .headers = bad_name };
	assert_int_equal(http_perform(NULL, &r2, &resp), -EINVAL);
	assert_string_equal(resp.error, "net/http: invalid header field name \"X Evil\"");
	const struct http_request r3 = { .method = "GET", .url = url, .headers = no_colon };
	assert_int_equal(http_perform(NULL, &r3, &resp), -EINVAL);
	const struct http_request r4 = { .method = "GET /x HTTP/1.1\r\nX: y\r\n\r\nGET", .url = url };
	assert_int_equal(http_perform(NULL, &r4, &resp), -EINVAL);
	assert_non_null(strstr(resp.error, "net/http: invalid method \"GET /x HTTP/1.1\\r\\nX"));
	_cleanup_free_ char *crlf_url = xasprintf("http://127.0.0.1:%d/a HTTP/1.1\r\nX: y\r\n", s.port);
	const struct http_request r5 = { .method = "GET", .url = crlf_url };
	assert_int_equal(http_perform(NULL, &r5, &resp), -EINVAL);
	assert_string_equal(resp.error, "net/url: invalid control character in URL");
	/* nothing was sent so far */
	assert_int_equal(s.accepts, 0);
	/* a tab is fine in a value (Go's isLWS) */
	static const char *const tab[] = { "X-A: a\tb", NULL };
	const struct http_request ok = { .method = "GET", .url = url, .headers = tab };
	assert_int_equal(http_perform(NULL, &ok, &resp), 0);
	assert_string_equal(resp.body, "ok");
	http_response_release(&resp);
	/* a server's Location with a CR in it is not followed */
	const struct http_request redir = { .method = "GET", .url = url, .max_redirects = 3 };
	assert_int_equal(http_perform(NULL, &redir, &resp), -EINVAL);
	assert_int_equal(resp.failure, HTTP_F_REQUEST);
	test_server_wait(&s);
	assert_null(strstr(s.requests.buf, "X-Evil"));
	assert_null(strstr(s.requests.buf, "X-Injected"));
	assert_null(strstr(s.requests.buf, "/next"));
	test_server_release(&s);
}

/* The response parser is as strict as Go's where leniency could desynchronise the stream. */
static void test_parser_strict(void **state)
{
	(void)state;
	static const char *const raw[] = {
		/* data not followed by CRLF: smuggled bytes */
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXYZ\r\n0\r\n\r\n",
		"HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"
		 "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"
		 "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
		"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
	};
	struct test_server s;
	test_server_start(&s, raw, ARRAY_SIZE(raw), test_server_answer_raw);
	struct http_response resp;
	for (size_t i = 0; i + 1 < ARRAY_SIZE(raw); i++) {
		assert_int_equal(get(NULL, s.port, "/", 0, &resp), -EIO);
		assert_int_equal(resp.failure, HTTP_F_PROTO);
		assert_null(resp.body);
	}
	assert_string_equal(resp.error, "net/http: too many 1xx informational responses");
	assert_int_equal(get(NULL, s.port, "/", 0, &resp), 0);
	assert_int_equal(resp.status, 503);
	assert_string_equal(resp.status_text, "503 Service Unavailable");
	http_response_release(&resp);
	test_server_wait(&s);
	test_server_release(&s);
}

/* writes a never-ending response a byte at a time to the fd at p, until a write fails */
static void *trickle(void *p)
{
	int fd = *(int *)p;
	static const char head[] = "HTTP/1.1 200 OK\r\nX-Slow: ";
	for (size_t i = 0;; i++) {
		char ch = i < sizeof(head) - 1 ? head[i] : 'a';
		if (send(fd, &ch, 1, MSG_NOSIGNAL) != 1)
			return NULL;
		usleep(20000);
	}
}

/* http_read_response, the parser alone (the fuzz target's entry) */
static void test_read_response(void **state)
{
	(void)state;
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	static const char r[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
				"2\r\nab\r\n1;x=y\r\nc\r\n0\r\n\r\n";
	assert_int_equal(write(sv[0], r, sizeof(r) - 1), (ssize_t)sizeof(r) - 1);
	shutdown(sv[0], SHUT_WR);
	struct http_response resp;
	assert_int_equal(http_read_response(sv[1], "GET", 0, 1000, &resp), 0);
	assert_string_equal(resp.body, "abc");
	http_response_release(&resp);
	close(sv[0]);
	close(sv[1]);
	/* a server that trickles a byte every 20 ms never holds the reader past its deadline */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	pthread_t thr;
	assert_int_equal(pthread_create(&thr, NULL, trickle, &sv[0]), 0);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(http_read_response(sv[1], "GET", 0, 300, &resp), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 290 && ms < 1000);
	assert_non_null(strstr(resp.error, "Client.Timeout"));
	close(sv[1]); /* the writer's next write fails: it ends */
	pthread_join(thr, NULL);
	close(sv[0]);
}

/* ---- TLS ---- */

static int tls_get(const char *url, const struct http_tls *tls, struct http_response *resp)
{
	const struct http_request req = { .method = "GET", .url = url, .timeout_ms = 5000,
					  .max_redirects = 3, .tls = tls };
	return http_perform(NULL, &req, resp);
}

static void expect_tls_error(const char *chain_pem, const char *key_pem, const char *host,
			     const struct http_tls *tls, const char *want)
{
	struct test_tls_server srv;
	test_tls_server_start(&srv, chain_pem, key_pem, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	_cleanup_free_ char *url = xasprintf("https://%s:%d/", host, srv.port);
	struct http_response resp;
	int r = tls_get(url, tls, &resp);
	if (!want) {
		assert_int_equal(r, 0);
		assert_string_equal(resp.body, "ok");
		http_response_release(&resp);
	} else {
		if (r != -EACCES)
			fail_msg("%s: %d %s", want, r, resp.error);
		assert_int_equal(resp.failure, HTTP_F_TLS_VERIFY);
		assert_string_equal(resp.error, want);
		assert_int_equal(srv.answered, 0);
	}
	test_tls_server_stop(&srv);
}

/* Host names as Go's x509 checks them: SANs only (a certificate with only a Common Name is
 * refused), a wildcard only as a whole leftmost label; errors name the certificate's names. */
static void test_tls_hostnames(void **state)
{
	(void)state;
	struct test_cert ca, cn_only, partial, wild, ip2;
	test_cert_make(&ca, "ca", NULL, NULL, true);
	test_cert_make(&cn_only, "localhost", NULL, &ca, false);
	test_cert_make(&partial, "partial", "DNS:f*.example.test", &ca, false);
	test_cert_make(&wild, "wild", "DNS:*.example.test,DNS:other.test", &ca, false);
	test_cert_make(&ip2, "ip", "IP:127.0.0.2,DNS:localhost", &ca, false);
	const struct http_tls trust = { .ca_pem = ca.pem, .ca_len = strlen(ca.pem) };
	expect_tls_error(cn_only.pem, cn_only.key_pem, "localhost", &trust,
			 "x509: certificate relies on legacy Common Name field, use SANs instead");
	struct http_tls named = trust;
	named.server_name = "foo.example.test";
	expect_tls_error(partial.pem, partial.key_pem, "127.0.0.1", &named,
			 "x509: certificate is valid for f*.example.test, not foo.example.test");
	expect_tls_error(wild.pem, wild.key_pem, "127.0.0.1", &named, NULL);
	named.server_name = "a.b.example.test";
	expect_tls_error(wild.pem, wild.key_pem, "127.0.0.1", &named,
			 "x509: certificate is valid for *.example.test, other.test, not a.b.example.test");
	expect_tls_error(ip2.pem, ip2.key_pem, "127.0.0.1", &trust,
			 "x509: certificate is valid for 127.0.0.2, not 127.0.0.1");
	expect_tls_error(cn_only.pem, cn_only.key_pem, "127.0.0.1", &trust,
			 "x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs");
	/* not signed by the anchor */
	struct test_cert other;
	test_cert_make(&other, "other", NULL, NULL, true);
	const struct http_tls other_trust = { .ca_pem = other.pem, .ca_len = strlen(other.pem) };
	expect_tls_error(ip2.pem, ip2.key_pem, "localhost", &other_trust,
			 "x509: certificate signed by unknown authority");
	test_cert_release(&other);
	test_cert_release(&ip2);
	test_cert_release(&wild);
	test_cert_release(&partial);
	test_cert_release(&cn_only);
	test_cert_release(&ca);
}

/* Anchors as a Go CertPool: an intermediate is enough to trust a chain ending at it; chain_pem
 * completes a chain but is never an anchor. */
static void test_tls_anchors(void **state)
{
	(void)state;
	struct test_cert root, mid, leaf, evil;
	test_cert_make(&root, "root", NULL, NULL, true);
	test_cert_make(&mid, "intermediate", NULL, &root, true);
	test_cert_make(&leaf, "leaf", "IP:127.0.0.1", &mid, false);
	test_cert_make(&evil, "evil", NULL, NULL, true);
	const struct http_tls by_mid = { .ca_pem = mid.pem, .ca_len = strlen(mid.pem) };
	expect_tls_error(leaf.pem, leaf.key_pem, "127.0.0.1", &by_mid, NULL);
	const struct http_tls by_root = { .ca_pem = root.pem, .ca_len = strlen(root.pem) };
	expect_tls_error(leaf.pem, leaf.key_pem, "127.0.0.1", &by_root,
			 "x509: certificate signed by unknown authority");
	const struct http_tls by_root_chain = { .ca_pem = root.pem, .ca_len = strlen(root.pem),
						.chain_pem = mid.pem, .chain_len = strlen(mid.pem) };
	expect_tls_error(leaf.pem, leaf.key_pem, "127.0.0.1", &by_root_chain, NULL);
	/* a certificate of chain_pem is not an anchor */
	struct test_cert evil_leaf;
	test_cert_make(&evil_leaf, "evil-leaf", "IP:127.0.0.1", &evil, false);
	_cleanup_free_ char *both = xasprintf("%s%s", mid.pem, evil.pem);
	const struct http_tls chain_evil = { .ca_pem = root.pem, .ca_len = strlen(root.pem),
					     .chain_pem = both, .chain_len = strlen(both) };
	expect_tls_error(evil_leaf.pem, evil_leaf.key_pem, "127.0.0.1", &chain_evil,
			 "x509: certificate signed by unknown authority");
	test_cert_release(&evil_leaf);
	test_cert_release(&evil);
	test_cert_release(&leaf);
	test_cert_release(&mid);
	test_cert_release(&root);
}

/* A redirect from https to http is never followed (stricter than Go); credentials are not sent
 * on to another host (as Go). */
static void test_redirect_rules(void **state)
{
	(void)state;
	/* plain: 127.0.0.1 -> localhost is another host: Authorization and Cookie dropped */
	static const char *const raw[] = {
		"(set below)",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
	};
	struct test_server s;
	test_server_start(&s, raw, ARRAY_SIZE(raw), test_server_answer_raw);
	/* the script names the server's own port: swapped in before any request is made */
	_cleanup_free_ char *first = xasprintf(
		"HTTP/1.1 302 Found\r\nLocation: http://localhost:%d/b\r\nContent-Length: 0\r\n\r\n",
		s.port);
	const char *const script[] = { first, raw[1] };
	s.replies = script;
	_cleanup_free_ char *url = xasprintf("http://127.0.0.1:%d/a", s.port);
	static const char *const headers[] = { "Authorization: Bearer secret", "Cookie: c=1",
					       "Accept: */*", NULL };
	const struct http_request req = { .method = "GET", .url = url, .headers = headers,
					  .timeout_ms = 5000, .max_redirects = 3 };
	struct http_response resp;
	assert_int_equal(http_perform(NULL, &req, &resp), 0);
	assert_string_equal(resp.body, "ok");
	http_response_release(&resp);
	test_server_wait(&s);
	const char *second = strstr(s.requests.buf, "GET /b ");
	assert_non_null(second);
	assert_non_null(strstr(s.requests.buf, "Authorization: Bearer secret"));
	assert_null(strstr(second, "Authorization"));
	assert_null(strstr(second, "Cookie"));
	assert_non_null(strstr(second, "Accept: */*"));
	test_server_release(&s);

	/* https -> http: refused, the plain server never asked */
	static const char *const none[] = { "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" };
	struct test_server plain;
	test_server_start(&plain, none, ARRAY_SIZE(none), test_server_answer_raw);
	struct test_cert ca, leaf;
	test_cert_make(&ca, "ca", NULL, NULL, true);
	test_cert_make(&leaf, "leaf", "IP:127.0.0.1", &ca, false);
	_cleanup_free_ char *reply = xasprintf(
		"HTTP/1.1 301 Moved\r\nLocation: http://127.0.0.1:%d/x\r\nContent-Length: 0\r\n\r\n",
		plain.port);
	struct test_tls_server srv;
	test_tls_server_start(&srv, leaf.pem, leaf.key_pem, reply);
	_cleanup_free_ char *surl = xasprintf("https://127.0.0.1:%d/kubeconfig", srv.port);
	const struct http_tls trust = { .ca_pem = ca.pem, .ca_len = strlen(ca.pem) };
	assert_int_equal(tls_get(surl, &trust, &resp), -EPERM);
	assert_int_equal(resp.failure, HTTP_F_REDIRECT);
	_cleanup_free_ char *want = xasprintf(
		"refusing to follow a redirect from https to \"http://127.0.0.1:%d/x\": it would "
		"leave TLS", plain.port);
	assert_string_equal(resp.error, want);
	assert_null(resp.body);
	assert_int_equal(srv.answered, 1);
	test_tls_server_stop(&srv);
	assert_int_equal(plain.accepts, 0);
	test_server_stop(&plain);
	test_cert_release(&leaf);
	test_cert_release(&ca);
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
		cmocka_unit_test(test_header_injection),
		cmocka_unit_test(test_parser_strict),
		cmocka_unit_test(test_read_response),
		cmocka_unit_test(test_tls_hostnames),
		cmocka_unit_test(test_tls_anchors),
		cmocka_unit_test(test_redirect_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
