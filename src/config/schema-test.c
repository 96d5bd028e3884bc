/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <errno.h>
#include <string.h>

#include "config/config.h"
#include "config/types.h"
#include "config/validation.h"
#include "util/error.h"
#include "util/strv.h"
#include "util/xalloc.h"

static json_t *load(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);
	assert_non_null(j);
	return j;
}

static void test_decode_unknown_fields(void **state)
{
	json_t *j = load("{\"x\":1,\"networking\":{\"foo\":\"bar\",\"podSubnet\":\"10.244.0.0/16\"},"
			 "\"apiServer\":{\"extraArgs\":[{\"name\":\"a\",\"value\":\"b\",\"c\":1}]}}");
	struct cfg_cluster_configuration c = { 0 };
	char **unknown = NULL;
	assert_int_equal(cfg_decode(&cfg_type_cluster_configuration, j, &c, &unknown), 0);
	assert_int_equal(strv_length(unknown), 3);
	assert_string_equal(unknown[0], "unknown field \"apiServer.extraArgs[0].c\"");
	assert_string_equal(unknown[1], "unknown field \"networking.foo\"");
	assert_string_equal(unknown[2], "unknown field \"x\"");
	assert_string_equal(c.networking.pod_subnet, "10.244.0.0/16");
	assert_int_equal(c.api_server.c.extra_args.n, 1);
	strv_free(unknown);
	cfg_release(&cfg_type_cluster_configuration, &c);
	json_decref(j);
}

static void test_decode_type_errors(void **state)
{
	struct cfg_init_configuration c = { 0 };
	json_t *j = load("{\"localAPIEndpoint\":{\"bindPort\":99999999999}}");
	assert_int_equal(cfg_decode(&cfg_type_init_configuration, j, &c, NULL), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "json: cannot unmarshal number 99999999999 into Go struct field "
			    "APIEndpoint.localAPIEndpoint.bindPort of type int32");
	json_decref(j);
	cfg_release(&cfg_type_init_configuration, &c);

	j = load("{\"bootstrapTokens\":[{\"token\":\"abcdef.0123456789abcdefx\"}]}");
	assert_int_equal(cfg_decode(&cfg_type_init_configuration, j, &c, NULL), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "the bootstrap token \"abcdef.0123456789abcdefx\" was not of the form "
			    "\"\\\\A([a-z0-9]{6})\\\\.([a-z0-9]{16})\\\\z\"");
	json_decref(j);
	cfg_release(&cfg_type_init_configuration, &c);

	/* numbers no int64 holds, fractions, NaN-free extremes: refused with the float's JSON
	 * text, never converted (a C cast of an out-of-range double is undefined behaviour) */
	static const struct {
		const char *json, *literal;
	} reals[] = {
		{ "6.4433e109", "6.4433e+109" },
		{ "-1e300", "-1e+300" },
		{ "9223372036854775808.0", "9223372036854776000" }, /* 2^63, as Go prints it */
		{ "1.5", "1.5" },
		{ "0.000001", "0.000001" },
		{ "1e-7", "1e-7" },
	};
	for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
		_cleanup_free_ char *doc =
			xasprintf("{\"localAPIEndpoint\":{\"bindPort\":%s}}", reals[i].json);
		_cleanup_free_ char *want = xasprintf(
			"json: cannot unmarshal number %s into Go struct field "
			"APIEndpoint.localAPIEndpoint.bindPort of type int32",
			reals[i].literal);
		j = load(doc);
		assert_int_equal(cfg_decode(&cfg_type_init_configuration, j, &c, NULL), -EINVAL);
		assert_string_equal(error_message(-EINVAL), want);
		json_decref(j);
		cfg_release(&cfg_type_init_configuration, &c);
	}
	/* a whole float is an integer (YAML's 6443.0) */
	j = load("{\"localAPIEndpoint\":{\"bindPort\":6443.0}}");
	assert_int_equal(cfg_decode(&cfg_type_init_configuration, j, &c, NULL), 0);
	assert_int_equal(c.local_api_endpoint.bind_port, 6443);
	json_decref(j);
	cfg_release(&cfg_type_init_configuration, &c);

	struct cfg_cluster_configuration cc = { 0 };
	j = load("{\"networking\":{\"serviceSubnet\":1}}");
	assert_int_equal(cfg_decode(&cfg_type_cluster_configuration, j, &cc, NULL), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "json: cannot unmarshal number into Go struct field "
			    "Networking.networking.serviceSubnet of type string");
	json_decref(j);
	cfg_release(&cfg_type_cluster_configuration, &cc);
}

