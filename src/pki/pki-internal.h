/* SPDX-License-Identifier: Apache-2.0 */
/* Shared between the pki layer's files only: the OpenSSL objects behind the opaque types. */
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pki/pki.h"

struct pki_key {
	EVP_PKEY *pkey;
};

struct pki_cert {
	X509 *x509;
};

/* Wraps an owned EVP_PKEY / X509. */
struct pki_key *pki_key_wrap(EVP_PKEY *pkey);
struct pki_cert *pki_cert_wrap(X509 *x);
/* Remembers k as the parse of pem (a key file just written), for pki_key_from_pem. */
void pki_key_cache_put(const char *pem, size_t len, EVP_PKEY *k);
/* One PEM block as PEM_read_bio gives it: never decrypted, header "" when it has none. */
struct pki_pem_block {
	const char *name, *header;
	const unsigned char *der;
	long len;
};
/* Calls fn on each PEM block of data in order, until fn returns non-zero, which is returned
 * (0 at the end of the data; data over 2 GiB has no block). Each block's DER is wiped after
 * its call; the end of the data leaves an error in OpenSSL's queue for the caller to drain. */
int pki_pem_foreach(const char *data, size_t len,
		    int (*fn)(const struct pki_pem_block *b, void *userdata), void *userdata);
/* A pem_password_cb that fails: OpenSSL's default asks for the passphrase of an encrypted
 * PEM block on the terminal; we refuse the block instead. */
int pki_no_passphrase(char *buf, int size, int rwflag, void *userdata);
/* Drains OpenSSL's error queue into debug lines; returns code. */
int pki_openssl_error(int code, const char *what);
/* Reads a file under root with kubeadm's size cap; -ENOENT when absent. */
int pki_read_file(int rootfd, const char *path, char **ret, size_t *ret_len);
/* <dir>/<base><ext> as filepath.Join. Owned. */
char *pki_path(const char *dir, const char *base, const char *ext);
/* Go's time.Time %v / String() of a UTC time: "2006-01-02 15:04:05 +0000 UTC". */
void pki_format_go_time(time_t t, char *buf, size_t n);
/* RFC 3339 in UTC: "2006-01-02T15:04:05Z". */
void pki_format_rfc3339(time_t t, char *buf, size_t n);

DEFINE_TRIVIAL_CLEANUP_FUNC(EVP_PKEY *, EVP_PKEY_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(X509 *, X509_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(BIO *, BIO_free)
