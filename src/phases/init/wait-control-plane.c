/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init phase "wait-control-plane" (cmd/phases/init/waitcontrolplane.go, util/apiclient/wait.go):
 * the kubelet's /healthz, then the API server's /livez (through the API client), the
 * controller-manager's /healthz and the scheduler's /livez at the addresses of their static Pod
 * manifests, within the configured timeouts. kubeadm polls every 500 ms
 * (constants.KubernetesAPICallRetryInterval); ckubeadm every 100 ms, so that a component is
 * seen healthy 50 ms after it is on average instead of 250 ms (a probe on loopback costs a
 * refused connect or one request on a kept-alive connection). With --dry-run the files kubeadm would write are printed instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config/duration.h"
#include "diagnose/diagnose.h"
#include "kube/http.h"
#include "kube/transport.h"
#include "phases/init.h"
#include "phases/init/api-client.h"
#include "util/error.h"
#include "util/events.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/yaml.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct kube_client *, kube_client_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct http_conn *, http_conn_close);

#define RETRY_MS 100

static const char *const components[] = { "kube-apiserver", "kube-controller-manager",
					  "kube-scheduler" };

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static char *go_duration(int64_t ns)
{
	char buf[DURATION_BUF];
	return xstrdup(duration_format(ns, buf, sizeof(buf)));
}

static const char *manifest_dir(const struct run_ctx *ctx)
{
	return ctx->dry_run ? strempty(ctx->dry_run_dir) : "/etc/kubernetes/manifests";
}

/* Go's os.PathError text for a failed read */
static char *open_error_text(int r, const char *path)
{
	_cleanup_free_ char *msg = xstrdup(strerror(-r));
	if (*msg >= 'A' && *msg <= 'Z')
		*msg = (char)(*msg - 'A' + 'a');
	return xasprintf("open %s: %s", path, msg);
}

/* utilerrors.NewAggregate(...).Error(): one message alone, several as "[a, b]" */
static void aggregate(struct strbuf *sb, char **msgs, size_t n)
{
	if (n == 1) {
		strbuf_addstr(sb, msgs[0]);
		return;
	}
	strbuf_addch(sb, '[');
	for (size_t i = 0; i < n; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", msgs[i]);
	strbuf_addch(sb, ']');
}

/* dryrunutil.PrintFilesIfDryRunning(true, manifestDir) */
static int print_dry_run_files(const char *dir)
{
	printf("[dryrun] Wrote certificates, kubeconfig files and control plane manifests to the "
	       "\"%s\" directory\n",
	       dir);
	puts("[dryrun] The certificates or kubeconfig files would not be printed due to their "
	     "sensitive nature");
	printf("[dryrun] Please examine the \"%s\" directory for details about what would be "
	       "written\n",
	       dir);
	static const char *const files[][2] = {
		{ "kube-apiserver.yaml", "/etc/kubernetes/manifests" },
		{ "kube-controller-manager.yaml", "/etc/kubernetes/manifests" },
		{ "kube-scheduler.yaml", "/etc/kubernetes/manifests" },
		{ "config.yaml", "/var/lib/kubelet" },
		{ "kubeadm-flags.env", "/var/lib/kubelet" },
	};
	char *errs[ARRAY_SIZE(files)];
	size_t nerr = 0;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *real = xasprintf("%s/%s", dir, files[i][0]);
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		int r = fs_read_file(AT_FDCWD, real, 16 << 20, &data, &len);
		if (r < 0) {
			errs[nerr++] = open_error_text(r, real);
			error_clear();
			continue;
		}
		printf("[dryrun] Would write file \"%s/%s\" with content:\n", files[i][1], files[i][0]);
		fwrite(data, 1, len, stdout);
	}
	fflush(stdout);
	if (!nerr)
		return 0;
	struct strbuf sb = STRBUF_INIT;
	aggregate(&sb, errs, nerr);
	for (size_t i = 0; i < nerr; i++)
		free(errs[i]);
	int r = error_set(-ENOENT, "error printing files on dryrun: %s", sb.buf);
	strbuf_release(&sb);
	return r;
}

static void print_kubelet_help(void)
{
	printf("\nUnfortunately, an error has occurred, likely caused by:\n"
	       "\t- The kubelet is not running\n"
	       "\t- The kubelet is unhealthy due to a misconfiguration of the node in some way "
	       "(required cgroups disabled)\n\n"
	       "If you are on a systemd-powered system, you can try to troubleshoot the error with "
	       "the following commands:\n"
	       "\t- 'systemctl status kubelet'\n"
	       "\t- 'journalctl -xeu kubelet'\n\n");
	fflush(stdout);
}

