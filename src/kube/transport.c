/* SPDX-License-Identifier: Apache-2.0 */
/* HTTP/1.1 over TCP and TLS (see transport.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "kube/transport.h"
#include "util/flags.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/resolv.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define DEFAULT_TIMEOUT_MS 30000
#define DEFAULT_MAX_BODY (16u << 20)
#define MAX_HEADER_BYTES (1u << 20) /* status line and headers together */
#define MAX_1XX_RESPONSES 5         /* Go's max1xxResponses */

struct url {
	bool tls;
	char *host;   /* without brackets */
	char *port;
	char *hostport; /* as written in the URL's authority (Host header) */
	const char *path; /* borrowed from the URL; "/" when empty */
};

struct http_conn {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	char *key; /* "https://host:port" it is connected to */
	unsigned char tls_id[SHA256_DIGEST_LENGTH]; /* tls_fingerprint of its credentials */
	STACK_OF(X509) *extra; /* http_tls.chain_pem: untrusted certificates for chain building */
	X509 *leaf;            /* the server's certificate, kept for the errors that name it */
	bool reused;
	char buf[16384];
	size_t pos, len;
};

/* ---- errors ---- */

static int fail(struct http_response *resp, enum http_failure f, int err, const char *fmt, ...)
	_printf_(4, 5);
static int fail(struct http_response *resp, enum http_failure f, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(resp->error, sizeof(resp->error), fmt, ap);
	va_end(ap);
	resp->failure = f;
	switch (f) {
	case HTTP_F_TIMEOUT:
		return -ETIMEDOUT;
	case HTTP_F_RESOLVE:
		return -EHOSTUNREACH;
	case HTTP_F_CONNECT:
		return err == ENETUNREACH || err == EHOSTUNREACH ? -err : -ECONNREFUSED;
	case HTTP_F_TLS_VERIFY:
	case HTTP_F_TLS_CREDS:
		return -EACCES;
	case HTTP_F_TOOBIG:
		return -EFBIG;
	case HTTP_F_URL:
	case HTTP_F_REQUEST:
		return -EINVAL;
	case HTTP_F_REDIRECT:
		return -EPERM;
	default:
		return -EIO;
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- URLs ---- */

static void url_free(struct url *u)
{
	free(u->host);
	free(u->port);
	free(u->hostport);
}

static int url_parse(const char *s, struct url *u)
{
	memset(u, 0, sizeof(*u));
	const char *p;
	if (strncasecmp(s, "https://", 8) == 0)
		u->tls = true, p = s + 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		p = s + 7;
	else
		return -EINVAL;
	size_t alen = strcspn(p, "/?#");
	u->hostport = xstrndup(p, alen);
	char *at = strrchr(u->hostport, '@'); /* userinfo is not sent */
	const char *hp = at ? at + 1 : u->hostport;
	const char *colon;
	if (*hp == '[') {
		const char *rb = strchr(hp, ']');
		if (!rb)
			return -EINVAL;
		u->host = xstrndup(hp + 1, (size_t)(rb - hp - 1));
		colon = rb[1] == ':' ? rb + 1 : NULL;
		if (rb[1] && !colon)
			return -EINVAL;
	} else {
		colon = strrchr(hp, ':');
		u->host = colon ? xstrndup(hp, (size_t)(colon - hp)) : xstrdup(hp);
	}
	if (!*u->host)
		return -EINVAL;
	if (colon && colon[1]) {
		for (const char *d = colon + 1; *d; d++)
			if (!isdigit((unsigned char)*d))
				return -EINVAL;
		u->port = xstrdup(colon + 1);
	} else {
		u->port = xstrdup(u->tls ? "443" : "80");
	}
	if (at)
		memmove(u->hostport, at + 1, strlen(at + 1) + 1);
	u->path = p[alen] == '/' ? p + alen : NULL;
	return 0;
}

static bool is_ip(const char *host)
{
	unsigned char b[16];
	return inet_pton(AF_INET, host, b) == 1 || inet_pton(AF_INET6, host, b) == 1;
}

/* ---- proxies (Go's httpproxy.FromEnvironment, http and https schemes) ---- */

static const char *env2(const char *upper, const char *lower)
{
	const char *v = getenv(upper);
	if (!v || !*v)
		v = getenv(lower);
	return v && *v ? v : NULL;
}

static bool is_loopback(const char *host)
{
	if (strcasecmp(host, "localhost") == 0)
		return true;
	struct in_addr a4;
	struct in6_addr a6;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

/* NO_PROXY: "*", host names (a leading "." or not: the domain and its subdomains), IPs, CIDRs */
static bool no_proxy_matches(const char *host, const char *port)
{
	const char *np = env2("NO_PROXY", "no_proxy");
	if (!np)
		return false;
	_cleanup_free_ char *list = xstrdup(np);
	char *save = NULL;
	for (char *e = strtok_r(list, ", ", &save); e; e = strtok_r(NULL, ", ", &save)) {
		if (streq(e, "*"))
			return true;
		char *slash = strchr(e, '/');
		if (slash) { /* CIDR */
			*slash = 0;
			unsigned char net[16], ip[16];
			int fam = strchr(e, ':') ? AF_INET6 : AF_INET;
			long bits = strtol(slash + 1, NULL, 10);
			if (inet_pton(fam, e, net) != 1 || inet_pton(fam, host, ip) != 1)
				continue;
			long n = fam == AF_INET ? 4 : 16;
			if (bits < 0 || bits > n * 8)
				continue;
			bool in = true;
			for (long i = 0; i < n && in; i++) {
				long b = bits - i * 8;
				unsigned mask = b >= 8 ? 0xff : b <= 0 ? 0 : (0xff << (8 - b)) & 0xff;
				in = (net[i] & mask) == (ip[i] & mask);
			}
			if (in)
				return true;
			continue;
		}
		/* host:port and [v6]:port entries match that port only */
		char *c = NULL;
		if (e[0] == '[') {
			char *rb = strchr(e, ']');
			if (rb && rb[1] == ':')
				c = rb + 1;
			if (rb)
				*rb = 0;
			e++;
		} else if (strchr(e, ':') && strchr(e, ':') == strrchr(e, ':')) {
			c = strchr(e, ':');
		}
		if (c) {
			if (!streq(c + 1, port))
				continue;
			*c = 0;
		}
		const char *name = e[0] == '.' ? e + 1 : e;
		if (strcasecmp(host, name) == 0)
			return true;
		size_t hl = strlen(host), nl = strlen(name);
		if (hl > nl && host[hl - nl - 1] == '.' && strcasecmp(host + hl - nl, name) == 0)
			return true;
	}
	return false;
}

/* The proxy URL for a request to u, or NULL for a direct connection. */
static const char *proxy_for(const struct url *u)
{
	const char *p = u->tls ? env2("HTTPS_PROXY", "https_proxy") : env2("HTTP_PROXY", "http_proxy");
	if (!p || is_loopback(u->host) || no_proxy_matches(u->host, u->port))
		return NULL;
	return p;
}

/* ---- sockets ---- */

static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd p = { .fd = fd, .events = events };
		int n = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n > 0)
			return 0;
	}
}

