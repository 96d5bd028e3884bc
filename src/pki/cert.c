/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Certificates and CSRs built the way Go's crypto/x509 CreateCertificate builds them for
 * kubeadm: subject O then CN (PrintableString when possible), extensions in Go's order
 * (KeyUsage critical, ExtKeyUsage, BasicConstraints critical, SubjectKeyId for CAs as the
 * first 160 bits of SHA-256 of the public key, AuthorityKeyId from the issuer's SKI, SAN with
 * DNS names then IPs), random serial in [1, MaxInt64), SHA-256 (SHA-384 for P-384 issuers).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki/pki-internal.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/path.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define CERT_VALIDITY (365LL * 24 * 3600)
#define CA_CERT_VALIDITY (10LL * 365 * 24 * 3600)

struct pki_cert *pki_cert_wrap(X509 *x)
{
	struct pki_cert *c = xnew0(struct pki_cert);
	c->x509 = x;
	return c;
}

struct pki_cert *pki_cert_free(struct pki_cert *c)
{
	if (!c)
		return NULL;
	X509_free(c->x509);
	free(c);
	return NULL;
}

struct pki_cert *pki_cert_ref(struct pki_cert *c)
{
	if (!c)
		return NULL;
	X509_up_ref(c->x509);
	return pki_cert_wrap(c->x509);
}

struct pki_cert **pki_certs_free(struct pki_cert **v)
{
	if (!v)
		return NULL;
	for (struct pki_cert **c = v; *c; c++)
		pki_cert_free(*c);
	free(v);
	return NULL;
}

void pki_cert_config_release(struct pki_cert_config *c)
{
	free(c->common_name);
	strv_free(c->organizations);
	strv_free(c->dns_names);
	strv_free(c->ips);
	memset(c, 0, sizeof(*c));
}

void pki_format_go_time(time_t t, char *buf, size_t n)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
}

void pki_format_rfc3339(time_t t, char *buf, size_t n)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- building -------------------------------------------------------------------------- */

/* encoding/asn1: PrintableString unless a character is outside its set ('*', '&' excluded). */
static bool go_printable(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char b = *p;
		if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
		    (b >= '\'' && b <= ')') || (b >= '+' && b <= '/') || b == ' ' || b == ':' ||
		    b == '=' || b == '?')
			continue;
		return false;
	}
	return true;
}

static void name_add(X509_NAME *n, int nid, const char *v, int set)
{
	int type = go_printable(v) ? V_ASN1_PRINTABLESTRING : V_ASN1_UTF8STRING;
	if (!X509_NAME_add_entry_by_NID(n, nid, type, (const unsigned char *)v, (int)strlen(v), -1,
					set))
		abort();
}

/* pkix.Name{CommonName, Organization}.ToRDNSequence(): all O values in one RDN, then CN. */
static X509_NAME *build_name(const char *cn, char *const *orgs)
{
	X509_NAME *n = X509_NAME_new();
	if (!n)
		abort();
	bool first = true;
	STRV_FOREACH(o, orgs) {
		name_add(n, NID_organizationName, *o, first ? 0 : -1);
		first = false;
	}
	if (cn && *cn)
		name_add(n, NID_commonName, cn, 0);
	return n;
}

/* Sorted, unique DNS names (sets.List) and unique IPs in order (RemoveDuplicateAltNames). */
static char **unique_sorted(char *const *v)
{
	char **c = strv_copy(v);
	if (!c)
		return NULL;
	strv_sort(c);
	size_t w = 0;
	for (size_t i = 0; c[i]; i++) {
		if (w > 0 && streq(c[w - 1], c[i])) {
			free(c[i]);
			continue;
		}
		c[w++] = c[i];
	}
	c[w] = NULL;
	return c;
}

struct ipbin {
	unsigned char a[16];
	size_t len;
};

static int parse_ips(char *const *ips, struct ipbin **ret, size_t *ret_n)
{
	size_t n = strv_length(ips), w = 0;
	struct ipbin *v = xcalloc(n ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		struct ipbin b = { 0 };
		if (!pki_ip_parse(ips[i], b.a, &b.len)) {
			free(v);
			return error_set(-EINVAL, "invalid IP address %s", ips[i]);
		}
		bool dup = false;
		for (size_t j = 0; j < w && !dup; j++)
			dup = v[j].len == b.len && memcmp(v[j].a, b.a, b.len) == 0;
		if (!dup)
			v[w++] = b;
	}
	*ret = v;
	*ret_n = w;
	return 0;
}

static int add_ext(X509 *x, int nid, void *value, int crit)
{
	if (X509_add1_ext_i2d(x, nid, value, crit, X509V3_ADD_DEFAULT) != 1)
		return pki_openssl_error(-EINVAL, "X509_add1_ext_i2d");
	return 0;
}

