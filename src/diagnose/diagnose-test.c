/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rules from recorded facts: a healthy node matches nothing; each fixture changes the
 * facts the way its fault does and must name exactly its cause as the headline. The /proc
 * parsers against real file shapes.
 */
#include "util/testing.h"

#include <errno.h>
#include <string.h>

#include "cri/cri.h"
#include "diagnose/diagnose.h"
#include "util/error.h"
#include "util/strv.h"
#include "util/xalloc.h"

static struct diag_component *add_component(struct diag_facts *f, const char *name)
{
	f->components = xrealloc(f->components, (f->n_components + 1) * sizeof(*f->components));
	struct diag_component *c = &f->components[f->n_components++];
	*c = (struct diag_component){ .name = xstrdup(name), .image_present = DIAG_YES,
				      .has_sandbox = true, .sandbox_ready = true,
				      .has_container = true, .state = CRI_CONTAINER_RUNNING,
				      .reason = xstrdup(""), .message = xstrdup(""),
				      .log = xnew0(char *) };
	c->manifest_image = xasprintf("registry.k8s.io/%s:v1.37.2", name);
	return c;
}

static struct diag_component *comp(struct diag_facts *f, const char *name)
{
	for (size_t i = 0; i < f->n_components; i++)
		if (streq(f->components[i].name, name))
			return &f->components[i];
	fail();
	return NULL;
}

static void add_listener(struct diag_facts *f, unsigned port, int pid, const char *comm)
{
	f->listeners = xrealloc(f->listeners, (f->n_listeners + 1) * sizeof(*f->listeners));
	f->listeners[f->n_listeners++] = (struct diag_listener){ port, xstrdup("127.0.0.1"), pid,
								 xstrdup(comm) };
}

static void add_cert(struct diag_facts *f, const char *name, time_t nb, time_t na, int ca_ok)
{
	f->certs = xrealloc(f->certs, (f->n_certs + 1) * sizeof(*f->certs));
	f->certs[f->n_certs++] = (struct diag_cert){ xstrdup(name), nb, na, ca_ok };
}

/* A healthy single control-plane node on the bed (cgroupfs, no systemd, cgroup v1). */
static struct diag_facts *healthy(void)
{
	struct diag_facts *f = diag_facts_new();
	f->now = 1800000000;
	f->cri_endpoint = xstrdup("unix:///var/run/containerd/containerd.sock");
	f->runtime_ready = DIAG_YES;
	f->sandbox_image = xstrdup("registry.k8s.io/pause:3.10.1");
	f->sandbox_image_present = DIAG_YES;
	f->runtime_systemd_cgroup = DIAG_NO;
	f->kubelet_healthy = DIAG_YES;
	f->kubelet_running = DIAG_YES;
	f->kubelet_cgroup_driver = xstrdup("cgroupfs");
	f->kubelet_static_pod_path = xstrdup("/etc/kubernetes/manifests");
	f->kubelet_fail_swap_on = DIAG_YES;
	f->kubelet_runtime_endpoint = xstrdup("unix:///run/containerd/containerd.sock");
	f->manifests_dir = xstrdup("/etc/kubernetes/manifests");
	f->systemd_running = DIAG_NO;
	f->cgroup_v2 = DIAG_NO;
	f->mem_available_kb = 8ULL << 20;
	f->ncpu = 2;
	f->disk_free_pct = 60;
	f->disk_low_path = xstrdup("/var/lib/etcd");
	f->etcd_data_predates = DIAG_NO;
	add_component(f, "etcd");
	add_component(f, "kube-apiserver");
	add_component(f, "kube-controller-manager");
	add_component(f, "kube-scheduler");
	add_listener(f, 6443, 100, "kube-apiserver");
	add_listener(f, 2379, 101, "etcd");
	add_listener(f, 10259, 102, "kube-scheduler");
	add_cert(f, "ca", f->now - 3600, f->now + 86400 * 3650, DIAG_UNKNOWN);
	add_cert(f, "apiserver", f->now - 3600, f->now + 86400 * 365, DIAG_YES);
	return f;
}