static int tcp_connect(const char *host, const char *port, int64_t deadline,
		       struct http_response *resp)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_ADDRCONFIG | (is_ip(host) ? AI_NUMERICHOST : 0) };
	struct addrinfo *res = NULL;
	int g = getaddrinfo(host, port, &hints, &res);
	if (g == EAI_ADDRFAMILY || g == EAI_NONAME || g == EAI_NODATA) {
		/* AI_ADDRCONFIG hides loopback-only families; ask again without it */
		hints.ai_flags &= ~AI_ADDRCONFIG;
		g = getaddrinfo(host, port, &hints, &res);
	}
	if (g != 0) {
		_cleanup_free_ char *err = resolver_lookup_error(host, g);
		return fail(resp, HTTP_F_RESOLVE, 0, "dial tcp: %s", err);
	}
	int last = ECONNREFUSED;
	bool timed_out = false;
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
				a->ai_protocol);
		if (fd < 0) {
			last = errno;
			continue;
		}
		int r = connect(fd, a->ai_addr, a->ai_addrlen);
		if (r < 0 && errno == EINPROGRESS) {
			r = wait_fd(fd, POLLOUT, deadline);
			if (r == -ETIMEDOUT) {
				timed_out = true;
				close(fd);
				break;
			}
			int err = 0;
			socklen_t el = sizeof(err);
			if (r == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0)
				r = 0;
			else
				r = -1, errno = err ? err : ECONNREFUSED;
		}
		if (r == 0) {
			int one = 1;
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			freeaddrinfo(res);
			return fd;
		}
		last = errno;
		close(fd);
	}
	freeaddrinfo(res);
	bool v6 = strchr(host, ':') != NULL;
	if (timed_out)
		return fail(resp, HTTP_F_TIMEOUT, 0, "dial tcp %s%s%s:%s: i/o timeout", v6 ? "[" : "",
			    host, v6 ? "]" : "", port);
	resp->os_errno = last;
	return fail(resp, HTTP_F_CONNECT, last, "dial tcp %s%s%s:%s: connect: %s", v6 ? "[" : "",
		    host, v6 ? "]" : "", port,
		    last == ECONNREFUSED ? "connection refused"
		    : last == ENETUNREACH ? "network is unreachable"
		    : last == EHOSTUNREACH ? "no route to host"
					   : strerror(last));
}

/* ---- connection I/O (plain or TLS), with the request's deadline ---- */

/*
 * One read or write of at most n bytes, plain or TLS, waiting for the socket within the
 * deadline: > 0 bytes moved, 0 at the end of the stream (reads), -errno.
 */
static ssize_t conn_io(struct http_conn *c, bool writing, void *p, size_t n, int64_t deadline)
{
	for (;;) {
		ssize_t k;
		short ev = writing ? POLLOUT : POLLIN;
		if (c->ssl) {
			size_t done = 0;
			ERR_clear_error();
			int r = writing ? SSL_write_ex(c->ssl, p, n, &done)
					: SSL_read_ex(c->ssl, p, n, &done);
			if (r > 0)
				return (ssize_t)done;
			int e = SSL_get_error(c->ssl, r);
			if (e == SSL_ERROR_WANT_READ)
				ev = POLLIN;
			else if (e == SSL_ERROR_WANT_WRITE)
				ev = POLLOUT;
			else if (!writing &&
				 (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && !errno)))
				return 0; /* close_notify, or EOF without it: as Go, the end */
			else if (e == SSL_ERROR_SYSCALL && errno)
				return -errno;
			else
				return writing ? -EPIPE : -EPROTO;
			k = -1, errno = EAGAIN;
		} else {
			/* MSG_DONTWAIT: the deadline holds on a blocking fd too (http_read_response) */
			k = writing ? send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT)
				    : recv(c->fd, p, n, MSG_DONTWAIT);
		}
		if (k >= 0)
			return k;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		int r = wait_fd(c->fd, ev, deadline);
		if (r < 0)
			return r;
	}
}

