/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "discovery/discovery.h"
#include "kube/client.h"
#include "kube/test-server.h"
#include "kube/test-tls.h"
#include "kubeconfig/kubeconfig.h"
#include "util/error.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* kubeadm's own dry-run cluster-info (GetClusterInfoReactor): a kubeconfig signed by kubeadm
 * with the token abcdef.abcdef0123456789, whose CA has this pin (mutateTokenDiscoveryForDryRun) */
#define KUBEADM_PIN "sha256:3b793efefe27a19f93b0fbe6e637e9c41d0dde8a377d6ab1c0f656bf1136dd8a"

static json_t *kubeadm_cluster_info(void)
{
	FILE *null = fopen("/dev/null", "w");
	assert_non_null(null);
	struct kube_client *c = NULL;
	assert_int_equal(kube_client_new_dry_run(NULL, null, KUBE_DRYRUN_CLUSTER_INFO, &c), 0);
	json_t *cm = NULL;
	assert_int_equal(kube_get(c, &kube_res_configmaps, "kube-public", "cluster-info", &cm), 0);
	kube_client_free(c);
	fclose(null);
	return cm;
}

static void test_jws_accepts_kubeadm_signature(void **state)
{
	(void)state;
	json_t *cm = kubeadm_cluster_info();
	struct token t;
	assert_int_equal(token_parse("abcdef.abcdef0123456789", &t), 0);
	char *kc = NULL;
	assert_int_equal(discovery_cluster_info_verify(cm, &t, &kc), 0);
	assert_non_null(strstr(kc, "server: https://192.168.0.101:6443"));
	free(kc);
	json_decref(cm);
}

static void test_jws_rejects_tampering(void **state)
{
	(void)state;
	json_t *cm = kubeadm_cluster_info();
	json_t *data = json_object_get(cm, "data");
	struct token t;
	char *kc = NULL;

	/* wrong secret */
	assert_int_equal(token_parse("abcdef.abcdef0123456780", &t), 0);
	assert_int_equal(discovery_cluster_info_verify(cm, &t, &kc), -EPERM);
	assert_string_equal(error_message(-EPERM),
			    "failed to verify JWS signature of received cluster info object, can't trust this API Server");
	assert_null(kc);

	/* tampered kubeconfig: another server */
	assert_int_equal(token_parse("abcdef.abcdef0123456789", &t), 0);
	char *orig = xstrdup(json_string_value(json_object_get(data, "kubeconfig")));
	char *p = strstr(orig, "192.168.0.101");
	assert_non_null(p);
	p[10] = '2';
	json_object_set_new(data, "kubeconfig", json_string(orig));
	assert_int_equal(discovery_cluster_info_verify(cm, &t, &kc), -EPERM);
	p[10] = '1';
	json_object_set_new(data, "kubeconfig", json_string(orig));
	assert_int_equal(discovery_cluster_info_verify(cm, &t, &kc), 0);
	free(kc);
	kc = NULL;

	/* tampered signature */
	char *sig = xstrdup(json_string_value(json_object_get(data, "jws-kubeconfig-abcdef")));
	sig[strlen(sig) - 1] = sig[strlen(sig) - 1] == 'A' ? 'B' : 'A';
	json_object_set_new(data, "jws-kubeconfig-abcdef", json_string(sig));
	assert_int_equal(discovery_cluster_info_verify(cm, &t, &kc), -EPERM);

	/* another token id: no signature */
	assert_int_equal(token_parse("zzzzzz.abcdef0123456789", &t), 0);
	assert_int_equal(discovery_cluster_info_verify(cm, &t, &kc), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "token id \"zzzzzz\" is invalid for this cluster or it has expired. Use \"kubeadm token create\" on the control-plane node to create a new valid token");

	/* no kubeconfig */
	json_object_del(data, "kubeconfig");
	assert_int_equal(discovery_cluster_info_verify(cm, &t, &kc), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "there is no kubeconfig key in the cluster-info ConfigMap. This API Server isn't set up for token bootstrapping, can't connect");
	free(sig);
	free(orig);
	json_decref(cm);
}