static GENERAL_NAMES *build_sans(char *const *dns, const struct ipbin *ips, size_t nips)
{
	GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
	if (!gens)
		abort();
	STRV_FOREACH(d, dns) {
		GENERAL_NAME *g = GENERAL_NAME_new();
		ASN1_IA5STRING *s = ASN1_IA5STRING_new();
		if (!g || !s || !ASN1_STRING_set(s, *d, (int)strlen(*d)))
			abort();
		GENERAL_NAME_set0_value(g, GEN_DNS, s);
		sk_GENERAL_NAME_push(gens, g);
	}
	for (size_t i = 0; i < nips; i++) {
		GENERAL_NAME *g = GENERAL_NAME_new();
		ASN1_OCTET_STRING *s = ASN1_OCTET_STRING_new();
		if (!g || !s || !ASN1_OCTET_STRING_set(s, ips[i].a, (int)ips[i].len))
			abort();
		GENERAL_NAME_set0_value(g, GEN_IPADD, s);
		sk_GENERAL_NAME_push(gens, g);
	}
	return gens;
}

static EXTENDED_KEY_USAGE *build_eku(unsigned usages)
{
	EXTENDED_KEY_USAGE *eku = sk_ASN1_OBJECT_new_null();
	if (!eku)
		abort();
	if (usages & PKI_USAGE_SERVER_AUTH)
		sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(NID_server_auth));
	if (usages & PKI_USAGE_CLIENT_AUTH)
		sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(NID_client_auth));
	return eku;
}

/* RFC 7093 method 1: leftmost 160 bits of SHA-256 of the subjectPublicKey bits (Go >= 1.25). */
static int pubkey_ski(X509 *x, unsigned char out[20])
{
	ASN1_BIT_STRING *bits = X509_get0_pubkey_bitstr(x);
	if (!bits)
		return -EINVAL;
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256(ASN1_STRING_get0_data(bits), (size_t)ASN1_STRING_length(bits), md);
	memcpy(out, md, 20);
	return 0;
}

static const EVP_MD *digest_for_signer(EVP_PKEY *signer)
{
	if (EVP_PKEY_is_a(signer, "EC")) {
		char group[64] = "";
		size_t len = 0;
		if (EVP_PKEY_get_utf8_string_param(signer, "group", group, sizeof(group), &len) &&
		    (streq(group, "secp384r1") || streq(group, "P-384")))
			return EVP_sha384();
		if (streq(group, "secp521r1") || streq(group, "P-521"))
			return EVP_sha512();
	}
	return EVP_sha256();
}

/* Uniform serial in [1, MaxInt64) as pkiutil: rand.Int(MaxInt64-1) + 1. */
static int random_serial(ASN1_INTEGER *serial)
{
	uint64_t v;
	do {
		if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
			return pki_openssl_error(-EINVAL, "RAND_bytes");
		v &= INT64_MAX;
	} while (v >= (uint64_t)INT64_MAX - 1);
	if (!ASN1_INTEGER_set_uint64(serial, v + 1))
		return -EINVAL;
	return 0;
}

static bool name_der_equal(const X509_NAME *a, const X509_NAME *b)
{
	const unsigned char *da, *db;
	size_t la, lb;
	if (!X509_NAME_get0_der(a, &da, &la) || !X509_NAME_get0_der(b, &db, &lb))
		return false;
	return la == lb && memcmp(da, db, la) == 0;
}

/*
 * x509.CreateCertificate for kubeadm's templates. issuer NULL: self-signed. dns/ips are final
 * (already de-duplicated).
 */
