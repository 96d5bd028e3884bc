/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <fcntl.h>
#include <stdio.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki/pki-internal.h"
#include "pki/pki.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

static time_t START; /* fixed kubeadm start time, an hour ago */

static int setup(void **state)
{
	struct testing_env *e = xnew0(struct testing_env);
	testing_env_init(e, "pki-test");
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	testing_env_release(*state);
	free(*state);
	return 0;
}

static struct pki_params base_params(struct testing_env *e, const char *sub)
{
	struct pki_params p = {
		.node_name = "node-a",
		.advertise_address = "192.168.10.5",
		.bind_port = 6443,
		.service_subnet = "10.96.0.0/12",
		.dns_domain = "cluster.local",
		.cert_dir = xasprintf("%s/%s", e->dir, sub),
		.cluster_name = "kubernetes",
		.algo = PKI_ECDSA_P256,
		.cert_validity = 8760LL * 3600,
		.ca_cert_validity = 87600LL * 3600,
		.local_etcd = true,
		.start_time = START,
		.rootfd = e->rootfd,
		.out = e->out,
	};
	return p;
}

static char *joined(char **v)
{
	char *s = strv_join(v, ",");
	strv_free(v);
	return s ? s : xstrdup("");
}

static void assert_strv(char **v, const char *want)
{
	char *got = joined(v);
	assert_string_equal(got, want);
	free(got);
}

/* Signs the row's config with a throwaway CA and checks what a reader of the cert sees. */
static void check_row(const struct pki_params *p, const char *name, const char *cn,
		      const char *orgs, const char *dns, const char *ips, unsigned usages)
{
	const struct pki_cert_spec *s = pki_cert_spec_find(name);
	assert_non_null(s);
	struct pki_cert_config cfg;
	assert_int_equal(pki_cert_config_for(s, p, &cfg), 0);
	struct pki_key *k = NULL, *cak = NULL;
	assert_int_equal(pki_key_generate(PKI_ECDSA_P256, &k), 0);
	assert_int_equal(pki_key_generate(PKI_ECDSA_P256, &cak), 0);
	struct pki_cert_config cacfg = { .common_name = xstrdup("kubernetes"),
					 .not_before = START - 300,
					 .not_after = START + 87600LL * 3600 };
	struct pki_cert *ca = NULL, *c = NULL;
	assert_int_equal(pki_cert_new_ca(&cacfg, cak, &ca), 0);
	if (s->ca_name)
		assert_int_equal(pki_cert_sign(&cfg, k, ca, cak, false, &c), 0);
	else
		assert_int_equal(pki_cert_new_ca(&cfg, k, &c), 0);
	char *got = pki_cert_common_name(c);
	assert_string_equal(got, cn);
	free(got);
	assert_strv(pki_cert_organizations(c), orgs);
	assert_strv(pki_cert_dns_names(c), dns);
	assert_strv(pki_cert_ips(c), ips);
	assert_int_equal(pki_cert_usages(c), usages);
	assert_int_equal(pki_cert_is_ca(c), s->ca_name == NULL);
	assert_int_equal(pki_cert_not_before(c), START - 300);
	assert_int_equal(pki_cert_not_after(c),
			 START + (s->ca_name ? p->cert_validity : p->ca_cert_validity));
	if (s->ca_name)
		assert_int_equal(pki_cert_verify_chain(c, NULL, ca), 0);
	/* Go's extension layout: KU critical, BC critical, SKI only on CAs, AKI on leaves */
	X509 *x = c->x509;
	int crit = -1;
	ASN1_BIT_STRING *ku = X509_get_ext_d2i(x, NID_key_usage, &crit, NULL);
	assert_non_null(ku);
	assert_int_equal(crit, 1);
	assert_true(ASN1_BIT_STRING_get_bit(ku, 0) && ASN1_BIT_STRING_get_bit(ku, 2));
	assert_int_equal(ASN1_BIT_STRING_get_bit(ku, 5), s->ca_name == NULL);
	ASN1_BIT_STRING_free(ku);
	BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
	assert_non_null(bc);
	assert_int_equal(crit, 1);
	assert_null(bc->pathlen);
	BASIC_CONSTRAINTS_free(bc);
	assert_int_equal(X509_get0_subject_key_id(x) != NULL, s->ca_name == NULL);
	if (s->ca_name)
		assert_int_equal(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(x),
						       X509_get0_subject_key_id(ca->x509)),
				 0);
	else
		assert_null(X509_get0_authority_key_id(x));
	pki_cert_free(c);
	pki_cert_free(ca);
	pki_key_free(k);
	pki_key_free(cak);
	pki_cert_config_release(&cfg);
	pki_cert_config_release(&cacfg);
}

static const unsigned SRV = PKI_USAGE_SERVER_AUTH, CLI = PKI_USAGE_CLIENT_AUTH;

static void check_fixed_rows(const struct pki_params *p)
{
	check_row(p, "ca", "kubernetes", "", "kubernetes", "", 0);
	check_row(p, "front-proxy-ca", "front-proxy-ca", "", "front-proxy-ca", "", 0);
	check_row(p, "etcd-ca", "etcd-ca", "", "etcd-ca", "", 0);
	check_row(p, "apiserver-kubelet-client", "kube-apiserver-kubelet-client", "", "", "", CLI);
	check_row(p, "front-proxy-client", "front-proxy-client", "", "", "", CLI);
	check_row(p, "etcd-healthcheck-client", "kube-etcd-healthcheck-client", "", "", "", CLI);
	check_row(p, "apiserver-etcd-client", "kube-apiserver-etcd-client", "", "", "", CLI);
}

static void test_table_defaults(void **state)
{
	struct testing_env *e = *state;
	struct pki_params p = base_params(e, "x");
	check_fixed_rows(&p);
	check_row(&p, "apiserver", "kube-apiserver", "",
		  "kubernetes,kubernetes.default,kubernetes.default.svc,"
		  "kubernetes.default.svc.cluster.local,node-a",
		  "10.96.0.1,192.168.10.5", SRV);
	check_row(&p, "etcd-server", "node-a", "", "localhost,node-a",
		  "192.168.10.5,127.0.0.1,::1", SRV | CLI);
	check_row(&p, "etcd-peer", "node-a", "", "localhost,node-a", "192.168.10.5,127.0.0.1,::1",
		  SRV | CLI);
	free((char *)p.cert_dir);
}