/* The headline and how many findings: exactly one Fatal/Likely cause named first. */
static void expect(struct diag_facts *f, const char *code, const char *evidence_token)
{
	struct diag_report r;
	diag_evaluate(f, &r);
	if (!code) {
		if (r.n)
			print_error("unexpected %s: %s\n", r.findings[0].rule->code, r.findings[0].summary);
		assert_int_equal(r.n, 0);
	} else {
		assert_true(r.n >= 1);
		if (!streq(r.findings[0].rule->code, code))
			print_error("expected %s, got %s: %s\n", code, r.findings[0].rule->code,
				    r.findings[0].summary);
		assert_string_equal(r.findings[0].rule->code, code);
		if (evidence_token) {
			_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
			diag_render_text(&r, false, &sb);
			if (!strstr(sb.buf, evidence_token))
				print_error("no %s in:\n%s", evidence_token, sb.buf);
			assert_non_null(strstr(sb.buf, evidence_token));
			/* one headline only */
			const char *h = strstr(sb.buf, "Likely cause");
			assert_non_null(h);
			assert_null(strstr(h + 1, "Likely cause"));
		}
	}
	diag_report_release(&r);
	diag_facts_free(f);
}

static void logv(char ***log, const char *line)
{
	strv_push(log, line);
}

static void test_healthy(void **state)
{
	expect(healthy(), NULL, NULL);
}

static void test_runtime(void **state)
{
	struct diag_facts *f = healthy();
	f->cri_errno = ECONNREFUSED;
	f->cri_error = xstrdup("rpc error: code = Unavailable desc = connection error");
	f->kubelet_healthy = DIAG_NO;
	expect(f, "RUNTIME_UNAVAILABLE", "connection error");

	f = healthy();
	f->cri_errno = EOPNOTSUPP;
	f->cri_error = xstrdup("rpc error: code = Unimplemented desc = unknown service runtime.v1.RuntimeService");
	expect(f, "RUNTIME_CRI_DISABLED", "unknown service runtime.v1.RuntimeService");

	f = healthy();
	f->runtime_ready = DIAG_NO;
	f->runtime_message = xstrdup("x: y");
	expect(f, "RUNTIME_UNAVAILABLE", "RuntimeReady=false");
}

static void test_kubelet(void **state)
{
	struct diag_facts *f = healthy();
	f->kubelet_healthy = DIAG_NO;
	f->kubelet_running = DIAG_NO;
	f->kubelet_health_error = xstrdup("connect: connection refused");
	expect(f, "KUBELET_NOT_RUNNING", "no process named kubelet");

	f = healthy();
	f->kubelet_healthy = DIAG_NO;
	logv(&f->kubelet_log, "E1208 failed to load kubelet config file, path: /var/lib/kubelet/config.yaml, error: ...");
	expect(f, "KUBELET_CONFIG_INVALID", "failed to load kubelet config file");

	f = healthy();
	f->kubelet_healthy = DIAG_NO;
	logv(&f->kubelet_log, "E1208 03:00 run.go:72] \"command failed\" err=\"something\"");
	expect(f, "KUBELET_UNHEALTHY", "command failed");

	f = healthy();
	free(f->kubelet_static_pod_path);
	f->kubelet_static_pod_path = xstrdup("/tmp/elsewhere");
	expect(f, "STATIC_PODS_NOT_PICKED_UP", "/tmp/elsewhere");

	f = healthy();
	f->kubelet_healthy = DIAG_NO;
	free(f->kubelet_runtime_endpoint);
	f->kubelet_runtime_endpoint = xstrdup("unix:///var/run/crio/crio.sock");
	expect(f, "CRI_SOCKET_MISMATCH", "crio.sock");

	f = healthy();
	logv(&f->kubelet_log, "E1208 reflector.go] x509: certificate signed by unknown authority");
	expect(f, "KUBELET_CREDENTIALS_INVALID", "unknown authority");
}

