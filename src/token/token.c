/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "token/token.h"
#include "util/error.h"
#include "util/flags.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

static bool is_tok_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
}

static bool all_tok_chars(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_tok_char(s[i]))
			return false;
	return true;
}

bool token_id_is_valid(const char *id)
{
	return id && strlen(id) == TOKEN_ID_LEN && all_tok_chars(id, TOKEN_ID_LEN);
}

bool token_is_valid(const char *s)
{
	return s && strlen(s) == TOKEN_ID_LEN + 1 + TOKEN_SECRET_LEN && s[TOKEN_ID_LEN] == '.' &&
	       all_tok_chars(s, TOKEN_ID_LEN) &&
	       all_tok_chars(s + TOKEN_ID_LEN + 1, TOKEN_SECRET_LEN);
}

int token_parse(const char *s, struct token *ret)
{
	if (!token_is_valid(s)) {
		/* %q of the token and of the pattern, whose backslashes double */
		struct strbuf q = STRBUF_INIT;
		go_quote(strempty(s), &q);
		int r = error_set(-EINVAL, "the bootstrap token %s was not of the form \"%s\"", q.buf,
				  TOKEN_PATTERN_QUOTED);
		strbuf_release(&q);
		return r;
	}
	memcpy(ret->id, s, TOKEN_ID_LEN);
	ret->id[TOKEN_ID_LEN] = 0;
	memcpy(ret->secret, s + TOKEN_ID_LEN + 1, TOKEN_SECRET_LEN);
	ret->secret[TOKEN_SECRET_LEN] = 0;
	return 0;
}

static int rand_chars(char *out, size_t n)
{
	static const char chars[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	size_t i = 0;
	while (i < n) {
		unsigned char buf[32];
		if (RAND_bytes(buf, sizeof(buf)) != 1)
			return error_set(-EIO, "could not generate random integer: RAND_bytes failed");
		for (size_t k = 0; k < sizeof(buf) && i < n; k++)
			if (buf[k] < 252) /* 252 = 7 * 36: rejection keeps it uniform */
				out[i++] = chars[buf[k] % 36];
		OPENSSL_cleanse(buf, sizeof(buf));
	}
	out[n] = 0;
	return 0;
}

int token_generate(struct token *ret)
{
	int r = rand_chars(ret->id, TOKEN_ID_LEN);
	if (r < 0)
		return r;
	return rand_chars(ret->secret, TOKEN_SECRET_LEN);
}

char *token_format(const struct token *t, char *buf, size_t size)
{
	snprintf(buf, size, "%s.%s", t->id, t->secret);
	return buf;
}

void token_wipe(struct token *t)
{
	OPENSSL_cleanse(t, sizeof(*t));
}

int token_validate_group(const char *g)
{
	static const char prefix[] = "system:bootstrappers:";
	size_t n = strlen(g), p = sizeof(prefix) - 1;
	bool ok = n > p && strneq(g, prefix, p) && n - p <= 256;
	for (size_t i = p; ok && i < n; i++) {
		char c = g[i];
		bool last = i == n - 1;
		if (!(is_tok_char(c) || (!last && (c == ':' || c == '-'))))
			ok = false;
	}
	if (!ok)
		return error_set(-EINVAL, "bootstrap group \"%s\" is invalid (must match %s)", g,
				 TOKEN_GROUP_PATTERN);
	return 0;
}

int token_validate_usages(char *const *usages)
{
	_cleanup_(strv_freep) char **bad = NULL;
	for (char *const *u = usages; u && *u; u++)
		if (!streq(*u, "signing") && !streq(*u, "authentication") &&
		    !strv_contains(bad, *u))
			strv_push(&bad, *u);
	if (!bad)
		return 0;
	strv_sort(bad);
	_cleanup_free_ char *list = strv_join(bad, ",");
	return error_set(-EINVAL,
			 "invalid bootstrap token usage string: %s, valid usage options: "
			 "signing,authentication",
			 list);
}

char *token_format_rfc3339(time_t t, char *buf, size_t size)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static int digits(const char *s, int n, int *ret)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return 0;
}

