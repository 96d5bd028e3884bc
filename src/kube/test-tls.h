/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TLS for the unit tests (compiled into them only, never into a library): certificates made on
 * the spot, and a TLS server on 127.0.0.1 that answers every request with one canned reply.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "util/strbuf.h"

struct test_cert {
	X509 *x;
	EVP_PKEY *k;   /* ECDSA P-256 */
	char *pem;     /* the certificate (PEM), owned */
	char *key_pem; /* its key (PEM), owned */
};

/*
 * A certificate for the Common Name cn with the SANs sans (OpenSSL's syntax, "DNS:a,IP:1.2.3.4";
 * NULL: no SAN extension at all), signed by issuer (NULL: self-signed); ca makes a CA.
 * Fails the test when it cannot.
 */
void test_cert_make(struct test_cert *c, const char *cn, const char *sans,
		    const struct test_cert *issuer, bool ca);
void test_cert_release(struct test_cert *c);

struct test_tls_server {
	int fd, port;
	SSL_CTX *ctx;
	const char *reply; /* borrowed */
	int accepts;       /* connections accepted */
	int answered;      /* requests answered (a handshake the client refused is not one) */
	struct strbuf requests; /* the heads of the requests answered */
	pthread_t thr;
};

/*
 * Serves TLS on 127.0.0.1 at a free port with the certificate chain chain_pem (leaf first) and
 * key_pem, answering each request with reply (borrowed, sent as is) and closing the connection,
 * until test_tls_server_stop.
 */
void test_tls_server_start(struct test_tls_server *s, const char *chain_pem, const char *key_pem,
			   const char *reply);
void test_tls_server_stop(struct test_tls_server *s);
