/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "discovery/discovery.h"
#include "kube/client.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jws_accepts_kubeadm_signature),
		cmocka_unit_test(test_jws_rejects_tampering),
		cmocka_unit_test(test_pins),
		cmocka_unit_test(test_pins_validate_errors),
		cmocka_unit_test(test_token_discovery_dry_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