static int conn_write(struct http_conn *c, const char *p, size_t n, int64_t deadline)
{
	while (n) {
		ssize_t k = conn_io(c, true, (void *)p, n, deadline);
		if (k < 0)
			return (int)k;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Fills c->buf from the connection: > 0 bytes, 0 at EOF, -errno. */
static int conn_fill(struct http_conn *c, int64_t deadline)
{
	if (c->pos == c->len)
		c->pos = c->len = 0;
	if (c->len == sizeof(c->buf)) {
		memmove(c->buf, c->buf + c->pos, c->len - c->pos);
		c->len -= c->pos;
		c->pos = 0;
	}
	ssize_t k = conn_io(c, false, c->buf + c->len, sizeof(c->buf) - c->len, deadline);
	if (k > 0)
		c->len += (size_t)k;
	return (int)k;
}

/* One line (CRLF or LF ended) into *line (owned, without the end). */
static int conn_line(struct http_conn *c, int64_t deadline, size_t max, char **line)
{
	struct strbuf sb = STRBUF_INIT;
	for (;;) {
		char *nl = memchr(c->buf + c->pos, '\n', c->len - c->pos);
		size_t n = nl ? (size_t)(nl - (c->buf + c->pos)) + 1 : c->len - c->pos;
		strbuf_add(&sb, c->buf + c->pos, n);
		c->pos += n;
		if (nl)
			break;
		if (sb.len > max) {
			strbuf_release(&sb);
			return -E2BIG;
		}
		int r = conn_fill(c, deadline);
		if (r <= 0) {
			strbuf_release(&sb);
			return r == 0 ? -EPIPE : r;
		}
	}
	size_t l = sb.len;
	while (l && (sb.buf[l - 1] == '\n' || sb.buf[l - 1] == '\r'))
		l--;
	strbuf_setlen(&sb, l);
	*line = strbuf_detach(&sb, NULL);
	return 0;
}

void http_conn_close(struct http_conn *c)
{
	if (!c)
		return;
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	SSL_CTX_free(c->ctx);
	sk_X509_pop_free(c->extra, X509_free);
	X509_free(c->leaf);
	if (c->fd >= 0)
		close(c->fd);
	free(c->key);
	free(c);
}

/* ---- TLS ---- */

/* OpenSSL's default asks for the passphrase of an encrypted PEM block on the terminal (and
 * blocks a provisioning script): an encrypted key or certificate fails to load instead, as
 * it does in Go's crypto/tls, which cannot decrypt one. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	return -1;
}

static int load_pem_certs(const char *pem, size_t len, X509_STORE *store, SSL_CTX *ctx,
			  bool leaf_then_chain)
{
	BIO *b = BIO_new_mem_buf(pem, (int)len);
	if (!b)
		return -ENOMEM;
	int n = 0;
	X509 *x;
	while ((x = PEM_read_bio_X509(b, NULL, no_passphrase, NULL))) {
		int ok;
		if (store)
			ok = X509_STORE_add_cert(store, x);
		else if (leaf_then_chain && n == 0)
			ok = SSL_CTX_use_certificate(ctx, x);
		else
			ok = SSL_CTX_add1_chain_cert(ctx, x);
		X509_free(x);
		if (!ok) {
			BIO_free(b);
			return -EINVAL;
		}
		n++;
	}
	ERR_clear_error(); /* the end of the PEM stream */
	BIO_free(b);
	return n > 0 ? 0 : -ENOENT;
}

static SSL_CTX *tls_context(const struct http_tls *t, struct http_response *resp, int *ret)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx) {
		*ret = fail(resp, HTTP_F_TLS, 0, "tls: cannot create a context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_default_passwd_cb(ctx, no_passphrase); /* the *_file loaders */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	int r = 0;
	if (t && t->insecure) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	} else {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		if (t && t->ca_pem) {
			r = load_pem_certs(t->ca_pem, t->ca_len, SSL_CTX_get_cert_store(ctx), ctx, false);
			if (r < 0)
				*ret = fail(resp, HTTP_F_TLS_CREDS, 0,
					    "unable to load root certificates: unable to parse bytes "
					    "as PEM block");
		} else if (t && t->ca_file) {
			if (SSL_CTX_load_verify_locations(ctx, t->ca_file, NULL) != 1)
				r = *ret = fail(resp, HTTP_F_TLS_CREDS, 0,
						"unable to load root certificates from %s", t->ca_file);
		} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
			r = *ret = fail(resp, HTTP_F_TLS_CREDS, 0, "cannot load the system's roots");
		}
		/* a Go CertPool's certificates are all anchors: a chain may end at a trusted
		 * intermediate (a pinned one in discovery, an external CA's in ca.crt) */
		if (t && (t->ca_pem || t->ca_file))
			X509_STORE_set_flags(SSL_CTX_get_cert_store(ctx), X509_V_FLAG_PARTIAL_CHAIN);
	}
	if (r >= 0 && t && (t->cert_pem || t->cert_file)) {
		if (t->cert_pem)
			r = load_pem_certs(t->cert_pem, t->cert_len, NULL, ctx, true);
		else
			r = SSL_CTX_use_certificate_chain_file(ctx, t->cert_file) == 1 ? 0 : -EINVAL;
		if (r >= 0) {
			if (t->key_pem) {
				BIO *b = BIO_new_mem_buf(t->key_pem, (int)t->key_len);
				EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL) : NULL;
				r = k && SSL_CTX_use_PrivateKey(ctx, k) == 1 ? 0 : -EINVAL;
				EVP_PKEY_free(k);
				BIO_free(b);
			} else if (t->key_file) {
				r = SSL_CTX_use_PrivateKey_file(ctx, t->key_file, SSL_FILETYPE_PEM) == 1
					    ? 0
					    : -EINVAL;
			} else {
				r = -EINVAL;
			}
		}
		if (r >= 0 && SSL_CTX_check_private_key(ctx) != 1)
			r = -EINVAL;
		if (r < 0)
			*ret = fail(resp, HTTP_F_TLS_CREDS, 0,
				    "tls: failed to find or load the client certificate and key");
	}
	ERR_clear_error();
	if (r < 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* Go's matchHostnames for a Common Name: equal, or a "*" leftmost label standing for one label */
static bool cn_matches(const char *cn, const char *host)
{
	if (strcasecmp(cn, host) == 0)
		return true;
	if (strncmp(cn, "*.", 2) != 0 || is_ip(host))
		return false;
	const char *dot = strchr(host, '.');
	return dot && dot != host && strcasecmp(dot + 1, cn + 2) == 0;
}

/* Go's HostnameError: "x509: certificate is valid for a, b, not host" (the certificate's
 * actual names), or why there are none to compare */
static void hostname_error(X509 *cert, const char *host, char *out, size_t outlen)
{
	struct strbuf names = STRBUF_INIT;
	int crit = 0;
	GENERAL_NAMES *sans = cert ? X509_get_ext_d2i(cert, NID_subject_alt_name, &crit, NULL) : NULL;
	bool want_ip = is_ip(host);
	if (cert && !sans && crit == -1) { /* no SAN extension: only a Common Name */
		char cn[256];
		X509_NAME *subj = X509_get_subject_name(cert);
		if (X509_NAME_get_text_by_NID(subj, NID_commonName, cn, sizeof(cn)) > 0 &&
		    cn_matches(cn, host)) {
			snprintf(out, outlen, "x509: certificate relies on legacy Common Name field, "
					      "use SANs instead");
			return;
		}
	}
	for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
		if (want_ip && g->type == GEN_IPADD) {
			char txt[INET6_ADDRSTRLEN] = "";
			int len = ASN1_STRING_length(g->d.iPAddress);
			const unsigned char *d = ASN1_STRING_get0_data(g->d.iPAddress);
			inet_ntop(len == 4 ? AF_INET : AF_INET6, d, txt, sizeof(txt));
			strbuf_addf(&names, "%s%s", names.len ? ", " : "", txt);
		} else if (!want_ip && g->type == GEN_DNS) {
			strbuf_addf(&names, "%s%.*s", names.len ? ", " : "",
				    ASN1_STRING_length(g->d.dNSName),
				    (const char *)ASN1_STRING_get0_data(g->d.dNSName));
		}
	}
	GENERAL_NAMES_free(sans);
	if (names.len)
		snprintf(out, outlen, "x509: certificate is valid for %s, not %s", names.buf, host);
	else if (want_ip)
		snprintf(out, outlen,
			 "x509: cannot validate certificate for %s because it doesn't contain any IP "
			 "SANs",
			 host);
	else
		snprintf(out, outlen, "x509: certificate is not valid for any names, but wanted to "
				      "match %s",
			 host);
	strbuf_release(&names);
}

