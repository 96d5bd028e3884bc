/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <stdlib.h>
#include <string.h>

#include "config/componentconfigs.h"
#include "config/config.h"
#include "config/net.h"
#include "config/validation.h"
#include "config/version.h"
#include "util/error.h"
#include "util/strv.h"

static void test_ip_cidr(void **state)
{
	struct cfg_ip ip;
	char buf[64];
	assert_true(net_parse_ip("010.001.2.3", &ip));
	assert_string_equal(net_ip_string(&ip, buf, sizeof(buf)), "10.1.2.3");
	assert_true(net_parse_ip("::ffff:10.0.0.1", &ip));
	assert_false(ip.v6);
	assert_string_equal(net_ip_string(&ip, buf, sizeof(buf)), "10.0.0.1");
	assert_true(net_parse_ip("fd00:0:0:0::10", &ip));
	assert_string_equal(net_ip_string(&ip, buf, sizeof(buf)), "fd00::10");
	assert_false(net_parse_ip("1.2.3", &ip));
	assert_false(net_parse_ip("1.2.3.256", &ip));
	assert_false(net_parse_ip("fe80::1%eth0", &ip));

	struct cfg_cidr c;
	assert_true(net_parse_cidr("10.96.7.1/12", &c));
	assert_string_equal(net_cidr_string(&c, buf, sizeof(buf)), "10.96.0.0/12");
	assert_true(net_cidr_indexed_ip(&c, 10, &ip));
	assert_string_equal(net_ip_string(&ip, buf, sizeof(buf)), "10.96.0.10");
	assert_false(net_parse_cidr("10.0.0.0/33", &c));
	assert_false(net_parse_cidr("10.0.0.0/08", &c));
	assert_true(net_parse_cidr("fd00:10:96::/112", &c));
	assert_int_equal(c.bits, 128);
	assert_true(net_cidr_indexed_ip(&c, 10, &ip));
	assert_string_equal(net_ip_string(&ip, buf, sizeof(buf)), "fd00:10:96::a");
}

static void test_split_host_port(void **state)
{
	char *h = NULL, *p = NULL, *err = NULL;
	assert_true(net_split_host_port("[fd00::1]:6443", &h, &p, &err));
	assert_string_equal(h, "fd00::1");
	assert_string_equal(p, "6443");
	free(h);
	free(p);
	assert_false(net_split_host_port("10.0.0.1", &h, &p, &err));
	assert_string_equal(err, "address 10.0.0.1: missing port in address");
	free(err);
	assert_false(net_split_host_port("a:b:c", &h, &p, &err));
	assert_string_equal(err, "address a:b:c: too many colons in address");
	free(err);
	assert_int_equal(cfg_parse_host_port("lb.example.com:70000", &h, &p), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "hostport lb.example.com:70000: port 70000 must be "
						    "a valid number between 1 and 65535, inclusive");
	assert_int_equal(cfg_parse_host_port("lb.example.com", &h, &p), 0);
	assert_string_equal(p, "");
	free(h);
	free(p);
}

static void test_versions(void **state)
{
	char *v = NULL;
	assert_int_equal(kube_release_version("1.36.2", &v), 0);
	assert_string_equal(v, "v1.36.2");
	free(v);
	assert_int_equal(kube_release_version("foo!", &v), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "invalid version \"foo!\"");
	assert_int_equal(kube_release_version("v1.36", &v), -EINVAL);
	assert_true(kube_is_ci_version("ci/latest"));
	assert_false(kube_is_ci_version("release/v1.36.0"));
	struct semver a, b;
	assert_int_equal(semver_parse("v1.37.0-rc.1", &a), 0);
	assert_int_equal(semver_parse("v1.37.0", &b), 0);
	assert_true(semver_cmp(&a, &b) < 0);
	assert_int_equal(semver_parse("1.36", &a), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "illegal version string \"1.36\"");
}

static int fake_fetcher(const char *url, char **ret_body, char **ret_err)
{
	if (strstr(url, "/stable-1.txt"))
		*ret_body = strdup("v1.38.0");
	else if (strstr(url, "/stable-1.37.txt"))
		*ret_body = strdup("v1.37.5");
	else {
		*ret_err = strdup("unable to fetch file. URL: \"x\", status: 404 Not Found");
		return -ENOENT;
	}
	return 0;
}

static void test_version_labels(void **state)
{
	char *v = NULL;
	kube_version_set_fetcher(fake_fetcher);
	assert_int_equal(kube_release_version("stable-1", &v), 0);
	assert_string_equal(v, "v1.37.5"); /* newer than the client: capped to stable-1.37 */
	free(v);
	assert_int_equal(kube_release_version("latest-1.30", &v), 0);
	assert_string_equal(v, "v1.37.2"); /* fetch failed: the client version */
	free(v);
	kube_version_set_fetcher(NULL);
}

static void test_command_helpers(void **state)
{
	char *cli[] = { "Swap", "NumCPU", NULL };
	char *cfg[] = { "swap", "Mem", NULL };
	char **set = NULL;
	assert_int_equal(config_ignore_preflight_errors(cli, cfg, &set), 0);
	assert_int_equal(strv_length(set), 3);
	assert_string_equal(set[0], "mem");
	assert_string_equal(set[1], "numcpu");
	assert_string_equal(set[2], "swap");
	strv_free(set);
	char *all[] = { "all", NULL };
	assert_int_equal(config_ignore_preflight_errors(all, cfg, &set), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "ignore-preflight-errors: Invalid value: \"all,mem,swap\": don't specify "
			    "individual checks if 'all' is used");
	assert_int_equal(config_verify_apiserver_bind_address("10.0.0.1"), 0);
	assert_int_equal(config_verify_apiserver_bind_address("127.0.0.1"), 0);
	assert_int_equal(config_verify_apiserver_bind_address("224.0.0.1"), -EINVAL);
	assert_string_equal(error_message(-EINVAL),
			    "cannot use \"224.0.0.1\" as the bind address for the API Server");
	assert_int_equal(config_verify_apiserver_bind_address("x"), -EINVAL);
	assert_string_equal(error_message(-EINVAL), "cannot parse IP address: x");
}

static void test_component_unknown_fields(void **state)
{
	json_t *doc = json_loads("{\"apiVersion\":\"kubelet.config.k8s.io/v1beta1\",\"kind\":"
				 "\"KubeletConfiguration\",\"foo\":1,\"authentication\":{\"x509\":"
				 "{\"bad\":true}},\"evictionHard\":{\"memory.available\":\"100Mi\"}}",
				 0, NULL);
	char **unknown = NULL;
	cc_unknown_fields(doc, "KubeletConfiguration", &unknown);
	assert_int_equal(strv_length(unknown), 2);
	assert_string_equal(unknown[0], "unknown field \"authentication.x509.bad\"");
	assert_string_equal(unknown[1], "unknown field \"foo\"");
	strv_free(unknown);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip_cidr),
		cmocka_unit_test(test_split_host_port),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_version_labels),
		cmocka_unit_test(test_command_helpers),
		cmocka_unit_test(test_component_unknown_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
