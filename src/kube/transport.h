/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HTTP/1.1 over TCP, with TLS from OpenSSL's libssl: the one transport of ckubeadm (the
 * Kubernetes API, etcd's JSON gateway, health checks, version labels). TLS is verified unless
 * the caller asks otherwise, bodies are capped, every request has a deadline, connections are
 * kept alive per caller, proxies are taken from the environment as Go's ProxyFromEnvironment.
 * Written for ckubeadm instead of libcurl: libcurl and its ~25 libraries cost 4 MiB of RSS
 * and 2 ms of start-up in every process, most of which never talk to a server.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Trust and credentials of a TLS connection; all borrowed. Every certificate of ca_pem or
 * ca_file is a trust anchor, a root or not (as in a Go x509.CertPool: a chain may end at an
 * intermediate there). Host names are checked against the DNS and IP SANs only, never the
 * subject's Common Name, and a wildcard is only a whole leftmost label (as Go's x509).
 */
struct http_tls {
	const char *ca_pem; /* trust anchors (PEM); NULL: ca_file, else the system's */
	size_t ca_len;
	const char *ca_file;
	const char *chain_pem; /* certificates that may complete the server's chain towards an
				  anchor; never anchors themselves (PEM); NULL: none */
	size_t chain_len;
	const char *server_name; /* the name the server's certificate must have (Go's
				    tls.Config.ServerName); NULL: the URL's host */
	const char *cert_pem, *key_pem; /* client certificate (+ chain) and key (PEM) */
	size_t cert_len, key_len;
	const char *cert_file, *key_file;
	bool insecure; /* no verification at all (Go's InsecureSkipVerify) */
};

struct http_request {
	const char *method;          /* "GET", "POST", ... */
	const char *url;             /* http://host[:port]/path or https://... */
	const char *const *headers;  /* NULL-terminated "Name: value" lines; Host and
					Content-Length are added */
	const char *body;            /* NULL: none */
	size_t body_len;
	long timeout_ms;             /* the whole request, connection included; 0: 30 s */
	long connect_timeout_ms;     /* 0: timeout_ms */
	size_t max_body;             /* 0: 16 MiB; larger bodies end with HTTP_F_TOOBIG */
	int max_redirects;           /* GET: Location followed this many times, never from
					https to http; Authorization and Cookie are not sent on
					to another host (Go's shouldCopyHeaderOnRedirect) */
	bool use_proxy;              /* HTTPS_PROXY/HTTP_PROXY/NO_PROXY from the environment */
	const struct http_tls *tls;  /* NULL: verify against the system's trust store */
};

enum http_failure {
	HTTP_F_NONE,
	HTTP_F_URL,        /* malformed URL or unsupported scheme */
	HTTP_F_RESOLVE,    /* no such host */
	HTTP_F_CONNECT,    /* connect(2) failed: os_errno */
	HTTP_F_TIMEOUT,    /* the deadline passed */
	HTTP_F_TLS_CREDS,  /* our own CA/certificate/key could not be loaded */
	HTTP_F_TLS_VERIFY, /* the server's certificate was refused */
	HTTP_F_TLS,        /* any other TLS failure */
	HTTP_F_PROTO,      /* not an HTTP/1.x answer */
	HTTP_F_EOF,        /* the connection ended early */
	HTTP_F_TOOBIG,     /* the body passed max_body (status is set) */
	HTTP_F_PROXY,      /* the proxy refused the tunnel */
	HTTP_F_IO,         /* read/write failed: os_errno */
	HTTP_F_REQUEST,    /* the request itself is malformed: a control character in the URL,
			      a header or the method (Go's net/http refuses them the same way) */
	HTTP_F_REDIRECT,   /* a redirect that is not followed: from https to http */
};

struct http_response {
	long status;              /* 0 until a status line was read */
	char status_text[128];    /* the status line after the version ("200 OK"; Go's Status) */
	char *body;               /* owned, NUL-terminated; NULL on failure */
	size_t len;
	enum http_failure failure;
	int os_errno;
	char peer_serial[72];     /* https: the serial number of the server's certificate in the
				     handshake (uppercase hex, as pki_cert_serial); "" otherwise */
	char error[512];          /* the failure in Go's words ("dial tcp ...: connect: ...") */
};

/* A kept-alive connection (opaque); owned by the caller, reused for the same scheme/host/port. */
struct http_conn;

/*
 * Sends req and reads the answer into *resp (released by http_response_release). *conn may
 * hold a connection from an earlier call (NULL: none); on return it holds the connection if
 * it can be reused. conn may be NULL: a connection for this call only. Returns 0 when an
 * answer was read (any status), else -errno (-ETIMEDOUT, -ECONNREFUSED, -EHOSTUNREACH,
 * -ENETUNREACH, -EACCES for TLS verification, -EFBIG, -EIO, -EINVAL for a malformed URL or
 * request, -EPERM for a redirect not followed) with resp->failure and
 * resp->error set. Does not print and does not set util/error's message.
 */
int http_perform(struct http_conn **conn, const struct http_request *req,
		 struct http_response *resp);
void http_response_release(struct http_response *resp);
void http_conn_close(struct http_conn *conn);

/*
 * Reads one HTTP/1.x response to a request of method from fd (a plain stream, borrowed) as
 * http_perform does, within timeout_ms: the parser alone, for the fuzz target and tests.
 * Returns as http_perform.
 */
int http_read_response(int fd, const char *method, size_t max_body, long timeout_ms,
		       struct http_response *resp);
