/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `certs renew ... --restart-control-plane=auto` (beyond-kubeadm.md §4.3): the threshold,
 * which component uses which certificate, the Lease lock and the restarts through the CRI.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/certs-renew.h"
#include "cri/cri.h"
#include "kube/client.h"
#include "kube/transport.h"
#include "pki/pki.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/yaml.h"

#define LEASE_NAMESPACE "kube-system"
#define LEASE_NAME "ckubeadm-certs-renewal"
#define LEASE_SECONDS 600       /* renewed between components; one takes at most ~8 min */
#define LEASE_WAIT_S (30 * 60)   /* another control plane's restarts */
#define STOP_GRACE_S 30
/*
 * A new container running: the kubelet restarts a stopped container at once the first time,
 * but a container restarted again within 10 minutes waits out its crash-loop back-off (10 s,
 * doubled each time, at most 5 min by default); only past that is the sandbox stopped
 * (kubespray's method: the kubelet then makes the pod again).
 */
#define NEW_CONTAINER_S 390
#define SANDBOX_FALLBACK_S 320
#define HEALTHY_S 120

static const char *const component_names[CERTS_COMPONENT_COUNT] = {
	[CERTS_ETCD] = "etcd",
	[CERTS_APISERVER] = "kube-apiserver",
	[CERTS_CONTROLLER_MANAGER] = "kube-controller-manager",
	[CERTS_SCHEDULER] = "kube-scheduler",
};

const char *certs_component_name(enum certs_component c)
{
	return c < CERTS_COMPONENT_COUNT ? component_names[c] : NULL;
}

bool certs_renew_due(time_t not_after, const struct timespec *now, int64_t within_ns)
{
	__int128 left = ((__int128)not_after - now->tv_sec) * 1000000000 - now->tv_nsec;
	return left < (__int128)within_ns;
}

/* beyond-kubeadm.md §4.3's table; etcd-healthcheck-client serves kubeadm's own checks only */
static const struct {
	const char *cert;
	enum certs_component component;
} consumers[] = {
	{ "apiserver", CERTS_APISERVER },
	{ "apiserver-etcd-client", CERTS_APISERVER },
	{ "apiserver-kubelet-client", CERTS_APISERVER },
	{ "front-proxy-client", CERTS_APISERVER },
	{ "etcd-server", CERTS_ETCD },
	{ "etcd-peer", CERTS_ETCD },
	{ "controller-manager.conf", CERTS_CONTROLLER_MANAGER },
	{ "scheduler.conf", CERTS_SCHEDULER },
};

unsigned certs_component_mask(const char *name)
{
	unsigned m = 0;
	for (size_t i = 0; i < ARRAY_SIZE(consumers); i++)
		if (streq(consumers[i].cert, name))
			m |= 1u << consumers[i].component;
	return m;
}

/* metav1.MicroTime ("2006-01-02T15:04:05.000000Z07:00", UTC as we write it); -1 if not. */
static time_t parse_micro_time(const char *s)
{
	struct tm tm = { 0 };
	int n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			 &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -1;
	const char *rest = s + n;
	if (*rest == '.')
		for (rest++; *rest >= '0' && *rest <= '9'; rest++)
			;
	if (!streq(rest, "Z"))
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

static void format_micro_time(time_t t, char *buf, size_t n)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%S.000000Z", &tm);
}

bool certs_lease_available(const json_t *lease, const char *holder, time_t now)
{
	const json_t *spec = json_object_get(lease, "spec");
	const char *h = json_string_value(json_object_get(spec, "holderIdentity"));
	if (!h || !*h || streq(h, holder))
		return true;
	time_t renewed = parse_micro_time(json_string_value(json_object_get(spec, "renewTime")));
	json_int_t secs = json_integer_value(json_object_get(spec, "leaseDurationSeconds"));
	return renewed < 0 || renewed + (time_t)secs <= now;
}

/* ---- the Lease --------------------------------------------------------------------------- */

static const struct kube_resource res_leases = {
	.group = "coordination.k8s.io", .version = "v1", .resource = "leases", .kind = "Lease",
	.namespaced = true, .go_type = "*v1.Lease",
};

DEFINE_TRIVIAL_CLEANUP_FUNC(struct kube_client *, kube_client_free)

static void sleep_s(unsigned s)
{
	struct timespec ts = { .tv_sec = s };
	nanosleep(&ts, NULL);
}