static int build_cert(const char *cn, char *const *orgs, char *const *dns,
		      const struct ipbin *ips, size_t nips, unsigned usages, bool is_ca,
		      time_t not_before, time_t not_after, EVP_PKEY *pub, X509 *issuer,
		      EVP_PKEY *signer, X509 **ret)
{
	_cleanup_(X509_freep) X509 *x = X509_new();
	if (!x)
		abort();
	if (!X509_set_version(x, X509_VERSION_3))
		return -EINVAL;
	int r = random_serial(X509_get_serialNumber(x));
	if (r < 0)
		return r;
	X509_NAME *subject = build_name(cn, orgs);
	X509_set_subject_name(x, subject);
	bool empty_subject = X509_NAME_entry_count(subject) == 0;
	if (issuer)
		X509_set_issuer_name(x, X509_get_subject_name(issuer));
	else
		X509_set_issuer_name(x, subject);
	bool self_named = name_der_equal(X509_get_issuer_name(x), subject);
	X509_NAME_free(subject);

	if (!ASN1_TIME_set(X509_getm_notBefore(x), not_before) ||
	    !ASN1_TIME_set(X509_getm_notAfter(x), not_after))
		return pki_openssl_error(-EINVAL, "ASN1_TIME_set");
	if (!X509_set_pubkey(x, pub))
		return pki_openssl_error(-EINVAL, "X509_set_pubkey");

	/* KeyUsage: DigitalSignature | KeyEncipherment (| CertSign), critical. */
	ASN1_BIT_STRING *ku = ASN1_BIT_STRING_new();
	if (!ku)
		abort();
	ASN1_BIT_STRING_set_bit(ku, 0, 1);
	ASN1_BIT_STRING_set_bit(ku, 2, 1);
	if (is_ca)
		ASN1_BIT_STRING_set_bit(ku, 5, 1);
	r = add_ext(x, NID_key_usage, ku, 1);
	ASN1_BIT_STRING_free(ku);
	if (r < 0)
		return r;

	if (usages) {
		EXTENDED_KEY_USAGE *eku = build_eku(usages);
		r = add_ext(x, NID_ext_key_usage, eku, 0);
		sk_ASN1_OBJECT_free(eku); /* objects from OBJ_nid2obj are static */
		if (r < 0)
			return r;
	}

	BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();
	if (!bc)
		abort();
	bc->ca = is_ca ? 0xff : 0; /* MaxPathLen 0 without MaxPathLenZero: no pathLen */
	r = add_ext(x, NID_basic_constraints, bc, 1);
	BASIC_CONSTRAINTS_free(bc);
	if (r < 0)
		return r;

	unsigned char ski[20];
	if (is_ca) {
		if (pubkey_ski(x, ski) < 0)
			return -EINVAL;
		ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
		if (!os || !ASN1_OCTET_STRING_set(os, ski, sizeof(ski)))
			abort();
		r = add_ext(x, NID_subject_key_identifier, os, 0);
		ASN1_OCTET_STRING_free(os);
		if (r < 0)
			return r;
	}

	/* AuthorityKeyId: the parent's SKI, unless issuer and subject are the same bytes. */
	const ASN1_OCTET_STRING *parent_ski = issuer ? X509_get0_subject_key_id(issuer) : NULL;
	if (!issuer && is_ca)
		parent_ski = NULL;
	if (!self_named && parent_ski && ASN1_STRING_length(parent_ski) > 0) {
		AUTHORITY_KEYID *akid = AUTHORITY_KEYID_new();
		if (!akid)
			abort();
		akid->keyid = ASN1_OCTET_STRING_dup(parent_ski);
		r = add_ext(x, NID_authority_key_identifier, akid, 0);
		AUTHORITY_KEYID_free(akid);
		if (r < 0)
			return r;
	}

	if (strv_length((char **)dns) > 0 || nips > 0) {
		GENERAL_NAMES *gens = build_sans(dns, ips, nips);
		r = add_ext(x, NID_subject_alt_name, gens, empty_subject ? 1 : 0);
		GENERAL_NAMES_free(gens);
		if (r < 0)
			return r;
	}

	if (X509_sign(x, signer, digest_for_signer(signer)) <= 0)
		return pki_openssl_error(-EINVAL, "X509_sign");
	*ret = TAKE_PTR(x);
	return 0;
}

int pki_cert_new_ca(const struct pki_cert_config *cfg, const struct pki_key *key,
		    struct pki_cert **ret)
{
	time_t nb = cfg->not_before ? cfg->not_before : time(NULL);
	time_t na = cfg->not_after ? cfg->not_after : nb + CA_CERT_VALIDITY;
	/* NewSelfSignedCACert: DNSNames = [CommonName], no IPs. */
	char *dns[2] = { cfg->common_name, NULL };
	X509 *x = NULL;
	int r = build_cert(cfg->common_name, cfg->organizations,
			   cfg->common_name && *cfg->common_name ? dns : NULL, NULL, 0, 0, true, nb,
			   na, key->pkey, NULL, key->pkey, &x);
	if (r < 0)
		return error_set(r, "unable to create self-signed CA certificate");
	*ret = pki_cert_wrap(x);
	return 0;
}

int pki_cert_sign(const struct pki_cert_config *cfg, const struct pki_key *key,
		  const struct pki_cert *ca, const struct pki_key *ca_key, bool is_ca,
		  struct pki_cert **ret)
{
	if (!cfg->common_name || !*cfg->common_name)
		return error_set(-EINVAL, "must specify a CommonName");
	if (X509_check_private_key(ca->x509, ca_key->pkey) != 1) {
		ERR_clear_error();
		return error_set(-EINVAL,
				 "x509: provided PrivateKey doesn't match parent's PublicKey");
	}
	_cleanup_strv_free_ char **dns = unique_sorted(cfg->dns_names);
	_cleanup_free_ struct ipbin *ips = NULL;
	size_t nips = 0;
	int r = parse_ips(cfg->ips, &ips, &nips);
	if (r < 0)
		return r;
	time_t nb = cfg->not_before ? cfg->not_before : pki_cert_not_before(ca);
	time_t na = cfg->not_after ? cfg->not_after : nb + CERT_VALIDITY;
	X509 *x = NULL;
	r = build_cert(cfg->common_name, cfg->organizations, dns, ips, nips, cfg->usages, is_ca,
		       nb, na, key->pkey, ca->x509, ca_key->pkey, &x);
	if (r < 0)
		return error_set(r, "unable to sign certificate");
	*ret = pki_cert_wrap(x);
	return 0;
}

