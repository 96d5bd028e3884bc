/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etcd/etcd.h"
#include "util/error.h"
#include "util/strv.h"

static void test_urls(void **state)
{
	(void)state;
	char *u = etcd_client_url("10.0.0.1");
	assert_string_equal(u, "https://10.0.0.1:2379");
	free(u);
	u = etcd_peer_url("fd00::1");
	assert_string_equal(u, "https://[fd00::1]:2380");
	free(u);
}

static void test_endpoints_from_pods(void **state)
{
	(void)state;
	json_t *pl = json_loads(
		"{\"items\":[{\"metadata\":{\"name\":\"etcd-a\",\"annotations\":{\"kubeadm.kubernetes.io/etcd.advertise-client-urls\":\"https://10.0.0.1:2379\"}}},"
		"{\"metadata\":{\"name\":\"etcd-b\"}}]}", 0, NULL);
	char **eps = NULL;
	size_t pods = 0;
	assert_int_equal(etcd_endpoints_from_pods(pl, &eps, &pods), 0);
	assert_int_equal(pods, 2);
	assert_int_equal(strv_length(eps), 1);
	assert_string_equal(eps[0], "https://10.0.0.1:2379");
	strv_free(eps);
	json_decref(pl);
	pl = json_loads("{\"items\":{}}", 0, NULL);
	assert_int_equal(etcd_endpoints_from_pods(pl, &eps, &pods), -EBADMSG);
	json_decref(pl);
}

static void test_manifest(void **state)
{
	(void)state;
	char dir[] = "/tmp/etcd-test.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof(path), "%s/etcd.yaml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n"
	      "    kubeadm.kubernetes.io/etcd.advertise-client-urls: https://10.0.0.9:2379\n"
	      "  name: etcd\nspec:\n  volumes:\n  - hostPath:\n      path: /etc/kubernetes/pki/etcd\n"
	      "    name: etcd-certs\n  - hostPath:\n      path: /data/etcd\n    name: etcd-data\n", f);
	fclose(f);
	char *ep = NULL, *dd = NULL;
	assert_int_equal(etcd_manifest_read(AT_FDCWD, path, &ep, &dd), 0);
	assert_string_equal(ep, "https://10.0.0.9:2379");
	assert_string_equal(dd, "/data/etcd");
	free(ep);
	free(dd);
	f = fopen(path, "w");
	fputs("apiVersion: v1\nkind: Service\n", f);
	fclose(f);
	assert_int_equal(etcd_manifest_read(AT_FDCWD, path, &ep, &dd), -EBADMSG);
	unlink(path);
	assert_int_equal(etcd_manifest_read(AT_FDCWD, path, &ep, &dd), -ENOENT);
	rmdir(dir);
}

static void test_dead_endpoint(void **state)
{
	(void)state;
	/* port 1 on loopback: nothing listens; a refused connection is a quick, clear error */
	char *eps[] = { "http://127.0.0.1:1", NULL };
	struct etcd_client *c = NULL;
	assert_int_equal(etcd_client_new(eps, NULL, NULL, NULL, &c), 0);
	etcd_client_set_timeouts(c, 500, 600, 100);
	struct etcd_member_brief *b = NULL;
	size_t n = 0;
	int r = etcd_list_members(c, &b, &n);
	assert_true(r == -ECONNREFUSED || r == -ETIMEDOUT);
	assert_non_null(strstr(error_message(r), "127.0.0.1:1"));
	/* with retries, the last error comes back once the budget is spent */
	r = etcd_remove_member(c, 1, &b, &n);
	assert_true(r == -ECONNREFUSED || r == -ETIMEDOUT);
	etcd_client_free(c);
	char *none[] = { NULL };
	assert_int_equal(etcd_client_new(none, NULL, NULL, NULL, &c), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_endpoints_from_pods),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_dead_endpoint),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