static time_t mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Takes or renews the Lease for holder: 0, -EAGAIN when someone else holds it, -errno. */
static int lease_take(struct kube_client *c, const char *holder)
{
	_cleanup_json_ json_t *cur = NULL;
	int r = kube_get(c, &res_leases, LEASE_NAMESPACE, LEASE_NAME, &cur);
	if (r < 0 && r != -ENOENT)
		return r;
	time_t now = time(NULL);
	if (cur && !certs_lease_available(cur, holder, now))
		return -EAGAIN;
	char ts[40];
	format_micro_time(now, ts, sizeof(ts));
	_cleanup_json_ json_t *obj = cur ? json_deep_copy(cur) : json_pack(
		"{s:s,s:s,s:{s:s,s:s}}", "apiVersion", "coordination.k8s.io/v1", "kind", "Lease",
		"metadata", "name", LEASE_NAME, "namespace", LEASE_NAMESPACE);
	json_t *spec = json_object_get(obj, "spec");
	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(obj, "spec", spec);
	}
	const char *h = json_string_value(json_object_get(spec, "holderIdentity"));
	if (!h || !streq(h, holder)) {
		json_object_set_new(spec, "acquireTime", json_string(ts));
		json_object_set_new(spec, "holderIdentity", json_string(holder));
	}
	json_object_set_new(spec, "renewTime", json_string(ts));
	json_object_set_new(spec, "leaseDurationSeconds", json_integer(LEASE_SECONDS));
	/* the resourceVersion of cur makes a concurrent taker's update fail with a conflict */
	r = cur ? kube_update(c, &res_leases, obj, NULL) : kube_create(c, &res_leases, obj, NULL);
	return r == -EEXIST ? -EAGAIN : r;
}

static int lease_acquire(struct kube_client *c, const char *holder)
{
	time_t deadline = mono_s() + LEASE_WAIT_S;
	bool told = false;
	for (;;) {
		int r = lease_take(c, holder);
		if (r >= 0)
			return 0;
		if (mono_s() >= deadline)
			return r == -EAGAIN ? error_set(-ETIMEDOUT,
							"the Lease %s/%s is still held by another node after %ds",
							LEASE_NAMESPACE, LEASE_NAME, LEASE_WAIT_S)
					    : error_wrap(r, "could not take the Lease %s/%s",
							 LEASE_NAMESPACE, LEASE_NAME);
		if (r == -EAGAIN && !told) {
			printf("[restart-control-plane] Waiting for the Lease %s/%s, held by another control-plane node\n",
			       LEASE_NAMESPACE, LEASE_NAME);
			fflush(stdout);
			told = true;
		}
		error_clear();
		sleep_s(2);
	}
}

/* Renews the Lease between two restarts; the API may be coming back from a restart. */
static int lease_renew(struct kube_client *c, const char *holder)
{
	time_t deadline = mono_s() + HEALTHY_S;
	for (;;) {
		int r = lease_take(c, holder);
		if (r >= 0)
			return 0;
		if (r == -EAGAIN)
			return error_set(r, "the Lease %s/%s was taken by another node", LEASE_NAMESPACE,
					 LEASE_NAME);
		if (mono_s() >= deadline)
			return error_wrap(r, "could not renew the Lease %s/%s", LEASE_NAMESPACE,
					  LEASE_NAME);
		error_clear();
		sleep_s(2);
	}
}

static void lease_release(struct kube_client *c, const char *holder)
{
	_cleanup_json_ json_t *cur = NULL;
	if (kube_get(c, &res_leases, LEASE_NAMESPACE, LEASE_NAME, &cur) >= 0) {
		const char *h = json_string_value(
			json_object_get(json_object_get(cur, "spec"), "holderIdentity"));
		if (h && streq(h, holder))
			kube_delete(c, &res_leases, LEASE_NAMESPACE, LEASE_NAME, false);
	}
	error_clear();
}

/* ---- the components ---------------------------------------------------------------------- */

/* The value of --flag in the static pod manifest's first container command (owned), or NULL. */
static char *manifest_flag(const json_t *pod, const char *flag)
{
	const json_t *cmd = json_object_get(
		json_array_get(json_object_get(json_object_get(pod, "spec"), "containers"), 0),
		"command");
	size_t i, n = strlen(flag);
	const json_t *v;
	json_array_foreach(cmd, i, v) {
		const char *s = json_string_value(v);
		if (s && strneq(s, "--", 2) && strneq(s + 2, flag, n) && s[2 + n] == '=')
			return xstrdup(s + 3 + n);
	}
	return NULL;
}

