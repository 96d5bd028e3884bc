/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <fcntl.h>
#include <stdio.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kubeconfig/kubeconfig.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

static time_t START;

struct env {
	struct testing_env t;
	char *pki, *kc;
	struct pki_params p;
};

static int setup(void **state)
{
	struct env *e = xnew0(struct env);
	testing_env_init(&e->t, "kubeconfig-test");
	e->pki = xasprintf("%s/pki", e->t.dir);
	e->kc = xasprintf("%s/kc", e->t.dir);
	e->p = (struct pki_params){
		.node_name = "node-a",
		.advertise_address = "192.168.10.5",
		.bind_port = 6443,
		.service_subnet = "10.96.0.0/12",
		.dns_domain = "cluster.local",
		.cert_dir = e->pki,
		.cluster_name = "kubernetes",
		.algo = PKI_ECDSA_P256,
		.cert_validity = 8760LL * 3600,
		.ca_cert_validity = 87600LL * 3600,
		.local_etcd = true,
		.start_time = START,
		.rootfd = e->t.rootfd,
		.out = NULL,
	};
	assert_int_equal(pki_phase_ca(&e->p, pki_cert_spec_find("ca")), 0);
	e->p.out = e->t.out;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	testing_env_release(&e->t);
	free(e->pki);
	free(e->kc);
	free(e);
	return 0;
}

static json_t *load(struct env *e, const char *file)
{
	char *path = xasprintf("%s/%s", e->kc, file), *data = NULL;
	size_t len;
	assert_int_equal(fs_read_file(e->t.rootfd, path, 1 << 20, &data, &len), 0);
	json_t *j = NULL;
	assert_int_equal(kubeconfig_parse(data, len, &j), 0);
	free(data);
	free(path);
	return j;
}

static char *b64dec(const char *s)
{
	/* small decoder for the test: the layer's own is static */
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct strbuf sb = STRBUF_INIT;
	unsigned v = 0, bits = 0;
	for (; *s && *s != '='; s++) {
		const char *q = strchr(tbl, *s);
		assert_non_null(q);
		v = v << 6 | (unsigned)(q - tbl);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			strbuf_addch(&sb, (char)(v >> bits & 0xff));
		}
	}
	return strbuf_detach(&sb, NULL);
}

static struct pki_cert *client_cert(json_t *cfg)
{
	json_t *user = json_object_get(json_array_get(json_object_get(cfg, "users"), 0), "user");
	char *pem = b64dec(json_string_value(json_object_get(user, "client-certificate-data")));
	struct pki_cert **v = NULL;
	assert_int_equal(pki_certs_from_pem(pem, strlen(pem), &v), 0);
	free(pem);
	struct pki_cert *c = pki_cert_ref(v[0]);
	pki_certs_free(v);
	return c;
}

static const char *server_of(json_t *cfg)
{
	return json_string_value(json_object_get(
		json_object_get(json_array_get(json_object_get(cfg, "clusters"), 0), "cluster"),
		"server"));
}

static void test_build_yaml(void **state)
{
	(void)state;
	json_t *cfg = kubeconfig_build("https://10.0.0.1:6443", "kubernetes", "system:node:n1",
				       "CA\n", "KEY\n", "CERT\n", NULL);
	char *y = kubeconfig_to_yaml(cfg);
	assert_string_equal(y, "apiVersion: v1\n"
			       "clusters:\n"
			       "- cluster:\n"
			       "    certificate-authority-data: Q0EK\n"
			       "    server: https://10.0.0.1:6443\n"
			       "  name: kubernetes\n"
			       "contexts:\n"
			       "- context:\n"
			       "    cluster: kubernetes\n"
			       "    user: system:node:n1\n"
			       "  name: system:node:n1@kubernetes\n"
			       "current-context: system:node:n1@kubernetes\n"
			       "kind: Config\n"
			       "users:\n"
			       "- name: system:node:n1\n"
			       "  user:\n"
			       "    client-certificate-data: Q0VSVAo=\n"
			       "    client-key-data: S0VZCg==\n");
	json_t *back = NULL;
	assert_int_equal(kubeconfig_parse(y, strlen(y), &back), 0);
	assert_true(json_equal(back, cfg));
	json_decref(back);
	free(y);
	json_decref(cfg);
	cfg = kubeconfig_build("https://[fd00::1]:6443", "c1", "bob", NULL, NULL, NULL, "abc.def");
	y = kubeconfig_to_yaml(cfg);
	assert_non_null(strstr(y, "- cluster:\n    server: https://[fd00::1]:6443\n  name: c1\n"));
	assert_non_null(strstr(y, "  user:\n    token: abc.def\n"));
	free(y);
	json_decref(cfg);
}