static void test_default_encode(void **state)
{
	struct cfg_upgrade_configuration u = { 0 };
	cfg_default_upgrade(&u);
	json_t *j = cfg_encode(&cfg_type_upgrade_configuration, &u);
	char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(
		s, "{\"apply\":{\"certificateRenewal\":true,\"etcdUpgrade\":true,\"imagePullPolicy\":"
		   "\"IfNotPresent\",\"imagePullSerial\":true},\"diff\":{},\"node\":{"
		   "\"certificateRenewal\":true,\"etcdUpgrade\":true,\"imagePullPolicy\":"
		   "\"IfNotPresent\",\"imagePullSerial\":true},\"plan\":{\"etcdUpgrade\":true},"
		   "\"timeouts\":{\"controlPlaneComponentHealthCheck\":\"4m0s\",\"discovery\":"
		   "\"5m0s\",\"etcdAPICall\":\"2m0s\",\"kubeletHealthCheck\":\"4m0s\","
		   "\"kubernetesAPICall\":\"1m0s\",\"tlsBootstrap\":\"5m0s\",\"upgradeManifests\":"
		   "\"5m0s\"}}");
	free(s);
	json_decref(j);
	cfg_release(&cfg_type_upgrade_configuration, &u);

	struct cfg_cluster_configuration c = { 0 };
	cfg_default_cluster(&c);
	j = cfg_encode(&cfg_type_cluster_configuration, &c);
	s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(
		s, "{\"apiServer\":{},\"caCertificateValidityPeriod\":\"87600h0m0s\","
		   "\"certificateValidityPeriod\":\"8760h0m0s\",\"certificatesDir\":"
		   "\"/etc/kubernetes/pki\",\"clusterName\":\"kubernetes\",\"controllerManager\":{},"
		   "\"dns\":{},\"encryptionAlgorithm\":\"RSA-2048\",\"etcd\":{\"local\":{\"dataDir\":"
		   "\"/var/lib/etcd\"}},\"imageRepository\":\"registry.k8s.io\",\"kubernetesVersion\":"
		   "\"stable-1\",\"networking\":{\"dnsDomain\":\"cluster.local\",\"serviceSubnet\":"
		   "\"10.96.0.0/12\"},\"proxy\":{},\"scheduler\":{}}");
	free(s);
	json_decref(j);
	cfg_release(&cfg_type_cluster_configuration, &c);
}

static void test_validate_cluster(void **state)
{
	struct cfg_init_configuration i = { 0 };
	struct cfg_cluster_configuration c = { 0 };
	json_t *j = load("{\"networking\":{\"serviceSubnet\":\"10.96.0.0/8\",\"podSubnet\":"
			 "\"10.244.0.0/30\"},\"encryptionAlgorithm\":\"RSA-1024\"}");
	assert_int_equal(cfg_decode(&cfg_type_cluster_configuration, j, &c, NULL), 0);
	cfg_default_init(&i);
	cfg_default_cluster(&c);
	i.node_registration.name = xstrdup("node");
	i.node_registration.cri_socket = xstrdup("unix:///run/containerd/containerd.sock");
	i.local_api_endpoint.advertise_address = xstrdup("10.0.0.1");
	free(CFG_LIST_AT(&i.bootstrap_tokens, struct cfg_token, 0)->token);
	CFG_LIST_AT(&i.bootstrap_tokens, struct cfg_token, 0)->token =
		xstrdup("abcdef.0123456789abcdef");
	assert_int_equal(cfg_validate_init(&i, &c), -EINVAL);
	assert_string_equal(
		error_message(-EINVAL),
		"[networking.serviceSubnet: Invalid value: \"10.0.0.0/8\": specified service subnet "
		"is too large; for 32-bit addresses, the mask must be >= 12, networking.podSubnet: "
		"Invalid value: \"10.244.0.0/30\": subnet with 4 address(es) is too small, the minimum "
		"is 14, networking.podSubnet: Invalid value: \"10.244.0.0/30\": the size of pod subnet "
		"with mask 30 is smaller than the size of node subnet with mask 24, "
		"encryptionAlgorithm: Invalid value: \"RSA-1024\": Invalid encryption algorithm "
		"\"RSA-1024\". Must be one of [ECDSA-P256 ECDSA-P384 RSA-2048 RSA-3072 RSA-4096]]");
	json_decref(j);
	cfg_release(&cfg_type_init_configuration, &i);
	cfg_release(&cfg_type_cluster_configuration, &c);
}