static int read_manifest(const struct certs_restart_options *o, enum certs_component comp,
			 json_t **ret)
{
	_cleanup_free_ char *path = xasprintf("%s/%s.yaml", o->manifest_dir, component_names[comp]);
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r = fs_read_file(o->rootfd, path, 1 << 20, &data, &len);
	if (r < 0)
		return error_wrap(r, "read %s", path);
	r = yaml_to_json(data, len, 0, ret);
	return r < 0 ? error_wrap(r, "parse %s", path) : 0;
}

/* The first URL of a comma-separated list, with its host put in brackets when it is IPv6. */
static char *first_url(const char *list, const char *fallback)
{
	if (!list || !*list)
		return xstrdup(fallback);
	const char *comma = strchr(list, ',');
	return comma ? xstrndup(list, (size_t)(comma - list)) : xstrdup(list);
}

/* A health check: its URL, its TLS and the serial the server must present (NULL: any). */
struct probe {
	char *url;
	struct http_tls tls;
	char *ca, *cert, *key; /* owned paths behind tls */
	char *serial;
};

static void probe_release(struct probe *p)
{
	free(p->url);
	free(p->ca);
	free(p->cert);
	free(p->key);
	free(p->serial);
	*p = (struct probe){ 0 };
}

static int cert_serial(const struct certs_restart_options *o, const char *base, char **ret)
{
	struct pki_cert *c = NULL;
	int r = pki_load_cert(o->rootfd, o->cert_dir, base, &c);
	if (r < 0)
		return error_wrap(r, "load %s/%s.crt", o->cert_dir, base);
	*ret = pki_cert_serial(c);
	pki_cert_free(c);
	return 0;
}

/* Paths for the transport, which opens them as given (the process is in --rootfs already). */
static void probe_tls(struct probe *p, const char *dir, const char *ca, const char *cert)
{
	p->ca = xasprintf("%s/%s.crt", dir, ca);
	p->tls.ca_file = p->ca;
	if (cert) {
		p->cert = xasprintf("%s/%s.crt", dir, cert);
		p->key = xasprintf("%s/%s.key", dir, cert);
		p->tls.cert_file = p->cert;
		p->tls.key_file = p->key;
	}
}

/*
 * The checks of a restarted component, from its manifest: etcd's client and peer listeners
 * (mTLS with kubeadm's healthcheck and peer certificates) and kube-apiserver's /livez with
 * their new serials; the controller-manager's /healthz and the scheduler's /livez, whose
 * serving certificates are their own (self-signed: not verified).
 */
static int component_probes(const struct certs_restart_options *o, enum certs_component comp,
			    struct probe probes[2], size_t *ret_n)
{
	_cleanup_json_ json_t *pod = NULL;
	int r = read_manifest(o, comp, &pod);
	if (r < 0)
		return r;
	size_t n = 0;
	switch (comp) {
	case CERTS_ETCD: {
		_cleanup_free_ char *client = manifest_flag(pod, "listen-client-urls");
		_cleanup_free_ char *peer = manifest_flag(pod, "listen-peer-urls");
		_cleanup_free_ char *u1 = first_url(client, "https://127.0.0.1:2379");
		_cleanup_free_ char *u2 = first_url(peer, "https://127.0.0.1:2380");
		probes[0].url = xasprintf("%s/health", u1);
		probe_tls(&probes[0], o->cert_dir, "etcd/ca", "etcd/healthcheck-client");
		probes[1].url = xasprintf("%s/version", u2);
		probe_tls(&probes[1], o->cert_dir, "etcd/ca", "etcd/peer");
		n = 2;
		if ((r = cert_serial(o, "etcd/server", &probes[0].serial)) < 0 ||
		    (r = cert_serial(o, "etcd/peer", &probes[1].serial)) < 0) {
			*ret_n = n;
			return r;
		}
		break;
	}
	case CERTS_APISERVER: {
		_cleanup_free_ char *addr = manifest_flag(pod, "advertise-address");
		_cleanup_free_ char *port = manifest_flag(pod, "secure-port");
		bool v6 = addr && strchr(addr, ':');
		probes[0].url = xasprintf("https://%s%s%s:%s/livez", v6 ? "[" : "",
					  addr ? addr : "127.0.0.1", v6 ? "]" : "", port ? port : "6443");
		probe_tls(&probes[0], o->cert_dir, "ca", NULL);
		n = 1;
		if ((r = cert_serial(o, "apiserver", &probes[0].serial)) < 0) {
			*ret_n = n;
			return r;
		}
		break;
	}
	default: {
		bool cm = comp == CERTS_CONTROLLER_MANAGER;
		_cleanup_free_ char *addr = manifest_flag(pod, "bind-address");
		_cleanup_free_ char *port = manifest_flag(pod, "secure-port");
		bool v6 = addr && strchr(addr, ':');
		probes[0].url = xasprintf("https://%s%s%s:%s/%s", v6 ? "[" : "",
					  addr ? addr : "127.0.0.1", v6 ? "]" : "",
					  port ? port : (cm ? "10257" : "10259"),
					  cm ? "healthz" : "livez");
		probes[0].tls.insecure = true;
		n = 1;
		break;
	}
	}
	*ret_n = n;
	return 0;
}