static char *kubeadm_ca(size_t *len)
{
	json_t *cm = kubeadm_cluster_info();
	const char *kc = json_string_value(json_object_get(json_object_get(cm, "data"), "kubeconfig"));
	json_t *cfg = NULL;
	assert_int_equal(kubeconfig_parse(kc, strlen(kc), &cfg), 0);
	const char *name;
	json_t *cl;
	assert_int_equal(discovery_kubeconfig_cluster(cfg, &name, &cl), 0);
	unsigned char *ca = NULL;
	assert_int_equal(token_base64_decode(json_string_value(json_object_get(cl, "certificate-authority-data")),
					     &ca, len),
			 0);
	json_decref(cfg);
	json_decref(cm);
	return (char *)ca;
}

static void test_pins(void **state)
{
	(void)state;
	size_t len = 0;
	char *ca = kubeadm_ca(&len);
	char *good[] = { KUBEADM_PIN, NULL };
	char *upper[] = { "SHA256:3B793EFEFE27A19F93B0FBE6E637E9C41D0DDE8A377D6AB1C0F656BF1136DD8A",
			  NULL };
	char *several[] = { "sha256:0000000000000000000000000000000000000000000000000000000000000000",
			    KUBEADM_PIN, NULL };
	char *wrong[] = { "sha256:0000000000000000000000000000000000000000000000000000000000000000",
			  NULL };
	assert_int_equal(discovery_pins_validate(good), 0);
	assert_int_equal(discovery_pins_check(good, ca, len), 0);
	assert_int_equal(discovery_pins_validate(upper), 0);
	assert_int_equal(discovery_pins_check(upper, ca, len), 0);
	assert_int_equal(discovery_pins_check(several, ca, len), 0);
	assert_int_equal(discovery_pins_check(wrong, ca, len), -EPERM);
	assert_string_equal(error_message(-EPERM), "none of the public keys \"" KUBEADM_PIN "\" are pinned");
	assert_int_equal(discovery_pins_check(good, "garbage", 7), -EINVAL);
	free(ca);
}

static void test_pins_validate_errors(void **state)
{
	(void)state;
	char *nocolon[] = { "abc", NULL };
	assert_int_equal(discovery_pins_validate(nocolon), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "invalid hash, expected \"format:hex-value\". Known format(s) are: sha256");
	char *md5[] = { "md5:abc", NULL };
	assert_int_equal(discovery_pins_validate(md5), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "unknown hash format \"md5\". Known format(s) are: sha256");
	char *shortp[] = { "sha256:abcdef", NULL };
	assert_int_equal(discovery_pins_validate(shortp), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "invalid hash \"sha256:abcdef\", expected a 32 byte SHA-256 hash, found 3 bytes");
	char *badhex[] = { "sha256:gb793efefe27a19f93b0fbe6e637e9c41d0dde8a377d6ab1c0f656bf1136dd8a", NULL };
	assert_int_equal(discovery_pins_validate(badhex), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "invalid hash \"sha256:gb793efefe27a19f93b0fbe6e637e9c41d0dde8a377d6ab1c0f656bf1136dd8a\", could not decode SHA-256 from hex: encoding/hex: invalid byte: U+0067 'g'");
}

