/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bootstrap tokens and the secrets around them (k8s.io/cluster-bootstrap, kubeadm's
 * apis/bootstraptoken/v1, util/crypto, util/pubkeypin, phases/copycerts): token strings,
 * token Secrets, the JWS detached signature of cluster-info, the CA public key pin, and the
 * AES-256-GCM encryption of the kubeadm-certs Secret. With pki/, the only user of OpenSSL.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "config/types.h"

#define TOKEN_ID_LEN 6
#define TOKEN_SECRET_LEN 16
#define TOKEN_PATTERN "\\A([a-z0-9]{6})\\.([a-z0-9]{16})\\z"
/* the pattern as Go's %q prints it (kubeadm's error texts) */
#define TOKEN_PATTERN_QUOTED "\\\\A([a-z0-9]{6})\\\\.([a-z0-9]{16})\\\\z"
#define TOKEN_ID_PATTERN_QUOTED "\\\\A([a-z0-9]{6})\\\\z"
#define TOKEN_GROUP_PATTERN "\\Asystem:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]\\z"
#define TOKEN_DEFAULT_GROUP "system:bootstrappers:kubeadm:default-node-token"
#define TOKEN_SECRET_PREFIX "bootstrap-token-"
#define TOKEN_CERTIFICATE_KEY_SIZE 32

struct token {
	char id[TOKEN_ID_LEN + 1];
	char secret[TOKEN_SECRET_LEN + 1];
};

/*
 * NewBootstrapTokenString: s must be "[a-z0-9]{6}.[a-z0-9]{16}". Else -EINVAL with kubeadm's
 * message: `the bootstrap token "<s>" was not of the form "\\A([a-z0-9]{6})\\.([a-z0-9]{16})\\z"`.
 */
int token_parse(const char *s, struct token *ret);
/* IsValidBootstrapToken / IsValidBootstrapTokenID (no message). */
bool token_is_valid(const char *s);
bool token_id_is_valid(const char *id);
/* GenerateBootstrapToken: uniform over [a-z0-9] from the OpenSSL CSPRNG. -EIO if it fails. */
int token_generate(struct token *ret);
/* "<id>.<secret>" into buf (>= 24 bytes); returns buf. */
char *token_format(const struct token *t, char *buf, size_t size);
#define TOKEN_BUF 24
/* Wipes the secret. */
void token_wipe(struct token *t);

/* ValidateBootstrapGroupName: -EINVAL `bootstrap group "x" is invalid (must match ...)`. */
int token_validate_group(const char *group);
/* ValidateUsages: -EINVAL `invalid bootstrap token usage string: a,b, valid usage options:
 * signing,authentication` (invalid ones sorted and deduplicated). */
int token_validate_usages(char *const *usages);

/* time.Time.UTC().Format(time.RFC3339) of t into buf (>= 32 bytes). */
char *token_format_rfc3339(time_t t, char *buf, size_t size);
/* time.Parse(time.RFC3339, s) to seconds since the epoch (fractions dropped); -EINVAL with
 * Go's message (`parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse ...`). */
int token_parse_rfc3339(const char *s, time_t *ret);

/*
 * BootstrapTokenToSecret: the v1 Secret (json, as client-go marshals it: data values base64)
 * for bt, whose token must parse; expiration from bt->expires, else now + ttl when ttl > 0.
 * Returns a new reference, or NULL with -EINVAL set when bt->token is malformed.
 */
json_t *token_secret_build(const struct cfg_token *bt, time_t now);
/*
 * BootstrapTokenFromSecret: decodes a token Secret (json from the API) into *ret (owned
 * strings; release with token_cfg_release). Errors as kubeadm ("bootstrap Token Secret has no
 * token-id data: <name>", ...), -EINVAL.
 */
int token_from_secret(const json_t *secret, struct cfg_token *ret);
void token_cfg_release(struct cfg_token *t);

/*
 * ComputeDetachedSignature (cluster-bootstrap/token/jws): the compact JWS of content with
 * HS256 keyed by token_secret, header {"alg":"HS256","kid":"<token_id>"}, payload removed:
 * "<header>..<signature>". *ret owned.
 */
int token_jws_sign(const char *content, size_t len, const char *token_id,
		   const char *token_secret, char **ret);
/* DetachedTokenIsValid: constant-time comparison of sig with the computed one. */
bool token_jws_verify(const char *sig, const char *content, size_t len, const char *token_id,
		      const char *token_secret);

/* pubkeypin.Hash of the first certificate in cert_pem: "sha256:<hex of SHA-256(SPKI DER)>".
 * -EINVAL for bad PEM. *ret owned. */
int token_ca_pin(const char *cert_pem, size_t len, char **ret);

/* CreateCertificateKey: 32 random bytes, hex. *ret owned. */
int token_certificate_key_generate(char **ret);
/* hex.DecodeString of a certificate key into 32 bytes; -EINVAL ("encoding/hex: ..." or
 * wrong size: "crypto/aes: invalid key size N"). */
int token_certificate_key_decode(const char *hex, unsigned char key[32]);
/* EncryptBytes: nonce(12) || AES-256-GCM(data) || tag(16). *ret owned. */
int token_encrypt(const unsigned char key[32], const void *data, size_t len,
		  unsigned char **ret, size_t *ret_len);
/* DecryptBytes: -EBADMSG "cipher: message authentication failed" for a wrong key or data,
 * -EINVAL "size of data is less than the nonce". *ret owned (NUL-terminated too). */
int token_decrypt(const unsigned char key[32], const void *data, size_t len,
		  unsigned char **ret, size_t *ret_len);

/* base64 (std, padded) for Secret data. Owned. */
char *token_base64_encode(const void *data, size_t len);
/* Decodes std base64; -EINVAL on bad input. *ret owned, NUL-terminated. */
int token_base64_decode(const char *s, unsigned char **ret, size_t *ret_len);

/* Lowercase hex SHA-256 of data (ChecksumForConfigMap and friends). Owned. */
char *token_sha256_hex(const void *data, size_t len);