/*
 * The verification of a server's chain, keeping its certificate for the error messages, with
 * http_tls.chain_pem's certificates added to the ones the server sent: they may complete a
 * chain (an intermediate the server leaves out), but only the store's anchors are trusted.
 */
static int verify_chain(X509_STORE_CTX *sctx, void *arg)
{
	struct http_conn *c = arg;
	X509 *leaf = X509_STORE_CTX_get0_cert(sctx);
	if (leaf && !c->leaf && X509_up_ref(leaf))
		c->leaf = leaf;
	if (!c->extra)
		return X509_verify_cert(sctx);
	STACK_OF(X509) *extra = c->extra;
	STACK_OF(X509) *peer = X509_STORE_CTX_get0_untrusted(sctx);
	STACK_OF(X509) *all = peer ? sk_X509_dup(peer) : sk_X509_new_null();
	if (!all)
		abort();
	for (int i = 0; i < sk_X509_num(extra); i++)
		if (!sk_X509_push(all, sk_X509_value(extra, i)))
			abort();
	X509_STORE_CTX_set0_untrusted(sctx, all);
	int ok = X509_verify_cert(sctx);
	X509_STORE_CTX_set0_untrusted(sctx, peer);
	sk_X509_free(all);
	return ok;
}

static STACK_OF(X509) *pem_cert_stack(const char *pem, size_t len)
{
	STACK_OF(X509) *st = sk_X509_new_null();
	BIO *b = BIO_new_mem_buf(pem, (int)len);
	if (!st || !b)
		abort();
	X509 *x;
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)))
		if (!sk_X509_push(st, x))
			abort();
	ERR_clear_error();
	BIO_free(b);
	return st;
}

static int tls_handshake(struct http_conn *c, const struct url *u, const struct http_tls *t,
			 int64_t deadline, struct http_response *resp)
{
	int ret = 0;
	c->ctx = tls_context(t, resp, &ret);
	if (!c->ctx)
		return ret;
	if (t && !t->insecure && t->chain_pem && t->chain_len)
		c->extra = pem_cert_stack(t->chain_pem, t->chain_len);
	SSL_CTX_set_cert_verify_callback(c->ctx, verify_chain, c);
	c->ssl = SSL_new(c->ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1)
		return fail(resp, HTTP_F_TLS, 0, "tls: cannot create a connection");
	static const unsigned char alpn[] = "\x08http/1.1";
	SSL_set_alpn_protos(c->ssl, alpn, sizeof(alpn) - 1);
	const char *name = t && t->server_name && *t->server_name ? t->server_name : u->host;
	if (!is_ip(name))
		SSL_set_tlsext_host_name(c->ssl, name);
	if (!(t && t->insecure)) {
		/* as Go's x509 VerifyHostname: SANs only, "*" only as a whole leftmost label */
		SSL_set_hostflags(c->ssl, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
						  X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (is_ip(name))
			X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), name);
		else
			SSL_set1_host(c->ssl, name);
	}
	for (;;) {
		ERR_clear_error();
		int r = SSL_connect(c->ssl);
		if (r == 1)
			return 0;
		int e = SSL_get_error(c->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			int w = wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
			if (w == -ETIMEDOUT)
				return fail(resp, HTTP_F_TIMEOUT, 0, "net/http: TLS handshake timeout");
			if (w < 0)
				return fail(resp, HTTP_F_IO, -w, "%s", strerror(-w));
			continue;
		}
		long v = SSL_get_verify_result(c->ssl);
		if (v != X509_V_OK) {
			switch (v) {
			case X509_V_ERR_HOSTNAME_MISMATCH:
			case X509_V_ERR_IP_ADDRESS_MISMATCH:
				hostname_error(c->leaf, name, resp->error, sizeof(resp->error));
				break;
			case X509_V_ERR_CERT_HAS_EXPIRED:
			case X509_V_ERR_CERT_NOT_YET_VALID:
				snprintf(resp->error, sizeof(resp->error),
					 "x509: certificate has expired or is not yet valid");
				break;
			case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
			case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
			case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
			case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
			case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
			case X509_V_ERR_CERT_SIGNATURE_FAILURE:
				snprintf(resp->error, sizeof(resp->error),
					 "x509: certificate signed by unknown authority");
				break;
			default:
				snprintf(resp->error, sizeof(resp->error), "x509: %s",
					 X509_verify_cert_error_string(v));
			}
			resp->failure = HTTP_F_TLS_VERIFY;
			return -EACCES;
		}
		if (e == SSL_ERROR_SYSCALL || e == SSL_ERROR_ZERO_RETURN)
			return fail(resp, HTTP_F_EOF, 0, "EOF");
		char buf[256];
		ERR_error_string_n(ERR_peek_last_error(), buf, sizeof(buf));
		ERR_clear_error();
		return fail(resp, HTTP_F_TLS, 0, "remote error: tls: %s", buf);
	}
}

/* ---- requests ---- */