static void test_table_ha_endpoint(void **state)
{
	struct testing_env *e = *state;
	struct pki_params p = base_params(e, "x");
	p.control_plane_endpoint = "lb.example.com:6443";
	p.cert_validity = 7200;
	p.ca_cert_validity = 14400;
	check_fixed_rows(&p);
	check_row(&p, "apiserver", "kube-apiserver", "",
		  "kubernetes,kubernetes.default,kubernetes.default.svc,"
		  "kubernetes.default.svc.cluster.local,lb.example.com,node-a",
		  "10.96.0.1,192.168.10.5", SRV);
	p.control_plane_endpoint = "10.0.0.100";
	check_row(&p, "apiserver", "kube-apiserver", "",
		  "kubernetes,kubernetes.default,kubernetes.default.svc,"
		  "kubernetes.default.svc.cluster.local,node-a",
		  "10.96.0.1,192.168.10.5,10.0.0.100", SRV);
	p.control_plane_endpoint = "[fd00::100]:443";
	check_row(&p, "apiserver", "kube-apiserver", "",
		  "kubernetes,kubernetes.default,kubernetes.default.svc,"
		  "kubernetes.default.svc.cluster.local,node-a",
		  "10.96.0.1,192.168.10.5,fd00::100", SRV);
	free((char *)p.cert_dir);
}

static void test_table_ipv6_dual_stack(void **state)
{
	struct testing_env *e = *state;
	struct pki_params p = base_params(e, "x");
	p.advertise_address = "fd00:10:0:0::5";
	p.service_subnet = "fd00:96::/108";
	p.dns_domain = "";
	check_row(&p, "apiserver", "kube-apiserver", "",
		  "kubernetes,kubernetes.default,kubernetes.default.svc,node-a",
		  "fd00:96::1,fd00:10::5", SRV);
	check_row(&p, "etcd-peer", "node-a", "", "localhost,node-a", "fd00:10::5,127.0.0.1,::1",
		  SRV | CLI);
	/* dual-stack: kubeadm takes the VIP of the first subnet only */
	p.advertise_address = "192.168.10.5";
	p.service_subnet = "10.96.0.0/12,fd00:96::/108";
	check_row(&p, "apiserver", "kube-apiserver", "",
		  "kubernetes,kubernetes.default,kubernetes.default.svc,node-a",
		  "10.96.0.1,192.168.10.5", SRV);
	p.service_subnet = "fd00:96::/108,10.96.0.0/12";
	check_row(&p, "apiserver", "kube-apiserver", "",
		  "kubernetes,kubernetes.default,kubernetes.default.svc,node-a",
		  "fd00:96::1,192.168.10.5", SRV);
	free((char *)p.cert_dir);
}

static void test_table_custom_sans(void **state)
{
	struct testing_env *e = *state;
	struct pki_params p = base_params(e, "x");
	char *sans[] = { "extra.example.com", "10.1.2.3",     "*.wild.example.com", "fd00::7",
			 "node-a",            "192.168.10.5", "Bad_Name",          NULL };
	char *ss[] = { "etcd.example.com", "10.9.9.9", NULL };
	char *ps[] = { "peer.example.com", "10.8.8.8", NULL };
	p.cert_sans = sans;
	p.etcd_server_sans = ss;
	p.etcd_peer_sans = ps;
	check_row(&p, "apiserver", "kube-apiserver", "",
		  "*.wild.example.com,extra.example.com,kubernetes,kubernetes.default,"
		  "kubernetes.default.svc,kubernetes.default.svc.cluster.local,node-a",
		  "10.96.0.1,192.168.10.5,10.1.2.3,fd00::7", SRV);
	check_row(&p, "etcd-server", "node-a", "", "etcd.example.com,localhost,node-a",
		  "192.168.10.5,127.0.0.1,::1,10.9.9.9", SRV | CLI);
	check_row(&p, "etcd-peer", "node-a", "", "localhost,node-a,peer.example.com",
		  "192.168.10.5,127.0.0.1,::1,10.8.8.8", SRV | CLI);
	/* external etcd: the extra etcd SANs are not used */
	p.local_etcd = false;
	check_row(&p, "etcd-server", "node-a", "", "localhost,node-a",
		  "192.168.10.5,127.0.0.1,::1", SRV | CLI);
	free((char *)p.cert_dir);
}

static void test_config_errors(void **state)
{
	struct testing_env *e = *state;
	struct pki_params p = base_params(e, "x");
	struct pki_cert_config cfg;
	const struct pki_cert_spec *api = pki_cert_spec_find("apiserver");
	p.advertise_address = "not-an-ip";
	assert_int_equal(pki_cert_config_for(api, &p, &cfg), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "error parsing LocalAPIEndpoint AdvertiseAddress not-an-ip: is not a "
			    "valid textual representation of an IP address");
	p.advertise_address = "192.168.10.5";
	p.control_plane_endpoint = "lb.example.com:99999";
	assert_int_equal(pki_cert_config_for(api, &p, &cfg), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "error parsing cluster controlPlaneEndpoint \"lb.example.com:99999\": "
			    "hostport lb.example.com:99999: port 99999 must be a valid number "
			    "between 1 and 65535, inclusive");
	enum pki_algo a;
	assert_int_equal(pki_algo_parse("DSA", &a), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "cannot obtain key size from unknown RSA algorithm: \"DSA\"");
	assert_int_equal(pki_algo_parse("", &a), 0);
	assert_int_equal(a, PKI_RSA2048);
	assert_int_equal(pki_algo_parse("ECDSA-P384", &a), 0);
	assert_int_equal(a, PKI_ECDSA_P384);
	free((char *)p.cert_dir);
}

