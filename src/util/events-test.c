/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <errno.h>
#include <sys/wait.h>

#include <jansson.h>

#include "util/events.h"
#include "util/fs.h"
#include "util/sha256.h"
#include "util/strv.h"
#include "util/xalloc.h"

static char *tmp_path(void)
{
	char tmpl[] = "/tmp/events-test-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	return xasprintf("%s/events.jsonl", tmpl);
}

static void cleanup_path(char *p)
{
	unlink(p);
	*strrchr(p, '/') = '\0';
	rmdir(p);
	free(p);
}

/* The lines of the file, each parsed (fails the test when one does not parse). */
static json_t *read_lines(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(fs_read_file(AT_FDCWD, path, 1 << 20, &data, &len), 0);
	json_t *a = json_array();
	char *save = NULL;
	assert_true(len == 0 || data[len - 1] == '\n');
	for (char *l = strtok_r(data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		json_error_t err;
		json_t *o = json_loads(l, 0, &err);
		if (!o)
			fail_msg("line does not parse: %s (%s)", l, err.text);
		json_array_append_new(a, o);
	}
	free(data);
	return a;
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/*
 * Every line validates against docs/schemas/event.schema.json (the suite's validator, which
 * also asks the jsonschema package when it is installed). The tests run from the source root.
 */
static int schema_check(const char *path)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl("/usr/bin/python3", "python3", "tests/conformance/events/schema.py",
		      "docs/schemas/event.schema.json", path, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void validate_schema(const char *path)
{
	if (access("/usr/bin/python3", X_OK) < 0) {
		print_message("python3 missing: schema check skipped\n");
		return;
	}
	assert_int_equal(schema_check(path), 0);
	/* the same check refuses an event with a field out of its schema */
	_cleanup_free_ char *bad = xasprintf("%s.bad.jsonl", path);
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(fs_read_file(AT_FDCWD, path, 1 << 20, &data, &len), 0);
	char *p = strstr(data, "\"artifactKind\":\"Key\"");
	assert_non_null(p);
	memcpy(p, "\"artifactKind\":\"Kez\"", 20);
	assert_int_equal(fs_write_atomic(AT_FDCWD, bad, data, len, 0600, 0700), 0);
	free(data);
	assert_int_equal(schema_check(bad), 1);
	unlink(bad);
}

static void test_stream(void **state)
{
	(void)state;
	char *path = tmp_path();
	assert_false(events_enabled());
	events_warning("nobody listens"); /* off: nothing, no crash */
	assert_int_equal(events_open(path, "init", false), 0);
	assert_true(events_enabled());
	char *argv[] = { "init", "--token", "abcdef.0123456789abcdef", "--dry-run", NULL };
	events_run_started(argv, 4, true);
	events_phase_started("certs", NULL);
	events_phase_started("certs/ca", "certs");
	events_artifact("/etc/kubernetes/pki/ca.crt", "Created", "abc", 3);
	events_artifact("/etc/kubernetes/pki/ca.key", "Updated", "secret", 6);
	events_phase_finished("certs/ca", "certs", "Succeeded", NULL, NULL, 3);
	events_phase_finished("certs", NULL, "Succeeded", NULL, NULL, 4);
	events_api_object("", "v1", "Secret", "kube-system", "bootstrap-token-abcdef", "Created");
	events_warning("[WARNING Swap]: swap is on");
	events_set_error_phase("preflight");
	events_run_finished(-EINVAL, "error execution phase preflight: boom", 1);
	events_close();
	assert_false(events_enabled());

	json_t *lines = read_lines(path);
	assert_int_equal(json_array_size(lines), 10);
	size_t i;
	json_t *o;
	assert_non_null(str(json_array_get(lines, 0), "runID"));
	_cleanup_free_ char *run_id = xstrdup(str(json_array_get(lines, 0), "runID"));
	assert_int_equal(strlen(run_id), 36);
	assert_int_equal(run_id[14], '4');
	json_array_foreach(lines, i, o) {
		assert_string_equal(str(o, "apiVersion"), "ckubeadm.io/v1alpha1");
		assert_string_equal(str(o, "kind"), "Event");
		assert_int_equal(json_integer_value(json_object_get(o, "seq")), (json_int_t)i + 1);
		assert_string_equal(str(o, "command"), "init");
		assert_string_equal(str(o, "runID"), run_id);
		const char *t = str(o, "time");
		assert_non_null(t);
		/* 2026-07-02T10:11:12.123456789Z */
		assert_int_equal(strlen(t), 30);
		assert_int_equal(t[10], 'T');
		assert_int_equal(t[29], 'Z');
		assert_true(json_integer_value(json_object_get(o, "elapsedMs")) >= 0);
	}
	o = json_array_get(lines, 0);
	assert_string_equal(str(o, "type"), "RunStarted");
	assert_true(json_is_true(json_object_get(o, "dryRun")));
	assert_string_equal(str(o, "kubeadmCompat"), "v1.37.2");
	json_t *a = json_object_get(o, "argv");
	assert_string_equal(json_string_value(json_array_get(a, 2)), "<redacted>");
	assert_string_equal(json_string_value(json_array_get(a, 3)), "--dry-run");
	o = json_array_get(lines, 3);
	assert_string_equal(str(o, "type"), "Artifact");
	assert_string_equal(str(o, "artifactKind"), "Certificate");
	assert_string_equal(str(o, "action"), "Created");
	/* SHA-256("abc"), FIPS 180-2 appendix B.1 */
	assert_string_equal(str(o, "sha256"),
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	o = json_array_get(lines, 4);
	assert_string_equal(str(o, "artifactKind"), "Key");
	assert_string_equal(str(o, "action"), "Updated");
	assert_null(json_object_get(o, "sha256")); /* no digest of a key */
	o = json_array_get(lines, 5);
	assert_string_equal(str(o, "parent"), "certs");
	assert_int_equal(json_integer_value(json_object_get(o, "durationMs")), 3);
	o = json_array_get(lines, 7);
	assert_string_equal(str(o, "objectKind"), "Secret");
	assert_string_equal(str(o, "namespace"), "kube-system");
	assert_string_equal(str(o, "action"), "Created");
	o = json_array_get(lines, 9);
	assert_string_equal(str(o, "type"), "RunFinished");
	assert_string_equal(str(o, "outcome"), "Failed");
	assert_int_equal(json_integer_value(json_object_get(o, "exitCode")), 1);
	json_t *e = json_object_get(o, "error");
	assert_string_equal(str(e, "phase"), "preflight");
	assert_string_equal(str(e, "kind"), "Preflight");
	assert_string_equal(str(e, "message"), "error execution phase preflight: boom");
	json_decref(lines);

	/* a second run appends (O_APPEND) and starts again at seq 1 with a new run ID */
	assert_int_equal(events_open(path, "reset", false), 0);
	events_run_finished(0, NULL, 0);
	events_close();
	lines = read_lines(path);
	assert_int_equal(json_array_size(lines), 11);
	o = json_array_get(lines, 10);
	assert_int_equal(json_integer_value(json_object_get(o, "seq")), 1);
	assert_string_not_equal(str(o, "runID"), run_id);
	assert_string_equal(str(o, "outcome"), "Succeeded");
	assert_null(json_object_get(o, "error"));
	json_decref(lines);

	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	validate_schema(path);
	cleanup_path(path);
}

static void test_redact(void **state)
{
	(void)state;
	char *argv[] = { "join", "cp:6443", "--token=abcdef.0123456789abcdef",
			 "--discovery-token-ca-cert-hash", "sha256:aa", "--certificate-key",
			 "00ff", "--discovery-token", "abcdef.0123456789abcdef",
			 "--tls-bootstrap-token=x.y", "--token-ttl", "1h", "--", "--token", "z",
			 NULL };
	char **r = events_redact_argv(argv, strv_length(argv));
	const char *want[] = { "join", "cp:6443", "--token=<redacted>",
			       "--discovery-token-ca-cert-hash", "sha256:aa", "--certificate-key",
			       "<redacted>", "--discovery-token", "<redacted>",
			       "--tls-bootstrap-token=<redacted>", "--token-ttl", "1h", "--",
			       "--token", "z", NULL };
	for (size_t i = 0; want[i]; i++)
		assert_string_equal(r[i], want[i]);
	assert_null(r[strv_length(argv)]);
	strv_free(r);
}

static int calls;
static ssize_t eintr_once(int fd, const void *buf, size_t len)
{
	if (calls++ == 0) {
		errno = EINTR;
		return -1;
	}
	return write(fd, buf, len);
}

static ssize_t short_write(int fd, const void *buf, size_t len)
{
	calls++;
	return write(fd, buf, len / 2);
}

/* fd:N; an interrupted write is retried whole; a short write ends the stream. */
static void test_fd_and_writes(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(events_open("fd:-1", "init", false), -EINVAL);
	assert_int_equal(events_open("fd:x", "init", false), -EINVAL);
	assert_int_equal(events_open("fd:999", "init", false), -EBADF);
	assert_false(events_enabled());
	char spec[32];
	snprintf(spec, sizeof(spec), "fd:%d", p[1]);
	assert_int_equal(events_open(spec, "join", false), 0);
	calls = 0;
	events_set_write_fn(eintr_once);
	events_warning("one");
	assert_int_equal(calls, 2);
	events_set_write_fn(NULL);
	events_warning("two");
	char buf[4096];
	ssize_t n = read(p[0], buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	char *nl = strchr(buf, '\n');
	assert_non_null(nl);
	*nl = '\0';
	json_t *o = json_loads(buf, 0, NULL);
	assert_non_null(o);
	assert_string_equal(str(o, "message"), "one");
	assert_int_equal(json_integer_value(json_object_get(o, "seq")), 1);
	json_decref(o);
	o = json_loads(nl + 1, JSON_DISABLE_EOF_CHECK, NULL);
	assert_non_null(o);
	assert_string_equal(str(o, "message"), "two");
	assert_int_equal(json_integer_value(json_object_get(o, "seq")), 2);
	json_decref(o);

	calls = 0;
	events_set_write_fn(short_write);
	events_warning("three");
	assert_int_equal(calls, 1); /* not retried: a second write would split the line */
	assert_false(events_enabled());
	events_warning("four");
	assert_int_equal(calls, 1);
	events_set_write_fn(NULL);
	events_close();
	/* an inherited descriptor is not ours to close */
	assert_true(fcntl(p[1], F_GETFD) >= 0);
	close(p[0]);
	close(p[1]);
}

/* Recording only (a result file, no stream): the hooks run, events are kept in memory. */
static void test_record(void **state)
{
	(void)state;
	assert_null(events_recorded());
	assert_int_equal(events_open(NULL, "reset", true), 0);
	assert_true(events_enabled());
	events_phase_started("preflight", NULL);
	events_phase_finished("preflight", NULL, "Succeeded", NULL, NULL, 1);
	events_warning("w");
	const json_t *r = events_recorded();
	assert_int_equal(json_array_size(r), 3);
	assert_string_equal(str(json_array_get(r, 2), "type"), "Warning");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 2), "seq")), 3);
	events_close();
	assert_false(events_enabled());
	assert_null(events_recorded());
}

/* The waiter: Waiting once at the start, no flood while retrying, then its end state. */
static void test_waiter_preflight_pull(void **state)
{
	(void)state;
	char *path = tmp_path();
	struct events_waiter w;
	events_wait_begin(&w, "kubelet", "http://127.0.0.1:10248/healthz"); /* off: nothing */
	events_wait_end(&w, true, true, NULL);
	assert_int_equal(events_open(path, "join", false), 0);
	events_wait_begin(&w, "discovery", "https://10.0.0.1:6443/x");
	for (int i = 0; i < 100; i++)
		events_wait_retry(&w, "connection refused"); /* within 5 s: not reported */
	events_wait_end(&w, false, true, "connection refused\n");
	events_wait_begin(&w, "etcd", "https://10.0.0.1:2379");
	events_wait_end(&w, true, true, "ignored when healthy");
	events_wait_begin(&w, "kubelet", "u");
	events_wait_end(&w, false, false, NULL);
	char *warn[] = { "w1", "w2", NULL }, *err[] = { "e1", NULL };
	events_preflight_result("Port-6443", NULL, NULL, false);
	events_preflight_result("Swap", warn, NULL, false);
	events_preflight_result("Mem", warn, err, false);
	events_preflight_result("NumCPU", NULL, err, true);
	char *planned[] = { "preflight", "certs", "certs/ca", NULL }, *skip[] = { "addon", NULL };
	events_phases_planned(planned, skip);
	events_image_pull("registry.k8s.io/pause:3.10", "Present", 0, NULL);
	events_image_pull("registry.k8s.io/etcd:3.6", "Failed", 12, "not found");
	events_close();

	json_t *a = read_lines(path);
	assert_int_equal(json_array_size(a), 13);
	const char *want[][3] = {
		{ "Wait", "discovery", "Waiting" },    { "Wait", "discovery", "TimedOut" },
		{ "Wait", "etcd", "Waiting" },         { "Wait", "etcd", "Healthy" },
		{ "Wait", "kubelet", "Waiting" },      { "Wait", "kubelet", "Unhealthy" },
		{ "PreflightResult", "Port-6443", "Passed" },
		{ "PreflightResult", "Swap", "Warning" },
		{ "PreflightResult", "Mem", "Error" },
		{ "PreflightResult", "NumCPU", "Ignored" },
		{ "PhasesPlanned", NULL, NULL },
		{ "ImagePull", "registry.k8s.io/pause:3.10", "Present" },
		{ "ImagePull", "registry.k8s.io/etcd:3.6", "Failed" },
	};
	for (size_t i = 0; i < json_array_size(a); i++) {
		const json_t *e = json_array_get(a, i);
		assert_string_equal(str(e, "type"), want[i][0]);
		if (streq(want[i][0], "Wait")) {
			assert_string_equal(str(e, "target"), want[i][1]);
			assert_string_equal(str(e, "state"), want[i][2]);
		} else if (streq(want[i][0], "PreflightResult")) {
			assert_string_equal(str(e, "check"), want[i][1]);
			assert_string_equal(str(e, "outcome"), want[i][2]);
		} else if (streq(want[i][0], "ImagePull")) {
			assert_string_equal(str(e, "image"), want[i][1]);
			assert_string_equal(str(e, "state"), want[i][2]);
		}
	}
	/* the last error without kubeadm's trailing newline; none once healthy */
	assert_string_equal(str(json_array_get(a, 1), "lastError"), "connection refused");
	assert_null(json_object_get(json_array_get(a, 3), "lastError"));
	/* the most severe message is the one-line summary; all of them are kept */
	const json_t *mem = json_array_get(a, 8);
	assert_string_equal(str(mem, "severity"), "Error");
	assert_string_equal(str(mem, "message"), "e1");
	assert_int_equal(json_array_size(json_object_get(mem, "warnings")), 2);
	assert_false(json_boolean_value(json_object_get(mem, "ignored")));
	assert_true(json_boolean_value(json_object_get(json_array_get(a, 9), "ignored")));
	assert_null(json_object_get(json_array_get(a, 6), "severity"));
	const json_t *plan = json_array_get(a, 10);
	assert_int_equal(json_array_size(json_object_get(plan, "phasesPlanned")), 3);
	assert_string_equal(json_string_value(json_array_get(json_object_get(plan, "skipPhases"), 0)),
			    "addon");
	assert_string_equal(str(json_array_get(a, 12), "error"), "not found");
	json_decref(a);
	if (access("/usr/bin/python3", X_OK) == 0)
		assert_int_equal(schema_check(path), 0);
	cleanup_path(path);
}

/* SHA-256 against FIPS 180-2's vectors: empty, one block, two blocks (56 bytes), a million 'a'. */
static void test_sha256(void **state)
{
	(void)state;
	char hex[65];
	sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha256_hex(two, strlen(two), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	char *m = xmalloc(1000000);
	memset(m, 'a', 1000000);
	sha256_hex(m, 1000000, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* 63 and 64 bytes: the length goes into a second block, then a block of its own */
	memset(m, 'a', 64);
	sha256_hex(m, 63, hex);
	assert_string_equal(hex, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
	sha256_hex(m, 64, hex);
	assert_string_equal(hex, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_fd_and_writes),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_waiter_preflight_pull),
		cmocka_unit_test(test_sha256),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
