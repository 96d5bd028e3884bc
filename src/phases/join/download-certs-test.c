/* SPDX-License-Identifier: Apache-2.0 */
/* join's download-certs (join_certs_save) on crafted kubeadm-certs Secrets: every file is
 * checked to be the certificate or key its name says before any is written. */
#include "util/testing.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "phases/join/join-data.h"
#include "pki/pki.h"
#include "token/token.h"
#include "util/error.h"
#include "util/macro.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const unsigned char KEY[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

/* The PEM of a fresh ECDSA key and of a CA (or, ca NULL and leaf, a leaf signed by nothing:
 * a self-signed non-CA certificate) for it. Owned strings. */
struct pair {
	char *crt, *key, *pub;
	size_t crt_len, key_len, pub_len;
};

static void make_pair(const char *cn, bool is_ca, struct pair *ret)
{
	struct pki_key *k = NULL, *signer = NULL;
	assert_int_equal(pki_key_generate(PKI_ECDSA_P256, &k), 0);
	struct pki_cert_config cfg = { .common_name = xstrdup(cn), .algo = PKI_ECDSA_P256,
				       .usages = PKI_USAGE_CLIENT_AUTH };
	struct pki_cert *c = NULL;
	if (is_ca) {
		assert_int_equal(pki_cert_new_ca(&cfg, k, &c), 0);
	} else {
		/* a leaf of a throwaway CA */
		struct pki_cert *ca = NULL;
		assert_int_equal(pki_key_generate(PKI_ECDSA_P256, &signer), 0);
		assert_int_equal(pki_cert_new_ca(&cfg, signer, &ca), 0);
		assert_int_equal(pki_cert_sign(&cfg, k, ca, signer, false, &c), 0);
		pki_cert_free(ca);
	}
	assert_int_equal(pki_cert_to_pem(c, &ret->crt, &ret->crt_len), 0);
	assert_int_equal(pki_key_to_pem(k, &ret->key, &ret->key_len), 0);
	assert_int_equal(pki_key_public_pem(k, &ret->pub, &ret->pub_len), 0);
	pki_cert_free(c);
	pki_key_free(k);
	pki_key_free(signer);
	pki_cert_config_release(&cfg);
}

static void pair_release(struct pair *p)
{
	free(p->crt);
	pki_secret_free(p->key, p->key_len);
	free(p->pub);
}

static void put(json_t *data, const char *name, const char *pem)
{
	unsigned char *enc = NULL;
	size_t len = 0;
	assert_int_equal(token_encrypt(KEY, pem, strlen(pem), &enc, &len), 0);
	char *b64 = token_base64_encode(enc, len);
	json_object_set_new(data, name, json_string(b64));
	free(b64);
	free(enc);
}

struct fixture {
	char dir[64];
	struct pair ca, fp, etcd, sa, leaf, other;
	json_t *secret;
};

static int setup(void **state)
{
	struct fixture *f = xnew0(struct fixture);
	snprintf(f->dir, sizeof(f->dir), "/tmp/download-certs-test.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	make_pair("kubernetes", true, &f->ca);
	make_pair("front-proxy-ca", true, &f->fp);
	make_pair("etcd-ca", true, &f->etcd);
	make_pair("sa", true, &f->sa);
	make_pair("kube-apiserver", false, &f->leaf);
	make_pair("another-ca", true, &f->other);
	f->secret = json_pack("{s:{}}", "data");
	json_t *d = json_object_get(f->secret, "data");
	put(d, "ca.crt", f->ca.crt);
	put(d, "ca.key", f->ca.key);
	put(d, "front-proxy-ca.crt", f->fp.crt);
	put(d, "front-proxy-ca.key", f->fp.key);
	put(d, "etcd-ca.crt", f->etcd.crt);
	put(d, "etcd-ca.key", f->etcd.key);
	put(d, "sa.key", f->sa.key);
	put(d, "sa.pub", f->sa.pub);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	testing_rm_rf(f->dir);
	pair_release(&f->ca);
	pair_release(&f->fp);
	pair_release(&f->etcd);
	pair_release(&f->sa);
	pair_release(&f->leaf);
	pair_release(&f->other);
	json_decref(f->secret);
	free(f);
	return 0;
}

static char *slurp(const char *dir, const char *name)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(p, "r");
	if (!fp)
		return NULL;
	char *buf = xmalloc(65536);
	size_t n = fread(buf, 1, 65535, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static mode_t mode_of(const char *dir, const char *name)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	return st.st_mode & 07777;
}

static const char *const files[] = { "ca.crt", "ca.key", "front-proxy-ca.crt",
				     "front-proxy-ca.key", "etcd/ca.crt", "etcd/ca.key",
				     "sa.key", "sa.pub" };

static void assert_nothing_written(const char *dir)
{
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *got = slurp(dir, files[i]);
		assert_null(got);
	}
}

