/* SPDX-License-Identifier: Apache-2.0 */
/* TLS for the unit tests (see test-tls.h). */
#include "util/testing.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "kube/test-server.h"
#include "kube/test-tls.h"
#include "util/xalloc.h"

static char *bio_text(BIO *b)
{
	char *p;
	long n = BIO_get_mem_data(b, &p);
	char *s = xstrndup(p, (size_t)n);
	BIO_free(b);
	return s;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

void test_cert_make(struct test_cert *c, const char *cn, const char *sans,
		    const struct test_cert *issuer, bool ca)
{
	static long serial = 1000;
	memset(c, 0, sizeof(*c));
	c->k = EVP_EC_gen("P-256");
	assert_non_null(c->k);
	c->x = X509_new();
	assert_non_null(c->x);
	X509_set_version(c->x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c->x), __atomic_add_fetch(&serial, 1, __ATOMIC_SEQ_CST));
	X509_gmtime_adj(X509_getm_notBefore(c->x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(c->x), 86400);
	X509_NAME *n = X509_get_subject_name(c->x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509 *iss = issuer ? issuer->x : c->x;
	X509_set_issuer_name(c->x, X509_get_subject_name(iss));
	X509_set_pubkey(c->x, c->k);
	add_ext(c->x, iss, NID_subject_key_identifier, "hash");
	add_ext(c->x, iss, NID_authority_key_identifier, "keyid:always");
	if (ca) {
		add_ext(c->x, iss, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(c->x, iss, NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign");
	} else {
		add_ext(c->x, iss, NID_basic_constraints, "critical,CA:FALSE");
		add_ext(c->x, iss, NID_key_usage, "critical,digitalSignature,keyEncipherment");
		add_ext(c->x, iss, NID_ext_key_usage, "serverAuth");
	}
	if (sans)
		add_ext(c->x, iss, NID_subject_alt_name, sans);
	assert_true(X509_sign(c->x, issuer ? issuer->k : c->k, EVP_sha256()) > 0);
	BIO *b = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(b, c->x);
	c->pem = bio_text(b);
	b = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey(b, c->k, NULL, NULL, 0, NULL, NULL);
	c->key_pem = bio_text(b);
}

void test_cert_release(struct test_cert *c)
{
	X509_free(c->x);
	EVP_PKEY_free(c->k);
	free(c->pem);
	free(c->key_pem);
	memset(c, 0, sizeof(*c));
}

static void serve_one(struct test_tls_server *s, int fd)
{
	SSL *ssl = SSL_new(s->ctx);
	assert_non_null(ssl);
	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) == 1) {
		char buf[16384];
		size_t len = 0;
		int k;
		while (len < sizeof(buf) - 1 && (k = SSL_read(ssl, buf + len, (int)(sizeof(buf) - 1 - len))) > 0) {
			len += (size_t)k;
			buf[len] = 0;
			if (strstr(buf, "\r\n\r\n"))
				break;
		}
		if (strstr(buf, "\r\n\r\n")) {
			strbuf_add(&s->requests, buf, len);
			SSL_write(ssl, s->reply, (int)strlen(s->reply));
			s->answered++;
		}
		SSL_shutdown(ssl);
	}
	ERR_clear_error();
	SSL_free(ssl);
}

static void *serve(void *p)
{
	struct test_tls_server *s = p;
	for (;;) {
		int c = accept(s->fd, NULL, NULL);
		if (c < 0)
			return NULL;
		s->accepts++;
		serve_one(s, c);
		close(c);
	}
}

void test_tls_server_start(struct test_tls_server *s, const char *chain_pem, const char *key_pem,
			   const char *reply)
{
	memset(s, 0, sizeof(*s));
	strbuf_init(&s->requests, 0);
	s->reply = reply;
	s->ctx = SSL_CTX_new(TLS_server_method());
	assert_non_null(s->ctx);
	BIO *b = BIO_new_mem_buf(chain_pem, -1);
	X509 *x;
	for (int i = 0; (x = PEM_read_bio_X509(b, NULL, NULL, NULL)); i++) {
		assert_int_equal(i ? SSL_CTX_add0_chain_cert(s->ctx, x)
				   : SSL_CTX_use_certificate(s->ctx, x), 1);
		if (!i)
			X509_free(x);
	}
	BIO_free(b);
	b = BIO_new_mem_buf(key_pem, -1);
	EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	assert_non_null(k);
	assert_int_equal(SSL_CTX_use_PrivateKey(s->ctx, k), 1);
	EVP_PKEY_free(k);
	BIO_free(b);
	ERR_clear_error();
	s->fd = test_listen_loopback(&s->port);
	assert_int_equal(pthread_create(&s->thr, NULL, serve, s), 0);
}

void test_tls_server_stop(struct test_tls_server *s)
{
	shutdown(s->fd, SHUT_RDWR); /* wakes the thread out of accept() */
	pthread_join(s->thr, NULL);
	close(s->fd);
	SSL_CTX_free(s->ctx);
	strbuf_release(&s->requests);
}