/* The serial number of the certificate the server presented (certs renew verifies it). */
static void peer_serial(struct http_conn *c, struct http_response *resp)
{
	resp->peer_serial[0] = 0;
	if (!c->ssl)
		return;
	X509 *x = SSL_get1_peer_certificate(c->ssl);
	if (!x)
		return;
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	if (hex && strlen(hex) < sizeof(resp->peer_serial))
		memcpy(resp->peer_serial, hex, strlen(hex) + 1);
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
}

/* What a connection's TLS was made with: a connection is reused only with the same. */
static void tls_fingerprint(const struct http_tls *t, unsigned char out[SHA256_DIGEST_LENGTH])
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	if (!m || !EVP_DigestInit_ex(m, EVP_sha256(), NULL))
		abort();
	unsigned char flag = !t ? 2 : t->insecure;
	EVP_DigestUpdate(m, &flag, 1);
	const char *parts[] = { t ? t->ca_pem : NULL,      t ? t->ca_file : NULL,
				t ? t->cert_pem : NULL,    t ? t->key_pem : NULL,
				t ? t->cert_file : NULL,   t ? t->key_file : NULL,
				t ? t->chain_pem : NULL,   t ? t->server_name : NULL };
	const size_t lens[] = { t ? t->ca_len : 0, 0, t ? t->cert_len : 0, t ? t->key_len : 0, 0, 0,
				t ? t->chain_len : 0, 0 };
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		size_t n = parts[i] ? (lens[i] ? lens[i] : strlen(parts[i])) : 0;
		uint64_t len = parts[i] ? n : UINT64_MAX;
		EVP_DigestUpdate(m, &len, sizeof(len));
		if (parts[i])
			EVP_DigestUpdate(m, parts[i], n);
	}
	EVP_DigestFinal_ex(m, out, NULL);
	EVP_MD_CTX_free(m);
}

static bool conn_alive(struct http_conn *c)
{
	if (c->pos != c->len)
		return false; /* unread bytes: the previous answer was not what we thought */
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	/* readable while idle: the peer closed it (or sent garbage); either way not reusable */
	return poll(&p, 1, 0) == 0;
}

/* "Proxy-Authorization: Basic ..." for a proxy URL with user:password@, as Go sends it. */
static void proxy_auth_header(struct strbuf *sb, const char *proxy)
{
	const char *at = strstr(proxy, "://");
	at = at ? at + 3 : proxy;
	const char *end = at + strcspn(at, "/");
	const char *userinfo_end = memchr(at, '@', (size_t)(end - at));
	if (!userinfo_end)
		return;
	unsigned char enc[1024];
	size_t ulen = (size_t)(userinfo_end - at);
	if (ulen < 700) {
		EVP_EncodeBlock(enc, (const unsigned char *)at, (int)ulen);
		strbuf_addf(sb, "Proxy-Authorization: Basic %s\r\n", enc);
	}
}

/* An HTTP CONNECT tunnel through the proxy on c to u (status line and headers consumed). */
static int proxy_tunnel(struct http_conn *c, const char *proxy, const struct url *u,
			int64_t deadline, struct http_response *resp)
{
	struct strbuf rq = STRBUF_INIT;
	bool v6 = strchr(u->host, ':') != NULL;
	strbuf_addf(&rq, "CONNECT %s%s%s:%s HTTP/1.1\r\nHost: %s%s%s:%s\r\n", v6 ? "[" : "", u->host,
		    v6 ? "]" : "", u->port, v6 ? "[" : "", u->host, v6 ? "]" : "", u->port);
	proxy_auth_header(&rq, proxy);
	strbuf_addstr(&rq, "\r\n");
	int r = conn_write(c, rq.buf, rq.len, deadline);
	strbuf_release(&rq);
	_cleanup_free_ char *status = NULL;
	if (r >= 0)
		r = conn_line(c, deadline, MAX_HEADER_BYTES, &status);
	if (r == -ETIMEDOUT)
		return fail(resp, HTTP_F_TIMEOUT, 0, "proxyconnect tcp: i/o timeout");
	if (r < 0)
		return fail(resp, HTTP_F_PROXY, 0, "proxyconnect tcp: %s", strerror(-r));
	long code = strlen(status) > 12 ? strtol(status + 9, NULL, 10) : 0;
	for (;;) {
		_cleanup_free_ char *h = NULL;
		r = conn_line(c, deadline, MAX_HEADER_BYTES, &h);
		if (r < 0)
			return fail(resp, HTTP_F_PROXY, 0, "proxyconnect tcp: %s", strerror(-r));
		if (!*h)
			break;
	}
	if (code < 200 || code > 299)
		return fail(resp, HTTP_F_PROXY, 0, "proxyconnect tcp: %s",
			    strlen(status) > 9 ? status + 9 : status);
	return 0;
}

static int conn_open(struct http_conn **ret, const struct url *u, const struct http_request *req,
		     int64_t deadline, const char **ret_proxy, struct http_response *resp)
{
	int64_t cdl = deadline;
	if (req->connect_timeout_ms > 0 && now_ms() + req->connect_timeout_ms < deadline)
		cdl = now_ms() + req->connect_timeout_ms;
	const char *proxy = req->use_proxy ? proxy_for(u) : NULL;
	struct url pu = { 0 };
	if (proxy) {
		_cleanup_free_ char *full = strstr(proxy, "://") ? xstrdup(proxy)
								: xasprintf("http://%s", proxy);
		if (url_parse(full, &pu) < 0 || pu.tls) {
			url_free(&pu);
			return fail(resp, HTTP_F_URL, 0, "invalid proxy URL %s (http:// proxies only)",
				    proxy);
		}
	}
	int fd = tcp_connect(proxy ? pu.host : u->host, proxy ? pu.port : u->port, cdl, resp);
	url_free(&pu);
	if (fd < 0)
		return fd;
	struct http_conn *c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	tls_fingerprint(req->tls, c->tls_id);
	c->key = xasprintf("%s://%s:%s", u->tls ? "https" : "http", u->host, u->port);
	int r = 0;
	if (proxy && u->tls)
		r = proxy_tunnel(c, proxy, u, cdl, resp);
	if (r >= 0 && u->tls)
		r = tls_handshake(c, u, req->tls, cdl, resp);
	if (r < 0) {
		http_conn_close(c);
		return r;
	}
	*ret_proxy = proxy && !u->tls ? proxy : NULL;
	*ret = c;
	return 0;
}

