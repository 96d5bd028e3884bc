/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cri/grpc.h"
#include "util/error.h"
#include "util/fault.h"
#include "util/xalloc.h"

/* grpc-go reads frames of at most 16 KiB (http2MaxFrameLen) until it has seen the server's
 * SETTINGS; the same bound gives Go's "frame too large" on a socket that is not HTTP/2. */
#define HTTP2_MAX_FRAME_LEN 16384
/* Our receive windows: large enough that a 16 MiB answer does not stall on WINDOW_UPDATEs. */
#define WINDOW_SIZE (1 << 20)

static const char *const code_names[] = {
	"OK",		  "Canceled",	       "Unknown",	   "InvalidArgument", "DeadlineExceeded",
	"NotFound",	  "AlreadyExists",     "PermissionDenied", "ResourceExhausted",
	"FailedPrecondition", "Aborted",       "OutOfRange",	   "Unimplemented",   "Internal",
	"Unavailable",	  "DataLoss",	       "Unauthenticated",
};

const char *grpc_code_name(int code)
{
	static _Thread_local char buf[32];
	if (code >= 0 && (size_t)code < ARRAY_SIZE(code_names))
		return code_names[code];
	snprintf(buf, sizeof(buf), "Code(%d)", code);
	return buf;
}

static const int code_errno[] = {
	[GRPC_OK] = 0,
	[GRPC_CANCELED] = ECANCELED,
	[GRPC_UNKNOWN] = EIO,
	[GRPC_INVALID_ARGUMENT] = EINVAL,
	[GRPC_DEADLINE_EXCEEDED] = ETIMEDOUT,
	[GRPC_NOT_FOUND] = ENOENT,
	[GRPC_ALREADY_EXISTS] = EEXIST,
	[GRPC_PERMISSION_DENIED] = EPERM,
	[GRPC_RESOURCE_EXHAUSTED] = EMSGSIZE,
	[GRPC_FAILED_PRECONDITION] = EBUSY,
	[GRPC_ABORTED] = ECONNABORTED,
	[GRPC_OUT_OF_RANGE] = ERANGE,
	[GRPC_UNIMPLEMENTED] = EOPNOTSUPP,
	[GRPC_INTERNAL] = EPROTO,
	[GRPC_UNAVAILABLE] = ECONNREFUSED,
	[GRPC_DATA_LOSS] = EILSEQ,
	[GRPC_UNAUTHENTICATED] = EACCES,
};

int grpc_code_to_errno(int code)
{
	if (code >= 0 && (size_t)code < ARRAY_SIZE(code_errno))
		return -code_errno[code];
	return -EIO;
}

int grpc_errno_to_code(int r)
{
	for (size_t i = 1; i < ARRAY_SIZE(code_errno); i++)
		if (-code_errno[i] == r)
			return (int)i;
	return GRPC_UNKNOWN;
}

void grpc_frame_encode(struct strbuf *sb, const void *msg, size_t len)
{
	uint8_t p[5] = { 0, (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
			 (uint8_t)len };
	strbuf_add(sb, p, sizeof(p));
	strbuf_add(sb, msg, len);
}

static uint32_t prefix_length(const uint8_t *p)
{
	return (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
}

int grpc_frame_decode(const uint8_t *buf, size_t len, size_t max, const uint8_t **ret_msg,
		      size_t *ret_msg_len, int *ret_code)
{
	*ret_code = GRPC_INTERNAL;
	if (len < 5)
		return error_set(-EBADMSG, "grpc: truncated message prefix (%zu of 5 bytes)", len);
	if (buf[0] == 1)
		return error_set(-EPROTO, "grpc: compressed flag set with identity or empty encoding");
	if (buf[0] != 0)
		return error_set(-EBADMSG, "grpc: invalid message flag %u", buf[0]);
	uint32_t n = prefix_length(buf);
	if (n > max) {
		*ret_code = GRPC_RESOURCE_EXHAUSTED;
		return error_set(-EMSGSIZE, "grpc: received message larger than max (%u vs. %zu)", n,
				 max);
	}
	if (len - 5 < n)
		return error_set(-EBADMSG, "grpc: truncated message (%zu of %u bytes)", len - 5, n);
	if (len - 5 > n)
		return error_set(-EBADMSG,
				 "cardinality violation: expected <EOF> for non server-streaming RPCs, but received another message");
	*ret_msg = buf + 5;
	*ret_msg_len = n;
	return 0;
}

static int unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *grpc_message_decode(const char *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < len; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < len &&
		    (hi = unhex(s[i + 1])) >= 0 && (lo = unhex(s[i + 2])) >= 0) {
			strbuf_addch(&sb, (char)(hi << 4 | lo));
			i += 2;
		} else {
			strbuf_addch(&sb, s[i]);
		}
	}
	return strbuf_detach(&sb, NULL);
}