/* One try of a probe: 1 healthy with the expected serial, 0 not yet (why in *why). */
static int probe_once(const struct probe *p, struct strbuf *why)
{
	struct http_request req = { .method = "GET", .url = p->url, .timeout_ms = 5000,
				    .max_body = 1 << 16, .tls = &p->tls };
	struct http_response resp = { 0 };
	int r = http_perform(NULL, &req, &resp);
	strbuf_reset(why);
	int ok = 0;
	if (r < 0)
		strbuf_addf(why, "%s: %s", p->url, resp.error);
	else if (resp.status != 200)
		strbuf_addf(why, "%s: HTTP %ld", p->url, resp.status);
	else if (p->serial && !streq(p->serial, resp.peer_serial))
		strbuf_addf(why, "%s: serves the certificate with serial %s, not the new %s", p->url,
			    resp.peer_serial, p->serial);
	else
		ok = 1;
	http_response_release(&resp);
	return ok;
}

/* The running container of comp (owned id and sandbox id); -ENOENT when there is none. */
static int running_container(struct cri_client *c, enum certs_component comp, const char *not_id,
			     char **ret_id, char **ret_sandbox)
{
	const struct cri_kv labels[] = {
		{ (char *)"io.kubernetes.container.name", (char *)component_names[comp] },
		{ (char *)"io.kubernetes.pod.namespace", (char *)"kube-system" },
	};
	struct cri_container_filter f = { .has_state = true, .state = CRI_CONTAINER_RUNNING,
					  .label_selector = labels,
					  .n_label_selector = ARRAY_SIZE(labels) };
	struct cri_container *v = NULL;
	size_t n = 0;
	int r = cri_list_containers(c, &f, &v, &n);
	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t i = 0; i < n; i++) {
		if (not_id && streq(v[i].id, not_id))
			continue;
		*ret_id = xstrdup(v[i].id);
		if (ret_sandbox)
			*ret_sandbox = xstrdup(v[i].pod_sandbox_id);
		r = 0;
		break;
	}
	cri_containers_free(v, n);
	return r;
}

static const char *short_id(const char *id)
{
	static _Thread_local char buf[14];
	snprintf(buf, sizeof(buf), "%.13s", id);
	return buf;
}