static void test_token_discovery_dry_run(void **state)
{
	(void)state;
	FILE *null = fopen("/dev/null", "w");
	struct kube_client *c = NULL;
	assert_int_equal(kube_client_new_dry_run(NULL, null, KUBE_DRYRUN_CLUSTER_INFO, &c), 0);
	struct cfg_join_configuration cfg = { 0 };
	struct cfg_bootstrap_token_discovery bt = { 0 };
	bt.token = xstrdup("abcdef.abcdef0123456789");
	bt.api_server_endpoint = xstrdup("192.168.0.101:6443");
	strv_push(&bt.ca_cert_hashes, KUBEADM_PIN);
	cfg.discovery.bootstrap_token = &bt;
	json_t *kc = NULL;
	assert_int_equal(discovery_token_retrieve(c, &cfg, 10, 1000, &kc), 0);
	const char *name;
	json_t *cl;
	assert_int_equal(discovery_kubeconfig_cluster(kc, &name, &cl), 0);
	assert_string_equal(json_string_value(json_object_get(cl, "server")),
			    "https://192.168.0.101:6443");
	json_decref(kc);
	kc = NULL;

	/* a pin that does not match the CA in cluster-info */
	strv_free(bt.ca_cert_hashes);
	bt.ca_cert_hashes = NULL;
	strv_push(&bt.ca_cert_hashes,
		  "sha256:0000000000000000000000000000000000000000000000000000000000000000");
	int r = discovery_token_retrieve(c, &cfg, 10, 1000, &kc);
	assert_int_equal(r, -EPERM);
	assert_string_equal(error_message(r),
			    "cluster CA found in cluster-info ConfigMap is invalid: none of the public keys \"" KUBEADM_PIN "\" are pinned");
	assert_null(kc);
	strv_free(bt.ca_cert_hashes);
	free(bt.token);
	free(bt.api_server_endpoint);
	kube_client_free(c);
	fclose(null);
}

/* ---- token discovery against a TLS server on loopback ---- */

#define TOKEN_ID "abcdef"
#define TOKEN_SECRET "abcdef0123456789"

/* The reply of a server whose cluster-info carries bundle_pem as its CA, signed with the token
 * (as anyone holding the token can sign it). Owned. */
static char *cluster_info_reply(const char *bundle_pem)
{
	char *b64 = token_base64_encode(bundle_pem, strlen(bundle_pem));
	json_t *kcj = json_pack("{s:s,s:s,s:[{s:s,s:{s:s,s:s}}],s:[],s:s,s:[]}", "apiVersion", "v1",
				"kind", "Config", "clusters", "name", "", "cluster",
				"certificate-authority-data", b64, "server", "https://127.0.0.1:6443",
				"contexts", "current-context", "", "users");
	free(b64);
	char *kc = json_dumps(kcj, JSON_COMPACT);
	json_decref(kcj);
	char *sig = NULL;
	assert_int_equal(token_jws_sign(kc, strlen(kc), TOKEN_ID, TOKEN_SECRET, &sig), 0);
	json_t *cm = json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:s,s:s}}", "apiVersion", "v1", "kind",
			       "ConfigMap", "metadata", "name", "cluster-info", "namespace",
			       "kube-public", "data", "kubeconfig", kc, "jws-kubeconfig-" TOKEN_ID,
			       sig);
	free(sig);
	free(kc);
	char *body = json_dumps(cm, JSON_COMPACT);
	json_decref(cm);
	char *reply = xasprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				"Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
				strlen(body), body);
	free(body);
	return reply;
}

/*
 * discovery_token_retrieve with the pin of pin_pem against a server presenting chain_pem
 * (leaf first) with key_pem and serving cluster-info with bundle_pem. Returns its result;
 * *ret_answered: the requests the server answered.
 */