int token_parse_rfc3339(const char *s, time_t *ret)
{
	int Y, M, D, h, m, sec, oh = 0, om = 0;
	size_t n = strlen(s);
	const char *p = s + 19;
	bool ok = n >= 20 && !digits(s, 4, &Y) && s[4] == '-' && !digits(s + 5, 2, &M) &&
		  s[7] == '-' && !digits(s + 8, 2, &D) && s[10] == 'T' && !digits(s + 11, 2, &h) &&
		  s[13] == ':' && !digits(s + 14, 2, &m) && s[16] == ':' &&
		  !digits(s + 17, 2, &sec);
	int sign = 0;
	if (ok && *p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			ok = false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (ok) {
		if (streq(p, "Z"))
			sign = 0;
		else if ((*p == '+' || *p == '-') && strlen(p) == 6 && !digits(p + 1, 2, &oh) &&
			 p[3] == ':' && !digits(p + 4, 2, &om))
			sign = *p == '+' ? 1 : -1;
		else
			ok = false;
	}
	if (ok && (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 59 ||
		   oh > 23 || om > 59))
		ok = false;
	if (!ok)
		return error_set(-EINVAL,
				 "parsing time \"%s\" as \"2006-01-02T15:04:05Z07:00\": cannot "
				 "parse \"%s\" as \"2006-01-02T15:04:05Z07:00\"",
				 s, s);
	struct tm tm = { .tm_year = Y - 1900, .tm_mon = M - 1, .tm_mday = D, .tm_hour = h,
			 .tm_min = m, .tm_sec = sec };
	time_t t = timegm(&tm);
	t -= sign * (oh * 3600 + om * 60);
	*ret = t;
	return 0;
}

/* ---- base64 ---- */

char *token_base64_encode(const void *data, size_t len)
{
	size_t out = 4 * ((len + 2) / 3) + 1;
	char *buf = xmalloc(out);
	EVP_EncodeBlock((unsigned char *)buf, data, (int)len);
	return buf;
}

int token_base64_decode(const char *s, unsigned char **ret, size_t *ret_len)
{
	size_t n = strlen(s);
	if (n % 4)
		return error_set(-EINVAL, "illegal base64 data at input byte %zu", n - n % 4);
	unsigned char *buf = xmalloc(n / 4 * 3 + 1);
	int k = EVP_DecodeBlock(buf, (const unsigned char *)s, (int)n);
	if (k < 0) {
		free(buf);
		return error_set(-EINVAL, "illegal base64 data");
	}
	size_t len = (size_t)k;
	if (n >= 1 && s[n - 1] == '=')
		len--;
	if (n >= 2 && s[n - 2] == '=')
		len--;
	buf[len] = 0;
	*ret = buf;
	*ret_len = len;
	return 0;
}

/* base64url without padding, as go-jose's RawURLEncoding */
static void b64url(struct strbuf *sb, const void *data, size_t len)
{
	_cleanup_free_ char *b = token_base64_encode(data, len);
	for (char *p = b; *p; p++) {
		if (*p == '=')
			break;
		strbuf_addch(sb, *p == '+' ? '-' : *p == '/' ? '_' : *p);
	}
}

/* ---- token Secrets ---- */

static void data_set(json_t *data, const char *key, const char *val)
{
	_cleanup_free_ char *b = token_base64_encode(val, strlen(val));
	json_object_set_new(data, key, json_string(b));
}

json_t *token_secret_build(const struct cfg_token *bt, time_t now)
{
	struct token t;
	if (token_parse(strempty(bt->token), &t) < 0)
		return NULL;
	json_t *data = json_object();
	data_set(data, "token-id", t.id);
	data_set(data, "token-secret", t.secret);
	if (bt->description && *bt->description)
		data_set(data, "description", bt->description);
	char buf[40];
	if (bt->expires && *bt->expires) {
		time_t e;
		if (token_parse_rfc3339(bt->expires, &e) < 0) {
			json_decref(data);
			token_wipe(&t);
			return NULL;
		}
		data_set(data, "expiration", token_format_rfc3339(e, buf, sizeof(buf)));
	} else if (bt->ttl.set && bt->ttl.ns > 0) {
		time_t e = now + (time_t)(bt->ttl.ns / 1000000000LL);
		data_set(data, "expiration", token_format_rfc3339(e, buf, sizeof(buf)));
	}
	for (char **u = bt->usages; u && *u; u++) {
		_cleanup_free_ char *k = xasprintf("usage-bootstrap-%s", *u);
		data_set(data, k, "true");
	}
	if (bt->groups && *bt->groups) {
		_cleanup_free_ char *g = strv_join(bt->groups, ",");
		data_set(data, "auth-extra-groups", g);
	}
	/* sort data keys: Go marshals map keys sorted */
	json_t *sorted = json_object();
	_cleanup_(strv_freep) char **keys = NULL;
	const char *k;
	json_t *v;
	json_object_foreach(data, k, v)
		strv_push(&keys, k);
	strv_sort(keys);
	for (char **p = keys; p && *p; p++)
		json_object_set(sorted, *p, json_object_get(data, *p));
	json_decref(data);
	_cleanup_free_ char *name = xasprintf(TOKEN_SECRET_PREFIX "%s", t.id);
	token_wipe(&t);
	return json_pack("{s:{s:s,s:s},s:o,s:s}", "metadata", "name", name, "namespace",
			 "kube-system", "data", sorted, "type", "bootstrap.kubernetes.io/token");
}

void token_cfg_release(struct cfg_token *t)
{
	if (t->token)
		OPENSSL_cleanse(t->token, strlen(t->token));
	free(t->token);
	free(t->description);
	free(t->expires);
	strv_free(t->usages);
	strv_free(t->groups);
	memset(t, 0, sizeof(*t));
}

static char *secret_data(const json_t *secret, const char *key)
{
	const json_t *v = json_object_get(json_object_get(secret, "data"), key);
	if (!json_is_string(v))
		return xstrdup("");
	unsigned char *d = NULL;
	size_t n;
	if (token_base64_decode(json_string_value(v), &d, &n) < 0)
		return xstrdup("");
	return (char *)d;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int token_from_secret(const json_t *secret, struct cfg_token *ret)
{
	const char *name = json_string_value(json_object_get(json_object_get(secret, "metadata"),
							     "name"));
	name = strempty(name);
	_cleanup_free_ char *id = secret_data(secret, "token-id");
	if (!*id)
		return error_set(-EINVAL, "bootstrap Token Secret has no token-id data: %s", name);
	_cleanup_free_ char *want = xasprintf(TOKEN_SECRET_PREFIX "%s", id);
	if (!streq(name, want))
		return error_set(-EINVAL,
				 "bootstrap token name is not of the form '%s(token-id)'. Actual: "
				 "\"%s\". Expected: \"%s\"",
				 TOKEN_SECRET_PREFIX, name, want);
	_cleanup_free_ char *sec = secret_data(secret, "token-secret");
	if (!*sec)
		return error_set(-EINVAL, "bootstrap Token Secret has no token-secret data: %s",
				 name);
	_cleanup_free_ char *tok = xasprintf("%s.%s", id, sec);
	OPENSSL_cleanse(sec, strlen(sec));
	struct token t;
	int r = token_parse(tok, &t);
	if (r < 0)
		return error_wrap(r, "bootstrap Token Secret is invalid and couldn't be parsed");
	token_wipe(&t);
	struct cfg_token out = { 0 };
	out.description = secret_data(secret, "description");
	if (!*out.description) {
		free(out.description);
		out.description = NULL;
	}
	_cleanup_free_ char *exp = secret_data(secret, "expiration");
	if (*exp) {
		time_t e;
		r = token_parse_rfc3339(exp, &e);
		if (r < 0) {
			token_cfg_release(&out);
			return error_wrap(r, "can't parse expiration time of bootstrap token \"%s\"",
					  name);
		}
		out.expires = xstrdup(exp);
	}
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(secret, "data"), k, v) {
		if (!strneq(k, "usage-bootstrap-", 16))
			continue;
		_cleanup_free_ char *val = secret_data(secret, k);
		if (streq(val, "true"))
			strv_push(&out.usages, k + 16);
	}
	if (out.usages)
		qsort(out.usages, strv_length(out.usages), sizeof(char *), cmp_str);
	_cleanup_free_ char *groups = secret_data(secret, "auth-extra-groups");
	if (*groups)
		out.groups = strv_split(groups, ',', false);
	out.token = TAKE_PTR(tok);
	*ret = out;
	return 0;
}

/* ---- JWS ---- */

int token_jws_sign(const char *content, size_t len, const char *token_id,
		   const char *token_secret, char **ret)
{
	struct strbuf in = STRBUF_INIT;
	_cleanup_free_ char *hdr = xasprintf("{\"alg\":\"HS256\",\"kid\":\"%s\"}", token_id);
	b64url(&in, hdr, strlen(hdr));
	size_t hlen = in.len;
	strbuf_addch(&in, '.');
	b64url(&in, content, len);
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	if (!HMAC(EVP_sha256(), token_secret, (int)strlen(token_secret),
		  (const unsigned char *)in.buf, in.len, mac, &maclen)) {
		strbuf_release(&in);
		return error_set(-EIO, "can't HS256-sign the given token");
	}
	struct strbuf out = STRBUF_INIT;
	strbuf_add(&out, in.buf, hlen);
	strbuf_addstr(&out, "..");
	b64url(&out, mac, maclen);
	strbuf_release(&in);
	*ret = strbuf_detach(&out, NULL);
	return 0;
}

bool token_jws_verify(const char *sig, const char *content, size_t len, const char *token_id,
		      const char *token_secret)
{
	_cleanup_free_ char *want = NULL;
	if (token_jws_sign(content, len, token_id, token_secret, &want) < 0)
		return false;
	size_t n = strlen(want);
	return strlen(sig) == n && CRYPTO_memcmp(sig, want, n) == 0;
}

/* ---- CA pin ---- */

/* OpenSSL's default asks for the passphrase of an encrypted PEM block on the terminal */
static int no_passphrase(char *buf, int size, int rwflag, void *userdata)
{
	return -1;
}

int token_ca_pin(const char *cert_pem, size_t len, char **ret)
{
	BIO *bio = BIO_new_mem_buf(cert_pem, (int)len);
	if (!bio)
		return error_set(-ENOMEM, "out of memory");
	X509 *x = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (!x) {
		ERR_clear_error();
		return error_set(-EINVAL, "data does not contain any valid RSA or ECDSA certificates");
	}
	unsigned char *der = NULL;
	int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
	X509_free(x);
	if (n <= 0) {
		ERR_clear_error();
		return error_set(-EINVAL, "cannot encode the certificate's public key");
	}
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256(der, (size_t)n, md);
	OPENSSL_free(der);
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "sha256:");
	for (size_t i = 0; i < sizeof(md); i++)
		strbuf_addf(&sb, "%02x", md[i]);
	*ret = strbuf_detach(&sb, NULL);
	return 0;
}