/* Go's %q for the texts we quote (ASCII errors): escapes quotes, backslashes and controls. */
static void add_go_quoted(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			strbuf_addf(sb, "\\%c", c);
		else if (c == '\n')
			strbuf_addstr(sb, "\\n");
		else if (c == '\t')
			strbuf_addstr(sb, "\\t");
		else if (c == '\r')
			strbuf_addstr(sb, "\\r");
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(sb, "\\x%02x", c);
		else
			strbuf_addch(sb, (char)c);
	}
	strbuf_addch(sb, '"');
}

/* Go's syscall.Errno texts are strerror's with a lower-case first letter. */
static void add_errno_text(struct strbuf *sb, int err)
{
	char buf[128];
	const char *t = strerror_r(err, buf, sizeof(buf));
	size_t start = sb->len;
	strbuf_addstr(sb, t);
	if (sb->len > start && sb->buf[start] >= 'A' && sb->buf[start] <= 'Z' &&
	    !(sb->len > start + 1 && sb->buf[start + 1] >= 'A' && sb->buf[start + 1] <= 'Z'))
		sb->buf[start] = (char)(sb->buf[start] - 'A' + 'a');
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int open_dir_in_root(int rootfd, const char *dir)
{
	while (*dir == '/')
		dir++;
	if (!*dir)
		dir = ".";
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, rootfd, dir, &how, sizeof(how));
	if (fd < 0)
		return -errno;
	return (int)fd;
}

int grpc_unix_connect(int rootfd, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int dfd = -1;
	if (rootfd == AT_FDCWD) {
		if (strlen(path) >= sizeof(sa.sun_path))
			return -ENAMETOOLONG;
		memcpy(sa.sun_path, path, strlen(path) + 1);
	} else {
		const char *slash = strrchr(path, '/');
		_cleanup_free_ char *dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
		const char *base = slash ? slash + 1 : path;
		if (!*base)
			return -EINVAL;
		dfd = open_dir_in_root(rootfd, dir);
		if (dfd < 0)
			return dfd;
		int k = snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dfd, base);
		if (k < 0 || (size_t)k >= sizeof(sa.sun_path))
			return -ENAMETOOLONG;
	}
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return TAKE_FD(fd);
}

struct grpc_conn {
	int rootfd;
	char *path;
	int fd;
	nghttp2_session *session;
	bool ready;	   /* the server's SETTINGS frame arrived */
	bool header_checked; /* the first frame header was vetted (Go's preface errors) */
	bool goaway;	     /* the server is closing the connection */
	bool peer_closed;    /* a write found the socket closed by the server */
	uint8_t head[9];
	size_t head_len;
	char *broken; /* why the connection failed; NULL while usable */
};

struct grpc_conn *grpc_conn_new(int rootfd, const char *path)
{
	struct grpc_conn *c = xnew0(struct grpc_conn);
	c->rootfd = rootfd;
	c->path = xstrdup(path);
	c->fd = -1;
	return c;
}

static void conn_close(struct grpc_conn *c)
{
	if (c->session)
		nghttp2_session_del(c->session);
	c->session = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->ready = false;
	c->header_checked = false;
	c->goaway = false;
	c->peer_closed = false;
	c->head_len = 0;
	free(c->broken);
	c->broken = NULL;
}

struct grpc_conn *grpc_conn_free(struct grpc_conn *c)
{
	if (!c)
		return NULL;
	conn_close(c);
	free(c->path);
	free(c);
	return NULL;
}

void grpc_call_release(struct grpc_call *call)
{
	free(call->error);
	call->error = NULL;
	free(call->resp);
	call->resp = NULL;
	call->resp_len = 0;
	free(call->grpc_message);
	call->grpc_message = NULL;
	free(call->content_type);
	call->content_type = NULL;
	if (call->body.alloc)
		strbuf_release(&call->body);
	if (call->out.alloc)
		strbuf_release(&call->out);
}

