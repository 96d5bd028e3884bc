/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <signal.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kube/client.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* A scripted plain-HTTP server: answers each connection's requests with the next canned
 * response and records the request lines. */
struct script {
	int fd;
	int port;
	const char *const *responses; /* "status|body" */
	size_t n, next;
	struct strbuf log;            /* "METHOD PATH\nbody\n" per request */
	pthread_t thr;
};

static void *serve(void *p)
{
	struct script *s = p;
	while (s->next < s->n) {
		int c = accept(s->fd, NULL, NULL);
		if (c < 0)
			return NULL;
		while (s->next < s->n) {
			char buf[65536];
			size_t len = 0;
			ssize_t k;
			char *end = NULL;
			while (!(end = memmem(buf, len, "\r\n\r\n", 4)) &&
			       (k = read(c, buf + len, sizeof(buf) - len - 1)) > 0)
				len += (size_t)k;
			if (!end)
				break;
			buf[len] = 0;
			size_t hdr = (size_t)(end - buf) + 4;
			size_t clen = 0;
			char *cl = strcasestr(buf, "Content-Length:");
			if (cl && cl < end)
				clen = strtoul(cl + 15, NULL, 10);
			while (len < hdr + clen && (k = read(c, buf + len, sizeof(buf) - len - 1)) > 0)
				len += (size_t)k;
			buf[len] = 0;
			char *sp = strchr(buf, ' ');
			char *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
			if (sp2)
				strbuf_add(&s->log, buf, (size_t)(sp2 - buf));
			strbuf_addch(&s->log, '\n');
			strbuf_add(&s->log, buf + hdr, clen);
			strbuf_addch(&s->log, '\n');
			const char *resp = s->responses[s->next++];
			if (streq(resp, "!hang")) {
				/* never answer: the client's timeout has to end the request */
				char tmp[16];
				while (read(c, tmp, sizeof(tmp)) > 0)
					;
				break;
			}
			if (streq(resp, "!truncated")) {
				static const char t[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
							"Content-Length: 100\r\n\r\n{\"kind\":";
				if (write(c, t, sizeof(t) - 1) < 0)
					break;
				break;
			}
			int status = (int)strtol(resp, NULL, 10);
			const char *body = strchr(resp, '|') + 1;
			char head[256];
			int hl = snprintf(head, sizeof(head),
					  "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nConnection: close\r\n"
					  "Content-Length: %zu\r\n\r\n",
					  status, strlen(body));
			if (write(c, head, (size_t)hl) < 0 || write(c, body, strlen(body)) < 0)
				break;
			/* one request per connection: concurrent clients never wait on each other */
			break;
		}
		close(c);
	}
	return NULL;
}

static void script_start(struct script *s, const char *const *responses, size_t n)
{
	memset(s, 0, sizeof(*s));
	strbuf_init(&s->log, 0);
	s->responses = responses;
	s->n = n;
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	socklen_t al = sizeof(a);
	getsockname(s->fd, (struct sockaddr *)&a, &al);
	s->port = ntohs(a.sin_port);
	assert_int_equal(listen(s->fd, 8), 0);
	pthread_create(&s->thr, NULL, serve, s);
}

static void script_stop(struct script *s)
{
	shutdown(s->fd, SHUT_RDWR);
	close(s->fd);
	pthread_join(s->thr, NULL);
	strbuf_release(&s->log);
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
	struct script s;
	script_start(&s, resp, ARRAY_SIZE(resp));
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
	script_stop(&s);
	assert_string_equal(s.log.buf ? "" : "", "");
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
	struct script s;
	script_start(&s, resp, ARRAY_SIZE(resp));
	struct kube_client *c = client_for(s.port);
	json_t *cm = json_pack("{s:{s:s,s:s},s:{s:s}}", "metadata", "name", "a b", "namespace",
			       "kube-system", "data", "k", "v");
	assert_int_equal(kube_create_or_update(c, &kube_res_configmaps, cm), 0);
	kube_client_free(c);
	/* the server thread is done once it has answered all three */
	pthread_join(s.thr, NULL);
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
	close(s.fd);
	strbuf_release(&s.log);
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
	struct script s;
	script_start(&s, resp, ARRAY_SIZE(resp));
	struct kube_client *c = client_for(s.port);
	kube_client_set_api_call_timeout(c, 25, 10);
	json_t *cm = json_pack("{s:{s:s,s:s}}", "metadata", "name", "a", "namespace", "ns");
	int r = kube_create_or_update(c, &kube_res_secrets, cm);
	assert_int_equal(r, -EPERM);
	assert_string_equal(error_message(r), "unable to create *v1.Secret: no");
	kube_client_free(c);
	script_stop(&s);
	json_decref(cm);
}

static void test_connect_refused(void **state)
{
	(void)state;
	struct script s;
	script_start(&s, NULL, 0);
	int port = s.port;
	script_stop(&s);
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
	struct script s;
	script_start(&s, resp, ARRAY_SIZE(resp));
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
	script_stop(&s);
}

static void test_body_cap(void **state)
{
	(void)state;
	static const char *const resp[] = {
		"200|{\"kind\":\"ConfigMap\",\"data\":{\"k\":\"0123456789012345678901234567890123456789\"}}",
		"200|{\"kind\":\"ConfigMap\"}",
	};
	struct script s;
	script_start(&s, resp, ARRAY_SIZE(resp));
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
	pthread_join(s.thr, NULL);
	close(s.fd);
	strbuf_release(&s.log);
}

static void test_apply_all(void **state)
{
	(void)state;
	static const char *const resp[] = { "201|{}", "201|{}", "403|{\"kind\":\"Status\",\"message\":\"no\"}",
					    "403|{\"kind\":\"Status\",\"message\":\"no\"}" };
	struct script s;
	script_start(&s, resp, ARRAY_SIZE(resp));
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
	pthread_join(s.thr, NULL);
	close(s.fd);
	strbuf_release(&s.log);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