static bool header_is(const char *line, const char *name, const char **value)
{
	size_t n = strlen(name);
	if (strncasecmp(line, name, n) != 0 || line[n] != ':')
		return false;
	const char *v = line + n + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	*value = v;
	return true;
}

/* Reads n bytes of body (or to EOF when n is SIZE_MAX) into sb, capped at max. */
static int read_body(struct http_conn *c, size_t n, bool to_eof, struct strbuf *sb, size_t max,
		     int64_t deadline)
{
	while (to_eof || n) {
		if (c->pos == c->len) {
			int r = conn_fill(c, deadline);
			if (r < 0)
				return r;
			if (r == 0)
				return to_eof ? 0 : -EPIPE;
		}
		size_t avail = c->len - c->pos;
		size_t take = to_eof ? avail : avail < n ? avail : n;
		if (sb->len + take > max)
			return -EFBIG;
		strbuf_add(sb, c->buf + c->pos, take);
		c->pos += take;
		if (!to_eof)
			n -= take;
	}
	return 0;
}

static int map_read_error(int r, bool in_body, struct http_response *resp, size_t max)
{
	if (r == -ETIMEDOUT)
		return fail(resp, HTTP_F_TIMEOUT, 0,
			    in_body ? "context deadline exceeded (Client.Timeout or context "
				      "cancellation while reading body)"
				    : "context deadline exceeded (Client.Timeout exceeded while "
				      "awaiting headers)");
	if (r == -EFBIG)
		return fail(resp, HTTP_F_TOOBIG, 0, "response body larger than %zu bytes", max);
	if (r == -EPIPE)
		return fail(resp, HTTP_F_EOF, 0, in_body ? "unexpected EOF" : "EOF");
	if (r == -E2BIG || r == -EPROTO)
		return fail(resp, HTTP_F_PROTO, 0, "malformed HTTP response");
	resp->os_errno = -r;
	return fail(resp, HTTP_F_IO, -r, "read: %s", strerror(-r));
}

/* A chunk-size line: hex digits (at most 16), then nothing, blanks or ";extensions". */
static int chunk_size(const char *line, uint64_t *ret)
{
	uint64_t n = 0;
	size_t i = 0;
	for (; isxdigit((unsigned char)line[i]); i++) {
		if (i == 16)
			return -EPROTO;
		int d = isdigit((unsigned char)line[i]) ? line[i] - '0'
							 : (tolower((unsigned char)line[i]) - 'a' + 10);
		n = n * 16 + (uint64_t)d;
	}
	if (i == 0)
		return -EPROTO;
	while (line[i] == ' ' || line[i] == '\t')
		i++;
	if (line[i] && line[i] != ';')
		return -EPROTO;
	*ret = n;
	return 0;
}

/* A chunked body into body, trailers skipped. */
static int read_chunked(struct http_conn *c, struct strbuf *body, size_t max, int64_t deadline)
{
	for (;;) {
		_cleanup_free_ char *sz = NULL;
		int r = conn_line(c, deadline, 4096, &sz);
		if (r < 0)
			return r;
		uint64_t n;
		if (chunk_size(sz, &n) < 0)
			return -EPROTO;
		if (n == 0) { /* trailers, then the empty line */
			size_t total = 0;
			for (;;) {
				_cleanup_free_ char *t = NULL;
				r = conn_line(c, deadline, MAX_HEADER_BYTES, &t);
				if (r < 0)
					return r;
				if (!*t)
					return 0;
				total += strlen(t);
				if (total > MAX_HEADER_BYTES)
					return -E2BIG;
			}
		}
		if (n > max - body->len)
			return -EFBIG;
		r = read_body(c, (size_t)n, false, body, max, deadline);
		_cleanup_free_ char *crlf = NULL;
		if (r >= 0)
			r = conn_line(c, deadline, 2, &crlf);
		if (r < 0)
			return r;
		if (*crlf) /* the data is followed by CRLF and nothing else */
			return -EPROTO;
	}
}

/* Content-Length: decimal digits only, as Go's parseContentLength */
static int content_length(const char *v, size_t *ret)
{
	size_t n = 0;
	const char *p = v;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!isdigit((unsigned char)*p))
		return -EPROTO;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (SIZE_MAX - 9) / 10)
			return -EFBIG;
		n = n * 10 + (size_t)(*p - '0');
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p)
		return -EPROTO;
	*ret = n;
	return 0;
}

/*
 * Reads one response to a request of method on c: status line, headers (1 MiB together, at
 * most MAX_1XX_RESPONSES informational answers skipped), a body framed by chunks, length or
 * the end of the stream, capped at max. *reusable: the connection can carry another request.
 * *location (may be NULL): the Location header, owned.
 */