int pki_csr_new(const struct pki_cert_config *cfg, const struct pki_key *key, char **ret,
		size_t *ret_len)
{
	_cleanup_strv_free_ char **dns = unique_sorted(cfg->dns_names);
	_cleanup_free_ struct ipbin *ips = NULL;
	size_t nips = 0;
	int r = parse_ips(cfg->ips, &ips, &nips);
	if (r < 0)
		return r;
	X509_REQ *req = X509_REQ_new();
	if (!req)
		abort();
	X509_NAME *subject = build_name(cfg->common_name, cfg->organizations);
	X509_REQ_set_subject_name(req, subject);
	X509_NAME_free(subject);
	X509_REQ_set_pubkey(req, key->pkey);
	if (strv_length(dns) > 0 || nips > 0) {
		STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
		GENERAL_NAMES *gens = build_sans(dns, ips, nips);
		X509_EXTENSION *e = X509V3_EXT_i2d(NID_subject_alt_name, 0, gens);
		GENERAL_NAMES_free(gens);
		if (!exts || !e)
			abort();
		sk_X509_EXTENSION_push(exts, e);
		X509_REQ_add_extensions(req, exts);
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	}
	if (X509_REQ_sign(req, key->pkey, digest_for_signer(key->pkey)) <= 0) {
		X509_REQ_free(req);
		return error_set(pki_openssl_error(-EINVAL, "X509_REQ_sign"),
				 "failed to create a CSR");
	}
	_cleanup_(BIO_freep) BIO *b = BIO_new(BIO_s_mem());
	if (!b || !PEM_write_bio_X509_REQ(b, req))
		abort();
	X509_REQ_free(req);
	char *data;
	long n = BIO_get_mem_data(b, &data);
	*ret = xstrndup(data, (size_t)n);
	if (ret_len)
		*ret_len = (size_t)n;
	return 0;
}

/* ---- PEM -------------------------------------------------------------------------------- */

int pki_cert_to_pem(const struct pki_cert *c, char **ret, size_t *ret_len)
{
	_cleanup_(BIO_freep) BIO *b = BIO_new(BIO_s_mem());
	if (!b || !PEM_write_bio_X509(b, c->x509))
		abort();
	char *data;
	long n = BIO_get_mem_data(b, &data);
	*ret = xstrndup(data, (size_t)n);
	if (ret_len)
		*ret_len = (size_t)n;
	return 0;
}

/*
 * Parsed certificates by PEM text: OpenSSL 3.0 decodes every certificate's public key through
 * its provider decoders (OSSL_DECODER_CTX_new_for_pkey), ~0.1 ms each and 2 ms the first time,
 * and a phase loads the same CA again for every file it writes. Entries live as long as the
 * process; the X509s are shared read-only (X509_up_ref): loaded certificates are never modified.
 */
struct pem_cache_entry {
	char *pem;
	size_t len;
	X509 **certs; /* NULL-terminated */
};
static struct pem_cache_entry pem_cache[32];
static size_t pem_cache_n;
static pthread_mutex_t pem_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static struct pki_cert **pem_cache_get(const char *data, size_t len)
{
	struct pki_cert **v = NULL;
	pthread_mutex_lock(&pem_cache_lock);
	for (size_t i = 0; i < pem_cache_n && !v; i++) {
		const struct pem_cache_entry *e = &pem_cache[i];
		if (e->len != len || memcmp(e->pem, data, len) != 0)
			continue;
		size_t n = 0;
		while (e->certs[n])
			n++;
		v = xcalloc(n + 1, sizeof(*v));
		for (size_t j = 0; j < n; j++) {
			X509_up_ref(e->certs[j]);
			v[j] = pki_cert_wrap(e->certs[j]);
		}
	}
	pthread_mutex_unlock(&pem_cache_lock);
	return v;
}

static void pem_cache_put(const char *data, size_t len, struct pki_cert *const *v)
{
	pthread_mutex_lock(&pem_cache_lock);
	bool have = false;
	for (size_t i = 0; i < pem_cache_n && !have; i++)
		have = pem_cache[i].len == len && memcmp(pem_cache[i].pem, data, len) == 0;
	if (!have && pem_cache_n < ARRAY_SIZE(pem_cache)) {
		size_t n = 0;
		while (v[n])
			n++;
		struct pem_cache_entry *e = &pem_cache[pem_cache_n++];
		e->pem = xmalloc(len ? len : 1);
		memcpy(e->pem, data, len);
		e->len = len;
		e->certs = xcalloc(n + 1, sizeof(*e->certs));
		for (size_t j = 0; j < n; j++) {
			X509_up_ref(v[j]->x509);
			e->certs[j] = v[j]->x509;
		}
	}
	pthread_mutex_unlock(&pem_cache_lock);
}

struct cert_parse {
	struct pki_cert **v; /* NULL-terminated */
	size_t n;
};

/* certutil.ParseCertsPEM: every "CERTIFICATE" block without headers, each one must parse */
static int cert_block(const struct pki_pem_block *b, void *userdata)
{
	struct cert_parse *cp = userdata;
	if (!streq(b->name, "CERTIFICATE") || *b->header)
		return 0;
	const unsigned char *p = b->der;
	X509 *x = d2i_X509(NULL, &p, b->len);
	if (x && p != b->der + b->len) {
		X509_free(x);
		x = NULL;
	}
	if (!x) {
		pki_openssl_error(0, "d2i_X509");
		return -EBADMSG;
	}
	cp->v = xrealloc(cp->v, (cp->n + 2) * sizeof(*cp->v));
	cp->v[cp->n++] = pki_cert_wrap(x);
	cp->v[cp->n] = NULL;
	return 0;
}

