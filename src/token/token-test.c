/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <string.h>

#include "token/token.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define VECTORS "tests/vectors/token/vectors.json"

static json_t *vectors(void)
{
	json_error_t err;
	json_t *v = json_load_file(VECTORS, 0, &err);
	assert_non_null(v);
	return v;
}

static void test_jws_go_vectors(void **state)
{
	(void)state;
	json_t *all = vectors();
	size_t i;
	json_t *v;
	size_t n = 0;
	json_array_foreach(json_object_get(all, "jws"), i, v) {
		const char *content = json_string_value(json_object_get(v, "Content"));
		const char *id = json_string_value(json_object_get(v, "ID"));
		const char *secret = json_string_value(json_object_get(v, "Secret"));
		const char *sig = json_string_value(json_object_get(v, "Sig"));
		char *got = NULL;
		assert_int_equal(token_jws_sign(content, strlen(content), id, secret, &got), 0);
		assert_string_equal(got, sig);
		assert_true(token_jws_verify(sig, content, strlen(content), id, secret));
		assert_false(token_jws_verify(sig, content, strlen(content), id, "0000000000000000"));
		free(got);
		n++;
	}
	assert_int_equal(n, 4);
	json_decref(all);
}

static void test_ca_pin(void **state)
{
	(void)state;
	json_t *all = vectors();
	const char *pem = json_string_value(json_get_path(all, "pin.pem"));
	char *pin = NULL;
	assert_int_equal(token_ca_pin(pem, strlen(pem), &pin), 0);
	assert_string_equal(pin, json_string_value(json_get_path(all, "pin.pin")));
	free(pin);
	assert_int_equal(token_ca_pin("garbage", 7, &pin), -EINVAL);
	json_decref(all);
}

static unsigned char *unhex(const char *s, size_t *len)
{
	size_t n = strlen(s) / 2;
	unsigned char *b = xmalloc(n);
	for (size_t i = 0; i < n; i++) {
		unsigned int x;
		sscanf(s + 2 * i, "%2x", &x);
		b[i] = (unsigned char)x;
	}
	*len = n;
	return b;
}

static void test_aes_gcm(void **state)
{
	(void)state;
	json_t *all = vectors();
	unsigned char key[32];
	assert_int_equal(token_certificate_key_decode(json_string_value(json_get_path(all, "aesgcm.key")), key), 0);
	size_t clen;
	unsigned char *ct = unhex(json_string_value(json_get_path(all, "aesgcm.cipher")), &clen);
	unsigned char *pt = NULL;
	size_t plen;
	assert_int_equal(token_decrypt(key, ct, clen, &pt, &plen), 0);
	assert_string_equal((char *)pt, json_string_value(json_get_path(all, "aesgcm.plain")));
	free(pt);
	/* tampering is detected */
	ct[clen - 1] ^= 1;
	assert_int_equal(token_decrypt(key, ct, clen, &pt, &plen), -EBADMSG);
	assert_string_equal(error_message(-EBADMSG), "cipher: message authentication failed");
	assert_int_equal(token_decrypt(key, ct, 5, &pt, &plen), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "size of data is less than the nonce");
	free(ct);
	/* round trip with a fresh key */
	char *hex = NULL;
	assert_int_equal(token_certificate_key_generate(&hex), 0);
	assert_int_equal(strlen(hex), 64);
	assert_int_equal(token_certificate_key_decode(hex, key), 0);
	unsigned char *enc = NULL;
	size_t elen;
	assert_int_equal(token_encrypt(key, "abc", 3, &enc, &elen), 0);
	assert_int_equal(elen, 12 + 3 + 16);
	assert_int_equal(token_decrypt(key, enc, elen, &pt, &plen), 0);
	assert_int_equal(plen, 3);
	assert_memory_equal(pt, "abc", 3);
	free(pt);
	free(enc);
	free(hex);
	assert_int_equal(token_certificate_key_decode("zz", key), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "encoding/hex: invalid byte: U+007A 'z'");
	assert_int_equal(token_certificate_key_decode("abcd", key), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "crypto/aes: invalid key size 2");
	json_decref(all);
}

