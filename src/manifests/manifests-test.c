/* SPDX-License-Identifier: Apache-2.0 */
/* Static Pods built from a configuration, against kubeadm's output (Go-generated vectors). */
#include "util/testing.h"

#include <fcntl.h>
#include <string.h>

#include "config/config.h"
#include "manifests/manifests.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define VECTORS "tests/vectors/manifests/vectors.json"

static struct init_config *load(const char *yaml)
{
	struct config_load_options lo = { .skip_cri_detect = true };
	struct init_config *c = NULL;
	int r = config_init_from_bytes(yaml, strlen(yaml), NULL, &lo, &c);
	if (r < 0)
		fail_msg("config: %s", error_message(r));
	return c;
}

/* An etcd member joining an existing cluster: --initial-cluster lists the members and
 * --initial-cluster-state=existing is set (GetEtcdPodSpec with members). */
static void test_etcd_join_vectors(void **state)
{
	json_error_t e;
	json_t *all = json_load_file(VECTORS, 0, &e);
	if (!all)
		fail_msg("%s: %s", VECTORS, e.text);
	assert_true(json_array_size(all) >= 1);
	size_t i;
	json_t *v;
	json_array_foreach(all, i, v) {
		struct init_config *c = load(json_string_value(json_object_get(v, "config")));
		char **members = NULL;
		size_t j;
		json_t *m;
		json_array_foreach(json_object_get(v, "members"), j, m)
			strv_push(&members, json_string_value(m));
		char *env[] = { NULL };
		struct manifests_options o = { .rootfd = AT_FDCWD, .environ = env, .initial_cluster = members };
		json_t *pod = NULL;
		assert_int_equal(manifests_pod_build(c, MANIFESTS_ETCD, &o, &pod), 0);
		char *y = manifests_pod_yaml(pod);
		assert_string_equal(y, json_string_value(json_object_get(v, "want")));
		free(y);
		json_decref(pod);
		strv_free(members);
		config_init_free(c);
	}
	json_decref(all);
}

/* The proxy variables of the environment are merged with extraEnvs (later wins), sorted. */
static void test_proxy_env(void **state)
{
	struct init_config *c = load("apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"
				     "localAPIEndpoint:\n  advertiseAddress: 10.0.0.5\n---\n"
				     "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n"
				     "kubernetesVersion: v1.37.2\nscheduler:\n  extraEnvs:\n"
				     "  - name: HTTP_PROXY\n    value: override\n");
	char *env[] = { "PATH=/bin", "https_proxy=h", "HTTP_PROXY=p", "EMPTY_proxy=", "no_proxy=n", NULL };
	struct manifests_options o = { .rootfd = AT_FDCWD, .environ = env };
	json_t *pod = NULL;
	assert_int_equal(manifests_pod_build(c, MANIFESTS_SCHEDULER, &o, &pod), 0);
	char *s = json_dumps(json_get_path(pod, "spec.containers.0.env"), JSON_COMPACT);
	assert_string_equal(s, "[{\"name\":\"HTTP_PROXY\",\"value\":\"override\"},"
			       "{\"name\":\"https_proxy\",\"value\":\"h\"},{\"name\":\"no_proxy\",\"value\":\"n\"}]");
	free(s);
	json_decref(pod);
	assert_true(manifests_pod_build(c, "kube-proxy", &o, &pod) < 0);
	assert_string_equal(error_message(-EINVAL), "couldn't retrieve StaticPodSpec for \"kube-proxy\"");
	config_init_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_etcd_join_vectors),
		cmocka_unit_test(test_proxy_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