static void test_swap_and_cgroups(void **state)
{
	struct diag_facts *f = healthy();
	f->swap_kb = 1 << 20;
	f->kubelet_healthy = DIAG_NO;
	logv(&f->kubelet_log, "E1208 run.go] \"command failed\" err=\"failed to run Kubelet: running with swap on is not supported, please disable swap\"");
	expect(f, "SWAP_ENABLED", "1048576 kB");

	/* swap on but failSwapOn: false: fine */
	f = healthy();
	f->swap_kb = 1 << 20;
	f->kubelet_fail_swap_on = DIAG_NO;
	expect(f, NULL, NULL);

	f = healthy();
	free(f->kubelet_cgroup_driver);
	f->kubelet_cgroup_driver = xstrdup("systemd");
	f->kubelet_healthy = DIAG_NO;
	expect(f, "CGROUP_DRIVER_MISMATCH", "cgroupDriver: systemd");

	f = healthy();
	f->runtime_systemd_cgroup = DIAG_YES;
	f->systemd_running = DIAG_YES;
	f->kubelet_healthy = DIAG_NO;
	expect(f, "CGROUP_DRIVER_MISMATCH", "SystemdCgroup=true");

	f = healthy();
	f->systemd_running = DIAG_YES;
	f->runtime_systemd_cgroup = DIAG_YES;
	free(f->kubelet_cgroup_driver);
	f->kubelet_cgroup_driver = xstrdup("systemd");
	expect(f, NULL, NULL);

	f = healthy();
	for (size_t i = 0; i < f->n_components; i++)
		f->components[i].sandbox_attempt = 0;
	comp(f, "etcd")->sandbox_attempt = 4;
	logv(&f->kubelet_log, "I1208 \"Pod sandbox changed, it will be killed and re-created\" SandboxChanged pod=\"kube-system/etcd-cp1\"");
	expect(f, "SANDBOX_RECREATED_LOOP", "attempt 4");
}

static void test_sandbox_and_images(void **state)
{
	struct diag_facts *f = healthy();
	f->sandbox_image_present = DIAG_NO;
	free(f->sandbox_image);
	f->sandbox_image = xstrdup("registry.invalid/pause:9.9");
	for (size_t i = 0; i < f->n_components; i++) {
		f->components[i].has_sandbox = f->components[i].sandbox_ready = false;
		f->components[i].has_container = false;
	}
	logv(&f->kubelet_log, "E1208 \"CreatePodSandbox for pod failed\" err=\"failed to get sandbox image \\\"registry.invalid/pause:9.9\\\"\"");
	expect(f, "SANDBOX_IMAGE_UNAVAILABLE", "registry.invalid/pause:9.9");

	f = healthy();
	struct diag_component *a = comp(f, "kube-apiserver");
	a->image_present = DIAG_NO;
	a->has_container = false;
	expect(f, "IMAGE_NOT_PRESENT", "registry.k8s.io/kube-apiserver:v1.37.2");

	f = healthy();
	for (size_t i = 0; i < f->n_components; i++)
		f->components[i].sandbox_ready = false;
	logv(&f->kubelet_log, "E1208 \"RunPodSandbox from runtime service failed\" err=\"failed to create containerd task\"");
	expect(f, "SANDBOX_CREATE_FAILED", "RunPodSandbox");
}

static void exited(struct diag_component *c, int code, unsigned attempt, const char *reason)
{
	c->state = CRI_CONTAINER_EXITED;
	c->exit_code = code;
	c->attempt = attempt;
	free(c->reason);
	c->reason = xstrdup(reason);
}

