/* SPDX-License-Identifier: Apache-2.0 */
/* Private keys: generation (inline or on a small thread pool), PEM in and out, wiping. */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
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

/*
 * RSA key generation as Go's crypto/rsa (FIPS 186-5 A.1.3, the path kubeadm's keys take):
 * random primes with the top two bits set, trial division, then Miller-Rabin with BoringSSL's
 * round counts for random candidates (5 for 1024-bit primes); d = e^-1 mod lcm(p-1, q-1);
 * |p - q| > 2^(nlen/2 - 100) and d > 2^(nlen/2). OpenSSL 3's own RSA keygen insists on 64
 * rounds per prime (bn_mr_min_checks) and SP 800-56B auxiliary primes, about 3x Go's time.
 */
static int mr_rounds(int bits)
{
	return bits >= 3747 ? 3 : bits >= 1345 ? 4 : bits >= 476 ? 5 : bits >= 400 ? 6 : 8;
}

/* Miller-Rabin rounds on w (odd, > 3); w1 = w - 1 = m * 2^s. */
static bool miller_rabin(const BIGNUM *w, const BIGNUM *w1, const BIGNUM *m, int s,
			 BN_MONT_CTX *mont, BN_CTX *ctx)
{
	BN_CTX_start(ctx);
	BIGNUM *b = BN_CTX_get(ctx), *z = BN_CTX_get(ctx), *range = BN_CTX_get(ctx);
	bool prime = range && BN_copy(range, w) && BN_sub_word(range, 3);
	for (int round = 0; prime && round < mr_rounds(BN_num_bits(w)); round++) {
		/* a random base in [2, w-2] */
		if (!BN_priv_rand_range_ex(b, range, 0, ctx) || !BN_add_word(b, 2) ||
		    !BN_mod_exp_mont(z, b, m, w, ctx, mont)) {
			prime = false;
			break;
		}
		if (BN_is_one(z) || BN_cmp(z, w1) == 0)
			continue;
		prime = false;
		for (int j = 1; j < s; j++) {
			if (!BN_mod_sqr(z, z, w, ctx) || BN_is_one(z))
				break;
			if (BN_cmp(z, w1) == 0) {
				prime = true;
				break;
			}
		}
	}
	BN_CTX_end(ctx);
	return prime;
}

static bool probably_prime(const BIGNUM *w, const unsigned short *small, size_t nsmall,
			   BN_CTX *ctx)
{
	for (size_t i = 0; i < nsmall; i++)
		if (BN_mod_word(w, small[i]) == 0)
			return false;
	BN_CTX_start(ctx);
	BIGNUM *w1 = BN_CTX_get(ctx), *m = BN_CTX_get(ctx);
	BN_MONT_CTX *mont = BN_MONT_CTX_new();
	bool prime = false;
	if (m && mont && BN_MONT_CTX_set(mont, w, ctx) && BN_copy(w1, w) && BN_sub_word(w1, 1)) {
		int s = 0;
		while (!BN_is_bit_set(w1, s))
			s++;
		prime = BN_rshift(m, w1, s) && miller_rabin(w, w1, m, s, mont, ctx);
	}
	BN_MONT_CTX_free(mont);
	BN_CTX_end(ctx);
	return prime;
}

static bool random_prime(BIGNUM *p, int bits, const unsigned short *small, size_t nsmall,
			 BN_CTX *ctx)
{
	for (int tries = 0; tries < 100000; tries++) {
		if (!BN_priv_rand_ex(p, bits, BN_RAND_TOP_TWO, BN_RAND_BOTTOM_ODD, 0, ctx))
			return false;
		if (probably_prime(p, small, nsmall, ctx))
			return true;
	}
	return false;
}