static void call_fail(struct grpc_call *call, int code, const char *fmt, ...) _printf_(3, 4);
static void call_fail(struct grpc_call *call, int code, const char *fmt, ...)
{
	if (call->done)
		return;
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *desc = xvasprintf(fmt, ap);
	va_end(ap);
	call->error = xasprintf("rpc error: code = %s desc = %s", grpc_code_name(code), desc);
	call->code = code;
	call->ret = grpc_code_to_errno(code);
	call->done = true;
}

/* Marks the connection broken: every unfinished call fails with Unavailable. Before the
 * server's preface grpc-go reports "connection error: desc = <quoted reason>", after it the
 * plain reason. */
static void conn_break(struct grpc_conn *c, struct grpc_call *calls, size_t n, const char *reason)
{
	if (!c->broken)
		c->broken = xstrdup(reason);
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	if (c->ready) {
		strbuf_addstr(&sb, c->broken);
	} else {
		strbuf_addstr(&sb, "connection error: desc = ");
		add_go_quoted(&sb, c->broken);
	}
	for (size_t i = 0; i < n; i++)
		call_fail(&calls[i], GRPC_UNAVAILABLE, "%s", sb.buf);
}

static ssize_t on_send(nghttp2_session *s, const uint8_t *data, size_t len, int flags, void *ud)
{
	struct grpc_conn *c = ud;
	ssize_t k = send(c->fd, data, len, MSG_NOSIGNAL);
	if (k < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return NGHTTP2_ERR_WOULDBLOCK;
		/* The peer went away: what it sent before closing is still to be read, and
		 * decides the error (grpc-go's reader reports it, or EOF). */
		if (errno == EPIPE || errno == ECONNRESET) {
			c->peer_closed = true;
		} else if (!c->broken) {
			_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
			strbuf_addstr(&sb, "write: ");
			add_errno_text(&sb, errno);
			c->broken = strbuf_detach(&sb, NULL);
		}
		return NGHTTP2_ERR_CALLBACK_FAILURE;
	}
	return k;
}

static struct grpc_call *stream_call(nghttp2_session *s, int32_t stream_id)
{
	return nghttp2_session_get_stream_user_data(s, stream_id);
}

static int on_header(nghttp2_session *s, const nghttp2_frame *frame, const uint8_t *name,
		     size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags, void *ud)
{
	if (frame->hd.type != NGHTTP2_HEADERS)
		return 0;
	struct grpc_call *call = stream_call(s, frame->hd.stream_id);
	if (!call || call->done)
		return 0;
	_cleanup_free_ char *v = xstrndup((const char *)value, valuelen);
	if (namelen == 7 && memcmp(name, ":status", 7) == 0) {
		int st = 0;
		for (const char *p = v; *p >= '0' && *p <= '9' && st < 1000; p++)
			st = st * 10 + (*p - '0');
		call->http_status = st;
	} else if (namelen == 12 && memcmp(name, "content-type", 12) == 0) {
		free(call->content_type);
		call->content_type = TAKE_PTR(v);
	} else if (namelen == 11 && memcmp(name, "grpc-status", 11) == 0) {
		int st = 0;
		bool ok = *v != '\0';
		for (const char *p = v; *p; p++) {
			if (*p < '0' || *p > '9' || st > 100000) {
				ok = false;
				break;
			}
			st = st * 10 + (*p - '0');
		}
		call->grpc_status = ok ? st : GRPC_UNKNOWN;
		if (!ok)
			call_fail(call, GRPC_INTERNAL, "transport: malformed grpc-status: %s", v);
	} else if (namelen == 12 && memcmp(name, "grpc-message", 12) == 0) {
		free(call->grpc_message);
		call->grpc_message = grpc_message_decode((const char *)value, valuelen);
	}
	return 0;
}