static void test_sound_secret_written(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(join_certs_save(f->secret, KEY, f->dir, NULL), 0);
	_cleanup_free_ char *ca = slurp(f->dir, "ca.crt");
	_cleanup_free_ char *sa = slurp(f->dir, "sa.pub");
	_cleanup_free_ char *ek = slurp(f->dir, "etcd/ca.key");
	assert_string_equal(ca, f->ca.crt);
	assert_string_equal(sa, f->sa.pub);
	assert_string_equal(ek, f->etcd.key);
	assert_int_equal(mode_of(f->dir, "ca.crt"), 0644);
	assert_int_equal(mode_of(f->dir, "ca.key"), 0600);
	assert_int_equal(mode_of(f->dir, "sa.pub"), 0644); /* certutil.WriteCert's 0644, as kubeadm */
}

/* Each bad Secret: an error naming the file, and not one file written. */
static void check_refused(struct fixture *f, const char *entry, const char *pem, const char *want)
{
	_cleanup_(json_decrefp) json_t *s = json_deep_copy(f->secret);
	put(json_object_get(s, "data"), entry, pem);
	int r = join_certs_save(s, KEY, f->dir, NULL);
	assert_true(r < 0);
	const char *msg = error_message(r);
	if (!strstr(msg, want))
		fail_msg("\"%s\" does not contain \"%s\"", msg, want);
	assert_non_null(strstr(msg, "nothing was written"));
	error_clear();
	assert_nothing_written(f->dir);
}

static void test_unsound_secrets_refused(void **state)
{
	struct fixture *f = *state;
	/* a key that is not the CA's: it would make a CA that cannot sign what it says */
	check_refused(f, "ca.key", f->other.key, "ca.key does not match the certificate ca.crt");
	check_refused(f, "etcd-ca.key", f->ca.key,
		      "etcd/ca.key does not match the certificate etcd/ca.crt");
	/* a private key where a certificate goes (0644, world-readable) */
	check_refused(f, "ca.crt", f->ca.key,
		      "ca.crt holds a \"EC PRIVATE KEY\" PEM block, not only certificates");
	_cleanup_free_ char *both = xasprintf("%s%s", f->ca.crt, f->ca.key);
	check_refused(f, "front-proxy-ca.crt", both,
		      "front-proxy-ca.crt holds a \"EC PRIVATE KEY\" PEM block");
	/* a leaf where the CA goes */
	check_refused(f, "front-proxy-ca.crt", f->leaf.crt,
		      "front-proxy-ca.crt is not a CA certificate");
	/* garbage, a certificate where a key goes, a mismatched public key */
	check_refused(f, "sa.key", "not a key\n", "sa.key is not a PEM private key");
	check_refused(f, "ca.key", f->ca.crt,
		      "ca.key holds a \"CERTIFICATE\" PEM block, not a private key");
	check_refused(f, "sa.pub", f->other.pub, "sa.key does not match the public key sa.pub");
	check_refused(f, "sa.pub", f->sa.key, "sa.pub is not a PEM public key");
	check_refused(f, "etcd-ca.crt", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
		      "etcd/ca.crt is not a certificate");
}

