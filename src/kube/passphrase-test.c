/* SPDX-License-Identifier: Apache-2.0 */
/* kube/transport: an encrypted client key (or certificate) never makes OpenSSL ask for a
 * passphrase; it fails to load. */
#include "util/testing.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kube/test-server.h"
#include "kube/transport.h"
#include "util/macro.h"
#include "util/xalloc.h"

/* openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -subj /CN=client; the key
 * encrypted with the passphrase "xx" as PKCS#8 (openssl pkey -aes256) and as a traditional
 * Proc-Type block (openssl ec -aes256) */
static const char cert_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBeTCCAR+gAwIBAgIUCXluwcBRIhogaombf+Pik4KKCTgwCgYIKoZIzj0EAwIw\n"
	"ETEPMA0GA1UEAwwGY2xpZW50MCAXDTI2MTIwODAwNDQxMloYDzIxMjYxMTE0MDA0\n"
	"NDEyWjARMQ8wDQYDVQQDDAZjbGllbnQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC\n"
	"AASWW5pJ63keLoVgvEIFm76ZEvB6p28/ePbgbhd9RUvy/5OJo2ss7we6Lx+Wqyp5\n"
	"01bMC73DqaDKv75zhPuJuqQWo1MwUTAdBgNVHQ4EFgQUazuUfnmIcXQtT4RofPRh\n"
	"6UjuEEgwHwYDVR0jBBgwFoAUazuUfnmIcXQtT4RofPRh6UjuEEgwDwYDVR0TAQH/\n"
	"BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiB53uUgud/n8+gD22QTFPYu4MHIHyTB\n"
	"hG/hi7Bj0oLG6QIhAM0NwqhJuQ2YOjbXaqBkqjvSYGzXW1jlQUtpn0U+2SV/\n"
	"-----END CERTIFICATE-----\n"
;
static const char key_pkcs8_pem[] =
	"-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
	"MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhykF6v8dDIUQICCAAw\n"
	"DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEO9hYPM1CZeKW7FkSHGucvQEgZAG\n"
	"dcUoCcFnOfC3jFR7TaTY51YVJY8X2Mnjs3tgJZ7unND76n6QLAKvn6cbQQeUtA7w\n"
	"1v8w+6/ksivZZKHB0f9jycDaIu8W0uv/BO9GFFotYAYm7P0brM+VSLbx0y+gEjkd\n"
	"nwGqafsUjW9oMpJTY+G8CZhMadT1wTD26OfJ4q2fccfk3ehRS6cxFohdVgKMlGI=\n"
	"-----END ENCRYPTED PRIVATE KEY-----\n"
;
static const char key_traditional_pem[] =
	"-----BEGIN EC PRIVATE KEY-----\n"
	"Proc-Type: 4,ENCRYPTED\n"
	"DEK-Info: AES-256-CBC,6E701677F249B120D375C2A1028FC812\n"
	"\n"
	"MJYEg3t7CIpQ0O8j3+i5EkQSRiO+HG5XMrKQkq+IPOmz4L7c5NAK/VBPEYoyIo7z\n"
	"lbCGVd1TestddnPVevfcOPwkYjXGI2RF2QSxAjc8GWO6XQ4QM+gVvmd5gha0iLKk\n"
	"/ea2IBt2t7W7jub+QOkM7NkogKnTNOBGyboo1wXaMoY=\n"
	"-----END EC PRIVATE KEY-----\n"
;

struct load {
	int port;
	const char *key;
};

/*
 * Loads the client credentials for a request to a listener that never answers, with the
 * passphrase on stdin and no terminal (testing_run_detached): a key that loads means that we
 * asked. 0 when loading failed as an error of the client's credentials, 1 when the key loaded
 * (the request then timed out), 2 otherwise.
 */
static int load(void *arg)
{
	const struct load *l = arg;
	_cleanup_free_ char *url = xasprintf("https://127.0.0.1:%d/", l->port);
	const struct http_tls tls = { .ca_pem = cert_pem, .ca_len = strlen(cert_pem),
				      .cert_pem = cert_pem, .cert_len = strlen(cert_pem),
				      .key_pem = l->key, .key_len = strlen(l->key) };
	const struct http_request req = { .method = "GET", .url = url, .timeout_ms = 300,
					  .tls = &tls };
	struct http_response resp;
	int r = http_perform(NULL, &req, &resp);
	if (r < 0 && resp.failure == HTTP_F_TLS_CREDS)
		return 0;
	return resp.failure == HTTP_F_TIMEOUT ? 1 : 2;
}

static int load_in_child(const char *key)
{
	struct load l = { .key = key };
	int lfd = test_listen_loopback(&l.port);
	int r = testing_run_detached(load, &l, "xx\n");
	close(lfd);
	return r;
}

static void test_encrypted_key_refused(void **state)
{
	assert_int_equal(load_in_child(key_pkcs8_pem), 0);
	assert_int_equal(load_in_child(key_traditional_pem), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encrypted_key_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