static int restart_one(struct cri_client *c, const struct certs_restart_options *o,
		       enum certs_component comp, const char *old_id, const char *sandbox)
{
	const char *name = component_names[comp];
	struct probe probes[2] = { 0 };
	size_t np = 0;
	int r = component_probes(o, comp, probes, &np);
	if (r >= 0) {
		printf("[restart-control-plane] Stopping the %s container %s (the kubelet starts a new one in the same pod)\n",
		       name, short_id(old_id));
		fflush(stdout);
		r = cri_stop_container(c, old_id, STOP_GRACE_S);
		if (r < 0)
			r = error_wrap(r, "stop the %s container %s", name, old_id);
	}
	_cleanup_free_ char *new_id = NULL;
	time_t start = mono_s();
	bool sandbox_stopped = false;
	while (r >= 0) {
		r = running_container(c, comp, old_id, &new_id, NULL);
		if (r >= 0)
			break;
		if (r != -ENOENT)
			return error_wrap(r, "list the %s containers", name);
		if (mono_s() - start >= NEW_CONTAINER_S)
			r = error_set(-ETIMEDOUT, "no new %s container running %ds after the stop",
				      name, NEW_CONTAINER_S);
		else if (!sandbox_stopped && mono_s() - start >= SANDBOX_FALLBACK_S) {
			/* kubespray's method: the kubelet then makes the pod again */
			printf("[restart-control-plane] No new %s container after %ds: stopping its pod sandbox %s\n",
			       name, SANDBOX_FALLBACK_S, short_id(sandbox));
			fflush(stdout);
			sandbox_stopped = true;
			r = cri_stop_sandbox(c, sandbox);
		} else {
			error_clear();
			r = 0;
			sleep_s(1);
		}
	}
	_cleanup_strbuf_ struct strbuf why = STRBUF_INIT;
	for (size_t i = 0; r >= 0 && i < np; i++) {
		start = mono_s();
		while (!probe_once(&probes[i], &why)) {
			if (mono_s() - start >= HEALTHY_S) {
				r = error_set(-ETIMEDOUT, "%s is not healthy %ds after its restart: %s",
					      name, HEALTHY_S, why.buf);
				break;
			}
			sleep_s(1);
		}
	}
	if (r >= 0) {
		printf("[restart-control-plane] %s restarted: container %s is healthy", name,
		       short_id(new_id));
		for (size_t i = 0; i < np; i++)
			if (probes[i].serial)
				printf("%s %s serves the new serial %s", i ? "," : ";",
				       probes[i].url, probes[i].serial);
		printf("\n");
		fflush(stdout);
	}
	for (size_t i = 0; i < np; i++)
		probe_release(&probes[i]);
	return r;
}

static char *node_holder(void)
{
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) < 0 || !*host)
		return xstrdup("unknown");
	for (char *p = host; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return xstrdup(host);
}

int certs_restart_control_plane(const struct certs_restart_options *o, unsigned mask)
{
	if (!mask) {
		printf("[restart-control-plane] No control-plane component uses a renewed certificate: nothing to restart\n");
		fflush(stdout);
		return 0;
	}
	_cleanup_free_ char *socket = NULL;
	int r = cri_detect_socket(o->rootfd, &socket);
	if (r < 0)
		return error_wrap(r, "cannot restart the control plane");
	_cleanup_(cri_client_freep) struct cri_client *c = cri_client_new_at(o->rootfd, socket, 0);
	if ((r = cri_client_connect(c)) < 0)
		return error_wrap(r, "cannot restart the control plane");
	/* every container first: a component that is not running restarts nothing */
	char *ids[CERTS_COMPONENT_COUNT] = { 0 }, *sandboxes[CERTS_COMPONENT_COUNT] = { 0 };
	for (int i = 0; r >= 0 && i < CERTS_COMPONENT_COUNT; i++) {
		if (!(mask & (1u << i)))
			continue;
		r = running_container(c, (enum certs_component)i, NULL, &ids[i], &sandboxes[i]);
		if (r == -ENOENT)
			r = error_set(r, "cannot restart the control plane: no running %s container in the container runtime",
				      component_names[i]);
		else if (r < 0)
			r = error_wrap(r, "cannot restart the control plane");
	}
	_cleanup_(kube_client_freep) struct kube_client *kc = NULL;
	_cleanup_free_ char *holder = node_holder();
	if (r >= 0 && o->lock) {
		r = kube_client_new_from_file(o->kubeconfig, &kc);
		if (r >= 0)
			r = lease_acquire(kc, holder);
		if (r >= 0) {
			printf("[restart-control-plane] Holding the Lease %s/%s as %s\n",
			       LEASE_NAMESPACE, LEASE_NAME, holder);
			fflush(stdout);
		} else {
			r = error_wrap(r, "cannot restart the control plane");
		}
	}
	bool first = true;
	for (int i = 0; r >= 0 && i < CERTS_COMPONENT_COUNT; i++) {
		if (!ids[i])
			continue;
		if (kc && !first)
			r = lease_renew(kc, holder);
		first = false;
		if (r >= 0)
			r = restart_one(c, o, (enum certs_component)i, ids[i], sandboxes[i]);
	}
	/* after a failure the Lease is kept until it expires: the other control planes wait
	 * while this one is degraded */
	if (kc && r >= 0)
		lease_release(kc, holder);
	for (int i = 0; i < CERTS_COMPONENT_COUNT; i++) {
		free(ids[i]);
		free(sandboxes[i]);
	}
	return r;
}