int pki_certs_from_pem(const char *data, size_t len, struct pki_cert ***ret)
{
	struct pki_cert **cached = pem_cache_get(data, len);
	if (cached) {
		*ret = cached;
		return 0;
	}
	if (len > INT32_MAX)
		return error_set(-EBADMSG, "data does not contain any valid RSA or ECDSA certificates");
	struct cert_parse cp = { .v = xcalloc(1, sizeof(*cp.v)) };
	int r = pki_pem_foreach(data, len, cert_block, &cp);
	ERR_clear_error();
	if (r < 0) {
		pki_certs_free(cp.v);
		return error_set(-EBADMSG, "x509: malformed certificate");
	}
	if (cp.n == 0) {
		free(cp.v);
		return error_set(-EBADMSG, "data does not contain any valid RSA or ECDSA certificates");
	}
	struct pki_cert **v = cp.v;
	pem_cache_put(data, len, v);
	*ret = v;
	return 0;
}

/* ---- attributes ------------------------------------------------------------------------- */

static char **name_values(const X509_NAME *n, int nid)
{
	char **v = NULL;
	for (int i = -1; (i = X509_NAME_get_index_by_NID(n, nid, i)) >= 0;) {
		ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
		unsigned char *utf8 = NULL;
		int l = ASN1_STRING_to_UTF8(&utf8, s);
		if (l < 0)
			continue;
		strv_consume(&v, xstrndup((char *)utf8, (size_t)l));
		OPENSSL_free(utf8);
	}
	return v;
}

char *pki_cert_common_name(const struct pki_cert *c)
{
	/* pkix.Name.FillFromRDNSequence keeps the last CN. */
	_cleanup_strv_free_ char **v = name_values(X509_get_subject_name(c->x509), NID_commonName);
	size_t n = strv_length(v);
	return xstrdup(n ? v[n - 1] : "");
}

char **pki_cert_organizations(const struct pki_cert *c)
{
	return name_values(X509_get_subject_name(c->x509), NID_organizationName);
}

static char **san_values(const struct pki_cert *c, int type)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(c->x509, NID_subject_alt_name, NULL, NULL);
	char **v = NULL;
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		if (g->type != type)
			continue;
		if (type == GEN_DNS) {
			const ASN1_IA5STRING *s = g->d.dNSName;
			strv_consume(&v, xstrndup((const char *)ASN1_STRING_get0_data(s),
						  (size_t)ASN1_STRING_length(s)));
		} else {
			const ASN1_OCTET_STRING *s = g->d.iPAddress;
			char buf[64];
			int l = ASN1_STRING_length(s);
			if (l != 4 && l != 16)
				continue;
			strv_push(&v, pki_ip_format(ASN1_STRING_get0_data(s), (size_t)l, buf,
						    sizeof(buf)));
		}
	}
	GENERAL_NAMES_free(gens);
	return v;
}

char **pki_cert_dns_names(const struct pki_cert *c)
{
	return san_values(c, GEN_DNS);
}

char **pki_cert_ips(const struct pki_cert *c)
{
	return san_values(c, GEN_IPADD);
}

unsigned pki_cert_usages(const struct pki_cert *c)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(c->x509, NID_ext_key_usage, NULL, NULL);
	unsigned u = 0;
	for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku); i++) {
		int nid = OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i));
		if (nid == NID_server_auth)
			u |= PKI_USAGE_SERVER_AUTH;
		else if (nid == NID_client_auth)
			u |= PKI_USAGE_CLIENT_AUTH;
	}
	EXTENDED_KEY_USAGE_free(eku);
	return u;
}

bool pki_cert_is_ca(const struct pki_cert *c)
{
	BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(c->x509, NID_basic_constraints, NULL, NULL);
	bool ca = bc && bc->ca;
	BASIC_CONSTRAINTS_free(bc);
	return ca;
}

static time_t asn1_to_time(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return timegm(&tm);
}

time_t pki_cert_not_before(const struct pki_cert *c)
{
	return asn1_to_time(X509_get0_notBefore(c->x509));
}

time_t pki_cert_not_after(const struct pki_cert *c)
{
	return asn1_to_time(X509_get0_notAfter(c->x509));
}

char *pki_cert_serial(const struct pki_cert *c)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(c->x509), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	BN_free(bn);
	if (!hex)
		abort();
	char *ret = xstrdup(hex);
	OPENSSL_free(hex);
	return ret;
}

bool pki_cert_equal(const struct pki_cert *a, const struct pki_cert *b)
{
	return a && b && X509_cmp(a->x509, b->x509) == 0;
}

bool pki_cert_matches_key(const struct pki_cert *c, const struct pki_key *k)
{
	bool ok = X509_check_private_key(c->x509, k->pkey) == 1;
	ERR_clear_error();
	return ok;
}

