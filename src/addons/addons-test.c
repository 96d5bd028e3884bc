/* SPDX-License-Identifier: Apache-2.0 */
/* CoreDNS / kube-proxy objects against what the reference kubeadm v1.37.2 produced. */
#include "util/testing.h"

#include <stdlib.h>
#include <string.h>

#include "addons/addons.h"
#include "addons/corefile.h"
#include "config/config.h"
#include "util/error.h"
#include "util/json.h"
#include "util/yaml.h"

static const char base_cfg[] =
	"apiVersion: kubeadm.k8s.io/v1beta4\n"
	"kind: InitConfiguration\n"
	"localAPIEndpoint:\n"
	"  advertiseAddress: 10.0.0.5\n"
	"nodeRegistration:\n"
	"  name: node1\n"
	"  criSocket: unix:///run/containerd/containerd.sock\n"
	"---\n"
	"apiVersion: kubeadm.k8s.io/v1beta4\n"
	"kind: ClusterConfiguration\n"
	"kubernetesVersion: v1.37.2\n";

static struct init_config *load(const char *yaml)
{
	struct config_load_options lo = { .skip_cri_detect = true };
	struct init_config *c = NULL;
	int r = config_init_from_bytes(yaml, strlen(yaml), NULL, &lo, &c);
	if (r < 0)
		fail_msg("config: %s", error_message(r));
	return c;
}

static void expect_dns_ip(const char *subnets, const char *want)
{
	char buf[64];
	int r = addons_dns_ip(subnets, buf, sizeof(buf));
	if (!want) {
		assert_true(r < 0);
		error_clear();
		return;
	}
	assert_int_equal(r, 0);
	assert_string_equal(buf, want);
}

static void test_dns_ip(void **state)
{
	expect_dns_ip("10.96.0.0/12", "10.96.0.10");
	expect_dns_ip("10.96.0.0/12,fd00::/108", "10.96.0.10");
	expect_dns_ip("fd00:1::/108,10.96.0.0/12", "fd00:1::a");
	expect_dns_ip("192.168.7.0/24", "192.168.7.10");
	expect_dns_ip("10.0.0.0/29", NULL); /* only 8 addresses */
	expect_dns_ip("bogus", NULL);
}

static char *yaml_of(json_t *o)
{
	char *y = yaml_from_json(o);
	json_decref(o);
	return y;
}

/* The kube-dns Service as the reference's dry-run printed it. */
static void test_service(void **state)
{
	struct init_config *c = load(base_cfg);
	json_t *svc = NULL;
	assert_int_equal(addons_coredns_service(c, &svc, NULL), 0);
	char *y = yaml_of(svc);
	assert_string_equal(y,
		"apiVersion: v1\nkind: Service\nmetadata:\n  annotations:\n"
		"    prometheus.io/port: \"9153\"\n    prometheus.io/scrape: \"true\"\n"
		"  labels:\n    k8s-app: kube-dns\n    kubernetes.io/cluster-service: \"true\"\n"
		"    kubernetes.io/name: CoreDNS\n  name: kube-dns\n  namespace: kube-system\n"
		"  resourceVersion: \"0\"\nspec:\n  clusterIP: 10.96.0.10\n  ports:\n"
		"  - name: dns\n    port: 53\n    protocol: UDP\n    targetPort: 53\n"
		"  - name: dns-tcp\n    port: 53\n    protocol: TCP\n    targetPort: 53\n"
		"  - name: metrics\n    port: 9153\n    protocol: TCP\n    targetPort: 9153\n"
		"  selector:\n    k8s-app: kube-dns\nstatus:\n  loadBalancer: {}\n");
	free(y);
	config_init_free(c);
}

/* Decoding drops readOnly: false, adds resources: {} and the DaemonSet status counters;
 * *_proxy variables of the environment are appended, sorted. */
static void test_daemonset(void **state)
{
	struct init_config *c = load(base_cfg);
	char *env[] = { "PATH=/bin", "no_proxy=localhost", "HTTPS_PROXY=http://p:1", "X_PROXY=", NULL };
	json_t *ds = NULL;
	assert_int_equal(addons_proxy_daemonset(c, NULL, NULL, env, &ds, NULL), 0);
	json_t *c0 = json_array_get(json_get_path(ds, "spec.template.spec.containers"), 0);
	assert_non_null(json_object_get(c0, "resources"));
	json_t *vm = json_array_get(json_object_get(c0, "volumeMounts"), 1);
	assert_null(json_object_get(vm, "readOnly"));
	json_t *envs = json_object_get(c0, "env");
	assert_int_equal(json_array_size(envs), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(envs, 1), "name")), "HTTPS_PROXY");
	assert_string_equal(json_string_value(json_object_get(json_array_get(envs, 2), "name")), "no_proxy");
	assert_int_equal(json_integer_value(json_get_path(ds, "status.numberReady")), 0);
	assert_non_null(json_get_path(ds, "status.numberReady"));
	assert_string_equal(json_string_value(json_object_get(c0, "image")), "registry.k8s.io/kube-proxy:v1.37.2");
	json_decref(ds);
	config_init_free(c);
}

