/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "build-config.h"
#include "util/error.h"
#include "util/events.h"
#include "util/json.h"
#include "util/parse.h"
#include "util/sha256.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

struct events {
	int fd;                 /* -1: off */
	bool own_fd;
	unsigned long long seq;
	long long start_ms;
	char run_id[37];
	char *command;
	char *error_phase;
	json_t *record;         /* every event emitted, for the result object; or NULL */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct events ev = { .fd = -1 };
static bool on; /* a stream or a recording: the hooks have something to do */
static ssize_t (*write_fn)(int, const void *, size_t) = write;

void events_set_write_fn(ssize_t (*fn)(int fd, const void *buf, size_t len))
{
	write_fn = fn ? fn : write;
}

long long events_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* RFC 4122 version 4 */
static void new_run_id(char out[37])
{
	unsigned char b[16];
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		/* no entropy source: the run ID only tells runs apart, time does that too */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)((ts.tv_nsec >> (i % 4 * 8)) ^ (ts.tv_sec >> (i % 8)) ^
					       getpid());
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
		 b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
		 b[14], b[15]);
}

int events_open(const char *spec, const char *command, bool record)
{
	int fd = -1;
	bool own = false;
	if (!spec) {
		/* recording only */
	} else if (strneq(spec, "fd:", 3)) {
		if (parse_int(spec + 3, 0, INT32_MAX, &fd) < 0)
			return error_set(-EINVAL, "invalid events destination %s: bad descriptor",
					 spec);
		if (fcntl(fd, F_GETFD) < 0) {
			int e = errno;
			return error_set(-e, "invalid events destination %s: %s", spec,
					 go_strerror(e));
		}
		/* one write per line stays one line only when every write appends */
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0 && !(fl & O_APPEND))
			(void)fcntl(fd, F_SETFL, fl | O_APPEND);
	} else {
		if (!*spec)
			return error_set(-EINVAL, "invalid events destination: empty path");
		fd = open(spec, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd < 0) {
			int e = errno;
			return error_set(-e, "open %s: %s", spec, go_strerror(e));
		}
		own = true;
	}
	pthread_mutex_lock(&lock);
	free(ev.command);
	free(ev.error_phase);
	json_decref(ev.record);
	ev = (struct events){ .fd = fd, .own_fd = own, .start_ms = events_now_ms(),
			      .command = xstrdup(command), .record = record ? json_array() : NULL };
	__atomic_store_n(&on, fd >= 0 || record, __ATOMIC_RELAXED);
	new_run_id(ev.run_id);
	pthread_mutex_unlock(&lock);
	return 0;
}

bool events_enabled(void)
{
	return __atomic_load_n(&on, __ATOMIC_RELAXED);
}

const json_t *events_recorded(void)
{
	return ev.record;
}

void events_close(void)
{
	pthread_mutex_lock(&lock);
	if (ev.own_fd && ev.fd >= 0)
		close(ev.fd);
	ev.fd = -1;
	free(ev.command);
	free(ev.error_phase);
	ev.command = ev.error_phase = NULL;
	json_decref(ev.record);
	ev.record = NULL;
	__atomic_store_n(&on, false, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&lock);
}

static void add_time(json_t *o)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char buf[64];
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)ts.tv_nsec);
	json_object_set_new(o, "time", json_string(buf));
}

/* Called with the lock held: one line, one write(2); EINTR retried with the whole line. */
static void write_line(const char *buf, size_t len)
{
	for (;;) {
		ssize_t w = write_fn(ev.fd, buf, len);
		if (w == (ssize_t)len)
			return;
		if (w < 0 && errno == EINTR)
			continue;
		/*
		 * An error or a short write (a full disk): a second write would split the line,
		 * so the stream ends here; what is in the file stays a valid prefix at best.
		 */
		if (ev.own_fd)
			close(ev.fd);
		ev.fd = -1;
		__atomic_store_n(&on, ev.record != NULL, __ATOMIC_RELAXED);
		return;
	}
}

void events_emit(const char *type, json_t *fields)
{
	if (!events_enabled()) {
		json_decref(fields);
		return;
	}
	pthread_mutex_lock(&lock);
	if (ev.fd < 0 && !ev.record) {
		pthread_mutex_unlock(&lock);
		json_decref(fields);
		return;
	}
	json_t *o = json_pack("{s:s,s:s,s:I}", "apiVersion", EVENTS_API_VERSION, "kind", "Event",
			      "seq", (json_int_t)++ev.seq);
	add_time(o);
	json_object_set_new(o, "elapsedMs", json_integer(events_now_ms() - ev.start_ms));
	json_object_set_new(o, "runID", json_string(ev.run_id));
	json_object_set_new(o, "command", json_string(ev.command));
	json_object_set_new(o, "type", json_string(type));
	if (fields)
		json_object_update(o, fields);
	json_decref(fields);
	if (ev.record)
		json_array_append(ev.record, o);
	if (ev.fd < 0) {
		json_decref(o);
		pthread_mutex_unlock(&lock);
		return;
	}
	char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, line);
	strbuf_addch(&sb, '\n');
	free(line);
	write_line(sb.buf, sb.len);
	strbuf_release(&sb);
	pthread_mutex_unlock(&lock);
}