static void test_images(void **state)
{
	json_t *ov = load("{\"ClusterConfiguration\":{\"kubernetesVersion\":\"1.36.3\"},"
			  "\"InitConfiguration\":{\"localAPIEndpoint\":{\"advertiseAddress\":"
			  "\"10.0.0.1\"},\"nodeRegistration\":{\"name\":\"n\",\"criSocket\":"
			  "\"unix:///x.sock\"}}}");
	struct init_config *c = NULL;
	assert_int_equal(config_load_init(NULL, ov, &c), 0);
	char **imgs = config_images(c);
	assert_int_equal(strv_length(imgs), 7);
	assert_string_equal(imgs[0], "registry.k8s.io/kube-apiserver:v1.36.3");
	assert_string_equal(imgs[4], "registry.k8s.io/coredns/coredns:v1.14.6");
	assert_string_equal(imgs[5], "registry.k8s.io/pause:3.10.2");
	assert_string_equal(imgs[6], "registry.k8s.io/etcd:3.7.0-0");
	strv_free(imgs);
	config_init_free(c);
	json_decref(ov);

	ov = load("{\"ClusterConfiguration\":{\"kubernetesVersion\":\"1.30.0\"},"
		  "\"InitConfiguration\":{\"localAPIEndpoint\":{\"advertiseAddress\":\"10.0.0.1\"},"
		  "\"nodeRegistration\":{\"name\":\"n\",\"criSocket\":\"unix:///x.sock\"}}}");
	assert_int_equal(config_load_init(NULL, ov, &c), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "this version of kubeadm only supports deploying clusters with the "
			    "control plane version >= 1.36.0. Current version: v1.30.0");
	json_decref(ov);
}

static void test_print_defaults(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	assert_int_equal(config_print_defaults(CONFIG_DEFAULTS_RESET, NULL, &sb), 0);
	assert_string_equal(sb.buf, "apiVersion: kubeadm.k8s.io/v1beta4\n"
				    "certificatesDir: /etc/kubernetes/pki\n"
				    "criSocket: unix:///var/run/containerd/containerd.sock\n"
				    "kind: ResetConfiguration\n"
				    "timeouts:\n"
				    "  controlPlaneComponentHealthCheck: 4m0s\n"
				    "  discovery: 5m0s\n"
				    "  etcdAPICall: 2m0s\n"
				    "  kubeletHealthCheck: 4m0s\n"
				    "  kubernetesAPICall: 1m0s\n"
				    "  tlsBootstrap: 5m0s\n"
				    "  upgradeManifests: 5m0s\n");
	strbuf_reset(&sb);
	char *bad[] = { "KubeletConfiguration", "Foo", NULL };
	assert_int_equal(config_print_defaults(CONFIG_DEFAULTS_INIT, bad, &sb), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "--component-configs needs to contain some of "
						    "[KubeProxyConfiguration KubeletConfiguration]");
	assert_int_equal(sb.len, 0);
	char *both[] = { "KubeProxyConfiguration", NULL };
	assert_int_equal(config_print_defaults(CONFIG_DEFAULTS_INIT, both, &sb), 0);
	assert_non_null(strstr(sb.buf, "kubernetesVersion: 1.37.0\n"));
	assert_non_null(strstr(sb.buf, "---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\n"
				       "bindAddress: 0.0.0.0\n"));
	assert_non_null(strstr(sb.buf, "mode: iptables\n"));
	assert_null(strstr(sb.buf, "featureGates"));
	strbuf_release(&sb);
}