static void print_control_plane_help(const char *socket)
{
	printf("\nA control plane component may have crashed or exited when started by the container "
	       "runtime.\n"
	       "To troubleshoot, list all containers using your preferred container runtimes CLI.\n"
	       "Here is one example how you may list all running Kubernetes containers by using "
	       "crictl:\n"
	       "\t- 'crictl --runtime-endpoint %s ps -a | grep kube | grep -v pause'\n"
	       "\tOnce you have found the failing container, you can inspect its logs with:\n"
	       "\t- 'crictl --runtime-endpoint %s logs CONTAINERID'\n\n",
	       socket, socket);
	fflush(stdout);
}

static char *join_host_port(const char *host, const char *port)
{
	return strchr(host, ':') ? xasprintf("[%s]:%s", host, port) : xasprintf("%s:%s", host, port);
}

/* WaitForKubelet */
static int wait_for_kubelet(const char *addr, int64_t port, int64_t timeout_ns,
			    const atomic_bool *stop)
{
	char ps[24];
	snprintf(ps, sizeof(ps), "%lld", (long long)port);
	_cleanup_free_ char *hp = join_host_port(addr, ps);
	_cleanup_free_ char *url = xasprintf("http://%s/healthz", hp);
	if (port == 0) {
		puts("[kubelet-check] Skipping the kubelet health check because the healthz port is "
		     "set to 0");
		fflush(stdout);
		return 0;
	}
	_cleanup_free_ char *tmo = go_duration(timeout_ns);
	printf("[kubelet-check] Waiting for a healthy kubelet at %s. This can take up to %s\n", url,
	       tmo);
	fflush(stdout);
	struct events_waiter ew;
	events_wait_begin(&ew, "kubelet", url);
	int64_t start = mono_ns(), deadline = start + timeout_ns;
	_cleanup_free_ char *last = NULL;
	_cleanup_(http_conn_closep) struct http_conn *conn = NULL;
	for (;;) {
		int64_t left_ms = (deadline - mono_ns()) / 1000000;
		long status = 0;
		int r = kube_http_probe(&conn, url, false, left_ms > 1 ? (long)left_ms : 1, &status);
		free(last);
		last = NULL;
		if (r < 0) {
			last = xasprintf("The HTTP call equal to 'curl -sSL %s' returned error: %s\n", url,
					 error_message(r));
			error_clear();
		} else if (status != 200) {
			last = xasprintf("The HTTP call equal to 'curl -sSL %s' returned status code: "
					 "%ld\n",
					 url, status);
		} else {
			_cleanup_free_ char *took = go_duration(mono_ns() - start);
			printf("[kubelet-check] The kubelet is healthy after %s\n", took);
			fflush(stdout);
			events_wait_end(&ew, true, true, NULL);
			return 0;
		}
		events_wait_retry(&ew, last);
		int64_t now = mono_ns();
		if (now >= deadline || (stop && atomic_load(stop)))
			break;
		int64_t wait = (deadline - now) / 1000000;
		sleep_ms(wait < RETRY_MS ? (long)wait : RETRY_MS);
		if (mono_ns() >= deadline)
			break;
	}
	_cleanup_free_ char *took = go_duration(mono_ns() - start);
	printf("[kubelet-check] The kubelet is not healthy after %s\n", took);
	fflush(stdout);
	events_wait_end(&ew, false, true, last);
	return error_set(-ETIMEDOUT, "%s", last ? last : "context deadline exceeded");
}

struct component {
	const atomic_bool *stop;    /* set by fail-fast: end the wait now */
	const char *name;
	char *url;
	char *endpoint;
	struct kube_client *client; /* the API server's check only */
	int64_t timeout_ns;
	char *error; /* out */
	pthread_t thr;
};