void pki_cert_to_config(const struct pki_cert *c, struct pki_cert_config *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->common_name = pki_cert_common_name(c);
	ret->organizations = pki_cert_organizations(c);
	ret->dns_names = pki_cert_dns_names(c);
	ret->ips = pki_cert_ips(c);
	ret->usages = pki_cert_usages(c);
}

/* ---- verification ----------------------------------------------------------------------- */

static bool signature_ok(X509 *cert, X509 *issuer)
{
	EVP_PKEY *pk = X509_get0_pubkey(issuer);
	bool ok = pk && X509_verify(cert, pk) == 1;
	ERR_clear_error();
	return ok;
}

int pki_cert_verify_chain(const struct pki_cert *cert, struct pki_cert *const *intermediates,
			  const struct pki_cert *root)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	if (!store || !ctx || !untrusted)
		abort();
	X509_STORE_add_cert(store, root->x509);
	/* The pool's root is a trust anchor even when it is not self-signed (x509.CertPool). */
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	for (struct pki_cert *const *c = intermediates; c && *c; c++)
		sk_X509_push(untrusted, (*c)->x509);
	int r = 0;
	if (!X509_STORE_CTX_init(ctx, store, cert->x509, untrusted))
		abort();
	if (X509_verify_cert(ctx) != 1) {
		int e = X509_STORE_CTX_get_error(ctx);
		X509 *bad = X509_STORE_CTX_get_current_cert(ctx);
		if (!bad)
			bad = cert->x509;
		struct pki_cert badc = { .x509 = bad };
		char now[32], when[32];
		pki_format_rfc3339(time(NULL), now, sizeof(now));
		if (e == X509_V_ERR_CERT_HAS_EXPIRED) {
			pki_format_rfc3339(pki_cert_not_after(&badc), when, sizeof(when));
			r = error_set(-EINVAL,
				      "x509: certificate has expired or is not yet valid: current time "
				      "%s is after %s",
				      now, when);
		} else if (e == X509_V_ERR_CERT_NOT_YET_VALID) {
			pki_format_rfc3339(pki_cert_not_before(&badc), when, sizeof(when));
			r = error_set(-EINVAL,
				      "x509: certificate has expired or is not yet valid: current time "
				      "%s is before %s",
				      now, when);
		} else if (name_der_equal(X509_get_issuer_name(cert->x509),
					  X509_get_subject_name(root->x509)) &&
			   !signature_ok(cert->x509, root->x509)) {
			/* Go's UnknownAuthorityError hint for a same-named candidate. */
			_cleanup_free_ char *cn = pki_cert_common_name(root);
			const char *why = EVP_PKEY_is_a(X509_get0_pubkey(root->x509), "EC")
						  ? "x509: ECDSA verification failure"
						  : "crypto/rsa: verification error";
			r = error_set(-EINVAL,
				      "x509: certificate signed by unknown authority (possibly because "
				      "of \"%s\" while trying to verify candidate authority certificate "
				      "\"%s\")",
				      why, cn);
		} else {
			r = error_set(-EINVAL, "x509: certificate signed by unknown authority");
		}
	}
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	X509_STORE_free(store);
	return r;
}

static void lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static bool valid_hostname(const char *host, bool pattern)
{
	_cleanup_free_ char *h = xstrdup(host);
	size_t n = strlen(h);
	if (!pattern && n > 0 && h[n - 1] == '.')
		h[--n] = '\0';
	if (n == 0 || streq(h, "*"))
		return false;
	_cleanup_strv_free_ char **parts = strv_split(h, '.', false);
	for (size_t i = 0; parts && parts[i]; i++) {
		const char *p = parts[i];
		if (!*p)
			return false;
		if (pattern && i == 0 && streq(p, "*"))
			continue;
		for (size_t j = 0; p[j]; j++) {
			char c = p[j];
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			    (c >= 'A' && c <= 'Z') || (c == '-' && j != 0) || c == '_')
				continue;
			return false;
		}
	}
	return true;
}

static bool match_hostnames(const char *pattern, char **host_parts)
{
	_cleanup_free_ char *p = xstrdup(pattern);
	lower_ascii(p);
	if (!*p || !host_parts || !host_parts[0])
		return false;
	_cleanup_strv_free_ char **pp = strv_split(p, '.', false);
	if (strv_length(pp) != strv_length(host_parts))
		return false;
	for (size_t i = 0; pp[i]; i++) {
		if (i == 0 && streq(pp[i], "*"))
			continue;
		if (!streq(pp[i], host_parts[i]))
			return false;
	}
	return true;
}