static void test_validate_join_reset(void **state)
{
	struct cfg_join_configuration j = { 0 };
	json_t *v = load("{\"discovery\":{\"bootstrapToken\":{\"token\":\"bad\",\"apiServerEndpoint\":"
			 "\"10.0.0.1\"}},\"nodeRegistration\":{\"name\":\"w\",\"criSocket\":"
			 "\"unix:///x\"},\"caCertPath\":\"rel/ca.pem\"}");
	assert_int_equal(cfg_decode(&cfg_type_join_configuration, v, &j, NULL), 0);
	cfg_default_join(&j);
	assert_int_equal(cfg_validate_join(&j), -EINVAL);
	assert_string_equal(
		error_message(-EINVAL),
		"[discovery.bootstrapToken.caCertHashes: Invalid value: \"\": using token-based "
		"discovery without caCertHashes can be unsafe. Set unsafeSkipCAVerification as true in "
		"your kubeadm config file or pass --discovery-token-unsafe-skip-ca-verification flag to "
		"continue, discovery.bootstrapToken.token: Invalid value: \"bad\": the bootstrap token "
		"is invalid, discovery.bootstrapToken.apiServerEndpoint: Invalid value: \"10.0.0.1\": "
		"address 10.0.0.1: missing port in address, discovery.tlsBootstrapToken: Invalid value: "
		"\"bad\": the bootstrap token is invalid, caCertPath: Invalid value: \"rel/ca.pem\": the "
		"ca certificate path must be an absolute path]");
	json_decref(v);
	cfg_release(&cfg_type_join_configuration, &j);

	struct cfg_reset_configuration r = { 0 };
	v = load("{\"criSocket\":\"tcp://1.2.3.4:9000\",\"unmountFlags\":[\"MNT_FORCE\",\"X\"]}");
	assert_int_equal(cfg_decode(&cfg_type_reset_configuration, v, &r, NULL), 0);
	cfg_default_reset(&r);
	assert_int_equal(cfg_validate_reset(&r), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "[criSocket: Invalid value: \"tcp://1.2.3.4:9000\": only URL scheme \"unix\" "
			    "is supported, got \"tcp\", unmountFlags: Invalid value: \"index 1\": unknown "
			    "unmount flag X]");
	json_decref(v);
	cfg_release(&cfg_type_reset_configuration, &r);
}

static void test_kubelet_document(void **state)
{
	static const char in[] = "apiVersion: kubeadm.k8s.io/v1beta4\n"
				 "kind: InitConfiguration\n"
				 "nodeRegistration:\n  name: n1\n  criSocket: unix:///run/x.sock\n"
				 "localAPIEndpoint:\n  advertiseAddress: 10.0.0.1\n"
				 "---\n"
				 "apiVersion: kubeadm.k8s.io/v1beta4\n"
				 "kind: ClusterConfiguration\n"
				 "kubernetesVersion: v1.37.2\n"
				 "---\n"
				 "apiVersion: kubelet.config.k8s.io/v1beta1\n"
				 "kind: KubeletConfiguration\n"
				 "maxPods: 0\nclusterDNS: []\nsyncFrequency: 90s\nhealthzPort: null\n"
				 "evictionHard:\n  memory.available: 100Mi\n"
				 "featureGates:\n  Foo: true\n";
	struct init_config *c = NULL;
	assert_int_equal(config_init_from_bytes(in, strlen(in), NULL, NULL, &c), 0);
	struct strbuf sb = STRBUF_INIT;
	assert_int_equal(config_kubelet_marshal(c, &sb), 0);
	/* what kubeadm v1.37.2 writes to config.yaml, minus the Mutate step (runtime endpoint) */
	assert_string_equal(sb.buf, "apiVersion: kubelet.config.k8s.io/v1beta1\n"
				    "authentication:\n"
				    "  anonymous:\n"
				    "    enabled: false\n"
				    "  webhook:\n"
				    "    cacheTTL: 0s\n"
				    "    enabled: true\n"
				    "  x509:\n"
				    "    clientCAFile: /etc/kubernetes/pki/ca.crt\n"
				    "authorization:\n"
				    "  mode: Webhook\n"
				    "  webhook:\n"
				    "    cacheAuthorizedTTL: 0s\n"
				    "    cacheUnauthorizedTTL: 0s\n"
				    "cgroupDriver: systemd\n"
				    "clusterDomain: cluster.local\n"
				    "containerRuntimeEndpoint: \"\"\n"
				    "cpuManagerReconcilePeriod: 0s\n"
				    "crashLoopBackOff: {}\n"
				    "evictionHard:\n"
				    "  memory.available: 100Mi\n"
				    "evictionPressureTransitionPeriod: 0s\n"
				    "featureGates:\n"
				    "  Foo: true\n"
				    "fileCheckFrequency: 0s\n"
				    "healthzBindAddress: 127.0.0.1\n"
				    "healthzPort: 10248\n"
				    "httpCheckFrequency: 0s\n"
				    "imageMaximumGCAge: 0s\n"
				    "imageMinimumGCAge: 0s\n"
				    "kind: KubeletConfiguration\n"
				    "logging:\n"
				    "  flushFrequency: 0\n"
				    "  options:\n"
				    "    json:\n"
				    "      infoBufferSize: \"0\"\n"
				    "    text:\n"
				    "      infoBufferSize: \"0\"\n"
				    "  verbosity: 0\n"
				    "memorySwap: {}\n"
				    "nodeStatusReportFrequency: 0s\n"
				    "nodeStatusUpdateFrequency: 0s\n"
				    "rotateCertificates: true\n"
				    "runtimeRequestTimeout: 0s\n"
				    "shutdownGracePeriod: 0s\n"
				    "shutdownGracePeriodCriticalPods: 0s\n"
				    "staticPodPath: /etc/kubernetes/manifests\n"
				    "streamingConnectionIdleTimeout: 0s\n"
				    "syncFrequency: 1m30s\n"
				    "volumeStatsAggPeriod: 0s\n");
	strbuf_release(&sb);
	config_init_free(c);

	static const char bad[] = "apiVersion: kubeadm.k8s.io/v1beta4\n"
				  "kind: ClusterConfiguration\n"
				  "kubernetesVersion: v1.37.2\n"
				  "---\n"
				  "apiVersion: kubelet.config.k8s.io/v1beta1\n"
				  "kind: KubeletConfiguration\n"
				  "maxPods: \"50\"\n";
	assert_int_equal(config_init_from_bytes(bad, strlen(bad), NULL, NULL, &c), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "json: cannot unmarshal string into Go struct field "
			    "KubeletConfiguration.maxPods of type int32");
}

