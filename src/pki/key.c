/* SPDX-License-Identifier: Apache-2.0 */
/* Private keys: generation (inline or on a small thread pool), PEM in and out, wiping. */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pki/pki-internal.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const struct {
	enum pki_algo algo;
	const char *name;
} algos[] = {
	{ PKI_RSA2048, "RSA-2048" },    { PKI_RSA3072, "RSA-3072" },
	{ PKI_RSA4096, "RSA-4096" },    { PKI_ECDSA_P256, "ECDSA-P256" },
	{ PKI_ECDSA_P384, "ECDSA-P384" },
};

int pki_algo_parse(const char *s, enum pki_algo *ret)
{
	if (!s || !*s) {
		*ret = PKI_RSA2048;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(algos); i++)
		if (streq(algos[i].name, s)) {
			*ret = algos[i].algo;
			return 0;
		}
	/* kubeadm's GeneratePrivateKey falls through to the RSA branch for unknown names. */
	return error_set(-EINVAL, "cannot obtain key size from unknown RSA algorithm: \"%s\"", s);
}

const char *pki_algo_name(enum pki_algo a)
{
	for (size_t i = 0; i < ARRAY_SIZE(algos); i++)
		if (algos[i].algo == a)
			return algos[i].name;
	return "RSA-2048";
}

int pki_openssl_error(int code, const char *what)
{
	unsigned long e;
	char buf[256];
	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		log_v(5, "openssl: %s: %s", what, buf);
	}
	return code;
}

struct pki_key *pki_key_wrap(EVP_PKEY *pkey)
{
	struct pki_key *k = xnew0(struct pki_key);
	k->pkey = pkey;
	return k;
}

struct pki_key *pki_key_free(struct pki_key *k)
{
	if (!k)
		return NULL;
	/* EVP_PKEY_free clears the private BIGNUMs (BN_clear_free). */
	EVP_PKEY_free(k->pkey);
	free(k);
	return NULL;
}

void pki_secret_free(char *s, size_t len)
{
	if (!s)
		return;
	OPENSSL_cleanse(s, len ? len : strlen(s));
	free(s);
}

int pki_key_generate(enum pki_algo a, struct pki_key **ret)
{
	EVP_PKEY *pkey = NULL;
	switch (a) {
	case PKI_ECDSA_P256:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case PKI_ECDSA_P384:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
		break;
	case PKI_RSA3072:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
		break;
	case PKI_RSA4096:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096);
		break;
	case PKI_RSA2048:
	default:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		break;
	}
	if (!pkey)
		return error_set(pki_openssl_error(-EINVAL, "keygen"),
				 "failed to generate a %s private key", pki_algo_name(a));
	*ret = pki_key_wrap(pkey);
	return 0;
}

static int bio_to_string(BIO *b, char **ret, size_t *ret_len)
{
	char *data;
	long n = BIO_get_mem_data(b, &data);
	if (n < 0)
		return -EINVAL;
	char *s = xmalloc((size_t)n + 1);
	memcpy(s, data, (size_t)n);
	s[n] = '\0';
	*ret = s;
	if (ret_len)
		*ret_len = (size_t)n;
	return 0;
}

int pki_key_to_pem(const struct pki_key *k, char **ret, size_t *ret_len)
{
	/* A secure-heap-free mem BIO: wipe its buffer before freeing. */
	BIO *b = BIO_new(BIO_s_secmem());
	if (!b)
		b = BIO_new(BIO_s_mem());
	if (!b)
		abort();
	/* "traditional" = PKCS#1 for RSA, SEC1 for EC: keyutil.MarshalPrivateKeyToPEM. */
	if (!PEM_write_bio_PrivateKey_traditional(b, k->pkey, NULL, NULL, 0, NULL, NULL)) {
		BIO_free(b);
		return error_set(pki_openssl_error(-EINVAL, "PEM_write_bio_PrivateKey"),
				 "unable to marshal private key to PEM");
	}
	int r = bio_to_string(b, ret, ret_len);
	char *data;
	long n = BIO_get_mem_data(b, &data);
	if (n > 0)
		OPENSSL_cleanse(data, (size_t)n);
	BIO_free(b);
	return r;
}

int pki_key_public_pem(const struct pki_key *k, char **ret, size_t *ret_len)
{
	_cleanup_(BIO_freep) BIO *b = BIO_new(BIO_s_mem());
	if (!b)
		abort();
	if (!PEM_write_bio_PUBKEY(b, k->pkey))
		return error_set(pki_openssl_error(-EINVAL, "PEM_write_bio_PUBKEY"),
				 "unable to marshal public key to PEM");
	return bio_to_string(b, ret, ret_len);
}

