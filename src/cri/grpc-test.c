/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cri/cri.h"
#include "cri/grpc.h"
#include "cri/proto.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* ---- the 5-byte message framing ---- */

static int decode(const void *buf, size_t len, size_t max, size_t *ret_len, int *code)
{
	const uint8_t *msg;
	int r = grpc_frame_decode(buf, len, max, &msg, ret_len, code);
	if (r >= 0)
		assert_ptr_equal(msg, (const uint8_t *)buf + 5);
	error_clear();
	return r;
}

static void test_frame_roundtrip(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	grpc_frame_encode(&sb, "abc", 3);
	assert_int_equal(sb.len, 8);
	assert_memory_equal(sb.buf, "\0\0\0\0\3abc", 8);
	size_t n;
	int code;
	assert_int_equal(decode(sb.buf, sb.len, 16, &n, &code), 0);
	assert_int_equal(n, 3);
	strbuf_reset(&sb);
	grpc_frame_encode(&sb, "", 0);
	assert_int_equal(decode(sb.buf, sb.len, 16, &n, &code), 0);
	assert_int_equal(n, 0);
}

static void test_frame_rejects_bad_input(void **state)
{
	size_t n;
	int code;
	/* truncated prefix, every length */
	for (size_t l = 0; l < 5; l++)
		assert_int_equal(decode("\0\0\0\0\1x", l, 16, &n, &code), -EBADMSG);
	/* truncated body */
	assert_int_equal(decode("\0\0\0\0\4ab", 7, 16, &n, &code), -EBADMSG);
	assert_int_equal(code, GRPC_INTERNAL);
	/* trailing bytes: a second message on a unary call */
	assert_int_equal(decode("\0\0\0\0\1ab", 7, 16, &n, &code), -EBADMSG);
	/* oversized declared length, refused before looking for the body */
	assert_int_equal(decode("\0\0\0\0\21", 5, 16, &n, &code), -EMSGSIZE);
	assert_int_equal(code, GRPC_RESOURCE_EXHAUSTED);
	assert_int_equal(decode("\0\xff\xff\xff\xff", 5, GRPC_MAX_MESSAGE, &n, &code), -EMSGSIZE);
	assert_int_equal(decode("\0\1\0\0\1", 5, GRPC_MAX_MESSAGE, &n, &code), -EMSGSIZE);
	/* exactly the cap is fine as far as the prefix goes (body missing here) */
	assert_int_equal(decode("\0\1\0\0\0", 5, GRPC_MAX_MESSAGE, &n, &code), -EBADMSG);
	/* compressed flag, garbage flag */
	assert_int_equal(decode("\1\0\0\0\0", 5, 16, &n, &code), -EPROTO);
	assert_int_equal(decode("\7\0\0\0\0", 5, 16, &n, &code), -EBADMSG);
	assert_int_equal(decode("GARBAGE!", 8, 16, &n, &code), -EBADMSG);
}

static void test_message_decode_and_codes(void **state)
{
	_cleanup_free_ char *a = grpc_message_decode("a%25b%20c%zz%2", 14);
	assert_string_equal(a, "a%b c%zz%2");
	assert_string_equal(grpc_code_name(GRPC_UNIMPLEMENTED), "Unimplemented");
	assert_string_equal(grpc_code_name(GRPC_DEADLINE_EXCEEDED), "DeadlineExceeded");
	assert_string_equal(grpc_code_name(GRPC_CANCELED), "Canceled");
	assert_string_equal(grpc_code_name(42), "Code(42)");
	assert_int_equal(grpc_code_to_errno(GRPC_UNIMPLEMENTED), -EOPNOTSUPP);
	assert_int_equal(grpc_code_to_errno(GRPC_DEADLINE_EXCEEDED), -ETIMEDOUT);
	assert_int_equal(grpc_code_to_errno(GRPC_NOT_FOUND), -ENOENT);
	/* the mapping is one to one, so a code survives the round trip */
	for (int c = 1; c <= GRPC_UNAUTHENTICATED; c++) {
		assert_int_equal(grpc_errno_to_code(grpc_code_to_errno(c)), c);
		for (int d = c + 1; d <= GRPC_UNAUTHENTICATED; d++)
			assert_int_not_equal(grpc_code_to_errno(c), grpc_code_to_errno(d));
	}
}