static void test_phase_all(void **state)
{
	struct env *e = *state;
	e->p.control_plane_endpoint = "lb.example.com";
	assert_int_equal(kubeconfig_phase_all(&e->p, e->kc, false), 0);
	char *got = testing_env_out(&e->t);
	char *want = xasprintf("[kubeconfig] Using kubeconfig folder \"%s\"\n"
			       "[kubeconfig] Writing \"admin.conf\" kubeconfig file\n"
			       "[kubeconfig] Writing \"super-admin.conf\" kubeconfig file\n"
			       "[kubeconfig] Writing \"kubelet.conf\" kubeconfig file\n"
			       "[kubeconfig] Writing \"controller-manager.conf\" kubeconfig file\n"
			       "[kubeconfig] Writing \"scheduler.conf\" kubeconfig file\n",
			       e->kc);
	assert_string_equal(got, want);
	free(got);
	free(want);
	static const struct {
		const char *file, *server, *cn, *org, *ctx;
	} rows[] = {
		{ "admin.conf", "https://lb.example.com:6443", "kubernetes-admin",
		  "kubeadm:cluster-admins", "kubernetes-admin@kubernetes" },
		{ "super-admin.conf", "https://lb.example.com:6443", "kubernetes-super-admin",
		  "system:masters", "kubernetes-super-admin@kubernetes" },
		/* init's kubelet.conf points at the local endpoint even with a CPE */
		{ "kubelet.conf", "https://192.168.10.5:6443", "system:node:node-a", "system:nodes",
		  "system:node:node-a@kubernetes" },
		{ "controller-manager.conf", "https://192.168.10.5:6443",
		  "system:kube-controller-manager", "", "system:kube-controller-manager@kubernetes" },
		{ "scheduler.conf", "https://192.168.10.5:6443", "system:kube-scheduler", "",
		  "system:kube-scheduler@kubernetes" },
	};
	struct pki_cert *ca = NULL;
	assert_int_equal(pki_load_cert(e->t.rootfd, e->pki, "ca", &ca), 0);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		char *path = xasprintf("%s/%s", e->kc, rows[i].file);
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		free(path);
		json_t *cfg = load(e, rows[i].file);
		assert_string_equal(server_of(cfg), rows[i].server);
		assert_string_equal(json_string_value(json_object_get(cfg, "current-context")),
				    rows[i].ctx);
		struct pki_cert *c = client_cert(cfg);
		char *cn = pki_cert_common_name(c);
		assert_string_equal(cn, rows[i].cn);
		free(cn);
		char **orgs = pki_cert_organizations(c);
		char *o = strv_join(orgs, ",");
		assert_string_equal(o ? o : "", rows[i].org);
		free(o);
		strv_free(orgs);
		assert_int_equal(pki_cert_usages(c), PKI_USAGE_CLIENT_AUTH);
		/* NotBefore is the CA's (pkiutil.NewSignedCert), NotAfter start + validity */
		assert_int_equal(pki_cert_not_before(c), pki_cert_not_before(ca));
		assert_int_equal(pki_cert_not_after(c), START + 8760LL * 3600);
		assert_int_equal(pki_cert_verify_chain(c, NULL, ca), 0);
		pki_cert_free(c);
		json_decref(cfg);
	}
	pki_cert_free(ca);

	/* a second run reuses every file */
	assert_int_equal(kubeconfig_phase_all(&e->p, e->kc, false), 0);
	got = testing_env_out(&e->t);
	assert_non_null(strstr(got, "[kubeconfig] Using existing kubeconfig file: \""));
	assert_null(strstr(got, "Writing"));
	free(got);
}