static int on_data_chunk(nghttp2_session *s, uint8_t flags, int32_t stream_id, const uint8_t *data,
			 size_t len, void *ud)
{
	struct grpc_call *call = stream_call(s, stream_id);
	if (!call || call->done)
		return 0;
	/* Check the declared length as soon as the prefix is in, so an oversized answer is
	 * refused before it is buffered; never hold more than one capped message. */
	size_t have = call->body.len;
	size_t take = len;
	if (have < 5 && have + take > 5)
		take = 5 - have;
	strbuf_add(&call->body, data, take);
	if (call->body.len >= 5) {
		const uint8_t *b = (const uint8_t *)call->body.buf;
		uint32_t n = prefix_length(b);
		if (b[0] == 0 && n > GRPC_MAX_MESSAGE) {
			call_fail(call, GRPC_RESOURCE_EXHAUSTED,
				  "grpc: received message larger than max (%u vs. %u)", n, GRPC_MAX_MESSAGE);
			nghttp2_submit_rst_stream(s, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
			return 0;
		}
		if (call->body.len - 5 + (len - take) > (size_t)n) {
			call_fail(call, GRPC_INTERNAL,
				  "cardinality violation: expected <EOF> for non server-streaming RPCs, but received another message");
			nghttp2_submit_rst_stream(s, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
			return 0;
		}
	}
	strbuf_add(&call->body, data + take, len - take);
	return 0;
}

static int rst_code(uint32_t e)
{
	switch (e) {
	case NGHTTP2_REFUSED_STREAM:
		return GRPC_UNAVAILABLE;
	case NGHTTP2_CANCEL:
		return GRPC_CANCELED;
	case NGHTTP2_FLOW_CONTROL_ERROR:
	case NGHTTP2_ENHANCE_YOUR_CALM:
		return GRPC_RESOURCE_EXHAUSTED;
	case NGHTTP2_INADEQUATE_SECURITY:
		return GRPC_PERMISSION_DENIED;
	default:
		return e <= NGHTTP2_HTTP_1_1_REQUIRED ? GRPC_INTERNAL : GRPC_UNKNOWN;
	}
}

static const char *http_status_text(int st)
{
	switch (st) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

static int http_to_code(int st)
{
	switch (st) {
	case 400: return GRPC_INTERNAL;
	case 401: return GRPC_UNAUTHENTICATED;
	case 403: return GRPC_PERMISSION_DENIED;
	case 404: return GRPC_UNIMPLEMENTED;
	case 429: case 502: case 503: case 504: return GRPC_UNAVAILABLE;
	default: return GRPC_UNKNOWN;
	}
}

/* The stream is over: turn headers, trailers and body into the call's outcome. */
static void call_finish(struct grpc_call *call, uint32_t error_code)
{
	if (call->done)
		return;
	if (call->http_status != 200 && call->http_status != 0) {
		call_fail(call, http_to_code(call->http_status),
			  "unexpected HTTP status code received from server: %d (%s)",
			  call->http_status, http_status_text(call->http_status));
		return;
	}
	if (call->grpc_status < 0) {
		if (error_code != NGHTTP2_NO_ERROR)
			call_fail(call, rst_code(error_code),
				  "stream terminated by RST_STREAM with error code: %s",
				  nghttp2_http2_strerror(error_code));
		else if (call->http_status == 0)
			call_fail(call, GRPC_INTERNAL, "server closed the stream without sending trailers");
		else if (!call->content_type || strncmp(call->content_type, "application/grpc", 16) != 0 ||
			 (call->content_type[16] != '\0' && call->content_type[16] != '+' &&
			  call->content_type[16] != ';'))
			call_fail(call, GRPC_INTERNAL, "transport: received unexpected content-type \"%s\"",
				  strempty(call->content_type));
		else
			call_fail(call, GRPC_INTERNAL, "server closed the stream without sending trailers");
		return;
	}
	if (call->grpc_status != GRPC_OK) {
		call_fail(call, call->grpc_status, "%s", strempty(call->grpc_message));
		return;
	}
	const uint8_t *msg;
	size_t n;
	int code;
	if (call->body.len == 0) {
		call_fail(call, GRPC_INTERNAL, "cardinality violation: received no response message from non-server-streaming RPC");
		return;
	}
	int r = grpc_frame_decode((const uint8_t *)call->body.buf, call->body.len, GRPC_MAX_MESSAGE,
				  &msg, &n, &code);
	if (r < 0) {
		call_fail(call, code, "%s", error_message(r));
		error_clear();
		return;
	}
	call->resp = xmalloc(n ? n : 1);
	memcpy(call->resp, msg, n);
	call->resp_len = n;
	call->ret = 0;
	call->code = GRPC_OK;
	call->done = true;
}

static int on_stream_close(nghttp2_session *s, int32_t stream_id, uint32_t error_code, void *ud)
{
	struct grpc_call *call = stream_call(s, stream_id);
	if (call) {
		call_finish(call, error_code);
		call->stream_id = 0;
	}
	return 0;
}

static int on_frame_recv(nghttp2_session *s, const nghttp2_frame *frame, void *ud)
{
	struct grpc_conn *c = ud;
	if (frame->hd.type == NGHTTP2_SETTINGS && !(frame->hd.flags & NGHTTP2_FLAG_ACK))
		c->ready = true;
	if (frame->hd.type == NGHTTP2_GOAWAY)
		c->goaway = true;
	return 0;
}

static ssize_t on_read_body(nghttp2_session *s, int32_t stream_id, uint8_t *buf, size_t length,
			    uint32_t *data_flags, nghttp2_data_source *source, void *ud)
{
	struct grpc_call *call = source->ptr;
	size_t left = call->out.len - call->out_off;
	size_t n = left < length ? left : length;
	memcpy(buf, call->out.buf + call->out_off, n);
	call->out_off += n;
	if (call->out_off == call->out.len)
		*data_flags |= NGHTTP2_DATA_FLAG_EOF;
	return (ssize_t)n;
}

static const char *const go_frame_types[] = {
	"*http2.DataFrame",	   "*http2.HeadersFrame", "*http2.PriorityFrame",
	"*http2.RSTStreamFrame",   "*http2.SettingsFrame", "*http2.PushPromiseFrame",
	"*http2.PingFrame",	   "*http2.GoAwayFrame",   "*http2.WindowUpdateFrame",
	"*http2.ContinuationFrame",
};

static int conn_open(struct grpc_conn *c, struct strbuf *why)
{
	int fd = grpc_unix_connect(c->rootfd, c->path);
	if (fd < 0) {
		strbuf_addf(why, "transport: Error while dialing: dial unix %s: connect: ", c->path);
		add_errno_text(why, -fd);
		return fd;
	}
	c->fd = fd;
	nghttp2_session_callbacks *cb;
	if (nghttp2_session_callbacks_new(&cb) != 0)
		abort();
	nghttp2_session_callbacks_set_send_callback(cb, on_send);
	nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data_chunk);
	nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_stream_close);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame_recv);
	int r = nghttp2_session_client_new(&c->session, cb, c);
	nghttp2_session_callbacks_del(cb);
	if (r != 0)
		abort();
	nghttp2_settings_entry iv[] = {
		{ NGHTTP2_SETTINGS_ENABLE_PUSH, 0 },
		{ NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, WINDOW_SIZE },
		{ NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 16384 * 4 },
	};
	nghttp2_submit_settings(c->session, NGHTTP2_FLAG_NONE, iv, ARRAY_SIZE(iv));
	nghttp2_session_set_local_window_size(c->session, NGHTTP2_FLAG_NONE, 0, 4 * WINDOW_SIZE);
	return 0;
}