int pki_cert_verify_hostname(const struct pki_cert *c, const char *h)
{
	_cleanup_free_ char *cand = xstrdup(h);
	size_t n = strlen(cand);
	if (n >= 3 && cand[0] == '[' && cand[n - 1] == ']') {
		memmove(cand, cand + 1, n - 2);
		cand[n - 2] = '\0';
	}
	unsigned char ip[16];
	size_t iplen;
	/* net.ParseIP (strict: no leading zeros in IPv4) */
	bool is_ip = pki_ip_parse(cand, ip, &iplen);
	if (is_ip && !strchr(cand, ':')) {
		for (const char *s = cand; *s; s++)
			if (*s == '0' && (s == cand || s[-1] == '.') && s[1] >= '0' && s[1] <= '9')
				is_ip = false;
	}
	if (is_ip) {
		_cleanup_strv_free_ char **ips = pki_cert_ips(c);
		char want[64];
		pki_ip_format(ip, iplen, want, sizeof(want));
		if (strv_contains(ips, want))
			return 0;
		if (!ips)
			return error_set(-EINVAL,
					 "x509: cannot validate certificate for %s because it doesn't "
					 "contain any IP SANs",
					 cand);
		_cleanup_free_ char *list = strv_join(ips, ", ");
		return error_set(-EINVAL, "x509: certificate is valid for %s, not %s", list, cand);
	}

	_cleanup_free_ char *name = xstrdup(h);
	lower_ascii(name);
	bool valid_input = valid_hostname(name, false);
	_cleanup_free_ char *trimmed = xstrdup(name);
	size_t tl = strlen(trimmed);
	if (tl > 0 && trimmed[tl - 1] == '.')
		trimmed[tl - 1] = '\0';
	_cleanup_strv_free_ char **host_parts = strv_split(trimmed, '.', false);
	_cleanup_strv_free_ char **dns = pki_cert_dns_names(c);
	STRV_FOREACH(m, dns) {
		if (valid_input && valid_hostname(*m, true)) {
			if (match_hostnames(*m, host_parts))
				return 0;
		} else {
			_cleanup_free_ char *a = xstrdup(*m);
			lower_ascii(a);
			if (*a && !streq(a, ".") && *name && !streq(name, ".") && streq(a, name))
				return 0;
		}
	}
	if (!dns)
		return error_set(-EINVAL,
				 "x509: certificate is not valid for any names, but wanted to match %s",
				 h);
	_cleanup_free_ char *list = strv_join(dns, ", ");
	return error_set(-EINVAL, "x509: certificate is valid for %s, not %s", list, h);
}

int pki_cert_validate_period(const struct pki_cert *c, int64_t offset)
{
	char nb[64], na[64];
	time_t b = pki_cert_not_before(c), a = pki_cert_not_after(c);
	pki_format_go_time(b, nb, sizeof(nb));
	pki_format_go_time(a, na, sizeof(na));
	time_t now = time(NULL) + offset;
	if (now < b)
		return error_set(-EINVAL,
				 "the certificate is not valid yet: NotBefore: %s, NotAfter: %s", nb,
				 na);
	if (now > a)
		return error_set(-EINVAL,
				 "the certificate has expired: NotBefore: %s, NotAfter: %s", nb, na);
	return 0;
}

/* ---- files ------------------------------------------------------------------------------ */

char *pki_path(const char *dir, const char *base, const char *ext)
{
	/* pkiutil's filepath.Join(pkiPath, name + ext) */
	_cleanup_free_ char *file = xasprintf("%s%s", base, ext);
	return path_join(dir, file);
}

int pki_read_file(int rootfd, const char *path, char **ret, size_t *ret_len)
{
	int r = fs_read_file(rootfd, path, 4 << 20, ret, ret_len);
	if (r == -EFBIG)
		return error_set(r, "%s: file too large", path);
	if (r < 0) {
		/* Go's syscall error strings are glibc's, lowercased. */
		char msg[128];
		snprintf(msg, sizeof(msg), "%s", strerror(-r));
		if (msg[0] >= 'A' && msg[0] <= 'Z' && !(msg[1] >= 'A' && msg[1] <= 'Z'))
			msg[0] = (char)(msg[0] - 'A' + 'a');
		return error_set(r, "open %s: %s", path, msg);
	}
	return 0;
}

int pki_write_cert(int rootfd, const char *dir, const char *base, const struct pki_cert *c)
{
	_cleanup_free_ char *path = pki_path(dir, base, ".crt");
	_cleanup_free_ char *pem = NULL;
	size_t len;
	pki_cert_to_pem(c, &pem, &len);
	int r = fs_write_atomic(rootfd, path, pem, len, 0644, 0755);
	if (r < 0)
		return error_wrap(r, "unable to write certificate to file %s", path);
	/* a later load of this file (a CA for the next certificate) needs no parsing */
	struct pki_cert *one[] = { (struct pki_cert *)c, NULL };
	pem_cache_put(pem, len, one);
	return 0;
}

int pki_write_key(int rootfd, const char *dir, const char *base, const struct pki_key *k)
{
	_cleanup_free_ char *path = pki_path(dir, base, ".key");
	char *pem = NULL;
	size_t len = 0;
	int r = pki_key_to_pem(k, &pem, &len);
	if (r < 0)
		return r;
	r = fs_write_atomic(rootfd, path, pem, len, 0600, 0755);
	if (r >= 0)
		pki_key_cache_put(pem, len, k->pkey);
	pki_secret_free(pem, len);
	if (r < 0)
		return error_wrap(r, "unable to write private key to file %s", path);
	return 0;
}