static int read_response(struct http_conn *c, const char *method, size_t max, int64_t deadline,
			 bool *reusable, char **location, struct http_response *resp)
{
	long status;
	bool close_after = false, chunked = false, have_len = false;
	size_t clen = 0, head_bytes = 0;
	int r;
	for (int informational = 0;; informational++) { /* 1xx answers are skipped */
		if (informational > MAX_1XX_RESPONSES)
			return fail(resp, HTTP_F_PROTO, 0,
				    "net/http: too many 1xx informational responses");
		_cleanup_free_ char *line = NULL;
		r = conn_line(c, deadline, MAX_HEADER_BYTES, &line);
		if (r < 0)
			return map_read_error(r, false, resp, max);
		head_bytes += strlen(line);
		/* "HTTP/1.x NNN[ reason]" */
		if (strncmp(line, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)line[7]) ||
		    line[8] != ' ' || !isdigit((unsigned char)line[9]) ||
		    !isdigit((unsigned char)line[10]) || !isdigit((unsigned char)line[11]) ||
		    (line[12] && line[12] != ' '))
			return fail(resp, HTTP_F_PROTO, 0, "malformed HTTP response \"%.40s\"", line);
		status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
		snprintf(resp->status_text, sizeof(resp->status_text), "%s", line + 9);
		close_after = line[7] == '0';
		chunked = have_len = false;
		clen = 0;
		for (;;) {
			_cleanup_free_ char *h = NULL;
			const char *v;
			r = conn_line(c, deadline, MAX_HEADER_BYTES, &h);
			if (r >= 0 && (head_bytes += strlen(h)) > MAX_HEADER_BYTES)
				r = -E2BIG;
			if (r < 0)
				return map_read_error(r, false, resp, max);
			if (!*h)
				break;
			if (header_is(h, "Content-Length", &v)) {
				size_t n = 0;
				r = content_length(v, &n);
				if (r == -EFBIG)
					return fail(resp, HTTP_F_TOOBIG, 0, "response body larger than %zu bytes", max);
				if (r < 0 || (have_len && n != clen))
					return fail(resp, HTTP_F_PROTO, 0, "bad Content-Length \"%.40s\"", v);
				clen = n, have_len = true;
			} else if (header_is(h, "Transfer-Encoding", &v)) {
				if (strcasecmp(v, "chunked") != 0)
					return fail(resp, HTTP_F_PROTO, 0,
						    "net/http: unsupported transfer encoding: \"%.40s\"", v);
				chunked = true;
			} else if (header_is(h, "Connection", &v)) {
				if (strcasestr(v, "close"))
					close_after = true;
				else if (strcasestr(v, "keep-alive"))
					close_after = false;
			} else if (header_is(h, "Location", &v) && location) {
				free(*location);
				*location = xstrdup(v);
			}
		}
		if (status < 100 || status >= 200 || status == 101)
			break; /* the final answer (Go reads a 0xx as one too) */
	}
	resp->status = status;
	struct strbuf body = STRBUF_INIT;
	bool informational = status >= 100 && status < 200;
	bool no_body = streq(method, "HEAD") || status == 204 || status == 304 || informational;
	if (!no_body) {
		if (chunked) {
			r = read_chunked(c, &body, max, deadline);
		} else if (have_len) {
			if (clen > max)
				r = -EFBIG;
			else
				r = read_body(c, clen, false, &body, max, deadline);
		} else {
			close_after = true;
			r = read_body(c, 0, true, &body, max, deadline);
		}
		if (r < 0) {
			strbuf_release(&body);
			*reusable = false;
			return map_read_error(r, true, resp, max);
		}
	}
	*reusable = !close_after && !informational;
	resp->len = body.len;
	resp->body = body.len ? strbuf_detach(&body, NULL) : xstrdup("");
	strbuf_release(&body);
	return 0;
}

/* Go's httpguts.IsTokenRune: the characters of a method or a header name */
static bool is_token(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (!isalnum(ch) && !strchr("!#$%&'*+-.^_`|~", ch))
			return false;
	}
	return true;
}

/* a control character other than a tab (Go's isCTL && !isLWS), or a NUL */
static bool has_ctl(const char *s, bool tab_ok)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch < 0x20 && !(tab_ok && ch == '\t')) || ch == 0x7f)
			return true;
	}
	return false;
}

/*
 * What Go's net/http refuses to send: a control character in the URL (url.Parse), a method
 * that is not a token, a header name that is not a token, a header value with a control
 * character (httpguts.ValidHeaderFieldValue). Checked for every request and every redirect,
 * in this one place, before anything is sent: no CR/LF from a kubeconfig token, a token
 * file or a server's Location ever reaches the wire.
 */
static int request_check(const struct http_request *req, const char *url,
			 struct http_response *resp)
{
	_cleanup_strbuf_ struct strbuf q = STRBUF_INIT;
	if (has_ctl(url, false))
		return fail(resp, HTTP_F_REQUEST, 0, "net/url: invalid control character in URL");
	if (!is_token(req->method, strlen(req->method))) {
		go_quote(req->method, &q);
		return fail(resp, HTTP_F_REQUEST, 0, "net/http: invalid method %s", q.buf);
	}
	for (const char *const *h = req->headers; h && *h; h++) {
		const char *colon = strchr(*h, ':');
		size_t nl = colon ? (size_t)(colon - *h) : strlen(*h);
		if (!colon || !is_token(*h, nl)) {
			go_quote_n(&q, *h, nl);
			return fail(resp, HTTP_F_REQUEST, 0, "net/http: invalid header field name %s",
				    q.buf);
		}
		/* the value is never printed: it may be a secret */
		if (has_ctl(colon + 1, true)) {
			go_quote_n(&q, *h, nl);
			return fail(resp, HTTP_F_REQUEST, 0,
				    "net/http: invalid header field value for %s", q.buf);
		}
	}
	return 0;
}

/* One exchange on an open connection. *reusable: the connection can carry another request. */
static int exchange(struct http_conn *c, const struct url *u, const char *proxy,
		    const struct http_request *req, const char *const *headers, int64_t deadline,
		    bool *reusable, char **location, struct http_response *resp)
{
	size_t max = req->max_body ? req->max_body : DEFAULT_MAX_BODY;
	struct strbuf rq = STRBUF_INIT;
	/* through a plain-HTTP proxy the request line carries the whole URL */
	if (proxy)
		strbuf_addf(&rq, "%s http://%s%s HTTP/1.1\r\n", req->method, u->hostport,
			    u->path ? u->path : "/");
	else
		strbuf_addf(&rq, "%s %s HTTP/1.1\r\n", req->method, u->path ? u->path : "/");
	strbuf_addf(&rq, "Host: %s\r\n", u->hostport);
	if (proxy)
		proxy_auth_header(&rq, proxy);
	for (const char *const *h = headers; h && *h; h++)
		strbuf_addf(&rq, "%s\r\n", *h);
	bool has_body = req->body || streq(req->method, "POST") || streq(req->method, "PUT") ||
			streq(req->method, "PATCH");
	if (has_body)
		strbuf_addf(&rq, "Content-Length: %zu\r\n", req->body ? req->body_len : 0);
	strbuf_addstr(&rq, "\r\n");
	if (req->body)
		strbuf_add(&rq, req->body, req->body_len);
	int r = conn_write(c, rq.buf, rq.len, deadline);
	explicit_bzero(rq.buf, rq.len); /* bearer tokens */
	strbuf_release(&rq);
	if (r == -ETIMEDOUT)
		return map_read_error(r, false, resp, max);
	if (r < 0) {
		resp->os_errno = -r;
		return fail(resp, HTTP_F_EOF, -r, "write: %s", strerror(-r));
	}
	return read_response(c, req->method, max, deadline, reusable, location, resp);
}