/* Vets the first frame header from the server as grpc-go's readServerPreface does, then
 * feeds bytes to nghttp2. Returns false (reason in *why) when the connection must break. */
static bool conn_feed(struct grpc_conn *c, const uint8_t *data, size_t len, struct strbuf *why)
{
	if (!c->header_checked) {
		size_t take = sizeof(c->head) - c->head_len;
		if (take > len)
			take = len;
		memcpy(c->head + c->head_len, data, take);
		c->head_len += take;
		data += take;
		len -= take;
		if (c->head_len < sizeof(c->head))
			return true;
		uint32_t flen = (uint32_t)c->head[0] << 16 | (uint32_t)c->head[1] << 8 | c->head[2];
		uint8_t type = c->head[3];
		if (flen > HTTP2_MAX_FRAME_LEN) {
			if (memcmp(c->head, "HTTP/1.1 ", 9) == 0)
				strbuf_addstr(why, "error reading server preface: http2: failed reading the frame payload: http2: frame too large, note that the frame header looked like an HTTP/1.1 header");
			else
				strbuf_addstr(why, "error reading server preface: http2: frame too large");
			return false;
		}
		if (type != NGHTTP2_SETTINGS) {
			strbuf_addf(why, "initial http2 frame from server is not a settings frame: %s",
				    type < ARRAY_SIZE(go_frame_types) ? go_frame_types[type]
								     : "*http2.UnknownFrame");
			return false;
		}
		c->header_checked = true;
		ssize_t k = nghttp2_session_mem_recv(c->session, c->head, sizeof(c->head));
		if (k < 0) {
			strbuf_addf(why, "error reading server preface: %s", nghttp2_strerror((int)k));
			return false;
		}
	}
	if (len) {
		ssize_t k = nghttp2_session_mem_recv(c->session, data, len);
		if (k < 0) {
			strbuf_addf(why, "error reading from server: %s", nghttp2_strerror((int)k));
			return false;
		}
	}
	return true;
}