/* The kube-proxy ConfigMap hash the reference computed for base_cfg. */
static void test_proxy_configmap(void **state)
{
	struct init_config *c = load(base_cfg);
	json_t *cm = NULL;
	assert_int_equal(addons_proxy_configmap(c, true, &cm, NULL), 0);
	assert_string_equal(json_string_value(json_object_get(json_get_path(cm, "metadata.annotations"),
							      ADDONS_CONFIG_HASH_ANNOTATION)),
			    "sha256:e543bb1e1fbd70aaad6e9739f9612571d61f1753a48566dfbd1ce8a65b47fcb0");
	const char *kc = json_string_value(json_object_get(json_object_get(cm, "data"), "kubeconfig.conf"));
	assert_non_null(strstr(kc, "    server: https://10.0.0.5:6443\n  name: default"));
	const char *conf = json_string_value(json_object_get(json_object_get(cm, "data"), "config.conf"));
	assert_true(strncmp(conf, "apiVersion: kubeproxy.config.k8s.io/v1alpha1\n", 45) == 0);
	assert_true(conf[strlen(conf) - 1] != '\n');
	json_decref(cm);
	assert_int_equal(addons_proxy_configmap(c, false, &cm, NULL), 0);
	assert_null(json_get_path(cm, "metadata.annotations"));
	json_decref(cm);
	config_init_free(c);
}

/* The Corefile carries the domain twice more in the cache block. */
static void test_corefile(void **state)
{
	struct init_config *c = load(
		"apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n"
		"networking:\n  dnsDomain: example.org\n");
	json_t *cm = NULL;
	assert_int_equal(addons_coredns_configmap(c, &cm, NULL), 0);
	const char *cf = json_string_value(json_get_path(cm, "data.Corefile"));
	assert_non_null(strstr(cf, "kubernetes example.org in-addr.arpa ip6.arpa {\n"));
	assert_non_null(strstr(cf, "    cache 30 {\n       disable success example.org\n"
				   "       disable denial example.org\n    }\n    loop\n"));
	json_decref(cm);
	config_init_free(c);
}

/* migration.Default("", corefile) as the Go module answered (corefile-migration v1.0.34):
 * kubeadm's own v1.37 Corefile is not a default (its cache block has options). */
static void test_corefile_default(void **state)
{
	static const struct {
		const char *corefile;
		bool want;
	} cases[] = {
		{ ".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30 {\n       disable success cluster.local\n       disable denial cluster.local\n    }\n    loop\n    reload\n    loadbalance\n}\n", false },
		{ ".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n", true },
		{ "# mine\n.:53 {\n\tloadbalance\n\treload\n\tloop\n\tcache 30\n\tforward . 8.8.8.8 {\n\t\tmax_concurrent 1000\n\t}\n\tprometheus :9153 # metrics\n\tkubernetes k8s.test in-addr.arpa ip6.arpa {\n\t\tttl 30\n\t\tfallthrough in-addr.arpa ip6.arpa\n\t\tpods insecure\n\t}\n\tready\n\thealth {\n\t\tlameduck 5s\n\t}\n\terrors\n}\n", true },
		{ ".:53 {\n    errors\n    health\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . 1.1.1.1 8.8.8.8\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n", false },
		{ ".:53 {\n    errors\n    health\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       upstream\n       fallthrough in-addr.arpa ip6.arpa\n    }\n    prometheus :9153\n    proxy . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n", true },
		{ ".:53 {\n    errors\n    health\n    ready\n    kubernetes cluster.local {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n}\nexample.com:53 {\n    forward . 10.0.0.1\n}\n", false },
		{ ".:53 {\n    errors\n    health\n    ready\n    kubernetes \"cluster.local\" in-addr.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n}", true },
		{ ".:53 {\n    errors\n}\n", false },
		{ "", true },
		{ "garbage { { {", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (corefile_is_default(cases[i].corefile) != cases[i].want)
			fail_msg("case %zu: want %d", i, cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_ip),
		cmocka_unit_test(test_service),
		cmocka_unit_test(test_daemonset),
		cmocka_unit_test(test_proxy_configmap),
		cmocka_unit_test(test_corefile),
		cmocka_unit_test(test_corefile_default),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