static void *check_component(void *p)
{
	struct component *c = p;
	int64_t start = mono_ns(), deadline = start + c->timeout_ns;
	bool healthy = false;
	struct events_waiter ew;
	events_wait_begin(&ew, c->name, c->url);
	_cleanup_(http_conn_closep) struct http_conn *conn = NULL;
	for (;;) {
		int64_t left_ms = (deadline - mono_ns()) / 1000000;
		long tmo = left_ms > 1 ? (long)left_ms : 1;
		long status = 0;
		int r;
		if (c->client) {
			_cleanup_free_ char *body = NULL;
			_cleanup_free_ char *path = xasprintf("/%s", c->endpoint);
			r = kube_get_raw(c->client, path, tmo, &status, &body);
		} else {
			r = kube_http_probe(&conn, c->url, true, tmo, &status);
		}
		free(c->error);
		c->error = NULL;
		if (r < 0) {
			c->error = xasprintf("%s check failed at %s: %s", c->name, c->url,
					     error_message(r));
			error_clear();
		} else if (status != 200) {
			c->error = xasprintf("%s check failed at %s with status: %ld", c->name, c->url,
					     status);
		} else {
			healthy = true;
			break;
		}
		events_wait_retry(&ew, c->error);
		int64_t now = mono_ns();
		if (now >= deadline || (c->stop && atomic_load(c->stop)))
			break;
		int64_t wait = (deadline - now) / 1000000;
		sleep_ms(wait < RETRY_MS ? (long)wait : RETRY_MS);
		if (mono_ns() >= deadline)
			break;
	}
	_cleanup_free_ char *took = go_duration(mono_ns() - start);
	/* one printf per line: the threads' lines do not interleave */
	printf("[control-plane-check] %s is %s after %s\n", c->name, healthy ? "healthy" : "not healthy",
	       took);
	fflush(stdout);
	if (healthy) {
		free(c->error);
		c->error = NULL;
	} else if (!c->error) {
		c->error = xasprintf("%s check failed at %s: context deadline exceeded", c->name,
				     c->url);
	}
	events_wait_end(&ew, healthy, true, c->error);
	error_clear(); /* the thread-local message dies with the thread */
	return NULL;
}

/*
 * Opt-in fail-fast (--fail-fast, CKUBEADM_FAIL_FAST=1; beyond-kubeadm.md §2.3): every 5 s the
 * diagnosis samples the node; a Fatal cause named by 3 consecutive samples ends the wait then
 * instead of at the timeout. The error and exit code stay those of a timed-out wait.
 */
#define FAIL_FAST_SAMPLE_MS 5000
#define FAIL_FAST_SAMPLES 3

struct fail_fast {
	const struct diag_options *opts;
	atomic_bool stop;   /* to the component checks */
	atomic_bool done;   /* the checks ended */
	pthread_t thr;
};

static void *fail_fast_watch(void *p)
{
	struct fail_fast *ff = p;
	char *last = NULL;
	int same = 0;
	while (!atomic_load(&ff->done)) {
		for (int waited = 0; waited < FAIL_FAST_SAMPLE_MS && !atomic_load(&ff->done);
		     waited += RETRY_MS)
			sleep_ms(RETRY_MS);
		if (atomic_load(&ff->done))
			break;
		struct diag_facts *f = NULL;
		diag_collect(ff->opts, &f);
		struct diag_report r;
		diag_evaluate(f, &r);
		const char *code = r.n && r.findings[0].rule->severity == DIAG_FATAL
					   ? r.findings[0].rule->code
					   : NULL;
		same = code && last && streq(code, last) ? same + 1 : (code ? 1 : 0);
		free(last);
		last = xstrdup(code);
		diag_report_release(&r);
		diag_facts_free(f);
		if (same >= FAIL_FAST_SAMPLES) {
			atomic_store(&ff->stop, true);
			break;
		}
	}
	free(last);
	error_clear();
	return NULL;
}

/* getControlPlaneComponentAddressAndPort: the values of args in the container whose command
 * starts with name. */