static void test_parse(void **state)
{
	(void)state;
	struct token t;
	assert_int_equal(token_parse("abcdef.0123456789abcdef", &t), 0);
	assert_string_equal(t.id, "abcdef");
	assert_string_equal(t.secret, "0123456789abcdef");
	static const char *const bad[] = { "", "abcdef", "abcdef.0123456789abcde",
					   "ABCDEF.0123456789abcdef", "abcdef:0123456789abcdef",
					   "abcdef.0123456789abcdef0", "abcde.0123456789abcdefg",
					   "abcdef.0123456789abcdeF" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(token_parse(bad[i], &t), -EINVAL);
		char want[200];
		snprintf(want, sizeof(want),
			 "the bootstrap token \"%s\" was not of the form "
			 "\"\\\\A([a-z0-9]{6})\\\\.([a-z0-9]{16})\\\\z\"",
			 bad[i]);
		assert_string_equal(error_message(-EINVAL), want);
	}
	for (int i = 0; i < 50; i++) {
		char buf[TOKEN_BUF];
		assert_int_equal(token_generate(&t), 0);
		assert_true(token_is_valid(token_format(&t, buf, sizeof(buf))));
	}
}

static void test_groups_usages(void **state)
{
	(void)state;
	assert_int_equal(token_validate_group("system:bootstrappers:kubeadm:default-node-token"), 0);
	assert_int_equal(token_validate_group("system:bootstrappers:a"), 0);
	assert_int_equal(token_validate_group("system:bootstrappers:"), -EINVAL);
	assert_int_equal(token_validate_group("system:bootstrappers:a-"), -EINVAL);
	assert_int_equal(token_validate_group("system:nodes"), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "bootstrap group \"system:nodes\" is invalid (must match "
			    "\\Asystem:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]\\z)");
	char *ok[] = { "signing", "authentication", NULL };
	assert_int_equal(token_validate_usages(ok), 0);
	char *bad[] = { "x", "signing", "b", "x", NULL };
	assert_int_equal(token_validate_usages(bad), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "invalid bootstrap token usage string: b,x, valid usage options: "
			    "signing,authentication");
}

static void test_secret(void **state)
{
	(void)state;
	json_t *all = vectors();
	char *usages[] = { "signing", "authentication", NULL };
	char *groups[] = { "system:bootstrappers:a", "system:bootstrappers:b", NULL };
	struct cfg_token bt = { .token = "abcdef.0123456789abcdef", .description = "d e s c",
				.expires = (char *)json_string_value(json_get_path(all, "secret.expires")),
				.usages = usages, .groups = groups };
	json_t *s = token_secret_build(&bt, 0);
	assert_non_null(s);
	assert_true(json_equal(s, json_get_path(all, "secret.object")));
	struct cfg_token back;
	assert_int_equal(token_from_secret(s, &back), 0);
	assert_string_equal(back.token, "abcdef.0123456789abcdef");
	assert_string_equal(back.expires, "2030-01-02T02:04:05Z");
	assert_string_equal(back.usages[0], "authentication");
	assert_string_equal(back.usages[1], "signing");
	assert_string_equal(back.groups[1], "system:bootstrappers:b");
	token_cfg_release(&back);
	/* ttl */
	struct cfg_token t2 = { .token = "abcdef.0123456789abcdef", .ttl = { true, 3600000000000LL } };
	json_t *s2 = token_secret_build(&t2, 86400);
	unsigned char *exp = NULL;
	size_t n;
	assert_int_equal(token_base64_decode(json_string_value(json_get_path(s2, "data.expiration")), &exp, &n), 0);
	assert_string_equal((char *)exp, "1970-01-02T01:00:00Z");
	free(exp);
	/* a Secret whose name does not match its token-id */
	json_object_set_new(json_object_get(s2, "metadata"), "name", json_string("bootstrap-token-zzzzzz"));
	assert_int_equal(token_from_secret(s2, &back), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "bootstrap token name is not of the form 'bootstrap-token-(token-id)'. "
			    "Actual: \"bootstrap-token-zzzzzz\". Expected: \"bootstrap-token-abcdef\"");
	json_decref(s2);
	json_decref(s);
	struct cfg_token t3 = { .token = "bad" };
	assert_null(token_secret_build(&t3, 0));
	json_decref(all);
}

static void test_rfc3339(void **state)
{
	(void)state;
	time_t t;
	assert_int_equal(token_parse_rfc3339("1970-01-01T00:00:10Z", &t), 0);
	assert_int_equal(t, 10);
	assert_int_equal(token_parse_rfc3339("1970-01-01T01:00:10.5+01:00", &t), 0);
	assert_int_equal(t, 10);
	assert_int_equal(token_parse_rfc3339("1970-01-01 00:00:10Z", &t), -EINVAL);
	assert_int_equal(token_parse_rfc3339("yesterday", &t), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jws_go_vectors), cmocka_unit_test(test_ca_pin),
		cmocka_unit_test(test_aes_gcm),        cmocka_unit_test(test_parse),
		cmocka_unit_test(test_groups_usages),  cmocka_unit_test(test_secret),
		cmocka_unit_test(test_rfc3339),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