/* The flags whose value is a secret (a token's secret half, the certificate encryption key). */
static const char *const secret_flags[] = {
	"token", "certificate-key", "discovery-token", "tls-bootstrap-token", NULL,
};

static const char *secret_flag(const char *arg)
{
	if (!strneq(arg, "--", 2))
		return NULL;
	for (const char *const *f = secret_flags; *f; f++) {
		size_t n = strlen(*f);
		if (strneq(arg + 2, *f, n) && (arg[2 + n] == '\0' || arg[2 + n] == '='))
			return *f;
	}
	return NULL;
}

char **events_redact_argv(char *const *argv, size_t argc)
{
	char **out = xcalloc(argc + 1, sizeof(char *));
	bool next_secret = false;
	bool dash = false;
	for (size_t i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (next_secret) {
			out[i] = xstrdup(EVENTS_REDACTED);
			next_secret = false;
			continue;
		}
		const char *f = dash ? NULL : secret_flag(a);
		if (streq(a, "--"))
			dash = true;
		if (!f) {
			out[i] = xstrdup(a);
			continue;
		}
		const char *eq = strchr(a, '=');
		if (eq) {
			out[i] = xasprintf("%.*s=%s", (int)(eq - a), a, EVENTS_REDACTED);
		} else {
			out[i] = xstrdup(a);
			next_secret = true;
		}
	}
	return out;
}

void events_run_started(char *const *argv, size_t argc, bool dry_run)
{
	if (!events_enabled())
		return;
	char **red = events_redact_argv(argv, argc);
	json_t *a = json_from_strv(red);
	strv_free(red);
	events_emit("RunStarted",
		    json_pack("{s:s,s:s,s:b,s:o}", "ckubeadmVersion", CKUBEADM_VERSION,
			      "kubeadmCompat", KUBE_GIT_VERSION, "dryRun", dry_run, "argv", a));
}

void events_phases_planned(char *const *planned, char *const *skipped)
{
	if (!events_enabled())
		return;
	json_t *f = json_pack("{s:o}", "phasesPlanned", json_from_strv(planned));
	if (skipped && *skipped)
		json_object_set_new(f, "skipPhases", json_from_strv(skipped));
	events_emit("PhasesPlanned", f);
}

void events_set_error_phase(const char *phase)
{
	if (!events_enabled())
		return;
	pthread_mutex_lock(&lock);
	if (!ev.error_phase)
		ev.error_phase = xstrdup(phase);
	pthread_mutex_unlock(&lock);
}

/* The error kind: a stable word for tools (exit codes stay kubeadm's, §0 C6). */
static const char *error_kind(int r, const char *phase, const char *message)
{
	if (phase && (streq(phase, "preflight") || strneq(phase, "preflight/", 10)))
		return "Preflight";
	if (r == -ETIMEDOUT || (message && strstr(message, "timed out")))
		return "Timeout";
	if (!phase && r == -EINVAL)
		return "Validation";
	if (r == -EIO || r == -ENOSPC || r == -EROFS || r == -EACCES)
		return "IO";
	if (message && strstr(message, "the server"))
		return "APIError";
	return "Internal";
}

void events_run_finished(int r, const char *message, int exit_code)
{
	if (!events_enabled())
		return;
	pthread_mutex_lock(&lock);
	char *phase = ev.error_phase ? xstrdup(ev.error_phase) : NULL;
	long long dur = events_now_ms() - ev.start_ms;
	pthread_mutex_unlock(&lock);
	json_t *f = json_pack("{s:s,s:i,s:I}", "outcome", r < 0 ? "Failed" : "Succeeded",
			      "exitCode", exit_code, "durationMs", (json_int_t)dur);
	if (r < 0) {
		json_t *e = json_object();
		if (phase)
			json_object_set_new(e, "phase", json_string(phase));
		json_object_set_new(e, "kind", json_string(error_kind(r, phase, message)));
		json_object_set_new(e, "message", json_string(message ? message : ""));
		json_object_set_new(f, "error", e);
	}
	free(phase);
	events_emit("RunFinished", f);
}