static int token_discovery(const char *bundle_pem, const char *pin_pem, const char *chain_pem,
			   const char *key_pem, int *ret_answered)
{
	char *reply = cluster_info_reply(bundle_pem);
	struct test_tls_server srv;
	test_tls_server_start(&srv, chain_pem, key_pem, reply);
	struct cfg_join_configuration cfg = { 0 };
	struct cfg_bootstrap_token_discovery bt = { 0 };
	bt.token = xstrdup(TOKEN_ID "." TOKEN_SECRET);
	bt.api_server_endpoint = xasprintf("127.0.0.1:%d", srv.port);
	char *pin = NULL;
	assert_int_equal(token_ca_pin(pin_pem, strlen(pin_pem), &pin), 0);
	strv_consume(&bt.ca_cert_hashes, pin);
	cfg.discovery.bootstrap_token = &bt;
	json_t *kc = NULL;
	int r = discovery_token_retrieve(NULL, &cfg, 50, 1500, &kc);
	if (r >= 0) {
		/* the validated kubeconfig is cluster-info's, with its whole bundle, as kubeadm */
		const char *name;
		json_t *cl;
		assert_int_equal(discovery_kubeconfig_cluster(kc, &name, &cl), 0);
		_cleanup_free_ char *b64 = token_base64_encode(bundle_pem, strlen(bundle_pem));
		assert_string_equal(json_string_value(json_object_get(cl, "certificate-authority-data")),
				    b64);
		json_decref(kc);
	}
	test_tls_server_stop(&srv);
	*ret_answered = srv.answered;
	strv_free(bt.ca_cert_hashes);
	free(bt.token);
	free(bt.api_server_endpoint);
	free(reply);
	return r;
}

/*
 * Issue 12, item 1: a cluster-info whose bundle is [the real CA, an attacker's CA], signed with
 * the token, passes the pin check (the real CA is pinned); the attacker then answers the
 * second, "validated" fetch with a certificate of its own CA. kubeadm trusts the whole bundle
 * and accepts it; ckubeadm trusts only the pinned certificate and refuses.
 */
static void test_token_discovery_pins_only(void **state)
{
	(void)state;
	struct test_cert real, evil, evil_leaf;
	test_cert_make(&real, "kubernetes", NULL, NULL, true);
	test_cert_make(&evil, "attacker", NULL, NULL, true);
	test_cert_make(&evil_leaf, "kube-apiserver", "IP:127.0.0.1", &evil, false);
	_cleanup_free_ char *bundle = xasprintf("%s%s", real.pem, evil.pem);
	int answered = 0;
	int r = token_discovery(bundle, real.pem, evil_leaf.pem, evil_leaf.key_pem, &answered);
	assert_int_equal(r, -EACCES);
	const char *msg = error_message(r);
	assert_non_null(strstr(msg, "failed to request the cluster-info ConfigMap: Get \"https://127.0.0.1:"));
	assert_non_null(strstr(msg, "tls: failed to verify certificate: x509: certificate signed by unknown authority"));
	/* the first, unverified fetch only */
	assert_int_equal(answered, 1);
	error_clear();
	test_cert_release(&evil_leaf);
	test_cert_release(&evil);
	test_cert_release(&real);
}

/* The usual cluster (one CA) and an external CA with an intermediate still discover. */
static void test_token_discovery_good_chains(void **state)
{
	(void)state;
	int answered = 0;
	struct test_cert ca, leaf;
	test_cert_make(&ca, "kubernetes", NULL, NULL, true);
	test_cert_make(&leaf, "kube-apiserver", "IP:127.0.0.1,DNS:kubernetes", &ca, false);
	assert_int_equal(token_discovery(ca.pem, ca.pem, leaf.pem, leaf.key_pem, &answered), 0);
	assert_int_equal(answered, 2);
	test_cert_release(&leaf);
	test_cert_release(&ca);

	struct test_cert root, mid, mleaf;
	test_cert_make(&root, "external-root", NULL, NULL, true);
	test_cert_make(&mid, "kubernetes", NULL, &root, true);
	test_cert_make(&mleaf, "kube-apiserver", "IP:127.0.0.1", &mid, false);
	/* ca.crt = [intermediate, root]; kubeadm prints the first one's pin: the intermediate is
	 * the anchor (a partial chain), the server sends its leaf only */
	_cleanup_free_ char *mid_root = xasprintf("%s%s", mid.pem, root.pem);
	assert_int_equal(token_discovery(mid_root, mid.pem, mleaf.pem, mleaf.key_pem, &answered), 0);
	/* ca.crt = [root, intermediate], the root pinned, the leaf alone: the bundle's
	 * intermediate completes the chain without being trusted itself */
	_cleanup_free_ char *root_mid = xasprintf("%s%s", root.pem, mid.pem);
	assert_int_equal(token_discovery(root_mid, root.pem, mleaf.pem, mleaf.key_pem, &answered), 0);
	/* the server sends leaf and intermediate, the root pinned */
	_cleanup_free_ char *chain = xasprintf("%s%s", mleaf.pem, mid.pem);
	assert_int_equal(token_discovery(root.pem, root.pem, chain, mleaf.key_pem, &answered), 0);
	test_cert_release(&mleaf);
	test_cert_release(&mid);
	test_cert_release(&root);
}