static int component_address(const json_t *pod, const char *name, const char *const args[2],
			     char *values[2], char **ret_err)
{
	values[0] = values[1] = NULL;
	if (!pod) {
		*ret_err = xasprintf("got nil Pod for component \"%s\"", name);
		return -EINVAL;
	}
	const json_t *container = NULL;
	size_t i;
	json_t *ct;
	json_array_foreach(json_get_path(pod, "spec.containers"), i, ct) {
		const json_t *cmd = json_object_get(ct, "command");
		const char *first = json_string_value(json_array_get(cmd, 0));
		if (first && streq(first, name)) {
			container = ct;
			break;
		}
	}
	if (!container) {
		*ret_err = xasprintf("the Pod has no container command starting with \"%s\"", name);
		return -EINVAL;
	}
	json_t *line;
	json_array_foreach(json_object_get(container, "command"), i, line) {
		const char *l = json_string_value(line);
		if (!l)
			continue;
		while (*l == ' ' || *l == '\t' || *l == '\n')
			l++;
		for (size_t k = 0; k < 2; k++) {
			size_t al = strlen(args[k]);
			if (!((strneq(l, "--", 2) && strneq(l + 2, args[k], al)) ||
			      (l[0] == '-' && strneq(l + 1, args[k], al))))
				continue;
			const char *v = strchr(l, '=');
			if (!v)
				v = strchr(l, ' ');
			free(values[k]);
			values[k] = xstrdup(v ? v + 1 : "");
			/* TrimSpace was applied to the whole line */
			size_t vl = strlen(values[k]);
			while (vl && (values[k][vl - 1] == ' ' || values[k][vl - 1] == '\n'))
				values[k][--vl] = 0;
		}
	}
	return 0;
}

static int read_static_pods(const char *dir, json_t *pods[3])
{
	char *errs[3];
	size_t nerr = 0;
	for (size_t i = 0; i < 3; i++) {
		pods[i] = NULL;
		_cleanup_free_ char *path = xasprintf("%s/%s.yaml", dir, components[i]);
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		int r = fs_read_file(AT_FDCWD, path, 16 << 20, &data, &len);
		if (r < 0) {
			_cleanup_free_ char *t = open_error_text(r, path);
			errs[nerr++] = xasprintf("failed to read manifest for \"%s\": %s", path, t);
			error_clear();
			continue;
		}
		r = yaml_to_json(data, len, 0, &pods[i]);
		if (r < 0 || !json_is_object(pods[i]) ||
		    !streq(strempty(json_string_value(json_object_get(pods[i], "kind"))), "Pod")) {
			errs[nerr++] = r < 0 ? xasprintf("failed to unmarshal manifest for \"%s\": %s",
							 path, error_message(r))
					     : xasprintf("failed to parse Pod object defined in \"%s\"",
							 path);
			error_clear();
		}
	}
	if (!nerr)
		return 0;
	struct strbuf sb = STRBUF_INIT;
	aggregate(&sb, errs, nerr);
	for (size_t i = 0; i < nerr; i++)
		free(errs[i]);
	for (size_t i = 0; i < 3; i++) {
		json_decref(pods[i]);
		pods[i] = NULL;
	}
	int r = error_set(-EINVAL, "%s", sb.buf);
	strbuf_release(&sb);
	return r;
}

/* WaitForControlPlaneComponents */
static int wait_for_components(struct kube_client *client, json_t *pods[3],
			       const char *advertise_address, int64_t timeout_ns,
			       const atomic_bool *stop)
{
	_cleanup_free_ char *tmo = go_duration(timeout_ns);
	printf("[control-plane-check] Waiting for healthy control plane components. This can take "
	       "up to %s\n",
	       tmo);
	fflush(stdout);
	static const char *const args_api[2] = { "advertise-address", "secure-port" };
	static const char *const args_other[2] = { "bind-address", "secure-port" };
	static const char *const default_port[3] = { "6443", "10257", "10259" };
	static const char *const endpoint[3] = { "livez", "healthz", "livez" };
	struct component comps[3] = { 0 };
	char *errs[3];
	size_t nerr = 0;
	for (size_t i = 0; i < 3; i++) {
		char *values[2] = { NULL, NULL };
		char *err = NULL;
		component_address(pods[i], components[i], i == 0 ? args_api : args_other, values, &err);
		if (err)
			errs[nerr++] = err;
		const char *addr = values[0] && *values[0] ? values[0]
				   : i == 0               ? advertise_address
							  : "127.0.0.1";
		const char *port = values[1] && *values[1] ? values[1] : default_port[i];
		_cleanup_free_ char *hp = join_host_port(addr, port);
		comps[i].name = components[i];
		comps[i].endpoint = xstrdup(endpoint[i]);
		comps[i].url = xasprintf("https://%s/%s", hp, endpoint[i]);
		comps[i].client = i == 0 ? client : NULL;
		comps[i].stop = stop;
		comps[i].timeout_ns = timeout_ns;
		free(values[0]);
		free(values[1]);
	}
	int r = 0;
	if (nerr) {
		struct strbuf sb = STRBUF_INIT;
		aggregate(&sb, errs, nerr);
		r = error_set(-EINVAL,
			      "could not parse the address and port of all control plane components: %s",
			      sb.buf);
		strbuf_release(&sb);
		for (size_t i = 0; i < nerr; i++)
			free(errs[i]);
	} else {
		/*
		 * kubeadm prints each "Checking" line and starts its goroutine, which needs longer
		 * to answer than the loop to print the next line: the three lines come first. A
		 * thread starts slower, so the lines are printed before the threads start.
		 */
		for (size_t i = 0; i < 3; i++)
			printf("[control-plane-check] Checking %s at %s\n", comps[i].name, comps[i].url);
		fflush(stdout);
		for (size_t i = 0; i < 3; i++)
			pthread_create(&comps[i].thr, NULL, check_component, &comps[i]);
		for (size_t i = 0; i < 3; i++)
			pthread_join(comps[i].thr, NULL);
		char *fails[3];
		size_t nf = 0;
		for (size_t i = 0; i < 3; i++)
			if (comps[i].error)
				fails[nf++] = comps[i].error;
		if (nf) {
			struct strbuf sb = STRBUF_INIT;
			aggregate(&sb, fails, nf);
			r = error_set(-ETIMEDOUT, "%s", sb.buf);
			strbuf_release(&sb);
		}
	}
	for (size_t i = 0; i < 3; i++) {
		free(comps[i].url);
		free(comps[i].endpoint);
		free(comps[i].error);
	}
	return r;
}