static void test_mismatch(void **state)
{
	struct env *e = *state;
	e->p.out = NULL;
	assert_int_equal(kubeconfig_phase_all(&e->p, e->kc, false), 0);
	/* another server URL: only a warning, the file is kept */
	e->p.advertise_address = "192.168.10.6";
	e->p.out = e->t.out;
	assert_int_equal(kubeconfig_phase(&e->p, e->kc, "scheduler.conf", false), 0);
	char *got = testing_env_out(&e->t);
	char *want = xasprintf("[kubeconfig] Using existing kubeconfig file: \"%s/scheduler.conf\"\n",
			       e->kc);
	assert_string_equal(got, want);
	free(got);
	free(want);
	/* another CA: kubeadm's error, nothing rewritten */
	char *pki2 = xasprintf("%s/pki2", e->t.dir);
	struct pki_params q = e->p;
	q.cert_dir = pki2;
	q.out = NULL;
	assert_int_equal(pki_phase_ca(&q, pki_cert_spec_find("ca")), 0);
	json_t *before = load(e, "admin.conf");
	assert_int_equal(kubeconfig_phase(&q, e->kc, "admin.conf", false), -EINVAL);
	want = xasprintf("a kubeconfig file \"%s/admin.conf\" exists but does not contain a "
			 "trusted CA in its current context's cluster. Total CA certificates "
			 "found: 1",
			 e->kc);
	assert_string_equal(error_message(-EINVAL), want);
	free(want);
	json_t *after = load(e, "admin.conf");
	assert_true(json_equal(before, after));
	json_decref(before);
	json_decref(after);
	/* external CA mode: the files are the user's */
	assert_int_equal(kubeconfig_phase(&e->p, e->kc, "admin.conf", true), 0);
	got = testing_env_out(&e->t);
	assert_string_equal(got, "[kubeconfig] External CA mode: Using user provided admin.conf\n");
	free(got);
	/* validation for external CA against the other CA fails on the first file */
	assert_int_equal(kubeconfig_validate_for_external_ca(&q, e->kc), -EINVAL);
	assert_non_null(strstr(error_message(-EINVAL),
			       "the controller-manager.conf file does not exists or it is not valid: "
			       "a kubeconfig file"));
	assert_int_equal(kubeconfig_validate_for_external_ca(&e->p, e->kc), 0);
	/* no CA at all */
	q.cert_dir = e->kc;
	assert_int_equal(kubeconfig_create_file(&q, e->kc, "admin.conf"), -ENOENT);
	want = xasprintf("couldn't create a kubeconfig; the CA files couldn't be loaded: failed to "
			 "load certificate: couldn't load the certificate file %s/ca.crt: open "
			 "%s/ca.crt: no such file or directory",
			 e->kc, e->kc);
	assert_string_equal(error_message(-ENOENT), want);
	free(want);
	free(pki2);
}

static void test_user(void **state)
{
	struct env *e = *state;
	char *orgs[] = { "team-b", "team-a", NULL };
	assert_int_equal(kubeconfig_user(&e->p, "alice", orgs, NULL, 3600, e->t.out), 0);
	char *got = testing_env_out(&e->t);
	size_t n = strlen(got);
	assert_true(n > 2 && got[n - 1] == '\n' && got[n - 2] == '\n'); /* fmt.Fprintln */
	json_t *cfg = NULL;
	assert_int_equal(kubeconfig_parse(got, n, &cfg), 0);
	assert_string_equal(server_of(cfg), "https://192.168.10.5:6443");
	struct pki_cert *c = client_cert(cfg);
	char *cn = pki_cert_common_name(c);
	assert_string_equal(cn, "alice");
	free(cn);
	char **o = pki_cert_organizations(c);
	assert_int_equal(strv_length(o), 2);
	strv_free(o);
	assert_int_equal(pki_cert_not_after(c), START + 3600);
	pki_cert_free(c);
	json_decref(cfg);
	free(got);
	assert_int_equal(kubeconfig_user(&e->p, "bot", NULL, "abcdef.0123456789abcdef", 0, e->t.out),
			 0);
	got = testing_env_out(&e->t);
	assert_non_null(strstr(got, "- name: bot\n  user:\n    token: abcdef.0123456789abcdef\n"));
	assert_null(strstr(got, "client-certificate-data"));
	free(got);
}