void events_phase_started(const char *phase, const char *parent)
{
	if (!events_enabled())
		return;
	json_t *f = json_pack("{s:s}", "phase", phase);
	if (parent)
		json_object_set_new(f, "parent", json_string(parent));
	events_emit("PhaseStarted", f);
}

void events_phase_finished(const char *phase, const char *parent, const char *outcome,
			   const char *reason, const char *error, long long duration_ms)
{
	if (!events_enabled())
		return;
	json_t *f = json_pack("{s:s}", "phase", phase);
	if (parent)
		json_object_set_new(f, "parent", json_string(parent));
	json_object_set_new(f, "outcome", json_string(outcome));
	json_object_set_new(f, "durationMs", json_integer(duration_ms));
	if (reason)
		json_object_set_new(f, "reason", json_string(reason));
	if (error)
		json_object_set_new(f, "error", json_string(error));
	events_emit("PhaseFinished", f);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && streq(s + n - m, suffix);
}

/* What kind of file a path is, by kubeadm's layout. */
static const char *artifact_kind(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (has_suffix(base, ".crt"))
		return "Certificate";
	if (has_suffix(base, ".key") || has_suffix(base, ".pub"))
		return "Key";
	if (has_suffix(base, ".conf") && strstr(path, "kubernetes/"))
		return "KubeConfig";
	if (strstr(path, "/manifests/") && has_suffix(base, ".yaml"))
		return "StaticPodManifest";
	if (strstr(path, "/var/lib/kubelet/"))
		return "KubeletConfig";
	return "File";
}

void events_artifact(const char *path, const char *action, const void *data, size_t len)
{
	if (!events_enabled())
		return;
	const char *kind = artifact_kind(path);
	json_t *f = json_pack("{s:s,s:s,s:s}", "path", path, "artifactKind", kind, "action", action);
	/* a key's digest would tell its bytes apart; a kubeconfig embeds a key */
	if (!streq(kind, "Key") && !streq(kind, "KubeConfig")) {
		char hex[65];
		sha256_hex(data, len, hex);
		json_object_set_new(f, "sha256", json_string(hex));
	}
	events_emit("Artifact", f);
}

void events_api_object(const char *group, const char *version, const char *kind,
		       const char *ns, const char *name, const char *action)
{
	if (!events_enabled())
		return;
	json_t *f = json_pack("{s:s,s:s,s:s}", "group", group ? group : "", "version", version,
			      "objectKind", kind);
	if (ns && *ns)
		json_object_set_new(f, "namespace", json_string(ns));
	json_object_set_new(f, "name", json_string(name ? name : ""));
	json_object_set_new(f, "action", json_string(action));
	events_emit("APIObject", f);
}

void events_wait(const char *target, const char *url, const char *state, const char *last_error)
{
	if (!events_enabled())
		return;
	json_t *f = json_pack("{s:s,s:s,s:s}", "target", target, "url", url, "state", state);
	if (last_error && *last_error) {
		/* the probe errors end with a newline as kubeadm prints them */
		size_t n = strlen(last_error);
		while (n && last_error[n - 1] == '\n')
			n--;
		json_object_set_new(f, "lastError", json_stringn(last_error, n));
	}
	events_emit("Wait", f);
}

#define WAIT_REPORT_MS 5000

void events_wait_begin(struct events_waiter *w, const char *target, const char *url)
{
	*w = (struct events_waiter){ .target = target, .url = url };
	if (!events_enabled())
		return;
	w->reported_ms = events_now_ms();
	events_wait(target, url, "Waiting", NULL);
}

void events_wait_retry(struct events_waiter *w, const char *last_error)
{
	if (!events_enabled() || !w->target)
		return;
	long long now = events_now_ms();
	if (now - w->reported_ms < WAIT_REPORT_MS)
		return;
	w->reported_ms = now;
	events_wait(w->target, w->url, "Waiting", last_error);
}

void events_wait_end(struct events_waiter *w, bool healthy, bool timed_out, const char *last_error)
{
	if (!events_enabled() || !w->target)
		return;
	events_wait(w->target, w->url, healthy ? "Healthy" : timed_out ? "TimedOut" : "Unhealthy",
		    healthy ? NULL : last_error);
}

static void add_messages(json_t *f, const char *key, char *const *v)
{
	if (!v || !*v)
		return;
	json_t *a = json_array();
	for (; *v; v++)
		json_array_append_new(a, json_string(*v));
	json_object_set_new(f, key, a);
}