/* ---- copycerts crypto ---- */

int token_certificate_key_generate(char **ret)
{
	unsigned char k[TOKEN_CERTIFICATE_KEY_SIZE];
	if (RAND_bytes(k, sizeof(k)) != 1)
		return error_set(-EIO, "could not read random bytes");
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < sizeof(k); i++)
		strbuf_addf(&sb, "%02x", k[i]);
	OPENSSL_cleanse(k, sizeof(k));
	*ret = strbuf_detach(&sb, NULL);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int token_certificate_key_decode(const char *hex, unsigned char key[32])
{
	size_t n = strlen(hex);
	for (size_t i = 0; i < n; i++)
		if (hexval(hex[i]) < 0)
			return error_set(-EINVAL, "encoding/hex: invalid byte: U+%04X '%c'",
					 (unsigned char)hex[i], hex[i]);
	if (n % 2)
		return error_set(-EINVAL, "encoding/hex: odd length hex string");
	if (n != 64)
		return error_set(-EINVAL, "crypto/aes: invalid key size %zu", n / 2);
	for (size_t i = 0; i < 32; i++)
		key[i] = (unsigned char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
	return 0;
}

#define GCM_NONCE 12
#define GCM_TAG 16

int token_encrypt(const unsigned char key[32], const void *data, size_t len,
		  unsigned char **ret, size_t *ret_len)
{
	unsigned char *out = xmalloc(GCM_NONCE + len + GCM_TAG);
	if (RAND_bytes(out, GCM_NONCE) != 1) {
		free(out);
		return error_set(-EIO, "could not read random bytes");
	}
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int l = 0, ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, out) == 1 &&
			EVP_EncryptUpdate(ctx, out + GCM_NONCE, &l, data, (int)len) == 1 &&
			EVP_EncryptFinal_ex(ctx, out + GCM_NONCE + l, &l) == 1 &&
			EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_TAG,
					    out + GCM_NONCE + len) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok) {
		ERR_clear_error();
		free(out);
		return error_set(-EIO, "AES-GCM encryption failed");
	}
	*ret = out;
	*ret_len = GCM_NONCE + len + GCM_TAG;
	return 0;
}