/* Issue 12, item 10: a discovery file fetched over https never follows a redirect to http (Go's
 * client, and so kubeadm, would fetch the kubeconfig in the clear); a non-200 answer is
 * kubeadm's error. The server's CA is the "system" store through SSL_CERT_FILE. */
static void test_https_discovery_redirect(void **state)
{
	(void)state;
	struct test_cert ca, leaf;
	test_cert_make(&ca, "ca", NULL, NULL, true);
	test_cert_make(&leaf, "discovery", "IP:127.0.0.1", &ca, false);
	char cafile[] = "/tmp/ckubeadm-ca-XXXXXX";
	int fd = mkstemp(cafile);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, ca.pem, strlen(ca.pem)), (ssize_t)strlen(ca.pem));
	close(fd);
	setenv("SSL_CERT_FILE", cafile, 1);
	/* a plain listener where the redirect points */
	int plain_port;
	int plain_fd = test_listen_loopback(&plain_port);
	_cleanup_free_ char *reply = xasprintf(
		"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:%d/cluster-info.yaml\r\n"
		"Content-Length: 0\r\nConnection: close\r\n\r\n", plain_port);
	struct test_tls_server srv;
	test_tls_server_start(&srv, leaf.pem, leaf.key_pem, reply);
	_cleanup_free_ char *url = xasprintf("https://127.0.0.1:%d/cluster-info.yaml", srv.port);
	json_t *kc = NULL;
	int r = discovery_https_retrieve(url, 2000, &kc);
	assert_int_equal(r, -EPERM);
	_cleanup_free_ char *want = xasprintf(
		"Get \"%s\": refusing to follow a redirect from https to "
		"\"http://127.0.0.1:%d/cluster-info.yaml\": it would leave TLS", url, plain_port);
	assert_string_equal(error_message(r), want);
	assert_null(kc);
	/* nobody connected to the plain port: accept() finds no one waiting */
	struct sockaddr_storage sa;
	socklen_t sl = sizeof(sa);
	assert_int_equal(fcntl(plain_fd, F_SETFL, O_NONBLOCK), 0);
	assert_true(accept(plain_fd, (struct sockaddr *)&sa, &sl) < 0);
	close(plain_fd);
	test_tls_server_stop(&srv);

	/* a 404: kubeadm's message */
	static const char not_found[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
	test_tls_server_start(&srv, leaf.pem, leaf.key_pem, not_found);
	free(url);
	url = xasprintf("https://127.0.0.1:%d/cluster-info.yaml", srv.port);
	r = discovery_https_retrieve(url, 2000, &kc);
	assert_int_equal(r, -EIO);
	free(want);
	want = xasprintf("error trying to fetch discovery kubeconfig over HTTPS from %s, received "
			 "status 404", url);
	assert_string_equal(error_message(r), want);
	test_tls_server_stop(&srv);
	unsetenv("SSL_CERT_FILE");
	unlink(cafile);
	error_clear();
	test_cert_release(&leaf);
	test_cert_release(&ca);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jws_accepts_kubeadm_signature),
		cmocka_unit_test(test_jws_rejects_tampering),
		cmocka_unit_test(test_pins),
		cmocka_unit_test(test_pins_validate_errors),
		cmocka_unit_test(test_token_discovery_dry_run),
		cmocka_unit_test(test_token_discovery_pins_only),
		cmocka_unit_test(test_token_discovery_good_chains),
		cmocka_unit_test(test_https_discovery_redirect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