static void test_endpoint_parse(void **state)
{
	_cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;
	assert_int_equal(cri_endpoint_parse("unix:///run/containerd/containerd.sock", &a), 0);
	assert_string_equal(a, "/run/containerd/containerd.sock");
	assert_int_equal(cri_endpoint_parse("/var/run/crio/crio.sock", &b), 0);
	assert_string_equal(b, "/var/run/crio/crio.sock");
	/* url.Parse puts "host" in the authority: only the path is dialled (cri-client quirk) */
	assert_int_equal(cri_endpoint_parse("unix://host/x.sock", &c), 0);
	assert_string_equal(c, "/x.sock");
	char *d = NULL;
	assert_int_equal(cri_endpoint_parse("tcp://127.0.0.1:1", &d), -EPROTONOSUPPORT);
	assert_string_equal(error_message(-1), "only support unix socket endpoint");
	assert_int_equal(cri_endpoint_parse("npipe:////./pipe/x", &d), -EPROTONOSUPPORT);
	assert_string_equal(error_message(-1), "protocol \"npipe\" not supported");
	assert_null(d);
	error_clear();
}

/* ---- a scripted HTTP/2 server on a unix socket ---- */

struct fake {
	char dir[64];
	char path[128];
	int lfd;
	pthread_t thread;
	struct strbuf script; /* bytes written once the client has spoken */
	bool hang_up;	      /* close right after the script */
	int accepted;
};

static void frame(struct strbuf *sb, uint8_t type, uint8_t flags, uint32_t stream, const void *p,
		  size_t n)
{
	uint8_t h[9] = { (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n, type, flags,
			 (uint8_t)(stream >> 24), (uint8_t)(stream >> 16), (uint8_t)(stream >> 8),
			 (uint8_t)stream };
	strbuf_add(sb, h, 9);
	strbuf_add(sb, p, n);
}

/* HPACK literal header field without indexing, no Huffman (RFC 7541 6.2.2). */
static void hpack(struct strbuf *sb, const char *name, const char *value)
{
	strbuf_addch(sb, 0);
	strbuf_addch(sb, (char)strlen(name));
	strbuf_addstr(sb, name);
	strbuf_addch(sb, (char)strlen(value));
	strbuf_addstr(sb, value);
}

enum { F_DATA = 0, F_HEADERS = 1, F_RST = 3, F_SETTINGS = 4 };
enum { END_STREAM = 1, END_HEADERS = 4 };

static void server_settings(struct strbuf *sb)
{
	frame(sb, F_SETTINGS, 0, 0, NULL, 0);
	frame(sb, F_SETTINGS, 1, 0, NULL, 0); /* ACK of the client's */
}

static void resp_headers(struct strbuf *sb, uint32_t stream, const char *status, bool end)
{
	_cleanup_strbuf_ struct strbuf h = STRBUF_INIT;
	hpack(&h, ":status", status);
	hpack(&h, "content-type", "application/grpc");
	frame(sb, F_HEADERS, END_HEADERS | (end ? END_STREAM : 0), stream, h.buf, h.len);
}

static void trailers(struct strbuf *sb, uint32_t stream, const char *code, const char *msg)
{
	_cleanup_strbuf_ struct strbuf h = STRBUF_INIT;
	hpack(&h, "grpc-status", code);
	if (msg)
		hpack(&h, "grpc-message", msg);
	frame(sb, F_HEADERS, END_HEADERS | END_STREAM, stream, h.buf, h.len);
}

static void data_msg(struct strbuf *sb, uint32_t stream, const void *msg, size_t n)
{
	_cleanup_strbuf_ struct strbuf d = STRBUF_INIT;
	grpc_frame_encode(&d, msg, n);
	frame(sb, F_DATA, 0, stream, d.buf, d.len);
}

/* A whole successful unary answer on stream. */
static void answer(struct strbuf *sb, uint32_t stream, const void *msg, size_t n)
{
	resp_headers(sb, stream, "200", false);
	data_msg(sb, stream, msg, n);
	trailers(sb, stream, "0", NULL);
}

static void *fake_main(void *p)
{
	struct fake *f = p;
	int fd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return NULL;
	f->accepted++;
	char buf[65536];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	if (poll(&pfd, 1, 5000) > 0 && read(fd, buf, sizeof(buf)) > 0) {
		/* let the client finish its first burst (preface, settings, requests) */
		while (poll(&pfd, 1, 50) > 0 && read(fd, buf, sizeof(buf)) > 0)
			;
		if (f->script.len && write(fd, f->script.buf, f->script.len) < 0)
			f->hang_up = true;
		/* A hang-up is an end of stream (shutdown), then whatever the client still sends is
		 * read until it closes: closing a unix socket with unread data makes the client's
		 * next read ECONNRESET instead of EOF, which a busy machine's timing could give. */
		if (f->hang_up)
			shutdown(fd, SHUT_WR);
		while (poll(&pfd, 1, 5000) > 0 && read(fd, buf, sizeof(buf)) > 0)
			;
	}
	close(fd);
	return NULL;
}

static void fake_start(struct fake *f)
{
	snprintf(f->dir, sizeof(f->dir), "/tmp/cri-grpc-test.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/s.sock", f->dir);
	f->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	memcpy(sa.sun_path, f->path, strlen(f->path) + 1);
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(f->lfd, 4), 0);
	assert_int_equal(pthread_create(&f->thread, NULL, fake_main, f), 0);
}