void events_preflight_result(const char *check, char *const *warnings, char *const *errors,
			     bool ignored)
{
	if (!events_enabled())
		return;
	bool err = errors && *errors, warn = warnings && *warnings;
	const char *outcome = err ? (ignored ? "Ignored" : "Error") : warn ? "Warning" : "Passed";
	json_t *f = json_pack("{s:s,s:s,s:b}", "check", check, "outcome", outcome, "ignored",
			      ignored && err);
	if (err || warn) {
		/* the design's one-message fields: the most severe message */
		json_object_set_new(f, "severity", json_string(err ? "Error" : "Warning"));
		json_object_set_new(f, "message", json_string(err ? errors[0] : warnings[0]));
	}
	add_messages(f, "errors", errors);
	add_messages(f, "warnings", warnings);
	events_emit("PreflightResult", f);
}

void events_image_pull(const char *image, const char *state, long long duration_ms,
		       const char *error)
{
	if (!events_enabled())
		return;
	json_t *f = json_pack("{s:s,s:s,s:I}", "image", image, "state", state, "durationMs",
			      (json_int_t)duration_ms);
	if (error && *error)
		json_object_set_new(f, "error", json_string(error));
	events_emit("ImagePull", f);
}

void events_warning(const char *message)
{
	if (!events_enabled())
		return;
	events_emit("Warning", json_pack("{s:s}", "message", message));
}

/* ---- SIGINT / SIGTERM: RunFinished outcome Interrupted, then the default action ---- */

struct sbuf {
	char b[1024];
	size_t n;
};

static void sb_str(struct sbuf *s, const char *str)
{
	for (; *str && s->n < sizeof(s->b) - 2; str++)
		s->b[s->n++] = *str;
}

static void sb_num(struct sbuf *s, long long v, int width)
{
	char t[24];
	int n = 0;
	if (v < 0)
		v = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < (int)sizeof(t));
	while (n < width && n < (int)sizeof(t))
		t[n++] = '0';
	while (n && s->n < sizeof(s->b) - 2)
		s->b[s->n++] = t[--n];
}

/* civil_from_days (H. Hinnant): gmtime_r is not async-signal-safe */
static void sb_time(struct sbuf *s, const struct timespec *ts)
{
	long long days = ts->tv_sec / 86400, secs = ts->tv_sec % 86400;
	long long z = days + 719468, era = z / 146097, doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	long long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	long long y = yoe + era * 400 + (m <= 2);
	sb_num(s, y, 4);
	sb_str(s, "-");
	sb_num(s, m, 2);
	sb_str(s, "-");
	sb_num(s, d, 2);
	sb_str(s, "T");
	sb_num(s, secs / 3600, 2);
	sb_str(s, ":");
	sb_num(s, secs / 60 % 60, 2);
	sb_str(s, ":");
	sb_num(s, secs % 60, 2);
	sb_str(s, ".");
	sb_num(s, ts->tv_nsec, 9);
	sb_str(s, "Z");
}

/*
 * Async-signal-safe: no allocation, no stdio; the lock is only tried (a handler that
 * interrupted an emit of its own thread must not wait for it), so an event being written at
 * that moment stays whole and the last line is then that event.
 */
static void on_signal(int sig)
{
	int saved = errno;
	if (ev.fd >= 0 && pthread_mutex_trylock(&lock) == 0) {
		struct sbuf s = { .n = 0 };
		struct timespec rt, mono;
		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_MONOTONIC, &mono);
		long long now = (long long)mono.tv_sec * 1000 + mono.tv_nsec / 1000000;
		sb_str(&s, "{\"apiVersion\":\"" EVENTS_API_VERSION "\",\"kind\":\"Event\",\"seq\":");
		sb_num(&s, (long long)++ev.seq, 1);
		sb_str(&s, ",\"time\":\"");
		sb_time(&s, &rt);
		sb_str(&s, "\",\"elapsedMs\":");
		sb_num(&s, now - ev.start_ms, 1);
		sb_str(&s, ",\"runID\":\"");
		sb_str(&s, ev.run_id);
		/* the command is made of command names: nothing to escape */
		sb_str(&s, "\",\"command\":\"");
		sb_str(&s, ev.command ? ev.command : "");
		sb_str(&s, "\",\"type\":\"RunFinished\",\"outcome\":\"Interrupted\",\"exitCode\":");
		sb_num(&s, 128 + sig, 1);
		sb_str(&s, ",\"durationMs\":");
		sb_num(&s, now - ev.start_ms, 1);
		sb_str(&s, ",\"signal\":");
		sb_num(&s, sig, 1);
		sb_str(&s, "}\n");
		while (write(ev.fd, s.b, s.n) < 0 && errno == EINTR)
			;
		pthread_mutex_unlock(&lock);
	}
	/* then what the signal would have done: the exit status stays kubeadm's */
	signal(sig, SIG_DFL);
	errno = saved;
	raise(sig);
}

void events_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