static int64_t timeout_or(const struct cfg_dur *d, int64_t def)
{
	return d && d->set ? d->ns : def;
}

static int wait_control_plane(struct run_ctx *ctx)
{
	const char *dir = manifest_dir(ctx);
	int r;
	if (ctx->dry_run) {
		r = print_dry_run_files(dir);
		if (r < 0)
			return r;
	}
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	r = init_api_client(ctx, &c);
	if (r < 0)
		return error_wrap(r, "cannot obtain client without bootstrap");
	printf("[wait-control-plane] Waiting for the kubelet to boot up the control plane as static "
	       "Pods from directory \"%s\"\n",
	       dir);
	fflush(stdout);
	const struct cfg_timeouts *t = ctx->cfg->init.timeouts;
	const int64_t min4 = 4LL * 60 * 1000000000LL;
	const json_t *kc = ctx->cfg->kubelet;
	const char *haddr = strempty(json_string_value(json_object_get(kc, "healthzBindAddress")));
	const json_t *hport = json_object_get(kc, "healthzPort");
	int64_t port = json_is_integer(hport) ? json_integer_value(hport) : 10248;
	if (ctx->dry_run) {
		char ps[24];
		snprintf(ps, sizeof(ps), "%lld", (long long)port);
		_cleanup_free_ char *hp = join_host_port(haddr, ps);
		printf("[dryrun] Would make sure the kubelet returns 'ok' at http://%s/healthz\n", hp);
		fflush(stdout);
	} else {
		r = wait_for_kubelet(haddr, port, timeout_or(t ? &t->kubelet_health_check : NULL, min4),
				     ctx->wait_abort);
		if (r < 0) {
			print_kubelet_help();
			return error_wrap(r, "failed while waiting for the kubelet to start");
		}
	}
	json_t *pods[3];
	r = read_static_pods(dir, pods);
	if (r >= 0 && !ctx->dry_run)
		r = wait_for_components(
			c, pods, strempty(ctx->cfg->init.local_api_endpoint.advertise_address),
			timeout_or(t ? &t->control_plane_component_health_check : NULL, min4),
			ctx->wait_abort);
	for (size_t i = 0; i < 3; i++)
		json_decref(pods[i]);
	if (r < 0) {
		print_control_plane_help(strempty(ctx->cfg->init.node_registration.cri_socket));
		return error_wrap(r, "failed while waiting for the control plane to start");
	}
	return 0;
}

int phase_init_wait_control_plane(struct run_ctx *ctx)
{
	struct diag_options o;
	if (!phase_init_fail_fast(ctx, &o))
		return wait_control_plane(ctx);
	/* the watcher samples while the API client bootstraps and the components are checked */
	struct fail_fast ff = { .opts = &o };
	pthread_create(&ff.thr, NULL, fail_fast_watch, &ff);
	ctx->wait_abort = &ff.stop;
	int r = wait_control_plane(ctx);
	ctx->wait_abort = NULL;
	atomic_store(&ff.done, true);
	pthread_join(ff.thr, NULL);
	return r;
}