static void fake_stop(struct fake *f)
{
	shutdown(f->lfd, SHUT_RDWR);
	pthread_join(f->thread, NULL);
	close(f->lfd);
	unlink(f->path);
	rmdir(f->dir);
	strbuf_release(&f->script);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs one unary call against a server answering with script; returns ret, text in *msg. */
static int one_call(struct fake *f, int timeout_ms, char **msg, uint8_t **resp, size_t *resp_len)
{
	fake_start(f);
	_cleanup_(grpc_conn_freep) struct grpc_conn *c = grpc_conn_new(AT_FDCWD, f->path);
	uint8_t *out = NULL;
	size_t n = 0;
	int r = grpc_conn_unary(c, "/runtime.v1.RuntimeService/Version", "\x0a\x02v1", 4,
				timeout_ms, &out, &n);
	*msg = xstrdup(r < 0 ? error_message(r) : "");
	error_clear();
	grpc_conn_free(TAKE_PTR(c));
	fake_stop(f);
	if (resp) {
		*resp = out;
		*resp_len = n;
	} else {
		free(out);
	}
	return r;
}

static void test_unary_ok(void **state)
{
	struct fake f = { .script = STRBUF_INIT };
	server_settings(&f.script);
	answer(&f.script, 1, "\x12\x0a" "containerd", 12);
	_cleanup_free_ char *msg = NULL;
	_cleanup_free_ uint8_t *resp = NULL;
	size_t n;
	assert_int_equal(one_call(&f, 2000, &msg, &resp, &n), 0);
	assert_int_equal(n, 12);
	assert_memory_equal(resp, "\x12\x0a" "containerd", 12);
}

/* A 100 kB answer in 16 kB DATA frames, with the 5-byte prefix itself split across frames. */
static void test_unary_fragmented(void **state)
{
	struct fake f = { .script = STRBUF_INIT };
	server_settings(&f.script);
	resp_headers(&f.script, 1, "200", false);
	size_t len = 100000;
	_cleanup_strbuf_ struct strbuf body = STRBUF_INIT;
	_cleanup_free_ char *msg_bytes = xmalloc(len);
	for (size_t i = 0; i < len; i++)
		msg_bytes[i] = (char)('a' + i % 26);
	grpc_frame_encode(&body, msg_bytes, len);
	frame(&f.script, F_DATA, 0, 1, body.buf, 3);
	for (size_t off = 3; off < body.len; off += 16384) {
		size_t n = body.len - off < 16384 ? body.len - off : 16384;
		frame(&f.script, F_DATA, 0, 1, body.buf + off, n);
	}
	trailers(&f.script, 1, "0", NULL);
	_cleanup_free_ char *msg = NULL;
	_cleanup_free_ uint8_t *resp = NULL;
	size_t n;
	assert_int_equal(one_call(&f, 3000, &msg, &resp, &n), 0);
	assert_int_equal(n, len);
	assert_memory_equal(resp, msg_bytes, len);
}

static void test_unary_status_errors(void **state)
{
	_cleanup_free_ char *msg = NULL;
	/* Trailers-Only answer: Unimplemented with a percent-encoded message */
	struct fake f = { .script = STRBUF_INIT };
	server_settings(&f.script);
	{
		_cleanup_strbuf_ struct strbuf h = STRBUF_INIT;
		hpack(&h, ":status", "200");
		hpack(&h, "content-type", "application/grpc");
		hpack(&h, "grpc-status", "12");
		hpack(&h, "grpc-message", "unknown method RuntimeConfig 100%25");
		frame(&f.script, F_HEADERS, END_HEADERS | END_STREAM, 1, h.buf, h.len);
	}
	assert_int_equal(one_call(&f, 2000, &msg, NULL, NULL), -EOPNOTSUPP);
	assert_string_equal(msg, "rpc error: code = Unimplemented desc = unknown method RuntimeConfig 100%");

	/* error after headers, in the trailers */
	struct fake g = { .script = STRBUF_INIT };
	server_settings(&g.script);
	resp_headers(&g.script, 1, "200", false);
	trailers(&g.script, 1, "5", "an error occurred when try to find sandbox \"x\": not found");
	free(msg);
	assert_int_equal(one_call(&g, 2000, &msg, NULL, NULL), -ENOENT);
	assert_string_equal(msg, "rpc error: code = NotFound desc = an error occurred when try to find sandbox \"x\": not found");

	/* HTTP 404 */
	struct fake h = { .script = STRBUF_INIT };
	server_settings(&h.script);
	resp_headers(&h.script, 1, "404", true);
	free(msg);
	assert_int_equal(one_call(&h, 2000, &msg, NULL, NULL), -EOPNOTSUPP);
	assert_string_equal(msg, "rpc error: code = Unimplemented desc = unexpected HTTP status code received from server: 404 (Not Found)");

	/* stream ends without trailers */
	struct fake i = { .script = STRBUF_INIT };
	server_settings(&i.script);
	resp_headers(&i.script, 1, "200", false);
	frame(&i.script, F_DATA, END_STREAM, 1, "\0\0\0\0\0", 5);
	free(msg);
	assert_int_equal(one_call(&i, 2000, &msg, NULL, NULL), -EPROTO);
	assert_string_equal(msg, "rpc error: code = Internal desc = server closed the stream without sending trailers");

	/* RST_STREAM(REFUSED_STREAM) */
	struct fake j = { .script = STRBUF_INIT };
	server_settings(&j.script);
	frame(&j.script, F_RST, 0, 1, "\0\0\0\7", 4);
	free(msg);
	assert_int_equal(one_call(&j, 2000, &msg, NULL, NULL), -ECONNREFUSED);
	assert_string_equal(msg, "rpc error: code = Unavailable desc = stream terminated by RST_STREAM with error code: REFUSED_STREAM");

	/* truncated message body, then OK trailers */
	struct fake k = { .script = STRBUF_INIT };
	server_settings(&k.script);
	resp_headers(&k.script, 1, "200", false);
	frame(&k.script, F_DATA, 0, 1, "\0\0\0\0\x0a" "abc", 8);
	trailers(&k.script, 1, "0", NULL);
	free(msg);
	assert_int_equal(one_call(&k, 2000, &msg, NULL, NULL), -EPROTO);
	assert_string_equal(msg, "rpc error: code = Internal desc = grpc: truncated message (3 of 10 bytes)");

	/* malformed grpc-status */
	struct fake l = { .script = STRBUF_INIT };
	server_settings(&l.script);
	resp_headers(&l.script, 1, "200", false);
	trailers(&l.script, 1, "x1", NULL);
	free(msg);
	assert_int_equal(one_call(&l, 2000, &msg, NULL, NULL), -EPROTO);
	assert_string_equal(msg, "rpc error: code = Internal desc = transport: malformed grpc-status: x1");
}

static void test_unary_oversized(void **state)
{
	struct fake f = { .script = STRBUF_INIT };
	server_settings(&f.script);
	resp_headers(&f.script, 1, "200", false);
	/* declares 16 MiB + 1 and sends a little: refused at the prefix, nothing buffered */
	frame(&f.script, F_DATA, 0, 1, "\0\x01\0\0\x01xxxx", 9);
	_cleanup_free_ char *msg = NULL;
	int64_t t0 = now_ms();
	assert_int_equal(one_call(&f, 5000, &msg, NULL, NULL), -EMSGSIZE);
	assert_true(now_ms() - t0 < 2000);
	assert_string_equal(msg, "rpc error: code = ResourceExhausted desc = grpc: received message larger than max (16777217 vs. 16777216)");

	/* a second message on a unary call */
	struct fake g = { .script = STRBUF_INIT };
	server_settings(&g.script);
	resp_headers(&g.script, 1, "200", false);
	data_msg(&g.script, 1, "a", 1);
	data_msg(&g.script, 1, "b", 1);
	trailers(&g.script, 1, "0", NULL);
	free(msg);
	assert_int_equal(one_call(&g, 2000, &msg, NULL, NULL), -EPROTO);
	assert_string_equal(msg, "rpc error: code = Internal desc = cardinality violation: expected <EOF> for non server-streaming RPCs, but received another message");
}

static void test_not_a_server(void **state)
{
	_cleanup_free_ char *msg = NULL;
	/* garbage first frame: Go's preface errors */
	struct fake f = { .script = STRBUF_INIT };
	strbuf_addstr(&f.script, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
	int64_t t0 = now_ms();
	assert_int_equal(one_call(&f, 5000, &msg, NULL, NULL), -ECONNREFUSED);
	assert_true(now_ms() - t0 < 2000);
	assert_string_equal(msg, "rpc error: code = Unavailable desc = connection error: desc = \"error reading server preface: http2: frame too large\"");

	struct fake g = { .script = STRBUF_INIT };
	strbuf_addstr(&g.script, "HTTP/1.1 400 Bad Request\r\n\r\n");
	free(msg);
	assert_int_equal(one_call(&g, 5000, &msg, NULL, NULL), -ECONNREFUSED);
	assert_string_equal(msg, "rpc error: code = Unavailable desc = connection error: desc = \"error reading server preface: http2: failed reading the frame payload: http2: frame too large, note that the frame header looked like an HTTP/1.1 header\"");

	/* a first frame that is not SETTINGS */
	struct fake h = { .script = STRBUF_INIT };
	frame(&h.script, F_DATA, 0, 1, "x", 1);
	free(msg);
	assert_int_equal(one_call(&h, 5000, &msg, NULL, NULL), -ECONNREFUSED);
	assert_string_equal(msg, "rpc error: code = Unavailable desc = connection error: desc = \"initial http2 frame from server is not a settings frame: *http2.DataFrame\"");

	/* the server hangs up after a partial frame header */
	struct fake i = { .script = STRBUF_INIT, .hang_up = true };
	strbuf_add(&i.script, "\0\0\0\4", 4);
	free(msg);
	assert_int_equal(one_call(&i, 5000, &msg, NULL, NULL), -ECONNREFUSED);
	assert_string_equal(msg, "rpc error: code = Unavailable desc = connection error: desc = \"error reading server preface: EOF\"");

	/* after a good preface, the server hangs up */
	struct fake j = { .script = STRBUF_INIT, .hang_up = true };
	server_settings(&j.script);
	free(msg);
	assert_int_equal(one_call(&j, 5000, &msg, NULL, NULL), -ECONNREFUSED);
	assert_string_equal(msg, "rpc error: code = Unavailable desc = error reading from server: EOF");
}

static void test_timeouts(void **state)
{
	_cleanup_free_ char *msg = NULL;
	/* silent server: no preface at all */
	struct fake f = { .script = STRBUF_INIT };
	int64_t t0 = now_ms();
	assert_int_equal(one_call(&f, 300, &msg, NULL, NULL), -ETIMEDOUT);
	int64_t dt = now_ms() - t0;
	assert_true(dt >= 290 && dt < 1500);
	assert_string_equal(msg, "rpc error: code = DeadlineExceeded desc = context deadline exceeded while waiting for connections to become ready");

	/* a server that answers the preface and then stalls */
	struct fake g = { .script = STRBUF_INIT };
	server_settings(&g.script);
	resp_headers(&g.script, 1, "200", false);
	t0 = now_ms();
	free(msg);
	assert_int_equal(one_call(&g, 300, &msg, NULL, NULL), -ETIMEDOUT);
	dt = now_ms() - t0;
	assert_true(dt >= 290 && dt < 1500);
	assert_string_equal(msg, "rpc error: code = DeadlineExceeded desc = context deadline exceeded");
}

static void test_connect_errors(void **state)
{
	_cleanup_(grpc_conn_freep) struct grpc_conn *c = grpc_conn_new(AT_FDCWD, "/nonexistent/cri.sock");
	uint8_t *out = NULL;
	size_t n;
	int r = grpc_conn_unary(c, "/x/Y", "", 0, 1000, &out, &n);
	assert_int_equal(r, -ECONNREFUSED);
	assert_string_equal(error_message(r), "rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial unix /nonexistent/cri.sock: connect: no such file or directory\"");
	error_clear();
}

/* Several calls at once on one connection, answered out of order; then the connection is
 * reused for a second run. */
static void test_concurrent_calls(void **state)
{
	struct fake f = { .script = STRBUF_INIT };
	server_settings(&f.script);
	answer(&f.script, 5, "C", 1);
	answer(&f.script, 1, "A", 1);
	resp_headers(&f.script, 3, "200", false);
	trailers(&f.script, 3, "14", "busy");
	fake_start(&f);
	_cleanup_(grpc_conn_freep) struct grpc_conn *c = grpc_conn_new(AT_FDCWD, f.path);
	struct grpc_call calls[3] = {
		{ .path = "/s/A", .req = "", .req_len = 0, .timeout_ms = 3000 },
		{ .path = "/s/B", .req = "b", .req_len = 1, .timeout_ms = 3000 },
		{ .path = "/s/C", .req = "cc", .req_len = 2, .timeout_ms = 3000 },
	};
	assert_int_equal(grpc_conn_run(c, calls, 3), 0);
	assert_int_equal(calls[0].ret, 0);
	assert_int_equal(calls[0].resp_len, 1);
	assert_memory_equal(calls[0].resp, "A", 1);
	assert_int_equal(calls[1].ret, -ECONNREFUSED);
	assert_int_equal(calls[1].code, GRPC_UNAVAILABLE);
	assert_string_equal(calls[1].error, "rpc error: code = Unavailable desc = busy");
	assert_int_equal(calls[2].ret, 0);
	assert_memory_equal(calls[2].resp, "C", 1);
	for (int i = 0; i < 3; i++)
		grpc_call_release(&calls[i]);
	/* the same connection carries a later call (stream 7: never answered -> deadline) */
	struct grpc_call late = { .path = "/s/D", .timeout_ms = 200 };
	assert_int_equal(grpc_conn_run(c, &late, 1), 0);
	assert_int_equal(late.ret, -ETIMEDOUT);
	assert_string_equal(late.error, "rpc error: code = DeadlineExceeded desc = context deadline exceeded");
	grpc_call_release(&late);
	grpc_conn_free(TAKE_PTR(c));
	fake_stop(&f);
	assert_int_equal(f.accepted, 1);
}

/* kubeadm-level helpers over the fake server. */
static void test_client_semantics(void **state)
{
	/* Version with missing fields */
	struct fake f = { .script = STRBUF_INIT };
	server_settings(&f.script);
	answer(&f.script, 1, "\x12\x0a" "containerd", 12);
	fake_start(&f);
	_cleanup_free_ char *ep = xasprintf("unix://%s", f.path);
	struct cri_client *c = cri_client_new(ep, 1000);
	struct cri_version *v = NULL;
	int r = cri_version(c, &v);
	assert_int_equal(r, -EBADMSG);
	assert_null(v);
	assert_string_equal(error_message(r), "not all fields are set in VersionResponse (missing Version, RuntimeApiVersion, RuntimeVersion)");
	error_clear();
	cri_client_free(c);
	fake_stop(&f);

	/* IsRunning with RuntimeReady false */
	struct fake g = { .script = STRBUF_INIT };
	server_settings(&g.script);
	{
		_cleanup_strbuf_ struct strbuf st = STRBUF_INIT, cond = STRBUF_INIT, rs = STRBUF_INIT;
		pb_put_string(&cond, 1, "RuntimeReady");
		pb_put_string(&cond, 3, "Broken");
		pb_put_string(&cond, 4, "it broke");
		pb_put_bytes(&rs, 1, cond.buf, cond.len);
		strbuf_reset(&cond);
		pb_put_string(&cond, 1, "NetworkReady");
		pb_put_bool(&cond, 2, true);
		pb_put_bytes(&rs, 1, cond.buf, cond.len);
		pb_put_bytes(&st, 1, rs.buf, rs.len);
		answer(&g.script, 1, st.buf, st.len);
	}
	fake_start(&g);
	free(ep);
	ep = xasprintf("unix://%s", g.path);
	c = cri_client_new(ep, 1000);
	r = cri_is_running(c);
	assert_true(r < 0);
	assert_string_equal(error_message(r), "container runtime condition \"RuntimeReady\" is not true. reason: Broken, message: it broke");
	error_clear();
	cri_client_free(c);
	fake_stop(&g);

	/* RuntimeConfig Unimplemented -> 0, and Connect's wrapping */
	struct fake h = { .script = STRBUF_INIT };
	server_settings(&h.script);
	resp_headers(&h.script, 1, "200", false);
	trailers(&h.script, 1, "12", "unknown method RuntimeConfig for service runtime.v1.RuntimeService");
	fake_start(&h);
	free(ep);
	ep = xasprintf("unix://%s", h.path);
	c = cri_client_new(ep, 1000);
	assert_int_equal(cri_runtime_config_implemented(c), 0);
	cri_client_free(c);
	fake_stop(&h);

	struct fake h2 = { .script = STRBUF_INIT };
	server_settings(&h2.script);
	resp_headers(&h2.script, 1, "200", false);
	trailers(&h2.script, 1, "14", "down");
	fake_start(&h2);
	free(ep);
	ep = xasprintf("unix://%s", h2.path);
	c = cri_client_new(ep, 1000);
	r = cri_client_connect(c);
	assert_int_equal(r, -ECONNREFUSED);
	_cleanup_free_ char *want = xasprintf("failed to create new CRI runtime service: validate service connection: validate CRI v1 runtime API for endpoint \"%s\": rpc error: code = Unavailable desc = down", ep);
	assert_string_equal(error_message(r), want);
	error_clear();
	cri_client_free(c);
	fake_stop(&h2);

	/* an endpoint kubeadm refuses */
	c = cri_client_new("tcp://127.0.0.1:9", 0);
	r = cri_client_connect(c);
	assert_int_equal(r, -EPROTONOSUPPORT);
	assert_string_equal(error_message(r), "failed to create new CRI runtime service: only support unix socket endpoint");
	error_clear();
	cri_client_free(c);
}

/* ---- socket detection under a root directory ---- */

static int listen_at(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	memcpy(sa.sun_path, path, strlen(path) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static void test_detect_socket(void **state)
{
	char root[] = "/tmp/cri-detect-test.XXXXXX";
	assert_non_null(mkdtemp(root));
	_cleanup_free_ char *run = xasprintf("%s/run", root), *var = xasprintf("%s/var", root),
			    *varrun = xasprintf("%s/var/run", root),
			    *cd = xasprintf("%s/run/containerd", root),
			    *crio = xasprintf("%s/run/crio", root),
			    *cds = xasprintf("%s/run/containerd/containerd.sock", root),
			    *crios = xasprintf("%s/run/crio/crio.sock", root),
			    *docker = xasprintf("%s/run/cri-dockerd.sock", root);
	assert_int_equal(mkdir(run, 0755), 0);
	assert_int_equal(mkdir(var, 0755), 0);
	/* absolute symlink, as on real systems: must resolve inside the root */
	assert_int_equal(symlink("/run", varrun), 0);
	assert_int_equal(mkdir(cd, 0755), 0);
	assert_int_equal(mkdir(crio, 0755), 0);
	int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(rootfd >= 0);

	char *ep = NULL;
	assert_int_equal(cri_detect_socket(rootfd, &ep), 0);
	assert_string_equal(ep, CRI_DEFAULT_SOCKET);
	free(ep);

	int a = listen_at(crios);
	assert_int_equal(cri_detect_socket(rootfd, &ep), 0);
	assert_string_equal(ep, "unix:///var/run/crio/crio.sock");
	free(ep);

	/* a socket file nobody listens on does not count (kubeadm dials) */
	int b = listen_at(docker);
	close(b);
	assert_int_equal(cri_detect_socket(rootfd, &ep), 0);
	assert_string_equal(ep, "unix:///var/run/crio/crio.sock");
	free(ep);
	ep = NULL;

	int d = listen_at(cds);
	assert_int_equal(cri_detect_socket(rootfd, &ep), -EEXIST);
	assert_null(ep);
	assert_string_equal(error_message(-1), "found multiple CRI endpoints on the host. Please define which one do you wish to use by setting the 'criSocket' field in the kubeadm configuration file: unix:///var/run/containerd/containerd.sock, unix:///var/run/crio/crio.sock");
	error_clear();

	/* the client honours the root too */
	struct cri_client *c = cri_client_new_at(rootfd, CRI_SOCKET_CONTAINERD, 300);
	struct cri_version *v = NULL;
	int r = cri_version(c, &v);
	/* the listener never answers: a deadline, not a dial error, proves we reached it */
	assert_int_equal(r, -ETIMEDOUT);
	error_clear();
	cri_client_free(c);

	close(a);
	close(d);
	close(rootfd);
	unlink(cds);
	unlink(crios);
	unlink(docker);
	unlink(varrun);
	rmdir(cd);
	rmdir(crio);
	rmdir(run);
	rmdir(var);
	rmdir(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_roundtrip),
		cmocka_unit_test(test_frame_rejects_bad_input),
		cmocka_unit_test(test_message_decode_and_codes),
		cmocka_unit_test(test_endpoint_parse),
		cmocka_unit_test(test_unary_ok),
		cmocka_unit_test(test_unary_fragmented),
		cmocka_unit_test(test_unary_status_errors),
		cmocka_unit_test(test_unary_oversized),
		cmocka_unit_test(test_not_a_server),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_connect_errors),
		cmocka_unit_test(test_concurrent_calls),
		cmocka_unit_test(test_client_semantics),
		cmocka_unit_test(test_detect_socket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
