/* SPDX-License-Identifier: Apache-2.0 */
/* join phase "wait-control-plane" (cmd/kubeadm/app/cmd/phases/join/waitcontrolplane.go,
 * apiclient.KubeWaiter.WaitForControlPlaneComponents). The components are checked one after
 * the other (kubeadm checks them concurrently), at kubeadm's default addresses: the API server
 * at the local endpoint, the controller-manager at 127.0.0.1:10257, the scheduler at
 * 127.0.0.1:10259 (their --bind-address/--secure-port from the manifests are not read). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kubeconfig/kubeconfig.h"
#include "phases/cluster-config.h"
#include "phases/join.h"
#include "phases/join/join-data.h"
#include "util/error.h"
#include "util/events.h"
#include "util/flags.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char control_plane_fail_msg[] =
	"\n"
	"Unfortunately, an error has occurred, likely caused by:\n"
	"\t- The kubelet is not running\n"
	"\t- The kubelet is unhealthy due to a misconfiguration of the node in some way (required cgroups disabled)\n"
	"\n";

static void print_duration(bool healthy, const char *name, int64_t ns)
{
	struct strbuf d = STRBUF_INIT;
	go_format_duration(ns, &d);
	printf("[control-plane-check] %s is %shealthy after %s\n", name, healthy ? "" : "not ",
	       d.buf);
	fflush(stdout);
	strbuf_release(&d);
}

/* polls path on c until 200 or timeout; -ETIMEDOUT with the last error */
static int wait_ok(struct kube_client *c, const char *name, const char *url, const char *path,
		   int64_t timeout)
{
	int64_t start = join_now_ns();
	_cleanup_free_ char *last = NULL;
	struct events_waiter ew;
	events_wait_begin(&ew, name, url);
	for (;;) {
		long status = 0;
		char *body = NULL;
		int r = kube_get_raw(c, path, 10000, &status, &body);
		free(body);
		if (r >= 0 && status == 200) {
			print_duration(true, name,
				       join_now_ns() - start);
			events_wait_end(&ew, true, true, NULL);
			return 0;
		}
		free(last);
		if (r < 0)
			last = xasprintf("%s check failed at %s: %s", name, url, error_message(r));
		else
			last = xasprintf("%s check failed at %s with status: %ld", name, url, status);
		error_clear();
		events_wait_retry(&ew, last);
		if (join_now_ns() - start + JOIN_POLL_MS * 1000000LL >= timeout)
			break;
		join_sleep_ms(JOIN_POLL_MS);
	}
	print_duration(false, name, join_now_ns() - start);
	events_wait_end(&ew, false, true, last);
	return error_set(-ETIMEDOUT, "%s", last);
}

static json_t *insecure_kubeconfig(const char *server)
{
	json_t *kc = kubeconfig_build(server, "local", "anonymous", NULL, NULL, NULL, NULL);
	json_t *cl = json_object_get(json_array_get(json_object_get(kc, "clusters"), 0), "cluster");
	json_object_set_new(cl, "insecure-skip-tls-verify", json_true());
	return kc;
}

int phase_join_wait_control_plane(struct run_ctx *ctx)
{
	struct join_data *d = join_data(ctx);
	const struct cfg_join_control_plane *cp = d->cfg->join.control_plane;
	if (!cp)
		return 0;
	if (d->dry_run) {
		/* newControlPlaneWaiter's dry-run waiter prints nothing for this wait */
		return 0;
	}
	_cleanup_free_ char *api = phases_local_api_url(&cp->local_api_endpoint);
	/* WaitControlPlaneClient: admin.conf pointed at the local API server */
	_cleanup_free_ char *admin_path = xasprintf("%s/admin.conf", join_data_kubeconfig_dir(d));
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = fs_read_file(AT_FDCWD, admin_path, 16 << 20, &text, &len);
	if (r < 0)
		return error_set(r, "open %s: %s", admin_path, strerror(-r));
	_cleanup_json_ json_t *admin = NULL;
	r = kubeconfig_parse(text, len, &admin);
	if (r < 0)
		return r;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(admin, "clusters"), i, e)
		json_object_set_new(json_object_get(e, "cluster"), "server", json_string(api));
	int64_t timeout = 4LL * 60 * 1000000000LL;
	const struct cfg_timeouts *t = d->cfg->join.timeouts;
	if (t && t->control_plane_component_health_check.set)
		timeout = t->control_plane_component_health_check.ns;
	struct strbuf ds = STRBUF_INIT;
	go_format_duration(timeout, &ds);
	printf("[control-plane-check] Waiting for healthy control plane components. This can take up to %s\n",
	       ds.buf);
	strbuf_release(&ds);
	_cleanup_free_ char *api_url = xasprintf("%s/livez", api);
	printf("[control-plane-check] Checking kube-apiserver at %s\n", api_url);
	printf("[control-plane-check] Checking kube-controller-manager at https://127.0.0.1:10257/healthz\n");
	printf("[control-plane-check] Checking kube-scheduler at https://127.0.0.1:10259/livez\n");
	fflush(stdout);
	struct kube_client *c = NULL;
	r = kube_client_new_from_config(admin, &c);
	if (r < 0)
		return r;
	int ra = wait_ok(c, "kube-apiserver", api_url, "/livez", timeout);
	kube_client_free(c);
	_cleanup_json_ json_t *kcm = insecure_kubeconfig("https://127.0.0.1:10257");
	_cleanup_json_ json_t *sch = insecure_kubeconfig("https://127.0.0.1:10259");
	int rk = kube_client_new_from_config(kcm, &c);
	if (rk >= 0) {
		rk = wait_ok(c, "kube-controller-manager", "https://127.0.0.1:10257/healthz", "/healthz",
			     timeout);
		kube_client_free(c);
	}
	int rs = kube_client_new_from_config(sch, &c);
	if (rs >= 0) {
		rs = wait_ok(c, "kube-scheduler", "https://127.0.0.1:10259/livez", "/livez", timeout);
		kube_client_free(c);
	}
	r = ra < 0 ? ra : rk < 0 ? rk : rs;
	if (r < 0) {
		fputs(control_plane_fail_msg, stdout);
		fflush(stdout);
		return error_wrap(r, "failed while waiting for the control plane to start");
	}
	return 0;
}