static void call_start(struct grpc_conn *c, struct grpc_call *call, int64_t now)
{
	call->ret = 0;
	call->code = GRPC_OK;
	call->done = false;
	call->stream_id = 0;
	call->http_status = 0;
	call->grpc_status = -1;
	call->out_off = 0;
	strbuf_init(&call->body, 0);
	strbuf_init(&call->out, call->req_len + 5);
	grpc_frame_encode(&call->out, call->req, call->req_len);
	call->deadline = call->timeout_ms > 0 ? now + call->timeout_ms : INT64_MAX;

	char timeout[32] = "";
	if (call->timeout_ms > 0)
		snprintf(timeout, sizeof(timeout), "%dm", call->timeout_ms);
#define NV(n, v) { (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, strlen(v), NGHTTP2_NV_FLAG_NONE }
	nghttp2_nv hdrs[] = {
		NV(":method", "POST"),
		NV(":scheme", "http"),
		NV(":path", call->path),
		NV(":authority", "localhost"),
		NV("content-type", "application/grpc"),
		NV("te", "trailers"),
		NV("user-agent", "ckubeadm-cri/" "1"),
		NV("grpc-timeout", timeout),
	};
#undef NV
	size_t nh = ARRAY_SIZE(hdrs) - (call->timeout_ms > 0 ? 0 : 1);
	nghttp2_data_provider prd = { .source.ptr = call, .read_callback = on_read_body };
	int32_t id = nghttp2_submit_request(c->session, NULL, hdrs, nh, &prd, call);
	if (id < 0) {
		call_fail(call, GRPC_UNAVAILABLE, "transport: %s", nghttp2_strerror(id));
		return;
	}
	call->stream_id = id;
}

static bool all_done(const struct grpc_call *calls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!calls[i].done)
			return false;
	return true;
}

/* Detaches finished calls from their streams so late frames find no call. */
static void detach_calls(struct grpc_conn *c, struct grpc_call *calls, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (calls[i].stream_id > 0 && c->session) {
			nghttp2_session_set_stream_user_data(c->session, calls[i].stream_id, NULL);
			if (!c->broken)
				nghttp2_submit_rst_stream(c->session, NGHTTP2_FLAG_NONE,
							  calls[i].stream_id, NGHTTP2_CANCEL);
		}
		calls[i].stream_id = 0;
		if (calls[i].body.alloc)
			strbuf_release(&calls[i].body);
		if (calls[i].out.alloc)
			strbuf_release(&calls[i].out);
	}
}

/* Reads what the socket has (non-blocking) and feeds it to the session; breaks the
 * connection on EOF, a read error or bad input. */
static void conn_read(struct grpc_conn *c, struct grpc_call *calls, size_t n)
{
	uint8_t buf[16384];
	for (;;) {
		ssize_t got = recv(c->fd, buf, sizeof(buf), 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EAGAIN)
			return;
		_cleanup_strbuf_ struct strbuf why = STRBUF_INIT;
		if (got < 0) {
			strbuf_addstr(&why, c->ready ? "error reading from server: read: "
						    : "error reading server preface: read: ");
			add_errno_text(&why, errno);
		} else if (got == 0) {
			strbuf_addstr(&why, c->ready ? "error reading from server: EOF"
						    : "error reading server preface: EOF");
		} else if (conn_feed(c, buf, (size_t)got, &why)) {
			continue;
		}
		conn_break(c, calls, n, why.buf);
		return;
	}
}

#ifdef CKUBEADM_FAULT_INJECTION
/* A CRI call that changes the node (util/fault.h counts it); reads are not effects. */
static bool mutating(const char *path)
{
	static const char *const verbs[] = { "/PullImage",	  "/RemoveImage",    "/RunPodSandbox",
					     "/StopPodSandbox",	  "/RemovePodSandbox", "/CreateContainer",
					     "/StartContainer",	  "/StopContainer",  "/RemoveContainer" };
	const char *slash = strrchr(path, '/');
	for (size_t i = 0; slash && i < ARRAY_SIZE(verbs); i++)
		if (streq(slash, verbs[i]))
			return true;
	return false;
}
#endif

