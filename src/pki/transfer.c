/* SPDX-License-Identifier: Apache-2.0 */
/* The files that travel in the kubeadm-certs Secret, checked before they are written. */
#include <errno.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "pki/pki-internal.h"
#include "pki/pki.h"
#include "util/error.h"
#include "util/macro.h"
#include "util/strv.h"
#include "util/xalloc.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && streq(s + a - b, suffix);
}

static int push_name(const struct pki_pem_block *b, void *userdata)
{
	strv_push(userdata, b->name);
	return 0;
}

/* The names of the PEM blocks in data (never decrypted). Owned; NULL when there is none. */
static char **pem_block_names(const char *data, size_t len)
{
	char **v = NULL;
	pki_pem_foreach(data, len, push_name, &v);
	ERR_clear_error();
	return v;
}

/* The file named name among files (non-empty), or NULL. */
static const struct pki_transfer_file *find(const struct pki_transfer_file *files, size_t n,
					    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (streq(files[i].name, name) && files[i].data && files[i].len)
			return &files[i];
	return NULL;
}

/* name with its suffix replaced. Owned. */
static char *sibling(const char *name, const char *from, const char *to)
{
	return xasprintf("%.*s%s", (int)(strlen(name) - strlen(from)), name, to);
}

static int check_cert(const struct pki_transfer_file *f)
{
	_cleanup_strv_free_ char **names = pem_block_names(f->data, f->len);
	STRV_FOREACH(n, names)
		if (!streq(*n, "CERTIFICATE"))
			return error_set(-EBADMSG, "%s holds a \"%s\" PEM block, not only certificates",
					 f->name, *n);
	_cleanup_(pki_certs_freep) struct pki_cert **certs = NULL;
	int r = pki_certs_from_pem(f->data, f->len, &certs);
	if (r < 0)
		return error_wrap(r, "%s is not a certificate", f->name);
	/* ca.crt, front-proxy-ca.crt, etcd/ca.crt, external-etcd-ca.crt: the first is the CA */
	bool want_ca = streq(f->name, "ca.crt") || ends_with(f->name, "/ca.crt") ||
		       ends_with(f->name, "-ca.crt");
	if (want_ca && !pki_cert_is_ca(certs[0]))
		return error_set(-EBADMSG, "%s is not a CA certificate", f->name);
	return 0;
}

/* A "PUBLIC KEY" PEM file (sa.pub): its key, owned. */
static int parse_public(const struct pki_transfer_file *f, EVP_PKEY **ret)
{
	_cleanup_strv_free_ char **names = pem_block_names(f->data, f->len);
	if (strv_length(names) != 1 || !streq(names[0], "PUBLIC KEY"))
		return error_set(-EBADMSG, "%s is not a PEM public key", f->name);
	_cleanup_(BIO_freep) BIO *b = BIO_new_mem_buf(f->data, (int)f->len);
	if (!b)
		abort();
	EVP_PKEY *pk = PEM_read_bio_PUBKEY(b, NULL, pki_no_passphrase, NULL);
	ERR_clear_error();
	if (!pk)
		return error_set(-EBADMSG, "%s is not a public key", f->name);
	*ret = pk;
	return 0;
}

static int check_key(const struct pki_transfer_file *files, size_t n,
		     const struct pki_transfer_file *f)
{
	_cleanup_strv_free_ char **names = pem_block_names(f->data, f->len);
	if (!names)
		return error_set(-EBADMSG, "%s is not a PEM private key", f->name);
	STRV_FOREACH(b, names)
		if (!ends_with(*b, "PRIVATE KEY"))
			return error_set(-EBADMSG, "%s holds a \"%s\" PEM block, not a private key",
					 f->name, *b);
	_cleanup_(pki_key_freep) struct pki_key *k = NULL;
	int r = pki_key_from_pem(f->data, f->len, &k);
	if (r < 0)
		return error_wrap(r, "%s is not a private key", f->name);
	_cleanup_free_ char *crt_name = sibling(f->name, ".key", ".crt");
	const struct pki_transfer_file *crt = find(files, n, crt_name);
	if (crt) {
		_cleanup_(pki_certs_freep) struct pki_cert **certs = NULL;
		r = pki_certs_from_pem(crt->data, crt->len, &certs);
		if (r < 0)
			return error_wrap(r, "%s is not a certificate", crt->name);
		if (!pki_cert_matches_key(certs[0], k))
			return error_set(-EBADMSG, "%s does not match the certificate %s", f->name,
					 crt->name);
	}
	_cleanup_free_ char *pub_name = sibling(f->name, ".key", ".pub");
	const struct pki_transfer_file *pub = find(files, n, pub_name);
	if (pub) {
		_cleanup_(EVP_PKEY_freep) EVP_PKEY *pk = NULL;
		r = parse_public(pub, &pk);
		if (r < 0)
			return r;
		if (EVP_PKEY_eq(pk, k->pkey) != 1)
			return error_set(-EBADMSG, "%s does not match the public key %s", f->name,
					 pub->name);
	}
	return 0;
}

int pki_transfer_files_check(const struct pki_transfer_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct pki_transfer_file *f = &files[i];
		if (!f->data || !f->len)
			continue;
		int r;
		if (ends_with(f->name, ".crt")) {
			r = check_cert(f);
		} else if (ends_with(f->name, ".key")) {
			r = check_key(files, n, f);
		} else if (ends_with(f->name, ".pub")) {
			_cleanup_(EVP_PKEY_freep) EVP_PKEY *pk = NULL;
			r = parse_public(f, &pk);
		} else {
			r = error_set(-EINVAL, "%s: not a certificate, key or public key name", f->name);
		}
		if (r < 0)
			return r;
	}
	return 0;
}