static void test_components(void **state)
{
	struct diag_facts *f = healthy();
	struct diag_component *a = comp(f, "kube-apiserver");
	exited(a, 1, 3, "Error");
	logv(&a->log, "Error: unknown flag: --no-such-flag");
	expect(f, "COMPONENT_BAD_FLAG", "--no-such-flag");

	f = healthy();
	struct diag_component *s = comp(f, "kube-scheduler");
	exited(s, 1, 2, "Error");
	logv(&s->log, "E1208 run.go] \"command failed\" err=\"failed to create listener: failed to listen on 127.0.0.1:10259: listen tcp 127.0.0.1:10259: bind: address already in use\"");
	free(f->listeners[2].comm);
	f->listeners[2].comm = xstrdup("socat");
	f->listeners[2].pid = 4242;
	expect(f, "PORT_IN_USE", "socat (pid 4242)");

	/* the port held by an earlier instance of the component itself is no foreign owner */
	f = healthy();
	s = comp(f, "kube-scheduler");
	exited(s, 1, 2, "Error");
	logv(&s->log, "listen tcp 127.0.0.1:10259: bind: address already in use");
	expect(f, "COMPONENT_CRASHING", "address already in use");

	f = healthy();
	exited(comp(f, "kube-apiserver"), 137, 2, "OOMKilled");
	expect(f, "OOM_KILLED", "reason OOMKilled");

	f = healthy();
	a = comp(f, "kube-apiserver");
	exited(a, 128, 0, "StartError");
	free(a->message);
	a->message = xstrdup("exec: \"kube-apiserver\": executable file not found in $PATH");
	expect(f, "CONTAINER_START_FAILED", "executable file not found");

	f = healthy();
	struct diag_component *e = comp(f, "etcd");
	exited(e, 1, 3, "Error");
	f->etcd_data_predates = DIAG_YES;
	logv(&e->log, "{\"level\":\"fatal\",\"msg\":\"discovery failed\",\"error\":\"cluster ID mismatch\"}");
	expect(f, "ETCD_DATA_DIR_FOREIGN", "cluster ID mismatch");

	f = healthy();
	e = comp(f, "etcd");
	exited(e, 2, 3, "Error");
	a = comp(f, "kube-apiserver");
	exited(a, 1, 3, "Error");
	logv(&a->log, "W1208 logging.go] grpc: addrConn.createTransport failed to connect to {Addr: \"127.0.0.1:2379\"} dial tcp 127.0.0.1:2379: connect: connection refused");
	expect(f, "ETCD_UNHEALTHY_DEPENDENCY", "127.0.0.1:2379");

	f = healthy();
	a = comp(f, "kube-apiserver");
	a->attempt = 3;
	a->exit_code = 137;
	logv(&f->kubelet_log, "I1208 prober.go] \"Probe failed\" probeType=\"Liveness\" pod=\"kube-system/kube-apiserver-cp1\" Liveness probe failed");
	expect(f, "LIVENESS_PROBE_FAILING", "Liveness probe failed");
}

static void test_pki_and_host(void **state)
{
	struct diag_facts *f = healthy();
	f->certs[1].not_before = f->now + 7200;
	expect(f, "CERT_NOT_YET_VALID", "apiserver.crt: NotBefore");

	f = healthy();
	f->certs[1].not_after = f->now - 1;
	expect(f, "CERT_EXPIRED", "apiserver.crt: NotAfter");

	f = healthy();
	f->certs[1].ca_ok = DIAG_NO;
	expect(f, "STALE_KUBECONFIG", "does not verify against its CA");

	f = healthy();
	logv(&f->kubelet_log, "E1208 x509: certificate is valid for 10.213.0.11, not 10.213.0.99");
	expect(f, "CERT_SAN_MISMATCH", "not 10.213.0.99");

	f = healthy();
	f->disk_free_pct = 4;
	expect(f, "DISK_PRESSURE", "4 % available");

	f = healthy();
	f->mem_available_kb = 1 << 20;
	f->ncpu = 1;
	expect(f, "RESOURCE_SHORTAGE", "1 CPU");
}

/* Fatal first: a resource shortage (Info) seen with a bad flag does not take the headline. */
static void test_ordering(void **state)
{
	struct diag_facts *f = healthy();
	f->ncpu = 1;
	struct diag_component *a = comp(f, "kube-apiserver");
	exited(a, 1, 3, "Error");
	logv(&a->log, "Error: unknown flag: --x");
	struct diag_report r;
	diag_evaluate(f, &r);
	assert_true(r.n >= 2);
	assert_string_equal(r.findings[0].rule->code, "COMPONENT_BAD_FLAG");
	assert_true(diag_report_fatal(&r));
	json_t *j = diag_report_json(&r, f);
	assert_string_equal(json_string_value(json_object_get(j, "headline")), "COMPONENT_BAD_FLAG");
	assert_true(json_is_true(json_object_get(j, "fatal")));
	assert_non_null(json_object_get(json_object_get(j, "facts"), "components"));
	json_decref(j);
	diag_report_release(&r);
	diag_facts_free(f);
}