static EVP_PKEY *rsa_generate(int bits)
{
	/* odd primes below 2^12 for trial division */
	unsigned short small[600];
	size_t nsmall = 0;
	for (unsigned n = 3; n < 4096 && nsmall < ARRAY_SIZE(small); n += 2) {
		bool is = true;
		for (size_t i = 0; i < nsmall && small[i] * small[i] <= n; i++)
			if (n % small[i] == 0)
				is = false;
		if (is)
			small[nsmall++] = (unsigned short)n;
	}
	BN_CTX *ctx = BN_CTX_secure_new();
	if (!ctx)
		return NULL;
	BN_CTX_start(ctx);
	BIGNUM *p = BN_CTX_get(ctx), *q = BN_CTX_get(ctx), *n = BN_CTX_get(ctx),
	       *e = BN_CTX_get(ctx), *d = BN_CTX_get(ctx), *p1 = BN_CTX_get(ctx),
	       *q1 = BN_CTX_get(ctx), *g = BN_CTX_get(ctx), *lambda = BN_CTX_get(ctx),
	       *dp = BN_CTX_get(ctx), *dq = BN_CTX_get(ctx), *qinv = BN_CTX_get(ctx),
	       *diff = BN_CTX_get(ctx);
	EVP_PKEY *pkey = NULL;
	bool ok = qinv && diff && BN_set_word(e, 65537);
	for (int attempt = 0; ok && !pkey && attempt < 100; attempt++) {
		BN_set_flags(p, BN_FLG_CONSTTIME);
		BN_set_flags(q, BN_FLG_CONSTTIME);
		if (!random_prime(p, bits / 2, small, nsmall, ctx) ||
		    !random_prime(q, bits - bits / 2, small, nsmall, ctx)) {
			ok = false;
			break;
		}
		/* |p - q| > 2^(nlen/2 - 100) */
		if (!BN_sub(diff, p, q))
			break;
		BN_set_negative(diff, 0);
		if (BN_num_bits(diff) <= bits / 2 - 100)
			continue;
		if (!BN_mul(n, p, q, ctx) || BN_num_bits(n) != bits)
			continue;
		/* λ(N) = (p-1)(q-1) / gcd(p-1, q-1); d = e^-1 mod λ(N) */
		if (!BN_sub(p1, p, BN_value_one()) || !BN_sub(q1, q, BN_value_one()) ||
		    !BN_gcd(g, p1, q1, ctx) || !BN_mul(lambda, p1, q1, ctx) ||
		    !BN_div(lambda, NULL, lambda, g, ctx))
			break;
		BN_set_flags(d, BN_FLG_CONSTTIME);
		if (!BN_mod_inverse(d, e, lambda, ctx)) {
			ERR_clear_error(); /* gcd(e, λ) != 1: new primes */
			continue;
		}
		if (BN_num_bits(d) <= bits / 2)
			continue;
		if (!BN_mod(dp, d, p1, ctx) || !BN_mod(dq, d, q1, ctx) ||
		    !BN_mod_inverse(qinv, q, p, ctx))
			break;
		OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
		OSSL_PARAM *params = NULL;
		if (bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) &&
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d) &&
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p) &&
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q) &&
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp) &&
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq) &&
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qinv))
			params = OSSL_PARAM_BLD_to_param(bld);
		EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
		if (!params || !pctx || EVP_PKEY_fromdata_init(pctx) <= 0 ||
		    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_KEYPAIR, params) <= 0)
			pkey = NULL;
		EVP_PKEY_CTX_free(pctx);
		OSSL_PARAM_free(params);
		OSSL_PARAM_BLD_free(bld);
		if (!pkey)
			break;
	}
	/* BN_CTX_secure_new: the frames are cleared when released */
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	return pkey;
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
		pkey = rsa_generate(3072);
		break;
	case PKI_RSA4096:
		pkey = rsa_generate(4096);
		break;
	case PKI_RSA2048:
	default:
		pkey = rsa_generate(2048);
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

/*
 * Parsed keys by the SHA-256 of their PEM text (as cert.c's certificate cache: OpenSSL 3.0's
 * decoders make each parse slow and phases load the same CA key for every file). No copy of
 * the PEM is kept; the EVP_PKEYs are shared read-only (EVP_PKEY_up_ref).
 */