int grpc_conn_run(struct grpc_conn *c, struct grpc_call *calls, size_t n)
{
	int64_t now = now_ms();
	for (size_t i = 0; i < n; i++) {
		grpc_call_release(&calls[i]);
		calls[i].done = false;
	}
#ifdef CKUBEADM_FAULT_INJECTION
	for (size_t i = 0; i < n; i++) {
		int f = mutating(calls[i].path) ? fault_inject_errno(FAULT_CRI, calls[i].path) : 0;
		if (f < 0)
			call_fail(&calls[i], grpc_errno_to_code(f), "injected fault: %s", strerror(-f));
	}
#endif
	/* A connection that failed, or that the server is closing, is replaced. */
	if (c->session && (c->broken || c->goaway || !nghttp2_session_want_read(c->session)))
		conn_close(c);
	if (!c->session) {
		_cleanup_strbuf_ struct strbuf why = STRBUF_INIT;
		if (conn_open(c, &why) < 0) {
			conn_break(c, calls, n, why.buf);
			conn_close(c);
			return 0;
		}
	}
	for (size_t i = 0; i < n; i++) {
#ifdef CKUBEADM_FAULT_INJECTION
		if (calls[i].done) /* failed by the injected fault */
			continue;
#endif
		call_start(c, &calls[i], now);
	}

	while (!all_done(calls, n) && !c->broken) {
		now = now_ms();
		int64_t next = INT64_MAX;
		for (size_t i = 0; i < n; i++) {
			if (calls[i].done)
				continue;
			if (calls[i].deadline <= now) {
				call_fail(&calls[i], GRPC_DEADLINE_EXCEEDED, "%s",
					  c->ready ? "context deadline exceeded"
						   : "context deadline exceeded while waiting for connections to become ready");
				if (calls[i].stream_id > 0)
					nghttp2_submit_rst_stream(c->session, NGHTTP2_FLAG_NONE,
								  calls[i].stream_id, NGHTTP2_CANCEL);
			} else if (calls[i].deadline < next) {
				next = calls[i].deadline;
			}
		}
		if (all_done(calls, n))
			break;
		int r = nghttp2_session_send(c->session);
		if (r != 0 && c->peer_closed && !c->broken) {
			conn_read(c, calls, n);
			if (!c->broken)
				conn_break(c, calls, n, c->ready ? "error reading from server: EOF"
								  : "error reading server preface: EOF");
			break;
		}
		if (r != 0) {
			conn_break(c, calls, n, c->broken ? c->broken : nghttp2_strerror(r));
			break;
		}
		if (!nghttp2_session_want_read(c->session) && !nghttp2_session_want_write(c->session)) {
			conn_break(c, calls, n, c->ready ? "error reading from server: EOF"
							  : "error reading server preface: EOF");
			break;
		}
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		if (nghttp2_session_want_write(c->session))
			pfd.events |= POLLOUT;
		int64_t wait = next == INT64_MAX ? -1 : next - now;
		if (wait > INT32_MAX)
			wait = INT32_MAX;
		int k = poll(&pfd, 1, (int)wait);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			conn_break(c, calls, n, "poll failed");
			break;
		}
		if (k == 0)
			continue;
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
			conn_read(c, calls, n);
	}
	/* Flush RST_STREAMs of calls that gave up, best effort. */
	detach_calls(c, calls, n);
	if (c->session && !c->broken)
		nghttp2_session_send(c->session);
	if (c->broken)
		conn_close(c);
	return 0;
}

int grpc_conn_unary(struct grpc_conn *c, const char *path, const void *req, size_t req_len,
		    int timeout_ms, uint8_t **ret_resp, size_t *ret_len)
{
	struct grpc_call call = { .path = path, .req = req, .req_len = req_len, .timeout_ms = timeout_ms };
	grpc_conn_run(c, &call, 1);
	int r = call.ret;
	if (r < 0) {
		error_set(r, "%s", call.error);
	} else {
		*ret_resp = TAKE_PTR(call.resp);
		*ret_len = call.resp_len;
	}
	grpc_call_release(&call);
	return r;
}