/* An unsound Secret leaves the files already there untouched (nothing half-replaced). */
static void test_existing_files_untouched(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(join_certs_save(f->secret, KEY, f->dir, NULL), 0);
	_cleanup_(json_decrefp) json_t *s = json_deep_copy(f->secret);
	json_t *d = json_object_get(s, "data");
	put(d, "ca.crt", f->other.crt);
	put(d, "ca.key", f->other.key);
	put(d, "sa.pub", f->other.pub); /* the last file is the bad one */
	assert_true(join_certs_save(s, KEY, f->dir, NULL) < 0);
	error_clear();
	_cleanup_free_ char *ca = slurp(f->dir, "ca.crt");
	_cleanup_free_ char *key = slurp(f->dir, "ca.key");
	assert_string_equal(ca, f->ca.crt);
	assert_string_equal(key, f->ca.key);
	/* a missing entry is found before anything is written too */
	_cleanup_(json_decrefp) json_t *s2 = json_deep_copy(s);
	put(json_object_get(s2, "data"), "sa.pub", f->other.pub);
	json_object_del(json_object_get(s2, "data"), "sa.key");
	assert_int_equal(join_certs_save(s2, KEY, f->dir, NULL), -ENOENT);
	error_clear();
	_cleanup_free_ char *ca2 = slurp(f->dir, "ca.crt");
	assert_string_equal(ca2, f->ca.crt);
}

/* A file that cannot be written after others were: those are put back as they were (or
 * removed), so that no mix of old and new files stays. */
static void test_failed_write_undone(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *ca = xasprintf("%s/ca.crt", f->dir);
	FILE *fp = fopen(ca, "w");
	assert_non_null(fp);
	fputs("old ca\n", fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(ca, 0640), 0);
	/* etcd/ca.crt comes after the six others: "etcd" as a file makes its write fail */
	_cleanup_free_ char *etcd = xasprintf("%s/etcd", f->dir);
	fp = fopen(etcd, "w");
	assert_non_null(fp);
	assert_int_equal(fclose(fp), 0);
	assert_true(join_certs_save(f->secret, KEY, f->dir, NULL) < 0);
	assert_non_null(strstr(error_message(-ENOTDIR), "etcd/ca.crt"));
	error_clear();
	_cleanup_free_ char *got = slurp(f->dir, "ca.crt");
	assert_string_equal(got, "old ca\n");
	assert_int_equal(mode_of(f->dir, "ca.crt"), 0640);
	for (size_t i = 1; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *none = slurp(f->dir, files[i]);
		assert_null(none);
	}
}

/* Empty entries are skipped as kubeadm does (an external etcd without client files), and the
 * external etcd's files go to the paths the configuration names. */
static void test_external_etcd(void **state)
{
	struct fixture *f = *state;
	_cleanup_(json_decrefp) json_t *s = json_deep_copy(f->secret);
	json_t *d = json_object_get(s, "data");
	put(d, "external-etcd-ca.crt", f->etcd.crt);
	put(d, "external-etcd.crt", f->leaf.crt);
	json_object_set_new(d, "external-etcd.key", json_string(""));
	_cleanup_free_ char *ca = xasprintf("%s/ext/ca.pem", f->dir);
	_cleanup_free_ char *crt = xasprintf("%s/ext/client.pem", f->dir);
	_cleanup_free_ char *key = xasprintf("%s/ext/client-key.pem", f->dir);
	struct cfg_external_etcd ext = { .ca_file = ca, .cert_file = crt, .key_file = key };
	assert_int_equal(join_certs_save(s, KEY, f->dir, &ext), 0);
	_cleanup_free_ char *got = slurp(f->dir, "ext/client.pem");
	assert_string_equal(got, f->leaf.crt);
	_cleanup_free_ char *none = slurp(f->dir, "ext/client-key.pem");
	assert_null(none);
	/* the external etcd's key must match its certificate */
	put(d, "external-etcd.key", f->other.key);
	assert_true(join_certs_save(s, KEY, f->dir, &ext) < 0);
	assert_non_null(strstr(error_message(-EBADMSG),
			       "external-etcd.key does not match the certificate external-etcd.crt"));
	error_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sound_secret_written, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsound_secrets_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_existing_files_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_undone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_external_etcd, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