static void test_san_description(void **state)
{
	(void)state;
	static const struct {
		const char *name, *want;
	} cases[] = {
		/* as `kubeadm init phase certs <name> --help` prints them */
		{ "apiserver", "" },
		{ "ca", "" },
		{ "apiserver-kubelet-client", "" },
		{ "etcd-server", "\n\nDefault SANs are localhost, 127.0.0.1, 127.0.0.1, ::1" },
		{ "etcd-peer", "\n\nDefault SANs are localhost, 127.0.0.1, 127.0.0.1, ::1" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *d = pki_cert_san_description(pki_cert_spec_find(cases[i].name));
		assert_string_equal(d, cases[i].want);
		free(d);
	}
}

static void test_ip_helpers(void **state)
{
	(void)state;
	char *v = NULL;
	assert_int_equal(pki_service_vip("10.96.0.0/12", &v), 0);
	assert_string_equal(v, "10.96.0.1");
	free(v);
	assert_int_equal(pki_service_vip("10.96.5.7/12", &v), 0);
	assert_string_equal(v, "10.96.0.1");
	free(v);
	assert_int_equal(pki_service_vip("fd00:96::/108,10.0.0.0/24", &v), 0);
	assert_string_equal(v, "fd00:96::1");
	free(v);
	assert_true(pki_service_vip("banana", &v) < 0);
	assert_true(pki_service_vip("", &v) < 0);
	unsigned char ip[16];
	size_t len;
	char buf[64];
	assert_true(pki_ip_parse("010.001.002.003", ip, &len));
	assert_string_equal(pki_ip_format(ip, len, buf, sizeof(buf)), "10.1.2.3");
	assert_true(pki_ip_parse("::ffff:1.2.3.4", ip, &len));
	assert_int_equal(len, 4);
	assert_true(pki_ip_parse("2001:db8:0:0:1:0:0:1", ip, &len));
	assert_string_equal(pki_ip_format(ip, len, buf, sizeof(buf)), "2001:db8::1:0:0:1");
	assert_true(pki_ip_parse("::", ip, &len));
	assert_string_equal(pki_ip_format(ip, len, buf, sizeof(buf)), "::");
	assert_false(pki_ip_parse("1.2.3", ip, &len));
	assert_false(pki_ip_parse("fe80::1%eth0", ip, &len));
}

static void test_algorithms(void **state)
{
	(void)state;
	static const struct {
		enum pki_algo a;
		const char *pem;
		int bits;
	} cases[] = {
		{ PKI_RSA2048, "-----BEGIN RSA PRIVATE KEY-----", 2048 },
		{ PKI_RSA3072, "-----BEGIN RSA PRIVATE KEY-----", 3072 },
		{ PKI_ECDSA_P256, "-----BEGIN EC PRIVATE KEY-----", 256 },
		{ PKI_ECDSA_P384, "-----BEGIN EC PRIVATE KEY-----", 384 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pki_key *k = NULL, *k2 = NULL;
		assert_int_equal(pki_key_generate(cases[i].a, &k), 0);
		assert_int_equal(EVP_PKEY_get_bits(k->pkey), cases[i].bits);
		/* OpenSSL's full key check: primality of p and q (64 rounds), d, CRT values */
		EVP_PKEY_CTX *chk = EVP_PKEY_CTX_new(k->pkey, NULL);
		assert_int_equal(EVP_PKEY_check(chk), 1);
		EVP_PKEY_CTX_free(chk);
		if (EVP_PKEY_is_a(k->pkey, "RSA")) {
			BIGNUM *e = NULL;
			assert_true(EVP_PKEY_get_bn_param(k->pkey, "e", &e));
			assert_int_equal(BN_get_word(e), 65537);
			BN_free(e);
		}
		char *pem = NULL;
		size_t len;
		assert_int_equal(pki_key_to_pem(k, &pem, &len), 0);
		assert_true(strneq(pem, cases[i].pem, strlen(cases[i].pem)));
		assert_int_equal(pki_key_from_pem(pem, len, &k2), 0);
		assert_true(pki_key_public_equal(k, k2));
		/* a CA signs with SHA-256, or SHA-384 for P-384 (Go's signingParamsForKey) */
		struct pki_cert_config cfg = { .common_name = xstrdup("x") };
		struct pki_cert *c = NULL;
		assert_int_equal(pki_cert_new_ca(&cfg, k, &c), 0);
		int md = X509_get_signature_nid(c->x509);
		int want = cases[i].a == PKI_ECDSA_P384	  ? NID_ecdsa_with_SHA384
			   : cases[i].a == PKI_ECDSA_P256 ? NID_ecdsa_with_SHA256
							  : NID_sha256WithRSAEncryption;
		assert_int_equal(md, want);
		/* defaults without config: CA valid 10 years from now */
		assert_int_equal(pki_cert_not_after(c) - pki_cert_not_before(c), 87600LL * 3600);
		pki_cert_free(c);
		pki_cert_config_release(&cfg);
		pki_secret_free(pem, len);
		pki_key_free(k);
		pki_key_free(k2);
	}
	struct pki_key *k = NULL;
	assert_int_equal(pki_key_from_pem("junk", 4, &k), -EBADMSG);
	assert_string_equal(error_message(-EBADMSG),
			    "data does not contain a valid RSA or ECDSA private key");
}

static void test_keypool(void **state)
{
	(void)state;
	struct pki_keypool *pool = pki_keypool_new(PKI_ECDSA_P256, 2, 3);
	struct pki_key *keys[5] = { 0 };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		assert_int_equal(pki_keypool_take(pool, PKI_ECDSA_P256, &keys[i]), 0);
		for (size_t j = 0; j < i; j++)
			assert_false(pki_key_public_equal(keys[i], keys[j]));
	}
	/* another algorithm than the pool's: generated inline */
	struct pki_key *rsa = NULL;
	assert_int_equal(pki_keypool_take(pool, PKI_RSA2048, &rsa), 0);
	assert_int_equal(EVP_PKEY_get_bits(rsa->pkey), 2048);
	pki_key_free(rsa);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		pki_key_free(keys[i]);
	pki_keypool_free(pool);
	/* freed with keys still queued */
	pool = pki_keypool_new(PKI_ECDSA_P256, 2, 4);
	pki_keypool_free(pool);
}

static void test_hostname(void **state)
{
	(void)state;
	struct pki_key *k = NULL;
	assert_int_equal(pki_key_generate(PKI_ECDSA_P256, &k), 0);
	struct pki_cert_config cacfg = { .common_name = xstrdup("ca") };
	struct pki_cert *ca = NULL, *c = NULL;
	assert_int_equal(pki_cert_new_ca(&cacfg, k, &ca), 0);
	struct pki_cert_config cfg = { .common_name = xstrdup("x"), .usages = SRV };
	strv_push(&cfg.dns_names, "b.example.com");
	strv_push(&cfg.dns_names, "*.wild.example.com");
	strv_push(&cfg.dns_names, "a.example.com");
	strv_push(&cfg.dns_names, "a.example.com");
	strv_push(&cfg.ips, "10.0.0.1");
	strv_push(&cfg.ips, "010.0.0.1");
	strv_push(&cfg.ips, "fd00::1");
	assert_int_equal(pki_cert_sign(&cfg, k, ca, k, false, &c), 0);
	assert_strv(pki_cert_dns_names(c), "*.wild.example.com,a.example.com,b.example.com");
	assert_strv(pki_cert_ips(c), "10.0.0.1,fd00::1");
	assert_int_equal(pki_cert_verify_hostname(c, "A.Example.com"), 0);
	assert_int_equal(pki_cert_verify_hostname(c, "x.wild.example.com"), 0);
	assert_int_equal(pki_cert_verify_hostname(c, "[fd00::1]"), 0);
	assert_int_equal(pki_cert_verify_hostname(c, "fd00:0::1"), 0);
	assert_int_equal(pki_cert_verify_hostname(c, "x.y.wild.example.com"), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "x509: certificate is valid for *.wild.example.com, a.example.com, "
			    "b.example.com, not x.y.wild.example.com");
	assert_int_equal(pki_cert_verify_hostname(c, "10.0.0.2"), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "x509: certificate is valid for 10.0.0.1, fd00::1, not 10.0.0.2");
	pki_cert_free(c);
	pki_cert_free(ca);
	pki_key_free(k);
	pki_cert_config_release(&cfg);
	pki_cert_config_release(&cacfg);
}

static char *slurp(struct testing_env *e, const char *dir, const char *file)
{
	char *path = xasprintf("%s/%s", dir, file), *data = NULL;
	size_t len;
	int r = fs_read_file(e->rootfd, path, 1 << 20, &data, &len);
	free(path);
	return r < 0 ? NULL : data;
}

static mode_t mode_of(const char *dir, const char *file)
{
	char *path = xasprintf("%s/%s", dir, file);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	free(path);
	return st.st_mode & 07777;
}

static const char phase_all_fresh[] =
	"[certs] Using certificateDir folder \"DIR\"\n"
	"[certs] Generating \"ca\" certificate and key\n"
	"[certs] Generating \"apiserver\" certificate and key\n"
	"[certs] apiserver serving cert is signed for DNS names [kubernetes kubernetes.default "
	"kubernetes.default.svc kubernetes.default.svc.cluster.local node-a] and IPs [10.96.0.1 "
	"192.168.10.5]\n"
	"[certs] Generating \"apiserver-kubelet-client\" certificate and key\n"
	"[certs] Generating \"front-proxy-ca\" certificate and key\n"
	"[certs] Generating \"front-proxy-client\" certificate and key\n"
	"[certs] Generating \"etcd/ca\" certificate and key\n"
	"[certs] Generating \"etcd/server\" certificate and key\n"
	"[certs] etcd/server serving cert is signed for DNS names [localhost node-a] and IPs "
	"[192.168.10.5 127.0.0.1 ::1]\n"
	"[certs] Generating \"etcd/peer\" certificate and key\n"
	"[certs] etcd/peer serving cert is signed for DNS names [localhost node-a] and IPs "
	"[192.168.10.5 127.0.0.1 ::1]\n"
	"[certs] Generating \"etcd/healthcheck-client\" certificate and key\n"
	"[certs] Generating \"apiserver-etcd-client\" certificate and key\n"
	"[certs] Generating \"sa\" key and public key\n";

static const char phase_all_rerun[] =
	"[certs] Using certificateDir folder \"DIR\"\n"
	"[certs] Using existing ca certificate authority\n"
	"[certs] Using existing apiserver certificate and key on disk\n"
	"[certs] Using existing apiserver-kubelet-client certificate and key on disk\n"
	"[certs] Using existing front-proxy-ca certificate authority\n"
	"[certs] Using existing front-proxy-client certificate and key on disk\n"
	"[certs] Using existing etcd/ca certificate authority\n"
	"[certs] Using existing etcd/server certificate and key on disk\n"
	"[certs] Using existing etcd/peer certificate and key on disk\n"
	"[certs] Using existing etcd/healthcheck-client certificate and key on disk\n"
	"[certs] Using existing apiserver-etcd-client certificate and key on disk\n"
	"[certs] Using the existing \"sa\" key\n";

static char *with_dir(const char *tmpl, const char *dir)
{
	struct strbuf sb = STRBUF_INIT;
	for (const char *s = tmpl; *s;) {
		if (strneq(s, "DIR", 3)) {
			strbuf_addstr(&sb, dir);
			s += 3;
		} else {
			strbuf_addch(&sb, *s++);
		}
	}
	return strbuf_detach(&sb, NULL);
}

static void test_phase_all_and_reuse(void **state)
{
	struct testing_env *e = *state;
	struct pki_params p = base_params(e, "pki");
	struct pki_keypool *pool = pki_keypool_new(p.algo, 2, 11);
	p.pool = pool;
	assert_int_equal(pki_phase_all(&p, false), 0);
	char *got = testing_env_out(e), *want = with_dir(phase_all_fresh, p.cert_dir);
	assert_string_equal(got, want);
	free(got);
	free(want);
	static const char *const certs[] = { "ca.crt", "apiserver.crt", "apiserver-kubelet-client.crt",
					     "front-proxy-ca.crt", "front-proxy-client.crt",
					     "etcd/ca.crt", "etcd/server.crt", "etcd/peer.crt",
					     "etcd/healthcheck-client.crt",
					     "apiserver-etcd-client.crt" };
	for (size_t i = 0; i < ARRAY_SIZE(certs); i++) {
		assert_int_equal(mode_of(p.cert_dir, certs[i]), 0644);
		char *key = xstrdup(certs[i]);
		memcpy(key + strlen(key) - 3, "key", 3);
		assert_int_equal(mode_of(p.cert_dir, key), 0600);
		free(key);
	}
	assert_int_equal(mode_of(p.cert_dir, "sa.key"), 0600);
	assert_int_equal(mode_of(p.cert_dir, "sa.pub"), 0600);
	char *pub = slurp(e, p.cert_dir, "sa.pub");
	assert_true(strneq(pub, "-----BEGIN PUBLIC KEY-----", 26));
	free(pub);

	/* the second run reuses everything and writes nothing */
	char *before = slurp(e, p.cert_dir, "apiserver.crt");
	assert_int_equal(pki_phase_all(&p, false), 0);
	got = testing_env_out(e);
	want = with_dir(phase_all_rerun, p.cert_dir);
	assert_string_equal(got, want);
	free(got);
	free(want);
	char *after = slurp(e, p.cert_dir, "apiserver.crt");
	assert_string_equal(before, after);
	free(after);

	/* join's CreatePKIAssets over the same tree: reuse with SAN validation */
	assert_int_equal(pki_create_pki_assets(&p), 0);
	got = testing_env_out(e);
	assert_non_null(strstr(got, "[certs] Using the existing \"apiserver\" certificate and key\n"));
	free(got);
	/* ... and a SAN the existing certificate lacks is kubeadm's error, nothing rewritten */
	char *sans[] = { "extra.example.com", NULL };
	p.cert_sans = sans;
	assert_int_equal(pki_create_pki_assets(&p), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "error creating PKI assets: failed to write or validate certificate "
			    "\"apiserver\": certificate apiserver is invalid: x509: certificate is "
			    "valid for kubernetes, kubernetes.default, kubernetes.default.svc, "
			    "kubernetes.default.svc.cluster.local, node-a, not extra.example.com");
	after = slurp(e, p.cert_dir, "apiserver.crt");
	assert_string_equal(before, after);
	free(after);
	free(before);
	free(testing_env_out(e));
	pki_keypool_free(pool);
	free((char *)p.cert_dir);
}

static void test_mismatch_errors(void **state)
{
	struct testing_env *e = *state;
	struct pki_params p = base_params(e, "pki"), o = base_params(e, "other");
	o.out = NULL;
	assert_int_equal(pki_phase_all(&p, false), 0);
	assert_int_equal(pki_phase_all(&o, false), 0);
	free(testing_env_out(e));
	/* a CA from another tree: the leaves on disk are not signed by it */
	static const char *const cafiles[] = { "ca.crt", "ca.key" };
	for (size_t i = 0; i < ARRAY_SIZE(cafiles); i++) {
		char *data = slurp(e, o.cert_dir, cafiles[i]);
		char *to = xasprintf("%s/%s", p.cert_dir, cafiles[i]);
		assert_int_equal(fs_write_atomic(e->rootfd, to, data, strlen(data), 0600, 0755), 0);
		free(to);
		free(data);
	}
	char *before = slurp(e, p.cert_dir, "apiserver.crt");
	assert_int_equal(pki_phase_all(&p, false), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "[certs] certificate apiserver not signed by CA certificate ca: x509: "
			    "certificate signed by unknown authority (possibly because of "
			    "\"x509: ECDSA verification failure\" while trying to verify candidate "
			    "authority certificate \"kubernetes\")");
	char *after = slurp(e, p.cert_dir, "apiserver.crt");
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* a key without its certificate */
	char *crt = xasprintf("%s/apiserver.crt", p.cert_dir);
	assert_int_equal(unlink(crt), 0);
	assert_int_equal(pki_phase_cert(&p, pki_cert_spec_find("apiserver")), -ENOENT);
	char *want = xasprintf("failed to write or validate certificate \"apiserver\": failure "
			       "loading apiserver certificate: couldn't load the certificate file "
			       "%s: open %s: no such file or directory",
			       crt, crt);
	assert_string_equal(error_message(-ENOENT), want);
	free(want);
	free(crt);
	/* a garbage sa.key */
	char *sa = xasprintf("%s/sa.key", p.cert_dir);
	assert_int_equal(fs_write_atomic(e->rootfd, sa, "junk\n", 5, 0600, 0755), 0);
	assert_int_equal(pki_phase_sa(&p, false), -EBADMSG);
	want = xasprintf("file sa.key existed but it could not be loaded properly: error reading "
			 "private key file %s: data does not contain a valid RSA or ECDSA private "
			 "key",
			 sa);
	assert_string_equal(error_message(-EBADMSG), want);
	free(want);
	free(sa);
	assert_int_equal(pki_phase_sa(&p, true), 0);
	free(testing_env_out(e));
	free((char *)p.cert_dir);
	free((char *)o.cert_dir);
}

/* An encrypted CA key (PKCS#8 or a traditional Proc-Type block) is refused with a clear error,
 * without asking for a passphrase, and nothing is written. */
static void test_encrypted_key(void **state)
{
	struct testing_env *e = *state;
	struct pki_params p = base_params(e, "pki");
	assert_int_equal(pki_phase_all(&p, false), 0);
	free(testing_env_out(e));
	struct pki_key *ca = NULL;
	assert_int_equal(pki_load_key(e->rootfd, p.cert_dir, "ca", &ca), 0);
	char *keyp = xasprintf("%s/ca.key", p.cert_dir);
	char *crt = xasprintf("%s/apiserver.crt", p.cert_dir);
	char *key = xasprintf("%s/apiserver.key", p.cert_dir);
	for (int traditional = 0; traditional < 2; traditional++) {
		BIO *b = BIO_new(BIO_s_mem());
		assert_non_null(b);
		if (traditional)
			assert_int_equal(PEM_write_bio_PrivateKey_traditional(b, ca->pkey, EVP_aes_256_cbc(),
									 (unsigned char *)"xx", 2, NULL, NULL),
					 1);
		else
			assert_int_equal(PEM_write_bio_PKCS8PrivateKey(b, ca->pkey, EVP_aes_256_cbc(),
								       "xx", 2, NULL, NULL),
					 1);
		char *pem = NULL;
		long n = BIO_get_mem_data(b, &pem);
		assert_int_equal(fs_write_atomic(e->rootfd, keyp, pem, (size_t)n, 0600, 0755), 0);
		BIO_free(b);
		unlink(crt);
		unlink(key);
		assert_int_equal(pki_phase_cert(&p, pki_cert_spec_find("apiserver")), -EBADMSG);
		char *want = xasprintf("couldn't load CA certificate ca: failure loading ca certificate authority: failed to load key: couldn't load the private key file %s: error reading private key file %s: data does not contain a valid RSA or ECDSA private key: the key is encrypted with a passphrase, and only unencrypted keys can be used",
				       keyp, keyp);
		assert_string_equal(error_message(-EBADMSG), want);
		free(want);
		assert_false(fs_exists(e->rootfd, crt));
		assert_false(fs_exists(e->rootfd, key));
	}
	free(testing_env_out(e));
	pki_key_free(ca);
	free(keyp);
	free(crt);
	free(key);
	free((char *)p.cert_dir);
}

/* join --control-plane's check of the shared files, which reads sa.pub: 0 when it refuses it */
static int shared_files_refused(void *arg)
{
	int r = pki_shared_certificates_exist(arg);
	return r == -EBADMSG && strstr(error_message(r), "sa.pub") ? 0 : 1;
}

/* sa.pub in a Proc-Type: 4,ENCRYPTED block: refused, never decrypted with a passphrase that
 * OpenSSL would ask for. The check runs in a child without a controlling terminal whose stdin
 * holds the passphrase (OpenSSL's prompt reads stdin when /dev/tty cannot be opened): before
 * the fix the key was decrypted from there and accepted. */
static void test_encrypted_public_key(void **state)
{
	struct testing_env *e = *state;
	struct pki_params p = base_params(e, "pki");
	p.out = NULL;
	assert_int_equal(pki_phase_all(&p, false), 0);
	struct pki_key *sa = NULL;
	assert_int_equal(pki_load_key(e->rootfd, p.cert_dir, "sa", &sa), 0);
	BIO *b = BIO_new(BIO_s_mem());
	assert_non_null(b);
	assert_int_equal(PEM_ASN1_write_bio((i2d_of_void *)i2d_PUBKEY, PEM_STRING_PUBLIC, b, sa->pkey,
					    EVP_aes_256_cbc(), (unsigned char *)"xx", 2, NULL, NULL),
			 1);
	char *pem = NULL;
	long n = BIO_get_mem_data(b, &pem);
	char *pub = xasprintf("%s/sa.pub", p.cert_dir);
	assert_int_equal(fs_write_atomic(e->rootfd, pub, pem, (size_t)n, 0600, 0755), 0);
	BIO_free(b);
	assert_int_equal(testing_run_detached(shared_files_refused, &p, "xx\n"), 0);
	pki_key_free(sa);
	free(pub);
	free((char *)p.cert_dir);
}

static void test_external_ca(void **state)
{
	struct testing_env *e = *state;
	struct pki_params p = base_params(e, "pki");
	p.out = NULL;
	assert_int_equal(pki_phase_all(&p, false), 0);
	bool ext = true;
	assert_int_equal(pki_using_external_ca(&p, &ext), 0);
	assert_false(ext);
	char *key = xasprintf("%s/ca.key", p.cert_dir);
	assert_int_equal(unlink(key), 0);
	free(key);
	assert_int_equal(pki_using_external_ca(&p, &ext), 0);
	assert_true(ext);
	p.out = e->out;
	assert_int_equal(pki_phase_ca(&p, pki_cert_spec_find("ca")), 0);
	char *got = testing_env_out(e);
	assert_string_equal(got, "[certs] Using existing ca keyless certificate authority\n");
	free(got);
	/* expiration rows say "externally managed" for the ca's leaves */
	p.out = NULL;
	struct pki_expiration *c = NULL, *ca = NULL;
	size_t nc = 0, na = 0;
	char *front = xasprintf("%s/front-proxy-ca.key", p.cert_dir);
	unlink(front);
	free(front);
	assert_int_equal(pki_expiration_list(&p, NULL, &c, &nc, &ca, &na), 0);
	assert_int_equal(nc, 7);
	assert_int_equal(na, 3);
	assert_string_equal(c[0].name, "apiserver");
	assert_string_equal(c[1].name, "apiserver-etcd-client");
	assert_string_equal(c[4].name, "etcd-peer");
	assert_string_equal(c[6].name, "front-proxy-client");
	assert_true(c[6].externally_managed);
	assert_false(c[1].externally_managed);
	assert_string_equal(c[1].ca_name, "etcd-ca");
	assert_string_equal(ca[0].name, "ca");
	assert_string_equal(ca[2].name, "front-proxy-ca");
	assert_int_equal(ca[1].not_after, START + 87600LL * 3600);
	pki_expirations_free(c, nc);
	pki_expirations_free(ca, na);
	char *akey = xasprintf("%s/apiserver.key", p.cert_dir);
	assert_int_equal(unlink(akey), 0);
	assert_int_equal(pki_using_external_ca(&p, &ext), -ENOENT);
	assert_true(ext);
	char *want = xasprintf("failure loading key for apiserver: couldn't load the private key "
			       "file %s: open %s: no such file or directory",
			       akey, akey);
	assert_string_equal(error_message(-ENOENT), want);
	free(want);
	free(akey);
	free((char *)p.cert_dir);
}

static void test_external_etcd_and_missing(void **state)
{
	struct testing_env *e = *state;
	struct pki_params p = base_params(e, "pki");
	p.local_etcd = false;
	assert_int_equal(pki_phase_all(&p, false), 0);
	char *got = testing_env_out(e);
	assert_non_null(strstr(got, "[certs] External etcd mode: Skipping etcd/ca certificate "
				    "authority generation\n"));
	assert_non_null(strstr(got, "[certs] External etcd mode: Skipping etcd/peer certificate "
				    "generation\n"));
	free(got);
	char *etcd = xasprintf("%s/etcd", p.cert_dir);
	assert_false(fs_exists(e->rootfd, etcd));
	free(etcd);
	struct pki_expiration *c = NULL, *ca = NULL;
	size_t nc = 0, na = 0;
	char *crt = xasprintf("%s/front-proxy-client.crt", p.cert_dir);
	unlink(crt);
	free(crt);
	assert_int_equal(pki_expiration_list(&p, NULL, &c, &nc, &ca, &na), 0);
	assert_int_equal(nc, 3);
	assert_int_equal(na, 2);
	assert_true(c[2].missing);
	assert_false(c[0].missing);
	pki_expirations_free(c, nc);
	pki_expirations_free(ca, na);
	free((char *)p.cert_dir);
}

/* a failed certificate write leaves no key behind, and a re-run converges */
static void test_failed_write_rolls_back(void **state)
{
	struct testing_env *e = *state;
	struct pki_params p = base_params(e, "pki");
	p.out = NULL;
	assert_int_equal(pki_phase_ca(&p, pki_cert_spec_find("ca")), 0);
	char *crt = xasprintf("%s/apiserver.crt", p.cert_dir);
	char *key = xasprintf("%s/apiserver.key", p.cert_dir);
	assert_int_equal(mkdir(crt, 0755), 0); /* the rename onto it fails */
	assert_true(pki_phase_cert(&p, pki_cert_spec_find("apiserver")) < 0);
	assert_false(fs_exists(e->rootfd, key));
	assert_int_equal(rmdir(crt), 0);
	assert_int_equal(pki_phase_cert(&p, pki_cert_spec_find("apiserver")), 0);
	assert_true(fs_exists(e->rootfd, key));
	/* renewal: the old key is put back when the new certificate cannot be written */
	char *before = slurp(e, p.cert_dir, "apiserver.key");
	char *cmdtmp = xasprintf("%s.tmp-%d", crt, (int)getpid());
	assert_int_equal(mkdir(cmdtmp, 0755), 0); /* the temp file cannot be created */
	bool renewed = false;
	assert_true(pki_renew_cert(&p, "apiserver", &renewed) < 0);
	char *after = slurp(e, p.cert_dir, "apiserver.key");
	assert_string_equal(before, after);
	assert_int_equal(rmdir(cmdtmp), 0);
	free(before);
	free(after);
	free(cmdtmp);
	free(crt);
	free(key);
	free((char *)p.cert_dir);
}

/* dry-run: existing CAs are copied to the write dir, new files land only there */
static void test_dry_run_write_dir(void **state)
{
	struct testing_env *e = *state;
	struct pki_params p = base_params(e, "pki");
	p.out = NULL;
	assert_int_equal(pki_phase_ca(&p, pki_cert_spec_find("ca")), 0);
	assert_int_equal(pki_phase_cert(&p, pki_cert_spec_find("apiserver")), 0);
	char *dry = xasprintf("%s/dry", e->dir);
	p.write_dir = dry;
	p.dry_run = true;
	p.out = e->out;
	assert_int_equal(pki_phase_all(&p, false), 0);
	char *got = testing_env_out(e);
	char *want = xasprintf("[certs] Using certificateDir folder \"%s\"\n"
			       "[certs] Using existing ca certificate authority\n"
			       "[certs] Using existing apiserver certificate and key on disk\n"
			       "[certs] Generating \"apiserver-kubelet-client\" certificate and key\n",
			       dry);
	assert_true(strneq(got, want, strlen(want)));
	free(got);
	free(want);
	char *a = slurp(e, p.cert_dir, "ca.crt"), *b = slurp(e, dry, "ca.crt");
	assert_string_equal(a, b);
	free(a);
	free(b);
	assert_int_equal(mode_of(dry, "ca.key"), 0600);
	assert_int_equal(mode_of(dry, "apiserver-kubelet-client.key"), 0600);
	/* nothing new in the real directory; the existing leaf is not copied */
	char *real_leaf = xasprintf("%s/apiserver-kubelet-client.crt", p.cert_dir);
	char *dry_api = xasprintf("%s/apiserver.crt", dry);
	char *real_sa = xasprintf("%s/sa.key", p.cert_dir);
	assert_false(fs_exists(e->rootfd, real_leaf));
	assert_false(fs_exists(e->rootfd, dry_api));
	assert_false(fs_exists(e->rootfd, real_sa));
	free(real_leaf);
	free(dry_api);
	free(real_sa);
	/* the leaves made in the dry-run dir chain to the copied CA */
	struct pki_cert *ca = NULL, *leaf = NULL;
	assert_int_equal(pki_load_cert(e->rootfd, dry, "ca", &ca), 0);
	assert_int_equal(pki_load_cert(e->rootfd, dry, "apiserver-kubelet-client", &leaf), 0);
	assert_int_equal(pki_cert_verify_chain(leaf, NULL, ca), 0);
	pki_cert_free(ca);
	pki_cert_free(leaf);
	free(dry);
	free((char *)p.cert_dir);
}

static void test_csr_and_renew(void **state)
{
	struct testing_env *e = *state;
	struct pki_params p = base_params(e, "pki");
	p.out = NULL;
	assert_int_equal(pki_create_default_keys_and_csrs(&p, e->out), 0);
	char *got = testing_env_out(e);
	char *want = xasprintf("generating keys and CSRs in %s\n  apiserver\n  apiserver-kubelet-client\n"
			       "  front-proxy-client\n  etcd/server\n  etcd/peer\n"
			       "  etcd/healthcheck-client\n  apiserver-etcd-client\n",
			       p.cert_dir);
	assert_string_equal(got, want);
	free(got);
	free(want);
	assert_int_equal(mode_of(p.cert_dir, "etcd/server.csr"), 0600);
	/* WriteKey (MkdirAll 0755) runs before WriteCSR (0700): the directory is 0755 */
	assert_int_equal(mode_of(p.cert_dir, "etcd"), 0755);
	char *csr = slurp(e, p.cert_dir, "etcd/server.csr");
	BIO *b = BIO_new_mem_buf(csr, -1);
	X509_REQ *req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
	assert_non_null(req);
	char name[256];
	X509_NAME_oneline(X509_REQ_get_subject_name(req), name, sizeof(name));
	assert_string_equal(name, "/CN=node-a");
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
	assert_int_equal(sk_X509_EXTENSION_num(exts), 1);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_REQ_free(req);
	BIO_free(b);
	free(csr);
	assert_int_equal(pki_create_default_keys_and_csrs(&p, NULL), -EEXIST);
	want = xasprintf("file already exists: key or CSR %s/apiserver", p.cert_dir);
	assert_string_equal(error_message(-EEXIST), want);
	free(want);

	/* renew keeps CN, O, SANs and usages; new key, new validity from the start time */
	struct pki_params q = base_params(e, "tree");
	q.out = NULL;
	char *extra[] = { "extra.example.com", NULL };
	q.cert_sans = extra;
	assert_int_equal(pki_phase_all(&q, false), 0);
	struct pki_cert *old = NULL, *nw = NULL;
	struct pki_key *oldk = NULL, *nwk = NULL;
	assert_int_equal(pki_load_cert_and_key(e->rootfd, q.cert_dir, "apiserver", &old, &oldk), 0);
	q.cert_sans = NULL;
	q.start_time = START + 1000;
	q.cert_validity = 3600;
	bool renewed = false;
	assert_int_equal(pki_renew_cert(&q, "apiserver", &renewed), 0);
	assert_true(renewed);
	assert_int_equal(pki_load_cert_and_key(e->rootfd, q.cert_dir, "apiserver", &nw, &nwk), 0);
	assert_strv(pki_cert_dns_names(nw),
		    "extra.example.com,kubernetes,kubernetes.default,kubernetes.default.svc,"
		    "kubernetes.default.svc.cluster.local,node-a");
	assert_strv(pki_cert_ips(nw), "10.96.0.1,192.168.10.5");
	assert_int_equal(pki_cert_usages(nw), SRV);
	assert_false(pki_key_public_equal(oldk, nwk));
	assert_true(pki_cert_matches_key(nw, nwk));
	assert_int_equal(pki_cert_not_before(nw), START + 1000 - 300);
	assert_int_equal(pki_cert_not_after(nw), START + 1000 + 3600);
	assert_int_equal(pki_renew_cert(&q, "ca", &renewed), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "ca is not a valid certificate for this cluster");
	pki_cert_free(old);
	pki_cert_free(nw);
	pki_key_free(oldk);
	pki_key_free(nwk);
	free((char *)p.cert_dir);
	free((char *)q.cert_dir);
}

static void test_small_things(void **state)
{
	(void)state;
	char *k = NULL, *k2 = NULL;
	assert_int_equal(pki_certificate_key_new(&k), 0);
	assert_int_equal(pki_certificate_key_new(&k2), 0);
	assert_int_equal(strlen(k), 64);
	assert_int_equal(strspn(k, "0123456789abcdef"), 64);
	assert_string_not_equal(k, k2);
	pki_secret_free(k, 0);
	pki_secret_free(k2, 0);
	static const struct {
		int64_t secs;
		const char *want;
	} cases[] = {
		{ -5, "<invalid>" }, { -1, "0s" },	 { 90, "90s" },	      { 300, "5m" },
		{ 330, "5m30s" },    { 3600, "60m" },	 { 4 * 3600 + 60, "4h1m" },
		{ 30 * 3600, "30h" }, { 3 * 86400 + 3600, "3d1h" }, { 364 * 86400 + 80000, "364d" },
		{ 3 * 365 * 86400 + 86400, "3y1d" }, { 9 * 365 * 86400 + 99999, "9y" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *s = pki_residual_time(1000000 + cases[i].secs, 1000000);
		assert_string_equal(s, cases[i].want);
		free(s);
	}
	char *host = NULL, *port = NULL;
	assert_int_equal(pki_parse_host_port("[fd00::1]:6443", &host, &port), 0);
	assert_string_equal(host, "fd00::1");
	assert_string_equal(port, "6443");
	free(host);
	free(port);
	assert_int_equal(pki_parse_host_port("fd00::1", &host, &port), 0);
	assert_string_equal(host, "fd00::1");
	assert_string_equal(port, "");
	free(host);
	free(port);
	assert_int_equal(pki_parse_host_port("bad_host:80", &host, &port), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "hostport bad_host:80: host 'bad_host' must be a valid IP address or "
			    "a valid RFC-1123 DNS subdomain");
	struct pki_params p = { .advertise_address = "fd00::5", .bind_port = 6443 };
	char *url = NULL;
	assert_int_equal(pki_control_plane_url(&p, &url), 0);
	assert_string_equal(url, "https://[fd00::5]:6443");
	free(url);
	p.control_plane_endpoint = "lb.example.com";
	assert_int_equal(pki_control_plane_url(&p, &url), 0);
	assert_string_equal(url, "https://lb.example.com:6443");
	free(url);
	struct pki_cert **v = NULL;
	assert_int_equal(pki_certs_from_pem("nothing", 7, &v), -EBADMSG);
	assert_string_equal(error_message(-EBADMSG),
			    "data does not contain any valid RSA or ECDSA certificates");
}

/* The parse caches (cert.c, key.c) answer by content: the same text gives the same
 * certificate or key, other text is parsed anew, a chain keeps its order. */
static void test_parse_caches(void **state)
{
	(void)state;
	struct pki_key *ka = NULL, *kb = NULL;
	assert_int_equal(pki_key_generate(PKI_ECDSA_P256, &ka), 0);
	assert_int_equal(pki_key_generate(PKI_ECDSA_P256, &kb), 0);
	struct pki_cert_config cfg = { .common_name = xstrdup("a"), .not_before = START,
				       .not_after = START + 3600 };
	struct pki_cert *ca = NULL, *cb = NULL;
	assert_int_equal(pki_cert_new_ca(&cfg, ka, &ca), 0);
	free(cfg.common_name);
	cfg.common_name = xstrdup("b");
	assert_int_equal(pki_cert_new_ca(&cfg, kb, &cb), 0);
	free(cfg.common_name);
	char *pa = NULL, *pb = NULL;
	size_t la, lb;
	pki_cert_to_pem(ca, &pa, &la);
	pki_cert_to_pem(cb, &pb, &lb);
	char *chain = xasprintf("%s%s", pa, pb);
	for (int round = 0; round < 2; round++) { /* the second round answers from the cache */
		struct pki_cert **v = NULL;
		assert_int_equal(pki_certs_from_pem(pa, la, &v), 0);
		assert_true(pki_cert_equal(v[0], ca));
		assert_null(v[1]);
		pki_certs_free(v);
		assert_int_equal(pki_certs_from_pem(pb, lb, &v), 0);
		assert_true(pki_cert_equal(v[0], cb));
		assert_false(pki_cert_equal(v[0], ca));
		pki_certs_free(v);
		assert_int_equal(pki_certs_from_pem(chain, strlen(chain), &v), 0);
		assert_true(pki_cert_equal(v[0], ca) && pki_cert_equal(v[1], cb) && !v[2]);
		pki_certs_free(v);
	}
	char *xa = NULL, *xb = NULL;
	size_t xla, xlb;
	assert_int_equal(pki_key_to_pem(ka, &xa, &xla), 0);
	assert_int_equal(pki_key_to_pem(kb, &xb, &xlb), 0);
	for (int round = 0; round < 2; round++) {
		struct pki_key *k = NULL;
		assert_int_equal(pki_key_from_pem(xa, xla, &k), 0);
		assert_true(pki_key_public_equal(k, ka));
		assert_true(pki_cert_matches_key(ca, k));
		pki_key_free(k);
		assert_int_equal(pki_key_from_pem(xb, xlb, &k), 0);
		assert_true(pki_key_public_equal(k, kb));
		assert_false(pki_key_public_equal(k, ka));
		pki_key_free(k);
	}
	pki_secret_free(xa, xla);
	pki_secret_free(xb, xlb);
	free(chain);
	free(pa);
	free(pb);
	pki_cert_free(ca);
	pki_cert_free(cb);
	pki_key_free(ka);
	pki_key_free(kb);
}

int main(void)
{
	START = time(NULL) - 3600;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_ha_endpoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_ipv6_dual_stack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_custom_sans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_errors, setup, teardown),
		cmocka_unit_test(test_san_description),
		cmocka_unit_test(test_ip_helpers),
		cmocka_unit_test(test_algorithms),
		cmocka_unit_test(test_keypool),
		cmocka_unit_test(test_hostname),
		cmocka_unit_test_setup_teardown(test_phase_all_and_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mismatch_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_encrypted_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_encrypted_public_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_external_ca, setup, teardown),
		cmocka_unit_test_setup_teardown(test_external_etcd_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run_write_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csr_and_renew, setup, teardown),
		cmocka_unit_test(test_small_things),
		cmocka_unit_test(test_parse_caches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