static void test_from_cluster_data(void **state)
{
	static const char cc[] = "apiServer: {}\n"
				 "apiVersion: kubeadm.k8s.io/v1beta4\n"
				 "kind: ClusterConfiguration\n"
				 "kubernetesVersion: v1.36.1\n"
				 "imageRepository: my.reg\n"
				 "networking:\n  podSubnet: 10.244.0.0/16\n"
				 "unknownField: 1\n";
	static const char kp[] = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\n"
				 "kind: KubeProxyConfiguration\n"
				 "mode: nftables\n";
	struct init_config *c = NULL;
	assert_int_equal(config_init_from_cluster_data(cc, NULL, kp, &c), 0);
	assert_string_equal(c->cluster.image_repository, "my.reg");
	assert_string_equal(c->cluster.networking.dns_domain, "cluster.local");
	c->init.node_registration.name = strdup("cp-1");
	c->init.local_api_endpoint.advertise_address = strdup("10.0.0.1");
	assert_int_equal(config_init_dynamic_defaults(c, true), 0);
	assert_string_equal(c->cluster.kubernetes_version, "v1.36.1");
	assert_string_equal(json_string_value(json_object_get(c->kubeproxy, "mode")), "nftables");
	assert_string_equal(json_string_value(json_object_get(c->kubeproxy, "clusterCIDR")),
			    "10.244.0.0/16");
	assert_non_null(json_object_get(c->kubelet, "staticPodPath"));
	char *img = config_image_pause(c);
	assert_string_equal(img, "my.reg/pause:3.10.2");
	free(img);
	assert_int_equal(strlen(CFG_LIST_AT(&c->init.bootstrap_tokens, struct cfg_token, 0)->token),
			 23);
	config_init_free(c);

	assert_int_equal(config_init_from_cluster_data("networking: 1\n", NULL, NULL, &c), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "failed to decode cluster configuration data: json: cannot unmarshal number "
			    "into Go struct field ClusterConfiguration.networking of type "
			    "v1beta4.Networking");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_unknown_fields),
		cmocka_unit_test(test_decode_type_errors),
		cmocka_unit_test(test_default_encode),
		cmocka_unit_test(test_validate_cluster),
		cmocka_unit_test(test_images),
		cmocka_unit_test(test_print_defaults),
		cmocka_unit_test(test_validate_join_reset),
		cmocka_unit_test(test_kubelet_document),
		cmocka_unit_test(test_from_cluster_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