int token_decrypt(const unsigned char key[32], const void *data, size_t len,
		  unsigned char **ret, size_t *ret_len)
{
	const unsigned char *d = data;
	if (len < GCM_NONCE)
		return error_set(-EINVAL, "size of data is less than the nonce");
	if (len < GCM_NONCE + GCM_TAG)
		return error_set(-EBADMSG, "cipher: message authentication failed");
	size_t clen = len - GCM_NONCE - GCM_TAG;
	unsigned char *out = xmalloc(clen + 1);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int l = 0, ok = ctx && EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, d) == 1 &&
			EVP_DecryptUpdate(ctx, out, &l, d + GCM_NONCE, (int)clen) == 1 &&
			EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, GCM_TAG,
					    (void *)(d + GCM_NONCE + clen)) == 1 &&
			EVP_DecryptFinal_ex(ctx, out + l, &l) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok) {
		ERR_clear_error();
		OPENSSL_cleanse(out, clen);
		free(out);
		return error_set(-EBADMSG, "cipher: message authentication failed");
	}
	out[clen] = 0;
	*ret = out;
	*ret_len = clen;
	return 0;
}

char *token_sha256_hex(const void *data, size_t len)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256(data, len, md);
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < sizeof(md); i++)
		strbuf_addf(&sb, "%02x", md[i]);
	return strbuf_detach(&sb, NULL);
}