static struct {
	unsigned char digest[SHA256_DIGEST_LENGTH];
	EVP_PKEY *pkey;
} key_cache[8];
static size_t key_cache_n;
static pthread_mutex_t key_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static EVP_PKEY *key_cache_get(const unsigned char *digest)
{
	EVP_PKEY *k = NULL;
	pthread_mutex_lock(&key_cache_lock);
	for (size_t i = 0; i < key_cache_n && !k; i++)
		if (CRYPTO_memcmp(key_cache[i].digest, digest, SHA256_DIGEST_LENGTH) == 0 &&
		    EVP_PKEY_up_ref(key_cache[i].pkey) == 1)
			k = key_cache[i].pkey;
	pthread_mutex_unlock(&key_cache_lock);
	return k;
}

static void key_cache_put(const unsigned char *digest, EVP_PKEY *k)
{
	pthread_mutex_lock(&key_cache_lock);
	if (key_cache_n < ARRAY_SIZE(key_cache) && EVP_PKEY_up_ref(k) == 1) {
		memcpy(key_cache[key_cache_n].digest, digest, SHA256_DIGEST_LENGTH);
		key_cache[key_cache_n++].pkey = k;
	}
	pthread_mutex_unlock(&key_cache_lock);
}

void pki_key_cache_put(const char *pem, size_t len, EVP_PKEY *k)
{
	unsigned char digest[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)pem, len, digest);
	EVP_PKEY *have = key_cache_get(digest);
	if (have)
		EVP_PKEY_free(have);
	else
		key_cache_put(digest, k);
}

int pki_no_passphrase(char *buf, int size, int rwflag, void *userdata)
{
	return -1;
}

int pki_pem_foreach(const char *data, size_t len,
		    int (*fn)(const struct pki_pem_block *b, void *userdata), void *userdata)
{
	if (len > INT32_MAX)
		return 0;
	_cleanup_(BIO_freep) BIO *b = BIO_new_mem_buf(data, (int)len);
	if (!b)
		abort();
	int r = 0;
	while (r == 0) {
		char *name = NULL, *header = NULL;
		unsigned char *der = NULL;
		long n = 0;
		if (!PEM_read_bio(b, &name, &header, &der, &n))
			break;
		const struct pki_pem_block blk = { name, header ? header : "", der, n };
		r = fn(&blk, userdata);
		OPENSSL_cleanse(der, (size_t)n);
		OPENSSL_free(der);
		OPENSSL_free(name);
		OPENSSL_free(header);
	}
	return r;
}

struct key_parse {
	EVP_PKEY *k;
	bool encrypted;
};

/* The first block that parses as a key ends the walk. PEM_read_bio never decrypts (nor asks
 * for a passphrase): an encrypted block is only recognised, to say why it does not parse. */
static int key_block(const struct pki_pem_block *b, void *userdata)
{
	struct key_parse *kp = userdata;
	if (streq(b->name, "ENCRYPTED PRIVATE KEY") ||
	    (strstr(b->name, "PRIVATE KEY") && strstr(b->header, "ENCRYPTED")))
		kp->encrypted = true;
	kp->k = parse_key_block(b->name, b->der, b->len);
	return kp->k ? 1 : 0;
}

int pki_key_from_pem(const char *data, size_t len, struct pki_key **ret)
{
	unsigned char digest[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)data, len, digest);
	EVP_PKEY *cached = key_cache_get(digest);
	if (cached) {
		*ret = pki_key_wrap(cached);
		return 0;
	}
	if (len > INT32_MAX)
		return error_set(-EBADMSG, "data does not contain a valid RSA or ECDSA private key");
	struct key_parse kp = { 0 };
	if (pki_pem_foreach(data, len, key_block, &kp) > 0) {
		ERR_clear_error();
		key_cache_put(digest, kp.k);
		*ret = pki_key_wrap(kp.k);
		return 0;
	}
	pki_openssl_error(0, "PEM_read_bio");
	/* kubeadm says only the first half; we are never asked for a passphrase either */
	if (kp.encrypted)
		return error_set(-EBADMSG, "data does not contain a valid RSA or ECDSA private key: the key is encrypted with a passphrase, and only unencrypted keys can be used");
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

unsigned pki_init_key_count(bool local_etcd)
{
	return local_etcd ? 10 + 1 + 5 : 5 + 1 + 5;
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