int pki_write_public_key(int rootfd, const char *dir, const char *base, const struct pki_key *k)
{
	_cleanup_free_ char *path = pki_path(dir, base, ".pub");
	_cleanup_free_ char *pem = NULL;
	size_t len;
	int r = pki_key_public_pem(k, &pem, &len);
	if (r < 0)
		return r;
	r = fs_write_atomic(rootfd, path, pem, len, 0600, 0755);
	if (r < 0)
		return error_wrap(r, "unable to write public key to file %s", path);
	return 0;
}

int pki_write_csr(int rootfd, const char *dir, const char *base, const char *pem, size_t len)
{
	_cleanup_free_ char *path = pki_path(dir, base, ".csr");
	int r = fs_write_atomic(rootfd, path, pem, len, 0600, 0700);
	if (r < 0)
		return error_wrap(r, "unable to write CSR to file %s", path);
	return 0;
}

int pki_write_cert_and_key(int rootfd, const char *dir, const char *base,
			   const struct pki_cert *c, const struct pki_key *k)
{
	/*
	 * kubeadm writes the key, then the certificate; when the second write fails it leaves a
	 * key without its certificate, which a re-run refuses. Put the previous key back (or
	 * remove the new one) so that a failed write leaves the pair as it was.
	 */
	_cleanup_free_ char *keypath = pki_path(dir, base, ".key");
	char *old = NULL;
	size_t oldlen = 0;
	bool had_key = fs_read_file(rootfd, keypath, 4 << 20, &old, &oldlen) >= 0;
	int r = pki_write_key(rootfd, dir, base, k);
	if (r < 0) {
		pki_secret_free(old, oldlen);
		return error_wrap(r, "couldn't write key");
	}
	r = pki_write_cert(rootfd, dir, base, c);
	if (r < 0) {
		if (had_key)
			fs_write_atomic(rootfd, keypath, old, oldlen, 0600, 0755);
		else
			fs_unlink(rootfd, keypath);
	}
	pki_secret_free(old, oldlen);
	return r;
}

int pki_load_cert_chain(int rootfd, const char *dir, const char *base, struct pki_cert ***ret)
{
	_cleanup_free_ char *path = pki_path(dir, base, ".crt");
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r = pki_read_file(rootfd, path, &data, &len);
	if (r < 0)
		return error_wrap(r, "couldn't load the certificate file %s", path);
	r = pki_certs_from_pem(data, len, ret);
	if (r < 0) {
		error_wrap(r, "error reading %s", path);
		return error_wrap(r, "couldn't load the certificate file %s", path);
	}
	return 0;
}

int pki_load_cert(int rootfd, const char *dir, const char *base, struct pki_cert **ret)
{
	struct pki_cert **v = NULL;
	int r = pki_load_cert_chain(rootfd, dir, base, &v);
	if (r < 0)
		return r;
	*ret = v[0];
	for (size_t i = 1; v[i]; i++)
		pki_cert_free(v[i]);
	free(v);
	return 0;
}

int pki_load_key(int rootfd, const char *dir, const char *base, struct pki_key **ret)
{
	_cleanup_free_ char *path = pki_path(dir, base, ".key");
	char *data = NULL;
	size_t len = 0;
	int r = pki_read_file(rootfd, path, &data, &len);
	if (r < 0)
		return error_wrap(r, "couldn't load the private key file %s", path);
	struct pki_key *k = NULL;
	r = pki_key_from_pem(data, len, &k);
	pki_secret_free(data, len);
	if (r < 0) {
		error_wrap(r, "error reading private key file %s", path);
		return error_wrap(r, "couldn't load the private key file %s", path);
	}
	if (!EVP_PKEY_is_a(k->pkey, "RSA") && !EVP_PKEY_is_a(k->pkey, "EC")) {
		pki_key_free(k);
		return error_set(-EINVAL,
				 "the private key file %s is neither in RSA nor ECDSA format", path);
	}
	*ret = k;
	return 0;
}

int pki_load_cert_and_key(int rootfd, const char *dir, const char *base, struct pki_cert **ret_cert,
			  struct pki_key **ret_key)
{
	_cleanup_(pki_cert_freep) struct pki_cert *c = NULL;
	int r = pki_load_cert(rootfd, dir, base, &c);
	if (r < 0)
		return error_wrap(r, "failed to load certificate");
	struct pki_key *k = NULL;
	r = pki_load_key(rootfd, dir, base, &k);
	if (r < 0)
		return error_wrap(r, "failed to load key");
	*ret_cert = TAKE_PTR(c);
	*ret_key = k;
	return 0;
}

bool pki_cert_or_key_exists(int rootfd, const char *dir, const char *base)
{
	_cleanup_free_ char *c = pki_path(dir, base, ".crt");
	_cleanup_free_ char *k = pki_path(dir, base, ".key");
	return fs_exists(rootfd, c) || fs_exists(rootfd, k);
}

bool pki_csr_or_key_exists(int rootfd, const char *dir, const char *base)
{
	_cleanup_free_ char *c = pki_path(dir, base, ".csr");
	_cleanup_free_ char *k = pki_path(dir, base, ".key");
	return fs_exists(rootfd, c) || fs_exists(rootfd, k);
}