bool pki_key_public_equal(const struct pki_key *a, const struct pki_key *b)
{
	return a && b && EVP_PKEY_eq(a->pkey, b->pkey) == 1;
}

static EVP_PKEY *parse_key_block(const char *name, const unsigned char *der, long len)
{
	const unsigned char *p = der;
	if (streq(name, "EC PRIVATE KEY"))
		return d2i_PrivateKey(EVP_PKEY_EC, NULL, &p, len);
	if (streq(name, "RSA PRIVATE KEY"))
		return d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, len);
	if (streq(name, "PRIVATE KEY")) {
		PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, len);
		if (!p8)
			return NULL;
		EVP_PKEY *k = EVP_PKCS82PKEY(p8);
		PKCS8_PRIV_KEY_INFO_free(p8);
		return k;
	}
	return NULL;
}

int pki_key_from_pem(const char *data, size_t len, struct pki_key **ret)
{
	if (len > INT32_MAX)
		return error_set(-EBADMSG, "data does not contain a valid RSA or ECDSA private key");
	_cleanup_(BIO_freep) BIO *b = BIO_new_mem_buf(data, (int)len);
	if (!b)
		abort();
	for (;;) {
		char *name = NULL, *header = NULL;
		unsigned char *der = NULL;
		long n = 0;
		if (!PEM_read_bio(b, &name, &header, &der, &n))
			break;
		EVP_PKEY *k = parse_key_block(name, der, n);
		OPENSSL_cleanse(der, (size_t)n);
		OPENSSL_free(der);
		OPENSSL_free(name);
		OPENSSL_free(header);
		if (k) {
			ERR_clear_error();
			*ret = pki_key_wrap(k);
			return 0;
		}
	}
	pki_openssl_error(0, "PEM_read_bio");
	return error_set(-EBADMSG, "data does not contain a valid RSA or ECDSA private key");
}

/* ---- key pool ---------------------------------------------------------------------------- */

struct pki_keypool {
	enum pki_algo algo;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned count;     /* keys to generate in the background */
	unsigned scheduled; /* started by a worker */
	unsigned handed;    /* taken by callers */
	bool stop;
	struct pki_key **ready;
	size_t nready;
	pthread_t *threads;
	unsigned nthreads;
};

static void *pool_worker(void *arg)
{
	struct pki_keypool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		if (p->stop || p->scheduled >= p->count) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		p->scheduled++;
		pthread_mutex_unlock(&p->lock);

		struct pki_key *k = NULL;
		if (pki_key_generate(p->algo, &k) < 0)
			k = NULL;

		pthread_mutex_lock(&p->lock);
		if (k)
			p->ready[p->nready++] = k;
		else
			p->count--; /* the taker generates inline instead */
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
}

struct pki_keypool *pki_keypool_new(enum pki_algo a, unsigned threads, unsigned count)
{
	struct pki_keypool *p = xnew0(struct pki_keypool);
	p->algo = a;
	p->count = count;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->ready = xcalloc(count ? count : 1, sizeof(*p->ready));
	if (threads == 0)
		threads = 1;
	p->threads = xcalloc(threads, sizeof(*p->threads));
	for (unsigned i = 0; i < threads; i++) {
		if (pthread_create(&p->threads[p->nthreads], NULL, pool_worker, p) != 0)
			break;
		p->nthreads++;
	}
	if (p->nthreads == 0)
		p->count = 0; /* no worker: every take generates inline */
	return p;
}

int pki_keypool_take(struct pki_keypool *p, enum pki_algo a, struct pki_key **ret)
{
	if (!p || p->algo != a)
		return pki_key_generate(a, ret);
	pthread_mutex_lock(&p->lock);
	for (;;) {
		if (p->nready > 0) {
			*ret = p->ready[--p->nready];
			p->ready[p->nready] = NULL;
			p->handed++;
			pthread_mutex_unlock(&p->lock);
			return 0;
		}
		/* Wait only for keys a worker has promised. */
		if (p->handed + p->nready >= p->count || p->stop)
			break;
		pthread_cond_wait(&p->cond, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return pki_key_generate(a, ret);
}

struct pki_keypool *pki_keypool_free(struct pki_keypool *p)
{
	if (!p)
		return NULL;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	for (size_t i = 0; i < p->nready; i++)
		pki_key_free(p->ready[i]);
	free(p->ready);
	free(p->threads);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p);
	return NULL;
}
