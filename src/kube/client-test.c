/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <signal.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kube/client.h"
#include "kube/test-server.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* The scripted answers: "status|body" is a whole response on a connection of its own;
 * "!hang" never answers (the client's timeout has to end the request); "!truncated" sends a
 * head announcing 100 bytes and a few of them. Records "METHOD PATH\nbody\n" per request in
 * s->log. */
static bool answer(struct test_server *s, int c, const char *req, size_t head_len,
		   size_t body_len, const char *resp)
{
	const char *sp = memchr(req, ' ', head_len);
	const char *sp2 = sp ? memchr(sp + 1, ' ', head_len - (size_t)(sp + 1 - req)) : NULL;
	if (sp2)
		strbuf_add(&s->log, req, (size_t)(sp2 - req));
	strbuf_addch(&s->log, '\n');
	strbuf_add(&s->log, req + head_len, body_len);
	strbuf_addch(&s->log, '\n');
	if (streq(resp, "!hang")) {
		char tmp[16];
		while (read(c, tmp, sizeof(tmp)) > 0)
			;
		return false;
	}
	if (streq(resp, "!truncated")) {
		static const char t[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
					"Content-Length: 100\r\n\r\n{\"kind\":";
		if (write(c, t, sizeof(t) - 1) < 0)
			return false;
		return false;
	}
	int status = (int)strtol(resp, NULL, 10);
	const char *body = strchr(resp, '|') + 1;
	char head[256];
	int hl = snprintf(head, sizeof(head),
			  "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nConnection: close\r\n"
			  "Content-Length: %zu\r\n\r\n",
			  status, strlen(body));
	if (write(c, head, (size_t)hl) < 0 || write(c, body, strlen(body)) < 0)
		return false;
	/* one request per connection: concurrent clients never wait on each other */
	return false;
}

static struct kube_client *client_for(int port)
{
	_cleanup_free_ char *srv = xasprintf("http://127.0.0.1:%d", port);
	json_t *cfg = json_pack("{s:s,s:[{s:s,s:{s:s}}],s:[{s:s,s:{s:s,s:s}}],s:[{s:s,s:{s:s}}]}",
				"current-context", "c", "clusters", "name", "k", "cluster",
				"server", srv, "contexts", "name", "c", "context", "cluster", "k",
				"user", "u", "users", "name", "u", "user", "token", "abc");
	struct kube_client *c = NULL;
	assert_int_equal(kube_client_new_from_config(cfg, &c), 0);
	json_decref(cfg);
	kube_client_set_api_call_timeout(c, 2000, 10);
	return c;
}

static void test_status_errors(void **state)
{
	(void)state;
	static const char *const resp[] = {
		("404|{\"kind\":\"Status\",\"message\":\"configmaps \\\"x\\\" not found\","
		 "\"reason\":\"NotFound\",\"code\":404}"),
		"403|{\"kind\":\"Status\",\"message\":\"forbidden: nope\",\"code\":403}",
		"500|oops",
		"200|{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}",
		"200|{\"kind\":\"Conf",
	};
	struct test_server s;
	test_server_start(&s, resp, ARRAY_SIZE(resp), answer);
	struct kube_client *c = client_for(s.port);
	json_t *o = NULL;
	assert_int_equal(kube_get(c, &kube_res_configmaps, "kube-system", "x", &o), -ENOENT);
	assert_string_equal(error_message(-ENOENT), "configmaps \"x\" not found");
	assert_int_equal(kube_get(c, &kube_res_configmaps, "kube-system", "x", &o), -EPERM);
	assert_string_equal(error_message(-EPERM), "forbidden: nope");
	assert_int_equal(kube_get(c, &kube_res_roles, "kube-system", "x", &o), -EIO);
	assert_non_null(strstr(error_message(-EIO), "an error on the server (\"oops\")"));
	assert_int_equal(kube_get(c, &kube_res_clusterroles, NULL, "x", &o), 0);
	assert_string_equal(json_string_value(json_get_path(o, "metadata.name")), "x");
	json_decref(o);
	assert_int_equal(kube_get(c, &kube_res_nodes, NULL, "n", &o), -EBADMSG);
	kube_client_free(c);
	/* one request for each call, none retried: the server has used all five answers */
	test_server_wait(&s);
	assert_string_equal(s.log.buf,
			    "GET /api/v1/namespaces/kube-system/configmaps/x?timeout=10s\n\n"
			    "GET /api/v1/namespaces/kube-system/configmaps/x?timeout=10s\n\n"
			    "GET /apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/roles/x"
			    "?timeout=10s\n\n"
			    "GET /apis/rbac.authorization.k8s.io/v1/clusterroles/x?timeout=10s\n\n"
			    "GET /api/v1/nodes/n?timeout=10s\n\n");
	assert_int_equal(s.accepts, 5);
	test_server_release(&s);
}

static void test_create_or_update(void **state)
{
	(void)state;
	static const char *const resp[] = {
		"500|{\"kind\":\"Status\",\"message\":\"etcd down\",\"code\":500}",
		("409|{\"kind\":\"Status\",\"message\":\"exists\",\"reason\":\"AlreadyExists\","
		 "\"code\":409}"),
		"200|{}",
	};
	struct test_server s;
	test_server_start(&s, resp, ARRAY_SIZE(resp), answer);
	struct kube_client *c = client_for(s.port);
	json_t *cm = json_pack("{s:{s:s,s:s},s:{s:s}}", "metadata", "name", "a b", "namespace",
			       "kube-system", "data", "k", "v");
	assert_int_equal(kube_create_or_update(c, &kube_res_configmaps, cm), 0);
	kube_client_free(c);
	/* the server thread is done once it has answered all three */
	test_server_wait(&s);
	const char *want = "POST /api/v1/namespaces/kube-system/configmaps?timeout=10s\n"
			   "{\"metadata\":{\"name\":\"a b\",\"namespace\":\"kube-system\"},"
			   "\"data\":{\"k\":\"v\"}}\n"
			   "POST /api/v1/namespaces/kube-system/configmaps?timeout=10s\n"
			   "{\"metadata\":{\"name\":\"a b\",\"namespace\":\"kube-system\"},"
			   "\"data\":{\"k\":\"v\"}}\n"
			   "PUT /api/v1/namespaces/kube-system/configmaps/a%20b?timeout=10s\n"
			   "{\"metadata\":{\"name\":\"a b\",\"namespace\":\"kube-system\"},"
			   "\"data\":{\"k\":\"v\"}}\n";
	assert_string_equal(s.log.buf, want);
	test_server_release(&s);
	json_decref(cm);
}

static void test_retry_exhausted(void **state)
{
	(void)state;
	static const char *const resp[] = {
		"403|{\"kind\":\"Status\",\"message\":\"no\",\"code\":403}",
		"403|{\"kind\":\"Status\",\"message\":\"no\",\"code\":403}",
		"403|{\"kind\":\"Status\",\"message\":\"no\",\"code\":403}",
		"403|{\"kind\":\"Status\",\"message\":\"no\",\"code\":403}",
	};
	struct test_server s;
	test_server_start(&s, resp, ARRAY_SIZE(resp), answer);
	struct kube_client *c = client_for(s.port);
	kube_client_set_api_call_timeout(c, 25, 10);
	json_t *cm = json_pack("{s:{s:s,s:s}}", "metadata", "name", "a", "namespace", "ns");
	int r = kube_create_or_update(c, &kube_res_secrets, cm);
	assert_int_equal(r, -EPERM);
	assert_string_equal(error_message(r), "unable to create *v1.Secret: no");
	kube_client_free(c);
	test_server_stop(&s);
	json_decref(cm);
}

static void test_connect_refused(void **state)
{
	(void)state;
	/* a port nobody listens on any more */
	int port;
	close(test_listen_loopback(&port));
	struct kube_client *c = client_for(port);
	json_t *o = NULL;
	assert_int_equal(kube_get(c, &kube_res_nodes, NULL, "n", &o), -ECONNREFUSED);
	_cleanup_free_ char *want = xasprintf(
		"Get \"http://127.0.0.1:%d/api/v1/nodes/n?timeout=10s\": dial tcp 127.0.0.1:%d: connect: "
		"connection refused",
		port, port);
	assert_string_equal(error_message(-ECONNREFUSED), want);
	kube_client_free(c);
}

static void test_transport_errors(void **state)
{
	(void)state;
	static const char *const resp[] = { "!truncated", "!hang" };
	struct test_server s;
	test_server_start(&s, resp, ARRAY_SIZE(resp), answer);
	struct kube_client *c = client_for(s.port);
	json_t *o = NULL;
	/* a body cut short: an error, never a half-parsed object */
	int r = kube_get(c, &kube_res_configmaps, "kube-system", "x", &o);
	assert_int_equal(r, -EIO);
	assert_non_null(strstr(error_message(r), "Get \"http://127.0.0.1:"));
	/* a server that never answers: the request timeout ends it */
	kube_client_set_request_timeout(c, 300);
	r = kube_get(c, &kube_res_configmaps, "kube-system", "x", &o);
	assert_int_equal(r, -ETIMEDOUT);
	kube_client_free(c);
	test_server_stop(&s);
}

static void test_body_cap(void **state)
{
	(void)state;
	static const char *const resp[] = {
		"200|{\"kind\":\"ConfigMap\",\"data\":{\"k\":\"0123456789012345678901234567890123456789\"}}",
		"200|{\"kind\":\"ConfigMap\"}",
	};
	struct test_server s;
	test_server_start(&s, resp, ARRAY_SIZE(resp), answer);
	struct kube_client *c = client_for(s.port);
	kube_client_set_body_cap(c, 32);
	json_t *o = NULL;
	int r = kube_get(c, &kube_res_configmaps, "kube-system", "x", &o);
	assert_int_equal(r, -EBADMSG);
	assert_non_null(strstr(error_message(r), "larger than 32 bytes"));
	r = kube_get(c, &kube_res_configmaps, "kube-system", "y", &o);
	assert_int_equal(r, 0);
	json_decref(o);
	kube_client_free(c);
	test_server_wait(&s);
	test_server_release(&s);
}

static void test_apply_all(void **state)
{
	(void)state;
	static const char *const resp[] = { "201|{}", "201|{}", "403|{\"kind\":\"Status\",\"message\":\"no\"}",
					    "403|{\"kind\":\"Status\",\"message\":\"no\"}" };
	struct test_server s;
	test_server_start(&s, resp, ARRAY_SIZE(resp), answer);
	struct kube_client *c = client_for(s.port);
	kube_client_set_api_call_timeout(c, 100, 60);
	json_t *a = json_pack("{s:{s:s,s:s}}", "metadata", "name", "a", "namespace", "ns");
	json_t *b = json_pack("{s:{s:s}}", "metadata", "name", "b");
	json_t *d = json_pack("{s:{s:s}}", "metadata", "name", "d");
	struct kube_op ops[] = {
		{ KUBE_OP_CREATE_OR_UPDATE, &kube_res_configmaps, a, 1 },
		{ KUBE_OP_CREATE_OR_UPDATE, &kube_res_clusterroles, b, 1 },
		{ KUBE_OP_CREATE_OR_UPDATE, &kube_res_clusterrolebindings, d, 1 },
	};
	int r = kube_apply_all(c, ops, ARRAY_SIZE(ops));
	/* three requests were under way at once; the two 201s went to two of them */
	size_t fails = 0;
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		fails += ops[i].result < 0;
	assert_int_equal(fails, 1);
	assert_int_equal(r, -EPERM);
	assert_non_null(strstr(error_message(r), "unable to create *v1."));
	kube_client_free(c);
	test_server_wait(&s);
	test_server_release(&s);
	json_decref(a);
	json_decref(b);
	json_decref(d);
}

static char *dry_run_capture(void (*fn)(struct kube_client *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct kube_client *c = NULL;
	assert_int_equal(kube_client_new_dry_run(NULL, f, KUBE_DRYRUN_INIT, &c), 0);
	fn(c);
	kube_client_free(c);
	fclose(f);
	return buf;
}

static int add_taint(json_t *node, void *u)
{
	(void)u;
	json_object_set_new(json_object_get(node, "spec"), "taints", json_pack("[{s:s}]", "k", "v"));
	return 0;
}

static void dry_ops(struct kube_client *c)
{
	json_t *cm = json_pack("{s:{s:s,s:s},s:{s:s}}", "metadata", "name", "x", "namespace",
			       "kube-system", "data", "k", "v");
	assert_int_equal(kube_create_or_retain(c, &kube_res_configmaps, cm), 0);
	assert_int_equal(kube_create(c, &kube_res_configmaps, cm, NULL), -EEXIST);
	assert_string_equal(error_message(-EEXIST), "configmaps \"x\" already exists");
	json_t *got = NULL;
	assert_int_equal(kube_get(c, &kube_res_configmaps, "kube-system", "x", &got), 0);
	assert_true(json_equal(got, cm));
	json_decref(got);
	assert_int_equal(kube_patch_node(c, "n1", add_taint, NULL), 0);
	assert_int_equal(kube_delete(c, &kube_res_roles, "kube-system", "r", false), -ENOENT);
	assert_string_equal(error_message(-ENOENT),
			    "roles.rbac.authorization.k8s.io \"r\" not found");
	json_decref(cm);
}

static void test_dry_run(void **state)
{
	(void)state;
	_cleanup_free_ char *out = dry_run_capture(dry_ops);
	const char *node = "[dryrun] Attached object:\n"
			   "apiVersion: v1\n"
			   "kind: Node\n"
			   "metadata:\n"
			   "  labels:\n"
			   "    kubernetes.io/hostname: n1\n"
			   "  name: n1\n"
			   "spec: {}\n"
			   "status:\n"
			   "  daemonEndpoints:\n"
			   "    kubeletEndpoint:\n"
			   "      Port: 0\n"
			   "  nodeInfo:\n"
			   "    architecture: \"\"\n"
			   "    bootID: \"\"\n"
			   "    containerRuntimeVersion: \"\"\n"
			   "    kernelVersion: \"\"\n"
			   "    kubeProxyVersion: \"\"\n"
			   "    kubeletVersion: \"\"\n"
			   "    machineID: \"\"\n"
			   "    operatingSystem: \"\"\n"
			   "    osImage: \"\"\n"
			   "    systemUUID: \"\"\n"
			   "\n";
	_cleanup_free_ char *want = xasprintf(
		"[dryrun] Would perform action GET on resource \"configmaps\" in API group \"core/v1\"\n"
		"[dryrun] Resource name \"x\", namespace \"kube-system\"\n"
		"[dryrun] Real object does not exist. Attempting to GET from followup reactors or "
		"from the fake client tracker\n"
		"[dryrun] Would perform action CREATE on resource \"configmaps\" in API group "
		"\"core/v1\"\n"
		"[dryrun] Attached object:\n"
		"apiVersion: v1\n"
		"data:\n"
		"  k: v\n"
		"kind: ConfigMap\n"
		"metadata:\n"
		"  name: x\n"
		"  namespace: kube-system\n"
		"\n"
		"[dryrun] Would perform action CREATE on resource \"configmaps\" in API group "
		"\"core/v1\"\n"
		"[dryrun] Attached object:\n"
		"apiVersion: v1\n"
		"data:\n"
		"  k: v\n"
		"kind: ConfigMap\n"
		"metadata:\n"
		"  name: x\n"
		"  namespace: kube-system\n"
		"\n"
		"[dryrun] Would perform action GET on resource \"configmaps\" in API group \"core/v1\"\n"
		"[dryrun] Resource name \"x\", namespace \"kube-system\"\n"
		"[dryrun] Real object does not exist. Attempting to GET from followup reactors or "
		"from the fake client tracker\n"
		"[dryrun] Would perform action GET on resource \"nodes\" in API group \"core/v1\"\n"
		"[dryrun] Resource name \"n1\", namespace \"\"\n"
		"%s"
		"[dryrun] Would perform action PATCH on resource \"nodes\" in API group \"core/v1\"\n"
		"[dryrun] Resource name \"n1\", namespace \"\"\n"
		"%s"
		"[dryrun] Would perform action DELETE on resource \"roles\" in API group "
		"\"rbac.authorization.k8s.io/v1\"\n"
		"[dryrun] Resource name \"r\", namespace \"kube-system\"\n",
		node, node);
	assert_string_equal(out, want);
}

/* A kubeconfig's token (or tokenFile) with a CR or LF, such as a private key file named as the
 * tokenFile, is refused before anything is sent, with Go's error and no value echoed. */
static void test_token_injection(void **state)
{
	(void)state;
	static const char *const resp[] = { "200|{}" };
	struct test_server s;
	test_server_start(&s, resp, ARRAY_SIZE(resp), answer);
	_cleanup_free_ char *srv = xasprintf("http://127.0.0.1:%d", s.port);
	char keyfile[] = "/tmp/ckubeadm-token-XXXXXX";
	int fd = mkstemp(keyfile);
	assert_true(fd >= 0);
	static const char key[] = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBsecret\n"
				  "-----END EC PRIVATE KEY-----\n";
	assert_int_equal(write(fd, key, sizeof(key) - 1), (ssize_t)sizeof(key) - 1);
	close(fd);
	const char *const fields[] = { "token", "tokenFile" };
	const char *const values[] = { "abc\r\nX-Injected: 1", keyfile };
	for (size_t i = 0; i < 2; i++) {
		json_t *cfg = json_pack(
			"{s:s,s:[{s:s,s:{s:s}}],s:[{s:s,s:{s:s,s:s}}],s:[{s:s,s:{s:s}}]}",
			"current-context", "c", "clusters", "name", "k", "cluster", "server", srv,
			"contexts", "name", "c", "context", "cluster", "k", "user", "u", "users",
			"name", "u", "user", fields[i], values[i]);
		struct kube_client *c = NULL;
		assert_int_equal(kube_client_new_from_config(cfg, &c), 0);
		json_decref(cfg);
		json_t *o = NULL;
		assert_int_equal(kube_get(c, &kube_res_configmaps, "kube-public", "cluster-info", &o),
				 -EINVAL);
		_cleanup_free_ char *want = xasprintf(
			"Get \"%s/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s\": "
			"net/http: invalid header field value for \"Authorization\"",
			srv);
		assert_string_equal(error_message(-EINVAL), want);
		kube_client_free(c);
	}
	unlink(keyfile);
	assert_int_equal(s.accepts, 0);
	test_server_stop(&s);
}

/* HealthCheckJobReactor: a completed Job for upgrade-health-check* in kube-system, printed with
 * kubeadm's swapped name and namespace; other Jobs fall through to the tracker. */
static void test_dry_run_health_check_job(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct kube_client *c = NULL;
	assert_int_equal(kube_client_new_dry_run(NULL, f, KUBE_DRYRUN_HEALTH_CHECK_JOB, &c), 0);
	json_t *job = NULL;
	assert_int_equal(kube_get(c, &kube_res_jobs, "kube-system", "upgrade-health-check-1234", &job), 0);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_get_path(job, "status.conditions"), 0), "type")),
			    "Complete");
	json_decref(job);
	assert_int_equal(kube_get(c, &kube_res_jobs, "default", "upgrade-health-check-1", &job), -ENOENT);
	error_clear();
	kube_client_free(c);
	fclose(f);
	assert_non_null(strstr(buf, "[dryrun] Attached object:\n"
				    "apiVersion: batch/v1\n"
				    "kind: Job\n"
				    "metadata:\n"
				    "  name: kube-system\n"
				    "  namespace: upgrade-health-check-1234\n"
				    "spec:\n"
				    "  template:\n"
				    "    metadata: {}\n"
				    "    spec:\n"
				    "      containers: null\n"
				    "status:\n"
				    "  conditions:\n"
				    "  - lastProbeTime: null\n"
				    "    lastTransitionTime: null\n"
				    "    status: \"\"\n"
				    "    type: Complete\n"));
	free(buf);
}

int main(void)
{
	/* the scripted server writes to clients that may have hung up */
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_errors),
		cmocka_unit_test(test_create_or_update),
		cmocka_unit_test(test_retry_exhausted),
		cmocka_unit_test(test_connect_refused),
		cmocka_unit_test(test_transport_errors),
		cmocka_unit_test(test_body_cap),
		cmocka_unit_test(test_apply_all),
		cmocka_unit_test(test_dry_run),
		cmocka_unit_test(test_dry_run_health_check_job),
		cmocka_unit_test(test_token_injection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
