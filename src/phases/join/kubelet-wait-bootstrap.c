/* SPDX-License-Identifier: Apache-2.0 */
/* join phase "kubelet-wait-bootstrap" (cmd/kubeadm/app/cmd/phases/join/kubelet.go,
 * runKubeletWaitBootstrapPhase; apiclient.KubeWaiter.WaitForKubelet). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kube/client.h"
#include "kube/http.h"
#include "kubelet/kubelet.h"
#include "phases/join.h"
#include "phases/join/join-data.h"
#include "util/error.h"
#include "util/events.h"
#include "util/flags.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char kubelet_fail_msg[] =
	"\n"
	"Unfortunately, an error has occurred, likely caused by:\n"
	"\t- The kubelet is not running\n"
	"\t- The kubelet is unhealthy due to a misconfiguration of the node in some way (required cgroups disabled)\n"
	"\n"
	"If you are on a systemd-powered system, you can try to troubleshoot the error with the following commands:\n"
	"\t- 'systemctl status kubelet'\n"
	"\t- 'journalctl -xeu kubelet'\n"
	"\n";

static int64_t timeout_ns(const struct cfg_timeouts *t, bool kubelet, int64_t def)
{
	if (!t)
		return def;
	const struct cfg_dur *d = kubelet ? &t->kubelet_health_check : &t->tls_bootstrap;
	return d->set ? d->ns : def;
}

/* "The kubelet is [not ]healthy after <time since start>" */
static void print_kubelet_health(bool healthy, int64_t start)
{
	struct strbuf e = STRBUF_INIT;
	go_format_duration(join_now_ns() - start, &e);
	printf("[kubelet-check] The kubelet is %shealthy after %s\n", healthy ? "" : "not ", e.buf);
	fflush(stdout);
	strbuf_release(&e);
}

/* WaitForKubelet(healthzBindAddress, healthzPort) */
static int wait_for_kubelet(const char *addr, int64_t port, int64_t timeout)
{
	if (port == 0) {
		printf("[kubelet-check] Skipping the kubelet health check because the healthz port is set to 0\n");
		fflush(stdout);
		return 0;
	}
	_cleanup_free_ char *url = strchr(addr, ':')
					   ? xasprintf("http://[%s]:%lld/healthz", addr, (long long)port)
					   : xasprintf("http://%s:%lld/healthz", addr, (long long)port);
	struct strbuf d = STRBUF_INIT;
	go_format_duration(timeout, &d);
	printf("[kubelet-check] Waiting for a healthy kubelet at %s. This can take up to %s\n", url,
	       d.buf);
	fflush(stdout);
	strbuf_release(&d);
	int64_t start = join_now_ns();
	_cleanup_free_ char *last = NULL;
	struct events_waiter ew;
	events_wait_begin(&ew, "kubelet", url);
	for (;;) {
		int64_t left = timeout - (join_now_ns() - start);
		char *body = NULL, *err = NULL;
		int r = kube_http_get(url, left / 1000000 > 0 ? left / 1000000 : 1, 1 << 20, &body, &err);
		free(body);
		if (r >= 0) {
			free(err);
			print_kubelet_health(true, start);
			events_wait_end(&ew, true, true, NULL);
			return 0;
		}
		free(last);
		last = xasprintf("The HTTP call equal to 'curl -sSL %s' returned error: %s\n", url,
				 err ? err : "request failed");
		free(err);
		events_wait_retry(&ew, last);
		if (join_now_ns() - start + JOIN_POLL_MS * 1000000LL >= timeout)
			break;
		join_sleep_ms(JOIN_POLL_MS);
	}
	print_kubelet_health(false, start);
	events_wait_end(&ew, false, true, last);
	return error_set(-ETIMEDOUT, "%s", last);
}

/* waitForTLSBootstrappedClient: kubelet.conf loads into a client (its cert files exist) */
static int wait_for_tls_bootstrap(int64_t timeout)
{
	printf("[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap\n");
	fflush(stdout);
	int64_t start = join_now_ns();
	/* the target is the kubelet's TLS bootstrap; its "url" the kubeconfig it must write */
	struct events_waiter ew;
	events_wait_begin(&ew, "kubelet-tls-bootstrap", JOIN_KUBELET_KUBECONFIG);
	for (;;) {
		struct kube_client *c = NULL;
		int r = kube_client_new_from_file(JOIN_KUBELET_KUBECONFIG, &c);
		if (r >= 0) {
			kube_client_free(c);
			events_wait_end(&ew, true, true, NULL);
			return 0;
		}
		events_wait_retry(&ew, error_message(r));
		error_clear();
		if (join_now_ns() - start + JOIN_POLL_MS * 1000000LL >= timeout) {
			events_wait_end(&ew, false, true, "context deadline exceeded");
			return error_set(-ETIMEDOUT, "context deadline exceeded");
		}
		join_sleep_ms(JOIN_POLL_MS);
	}
}

int phase_join_kubelet_wait_bootstrap(struct run_ctx *ctx)
{
	struct join_data *d = join_data(ctx);
	if (d->dry_run) {
		printf("[kubelet-wait] Would wait for the kubelet to be bootstrapped\n");
		fflush(stdout);
		return 0;
	}
	struct init_config *ic = NULL;
	int r = join_data_init_cfg(d, &ic);
	if (r < 0)
		return r;
	_cleanup_free_ char *bootstrap =
		xasprintf("%s/bootstrap-kubelet.conf", join_data_kubeconfig_dir(d));
	/* the healthz address and port as the patches leave them (ApplyPatchesToConfig); the
	 * bootstrap kubeconfig goes whatever happens from here (kubeadm's defer) */
	_cleanup_json_ json_t *kc = NULL;
	r = kubelet_apply_patches_to_config(ic, join_data_patches_dir(d), &kc);
	fflush(stdout);
	if (r < 0) {
		r = error_wrap(r, "could not apply patches to the in-memory kubelet configuration");
		(void)unlink(bootstrap);
		return r;
	}
	const char *addr = json_string_value(json_object_get(kc, "healthzBindAddress"));
	json_t *p = json_object_get(kc, "healthzPort");
	int64_t port = json_is_integer(p) ? json_integer_value(p) : 10248;
	const struct cfg_timeouts *t = d->cfg->join.timeouts;
	r = wait_for_kubelet(addr && *addr ? addr : "127.0.0.1", port,
			     timeout_ns(t, true, 4LL * 60 * 1000000000LL));
	if (r < 0) {
		fputs(kubelet_fail_msg, stdout);
		fflush(stdout);
		r = error_wrap(r, "failed while waiting for the kubelet to start");
	} else {
		r = wait_for_tls_bootstrap(timeout_ns(t, false, 5LL * 60 * 1000000000LL));
		if (r < 0) {
			fputs(kubelet_fail_msg, stdout);
			fflush(stdout);
			r = error_wrap(r, "failed while waiting for TLS bootstrap");
		}
	}
	(void)unlink(bootstrap);
	return r;
}