static void test_csr_expiration_renew(void **state)
{
	struct env *e = *state;
	char *csrdir = xasprintf("%s/csr", e->t.dir);
	struct pki_params q = e->p;
	q.cert_dir = csrdir;
	assert_int_equal(kubeconfig_create_default_csrs(&q, csrdir, e->t.out), 0);
	char *got = testing_env_out(&e->t);
	char *want = xasprintf("generating keys and CSRs in %s\n  admin.conf\n  super-admin.conf\n"
			       "  kubelet.conf\n  controller-manager.conf\n  scheduler.conf\n",
			       csrdir);
	assert_string_equal(got, want);
	free(got);
	free(want);
	char *csr = xasprintf("%s/kubelet.conf.csr", csrdir);
	assert_true(fs_exists(e->t.rootfd, csr));
	free(csr);
	assert_int_equal(kubeconfig_create_default_csrs(&q, csrdir, NULL), -EEXIST);
	free(csrdir);

	e->p.out = NULL;
	assert_int_equal(pki_phase_all(&e->p, false), 0);
	assert_int_equal(kubeconfig_phase_all(&e->p, e->kc, false), 0);
	char *sa = xasprintf("%s/super-admin.conf", e->kc);
	assert_int_equal(unlink(sa), 0);
	free(sa);
	struct pki_expiration *c = NULL, *ca = NULL;
	size_t nc = 0, na = 0;
	assert_int_equal(kubeconfig_expiration_list(&e->p, e->kc, &c, &nc, &ca, &na), 0);
	static const char *const names[] = { "admin.conf",	       "apiserver",
					     "apiserver-etcd-client",  "apiserver-kubelet-client",
					     "controller-manager.conf", "etcd-healthcheck-client",
					     "etcd-peer",	       "etcd-server",
					     "front-proxy-client",     "scheduler.conf",
					     "super-admin.conf" };
	assert_int_equal(nc, ARRAY_SIZE(names));
	for (size_t i = 0; i < nc; i++)
		assert_string_equal(c[i].name, names[i]);
	assert_true(c[10].missing);
	assert_string_equal(c[0].ca_name, "ca");
	assert_int_equal(c[0].not_after, START + 8760LL * 3600);
	assert_int_equal(na, 3);
	pki_expirations_free(c, nc);
	pki_expirations_free(ca, na);

	json_t *before = load(e, "admin.conf");
	struct pki_cert *old = client_cert(before);
	e->p.start_time = START + 600;
	bool renewed = false;
	assert_int_equal(kubeconfig_renew(&e->p, e->kc, "admin.conf", &renewed), 0);
	assert_true(renewed);
	json_t *after = load(e, "admin.conf");
	struct pki_cert *nw = client_cert(after);
	assert_false(pki_cert_equal(old, nw));
	char *cn = pki_cert_common_name(nw);
	assert_string_equal(cn, "kubernetes-admin");
	free(cn);
	assert_int_equal(pki_cert_not_before(nw), START + 600 - 300);
	assert_string_equal(server_of(after), server_of(before));
	pki_cert_free(old);
	pki_cert_free(nw);
	json_decref(before);
	json_decref(after);
	assert_int_equal(kubeconfig_renew(&e->p, e->kc, "kubelet.conf", &renewed), -EINVAL);
}

int main(void)
{
	START = time(NULL) - 3600;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_yaml),
		cmocka_unit_test_setup_teardown(test_phase_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csr_expiration_renew, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