int http_read_response(int fd, const char *method, size_t max_body, long timeout_ms,
		       struct http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	struct http_conn *c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	bool reusable;
	_cleanup_free_ char *location = NULL;
	int r = read_response(c, method, max_body ? max_body : DEFAULT_MAX_BODY,
			      now_ms() + (timeout_ms > 0 ? timeout_ms : DEFAULT_TIMEOUT_MS), &reusable,
			      &location, resp);
	free(c);
	return r;
}

void http_response_release(struct http_response *resp)
{
	free(resp->body);
	resp->body = NULL;
	resp->len = 0;
}

static int perform_once(struct http_conn **conn, const char *url, const struct http_request *req,
			const char *const *headers, int64_t deadline, char **location,
			struct http_response *resp)
{
	int r = request_check(req, url, resp);
	if (r < 0)
		return r;
	struct url u;
	if (url_parse(url, &u) < 0) {
		url_free(&u);
		return fail(resp, HTTP_F_URL, 0, "unsupported protocol scheme or malformed URL");
	}
	_cleanup_free_ char *key = xasprintf("%s://%s:%s", u.tls ? "https" : "http", u.host, u.port);
	struct http_conn *c = conn ? *conn : NULL;
	const char *proxy = req->use_proxy && !u.tls ? proxy_for(&u) : NULL;
	unsigned char tls_id[SHA256_DIGEST_LENGTH];
	if (c)
		tls_fingerprint(req->tls, tls_id);
	if (c && (!streq(c->key, key) || memcmp(c->tls_id, tls_id, sizeof(tls_id)) != 0 ||
		  !conn_alive(c) || proxy)) {
		http_conn_close(c);
		c = NULL;
	}
	if (conn)
		*conn = NULL;
	for (int attempt = 0;; attempt++) {
		bool reused = c != NULL;
		if (!c) {
			r = conn_open(&c, &u, req, deadline, &proxy, resp);
			if (r < 0)
				break;
		}
		bool reusable = false;
		memset(resp, 0, offsetof(struct http_response, error));
		resp->error[0] = 0;
		r = exchange(c, &u, proxy, req, headers, deadline, &reusable, location, resp);
		peer_serial(c, resp);
		/* a kept-alive connection the server closed meanwhile: once more on a new one */
		if (r < 0 && reused && attempt == 0 && resp->status == 0 &&
		    (resp->failure == HTTP_F_EOF || resp->failure == HTTP_F_IO)) {
			http_conn_close(c);
			c = NULL;
			continue;
		}
		if (r >= 0 && reusable && conn && !proxy)
			*conn = c;
		else
			http_conn_close(c);
		break;
	}
	url_free(&u);
	return r;
}

/* Go's shouldCopyHeaderOnRedirect for Authorization, Cookie, ...: the same host or a subdomain */
static bool same_or_subdomain(const char *from_url, const char *to_url)
{
	struct url a, b;
	bool ok = url_parse(from_url, &a) >= 0 && url_parse(to_url, &b) >= 0;
	if (ok) {
		size_t al = strlen(a.host), bl = strlen(b.host);
		ok = strcasecmp(a.host, b.host) == 0 ||
		     (bl > al && !is_ip(b.host) && b.host[bl - al - 1] == '.' &&
		      strcasecmp(b.host + bl - al, a.host) == 0);
	}
	url_free(&a);
	url_free(&b);
	return ok;
}

static bool sensitive_header(const char *h)
{
	static const char *const names[] = { "Authorization:", "Www-Authenticate:", "Cookie:",
					     "Cookie2:" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strncasecmp(h, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

int http_perform(struct http_conn **conn, const struct http_request *req,
		 struct http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	int64_t deadline = now_ms() + (req->timeout_ms > 0 ? req->timeout_ms : DEFAULT_TIMEOUT_MS);
	/* without a caller's connection, one for this call (and its redirects) only */
	struct http_conn *local = NULL, **cp = conn ? conn : &local;
	_cleanup_free_ char *url = xstrdup(req->url);
	/* the headers sent: credentials are dropped once a redirect leaves the first host */
	size_t nh = 0;
	while (req->headers && req->headers[nh])
		nh++;
	_cleanup_free_ const char **headers = xcalloc(nh + 1, sizeof(*headers));
	for (size_t i = 0; i < nh; i++)
		headers[i] = req->headers[i];
	int r;
	for (int hop = 0;; hop++) {
		_cleanup_free_ char *location = NULL;
		r = perform_once(cp, url, req, headers, deadline, &location, resp);
		if (r < 0)
			break;
		bool redirect = resp->status == 301 || resp->status == 302 || resp->status == 303 ||
				resp->status == 307 || resp->status == 308;
		if (!redirect || !location || !streq(req->method, "GET") ||
		    hop >= req->max_redirects)
			break;
		char *next;
		if (strstr(location, "://")) {
			next = xstrdup(location);
		} else if (location[0] == '/') {
			const char *a = strstr(url, "://") + 3;
			next = xasprintf("%.*s%s", (int)(a - url + (long)strcspn(a, "/?#")), url,
					 location);
		} else {
			break; /* relative references other than absolute paths: not followed */
		}
		/* stricter than Go: TLS, once used, is not given up on a server's word */
		if (strncasecmp(url, "https://", 8) == 0 && strncasecmp(next, "https://", 8) != 0) {
			_cleanup_strbuf_ struct strbuf q = STRBUF_INIT;
			go_quote(next, &q);
			free(next);
			http_response_release(resp);
			resp->status = 0;
			r = fail(resp, HTTP_F_REDIRECT, 0,
				 "refusing to follow a redirect from https to %s: it would leave TLS",
				 q.buf);
			break;
		}
		if (!same_or_subdomain(req->url, next)) {
			size_t k = 0;
			for (size_t i = 0; headers[i]; i++)
				if (!sensitive_header(headers[i]))
					headers[k++] = headers[i];
			headers[k] = NULL;
		}
		http_response_release(resp);
		free(url);
		url = next;
	}
	http_conn_close(local);
	return r;
}