/* Every code of the table has a fixture above (kept in step by this list). */
static void test_catalogue_complete(void **state)
{
	static const char *const tested[] = {
		"RUNTIME_CRI_DISABLED", "RUNTIME_UNAVAILABLE", "CRI_SOCKET_MISMATCH",
		"KUBELET_NOT_RUNNING", "SWAP_ENABLED", "CGROUP_DRIVER_MISMATCH",
		"KUBELET_CONFIG_INVALID", "CERT_NOT_YET_VALID", "CERT_EXPIRED", "STALE_KUBECONFIG",
		"SANDBOX_IMAGE_UNAVAILABLE", "PORT_IN_USE", "COMPONENT_BAD_FLAG",
		"ETCD_DATA_DIR_FOREIGN", "OOM_KILLED", "CONTAINER_START_FAILED", "IMAGE_NOT_PRESENT",
		"SANDBOX_RECREATED_LOOP", "SANDBOX_CREATE_FAILED", "LIVENESS_PROBE_FAILING",
		"KUBELET_CREDENTIALS_INVALID", "CERT_SAN_MISMATCH", "STATIC_PODS_NOT_PICKED_UP",
		"ETCD_UNHEALTHY_DEPENDENCY", "COMPONENT_CRASHING", "DISK_PRESSURE",
		"KUBELET_UNHEALTHY", "RESOURCE_SHORTAGE",
	};
	assert_int_equal(diag_n_rules, ARRAY_SIZE(tested));
	for (size_t i = 0; i < diag_n_rules; i++)
		assert_string_equal(diag_rules[i].code, tested[i]);
}

static void test_parse_swaps(void **state)
{
	uint64_t kb = 7;
	assert_int_equal(diag_parse_swaps("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n", &kb), 0);
	assert_int_equal(kb, 0);
	assert_int_equal(diag_parse_swaps("Filename Type Size Used Priority\n"
					  "/swapfile                               file\t\t2097148\t\t0\t\t-2\n"
					  "/dev/sdb2 partition 1024 12 -3\n",
					  &kb),
			 0);
	assert_int_equal(kb, 2098172);
	assert_int_equal(diag_parse_swaps("Filename Type Size Used Priority\n/x file big 0 -2\n", &kb),
			 -EBADMSG);
	assert_int_equal(diag_parse_swaps("", &kb), 0);
	error_clear();
}

static void test_parse_tcp(void **state)
{
	const char v4[] =
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
		"   0: 0100007F:280B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0\n"
		"   1: 0B00D50A:1A0B 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 20 4 30 10 -1\n";
	struct diag_tcp_listen *v = NULL;
	size_t n = 0;
	assert_int_equal(diag_parse_proc_net_tcp(v4, false, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].port, 10251);
	assert_string_equal(v[0].addr, "127.0.0.1");
	assert_int_equal(v[0].inode, 31337);
	const char v6[] =
		"  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
		"   0: 00000000000000000000000000000000:192B 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1 0000000000000000 100 0 0 10 0\n";
	assert_int_equal(diag_parse_proc_net_tcp(v6, true, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[1].port, 6443);
	assert_string_equal(v[1].addr, "0:0:0:0:0:0:0:0");
	assert_int_equal(diag_parse_proc_net_tcp("h\n 0: zz:zz 0:0 0A a b c 0 0 1\n", false, &v, &n),
			 -EBADMSG);
	assert_int_equal(diag_parse_proc_net_tcp("h\n 0: 0100007F:280B\n", false, &v, &n), -EBADMSG);
	assert_int_equal(n, 2);
	free(v);
	error_clear();
}

static void test_klog_time(void **state)
{
	const time_t now = 1796702400; /* 2026-12-08T04:00:00Z */
	assert_int_equal(diag_klog_time("I1208 03:59:58.123456    7346 kubelet.go:1] x", now), now - 2);
	assert_int_equal(diag_klog_time("E1231 23:00:00.000000 1 x.go] y", 1798761600 + 3600),
			 1798758000); /* 2026-12-31T23:00Z read on 2027-01-01 */
	assert_int_equal(diag_klog_time("kubelet-loop: starting kubelet", now), 0);
	assert_int_equal(diag_klog_time("I1399 00:00:00.0 x", now), 0);
	assert_int_equal(diag_klog_time("", now), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthy),
		cmocka_unit_test(test_runtime),
		cmocka_unit_test(test_kubelet),
		cmocka_unit_test(test_swap_and_cgroups),
		cmocka_unit_test(test_sandbox_and_images),
		cmocka_unit_test(test_components),
		cmocka_unit_test(test_pki_and_host),
		cmocka_unit_test(test_ordering),
		cmocka_unit_test(test_catalogue_complete),
		cmocka_unit_test(test_parse_swaps),
		cmocka_unit_test(test_parse_tcp),
		cmocka_unit_test(test_klog_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
