/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Catalogue v1 (beyond-kubeadm.md §2.3): one const table, ordered from most to least
 * specific. A rule's match reads only the facts; it appends a one-line summary and its
 * evidence lines. diag_evaluate keeps up to five matches and puts the first Fatal one first.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cri/cri.h"
#include "diagnose/diagnose.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define EVIDENCE_MAX 240

/* The last line of log holding needle, or NULL (borrowed). */
static const char *log_find(char *const *log, const char *needle)
{
	const char *hit = NULL;
	for (char *const *l = log; l && *l; l++)
		if (strstr(*l, needle))
			hit = *l;
	return hit;
}

static void evidence(char ***ev, const char *fmt, ...) _printf_(2, 3);
static void evidence(char ***ev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	if (strlen(s) > EVIDENCE_MAX)
		memcpy(s + EVIDENCE_MAX - 3, "...", 4);
	strv_consume(ev, s);
}

static bool is_running(const struct diag_component *c)
{
	return c->has_container && c->state == CRI_CONTAINER_RUNNING;
}

/* A component that exited at least once (or is exited now). */
static bool has_failed(const struct diag_component *c)
{
	return c->has_container && (c->state == CRI_CONTAINER_EXITED || c->attempt > 0);
}

/* ---- runtime ---- */

static bool m_runtime_cri_disabled(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	if (!f->cri_error || !strstr(f->cri_error, "unknown service runtime.v1"))
		return false;
	strbuf_addf(s, "the container runtime at %s does not serve the CRI (its CRI plugin is disabled)",
		    f->cri_endpoint);
	evidence(ev, "CRI Status: %s", f->cri_error);
	return true;
}

static bool m_runtime_unavailable(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	if (f->cri_errno == ECONNREFUSED || f->cri_errno == ENOENT || f->cri_errno == ETIMEDOUT) {
		strbuf_addf(s, "the container runtime does not answer at %s", f->cri_endpoint);
		evidence(ev, "CRI Status: %s", f->cri_error);
	} else if (f->runtime_ready == DIAG_NO) {
		strbuf_addf(s, "the container runtime at %s is not ready", f->cri_endpoint);
		evidence(ev, "CRI Status: RuntimeReady=false %s", strempty(f->runtime_message));
	} else {
		return false;
	}
	const char *l = log_find(f->kubelet_log, "validate service connection");
	if (l)
		evidence(ev, "kubelet log: %s", l);
	return true;
}

/* ---- kubelet ---- */

static bool m_kubelet_not_running(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	if (f->kubelet_healthy != DIAG_NO || f->kubelet_running != DIAG_NO)
		return false;
	strbuf_addstr(s, "the kubelet is not running");
	evidence(ev, "kubelet healthz: %s", strempty(f->kubelet_health_error));
	evidence(ev, "no process named kubelet");
	return true;
}

static bool m_swap(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	const char *l = log_find(f->kubelet_log, "running with swap on is not supported");
	if (!l && (f->swap_kb == 0 || f->kubelet_fail_swap_on == DIAG_NO ||
		   f->kubelet_healthy == DIAG_YES))
		return false;
	strbuf_addstr(s, "swap is on and the kubelet is configured to fail with swap (failSwapOn)");
	if (f->swap_kb)
		evidence(ev, "/proc/swaps: %llu kB of swap active", (unsigned long long)f->swap_kb);
	if (l)
		evidence(ev, "kubelet log: %s", l);
	return true;
}

static bool m_cgroup_driver(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	const char *kd = f->kubelet_cgroup_driver;
	const char *l = log_find(f->kubelet_log, "misconfiguration: kubelet cgroup driver");
	if (kd && f->runtime_systemd_cgroup != DIAG_UNKNOWN &&
	    streq(kd, "systemd") != (f->runtime_systemd_cgroup == DIAG_YES)) {
		strbuf_addf(s, "the kubelet uses the \"%s\" cgroup driver, the container runtime uses \"%s\"",
			    kd, f->runtime_systemd_cgroup == DIAG_YES ? "systemd" : "cgroupfs");
		evidence(ev, "kubelet config: cgroupDriver: %s", kd);
		evidence(ev, "containerd CRI config: runtimes.runc.options.SystemdCgroup=%s",
			 f->runtime_systemd_cgroup == DIAG_YES ? "true" : "false");
	} else if (f->systemd_running == DIAG_NO &&
		   ((kd && streq(kd, "systemd")) || f->runtime_systemd_cgroup == DIAG_YES)) {
		strbuf_addf(s, "the %s uses the \"systemd\" cgroup driver, but systemd is not running",
			    kd && streq(kd, "systemd") ? "kubelet" : "container runtime");
		if (kd)
			evidence(ev, "kubelet config: cgroupDriver: %s", kd);
		if (f->runtime_systemd_cgroup == DIAG_YES)
			evidence(ev, "containerd CRI config: runtimes.runc.options.SystemdCgroup=true");
		evidence(ev, "no /run/systemd/system");
	} else if (l) {
		strbuf_addstr(s, "the kubelet and the container runtime use different cgroup drivers");
	} else {
		return false;
	}
	if (l)
		evidence(ev, "kubelet log: %s", l);
	return true;
}

static bool m_kubelet_config_invalid(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	static const char *const needles[] = { "failed to validate kubelet configuration",
					       "failed to load kubelet config file",
					       "failed to load Kubelet config file",
					       "unknown flag: --" };
	if (f->kubelet_healthy == DIAG_YES)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(needles); i++) {
		const char *l = log_find(f->kubelet_log, needles[i]);
		if (l) {
			strbuf_addstr(s, "the kubelet refuses its configuration");
			evidence(ev, "kubelet log: %s", l);
			return true;
		}
	}
	return false;
}

static bool m_cri_socket_mismatch(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	const char *k = f->kubelet_runtime_endpoint, *c = f->cri_endpoint;
	if (!k || !*k || !c || f->kubelet_healthy == DIAG_YES)
		return false;
	const char *kp = strneq(k, "unix://", 7) ? k + 7 : k;
	const char *cp = strneq(c, "unix://", 7) ? c + 7 : c;
	/* /var/run is /run on every distribution kubeadm supports */
	if (strneq(kp, "/var/run/", 9))
		kp += 4;
	if (strneq(cp, "/var/run/", 9))
		cp += 4;
	if (streq(kp, cp))
		return false;
	strbuf_addf(s, "the kubelet talks to %s, kubeadm's criSocket is %s", k, c);
	evidence(ev, "kubelet config: containerRuntimeEndpoint: %s", k);
	evidence(ev, "nodeRegistration.criSocket: %s", c);
	return true;
}

static bool m_kubelet_credentials(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	const char *l = log_find(f->kubelet_log, "x509: certificate signed by unknown authority");
	if (!l)
		l = log_find(f->kubelet_log, "Unable to authenticate the request");
	if (!l || f->kubelet_healthy == DIAG_NO)
		return false;
	strbuf_addstr(s, "the kubelet's credentials are not accepted by the API server");
	evidence(ev, "kubelet log: %s", l);
	return true;
}

static bool m_static_pods_not_picked(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	const char *p = f->kubelet_static_pod_path;
	if (f->kubelet_healthy != DIAG_YES || !p || !f->manifests_dir)
		return false;
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	if (strlen(f->manifests_dir) == n && strneq(p, f->manifests_dir, n))
		return false;
	strbuf_addf(s, "the kubelet reads static pods from %s, not from %s", p, f->manifests_dir);
	evidence(ev, "kubelet config: staticPodPath: %s", p);
	return true;
}

/* ---- sandboxes and images ---- */

static bool no_ready_sandbox(const struct diag_facts *f)
{
	for (size_t i = 0; i < f->n_components; i++)
		if (f->components[i].sandbox_ready)
			return false;
	return true;
}

static bool m_sandbox_image(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	if (f->sandbox_image_present != DIAG_NO || !no_ready_sandbox(f))
		return false;
	strbuf_addf(s, "the container runtime's sandbox (pause) image %s is not present and cannot be had",
		    f->sandbox_image);
	evidence(ev, "CRI Status config: sandboxImage: %s; ImageStatus: absent", f->sandbox_image);
	const char *l = log_find(f->kubelet_log, "failed to get sandbox image");
	if (!l)
		l = log_find(f->kubelet_log, f->sandbox_image);
	if (l)
		evidence(ev, "kubelet log: %s", l);
	return true;
}

static bool m_sandbox_recreated(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	for (size_t i = 0; i < f->n_components; i++) {
		const struct diag_component *c = &f->components[i];
		if (c->has_sandbox && c->sandbox_attempt >= 3) {
			strbuf_addf(s, "the sandbox of %s was recreated %u times", c->name,
				    c->sandbox_attempt);
			evidence(ev, "CRI: %s sandbox attempt %u", c->name, c->sandbox_attempt);
			const char *l = log_find(f->kubelet_log, "SandboxChanged");
			if (l)
				evidence(ev, "kubelet log: %s", l);
			return true;
		}
	}
	return false;
}

static bool m_sandbox_create_failed(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	const char *l = log_find(f->kubelet_log, "RunPodSandbox from runtime service failed");
	if (!l)
		l = log_find(f->kubelet_log, "Failed to create sandbox for pod");
	if (!l || !no_ready_sandbox(f))
		return false;
	strbuf_addstr(s, "the container runtime fails to create the static pods' sandboxes");
	evidence(ev, "kubelet log: %s", l);
	return true;
}

static bool m_image_missing(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	for (size_t i = 0; i < f->n_components; i++) {
		const struct diag_component *c = &f->components[i];
		if (c->image_present != DIAG_NO || is_running(c))
			continue;
		strbuf_addf(s, "the image %s of %s is not present and cannot be pulled",
			    c->manifest_image, c->name);
		evidence(ev, "ImageStatus %s: absent", c->manifest_image);
		const char *l = log_find(f->kubelet_log, c->manifest_image);
		if (l)
			evidence(ev, "kubelet log: %s", l);
		return true;
	}
	return false;
}

/* ---- components ---- */

static bool m_start_failed(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	for (size_t i = 0; i < f->n_components; i++) {
		const struct diag_component *c = &f->components[i];
		bool start_err = c->reason && streq(c->reason, "StartError");
		const char *m = c->message ? c->message : "";
		if (!start_err && !strstr(m, "executable file not found") &&
		    !strstr(m, "exec format error"))
			continue;
		strbuf_addf(s, "the container of %s cannot start", c->name);
		evidence(ev, "CRI ContainerStatus %s: reason %s, exit code %d", c->name,
			 strempty(c->reason), c->exit_code);
		if (*m)
			evidence(ev, "message: %s", m);
		return true;
	}
	return false;
}

static bool m_oom(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	for (size_t i = 0; i < f->n_components; i++) {
		const struct diag_component *c = &f->components[i];
		if (!c->reason || !streq(c->reason, "OOMKilled"))
			continue;
		strbuf_addf(s, "%s was killed for lack of memory", c->name);
		evidence(ev, "CRI ContainerStatus %s: reason OOMKilled, exit code %d, attempt %u",
			 c->name, c->exit_code, c->attempt);
		if (f->mem_available_kb)
			evidence(ev, "/proc/meminfo: MemAvailable %llu kB",
				 (unsigned long long)f->mem_available_kb);
		return true;
	}
	return false;
}

/* The flag named in "unknown flag: --x" (borrowed up to the end of the word). */
static bool m_bad_flag(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	for (size_t i = 0; i < f->n_components; i++) {
		const struct diag_component *c = &f->components[i];
		if (!has_failed(c))
			continue;
		const char *l = log_find(c->log, "unknown flag: --");
		if (!l)
			l = log_find(c->log, "invalid argument");
		if (!l)
			continue;
		const char *fl = strstr(l, "--");
		size_t n = fl ? strcspn(fl, " \"'\t") : 0;
		if (fl && strstr(l, "unknown flag"))
			strbuf_addf(s, "%s refuses its command line: unknown flag %.*s", c->name, (int)n,
				    fl);
		else
			strbuf_addf(s, "%s refuses its command line: an invalid flag value", c->name);
		evidence(ev, "%s log: %s", c->name, l);
		evidence(ev, "CRI ContainerStatus %s: exit code %d, attempt %u", c->name, c->exit_code,
			 c->attempt);
		return true;
	}
	return false;
}

/* The port in "listen tcp 127.0.0.1:10259: bind: address already in use" (0 if none). */
static unsigned bind_port(const char *line)
{
	const char *b = strstr(line, ": bind: address already in use");
	if (!b)
		return 0;
	const char *p = b;
	while (p > line && p[-1] >= '0' && p[-1] <= '9')
		p--;
	if (p == b || p == line || p[-1] != ':')
		return 0;
	unsigned port = 0;
	for (const char *q = p; q < b && port < 65536; q++)
		port = port * 10 + (unsigned)(*q - '0');
	return port < 65536 ? port : 0;
}

static bool m_port_in_use(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	for (size_t i = 0; i < f->n_components; i++) {
		const struct diag_component *c = &f->components[i];
		const char *l = log_find(c->log, "address already in use");
		if (!l)
			continue;
		unsigned port = bind_port(l);
		const struct diag_listener *who = NULL;
		for (size_t j = 0; j < f->n_listeners && port; j++)
			if (f->listeners[j].port == port && f->listeners[j].pid)
				who = &f->listeners[j];
		if (who && who->comm && streq(who->comm, c->name))
			continue; /* its own earlier instance still holds the port */
		if (who)
			strbuf_addf(s, "port %u, which %s needs, is taken by %s (pid %d)", port, c->name,
				    strempty(who->comm), (int)who->pid);
		else if (port)
			strbuf_addf(s, "port %u, which %s needs, is taken by another process", port,
				    c->name);
		else
			strbuf_addf(s, "an address %s needs is taken by another process", c->name);
		evidence(ev, "%s log: %s", c->name, l);
		if (who)
			evidence(ev, "listener %s:%u owned by pid %d (%s)", who->addr, port,
				 (int)who->pid, strempty(who->comm));
		return true;
	}
	return false;
}

static bool m_etcd_foreign(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	static const char *const needles[] = { "cluster ID mismatch", "member count is unequal",
					       "has already been bootstrapped",
					       "error validating peerURLs", "mismatch" };
	for (size_t i = 0; i < f->n_components; i++) {
		const struct diag_component *c = &f->components[i];
		if (!streq(c->name, "etcd") || !has_failed(c) || f->etcd_data_predates != DIAG_YES)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(needles); k++) {
			const char *l = log_find(c->log, needles[k]);
			if (!l)
				continue;
			strbuf_addstr(s, "etcd's data directory /var/lib/etcd belongs to another cluster "
					 "or an earlier attempt");
			evidence(ev, "etcd log: %s", l);
			evidence(ev, "/var/lib/etcd/member predates this run");
			return true;
		}
	}
	return false;
}

static bool m_liveness(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	for (size_t i = 0; i < f->n_components; i++) {
		const struct diag_component *c = &f->components[i];
		if (!c->has_container || c->attempt == 0)
			continue;
		for (char *const *l = f->kubelet_log; *l; l++) {
			if (!strstr(*l, "Liveness probe failed") && !strstr(*l, "failed liveness probe"))
				continue;
			if (!strstr(*l, c->name))
				continue;
			strbuf_addf(s, "%s is restarted by the kubelet because its liveness probe fails",
				    c->name);
			evidence(ev, "kubelet log: %s", *l);
			evidence(ev, "CRI ContainerStatus %s: exit code %d, attempt %u", c->name,
				 c->exit_code, c->attempt);
			return true;
		}
	}
	return false;
}

static bool m_etcd_dependency(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	const struct diag_component *api = NULL, *etcd = NULL;
	for (size_t i = 0; i < f->n_components; i++) {
		if (streq(f->components[i].name, "kube-apiserver"))
			api = &f->components[i];
		else if (streq(f->components[i].name, "etcd"))
			etcd = &f->components[i];
	}
	if (!api || !etcd || is_running(etcd))
		return false;
	const char *l = log_find(api->log, "127.0.0.1:2379");
	if (!l || !strstr(l, "connection refused"))
		return false;
	strbuf_addstr(s, "kube-apiserver cannot reach etcd, which is not running");
	evidence(ev, "kube-apiserver log: %s", l);
	evidence(ev, "etcd: %s", etcd->has_container ? "exited" : "no container");
	return true;
}

static bool m_component_crashing(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	for (size_t i = 0; i < f->n_components; i++) {
		const struct diag_component *c = &f->components[i];
		if (!c->has_container || c->state != CRI_CONTAINER_EXITED || c->exit_code == 0)
			continue;
		strbuf_addf(s, "%s exits with code %d (attempt %u)", c->name, c->exit_code, c->attempt);
		char **l = c->log;
		size_t n = strv_length(l);
		if (n)
			evidence(ev, "%s log: %s", c->name, l[n - 1]);
		return true;
	}
	return false;
}

/* ---- PKI ---- */

static bool m_cert_not_yet_valid(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	for (size_t i = 0; i < f->n_certs; i++)
		if (f->certs[i].not_before > f->now + 60) {
			strbuf_addf(s, "the certificate %s is not valid yet (check the clock)",
				    f->certs[i].name);
			evidence(ev, "%s.crt: NotBefore %lld, now %lld", f->certs[i].name,
				 (long long)f->certs[i].not_before, (long long)f->now);
			return true;
		}
	return false;
}

static bool m_cert_expired(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	for (size_t i = 0; i < f->n_certs; i++)
		if (f->certs[i].not_after && f->certs[i].not_after < f->now) {
			strbuf_addf(s, "the certificate %s has expired", f->certs[i].name);
			evidence(ev, "%s.crt: NotAfter %lld, now %lld", f->certs[i].name,
				 (long long)f->certs[i].not_after, (long long)f->now);
			return true;
		}
	return false;
}

static bool m_stale_pki(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	for (size_t i = 0; i < f->n_certs; i++)
		if (f->certs[i].ca_ok == DIAG_NO) {
			strbuf_addf(s, "the certificate %s was not signed by this cluster's CA "
				       "(left from another cluster?)",
				    f->certs[i].name);
			evidence(ev, "%s.crt does not verify against its CA", f->certs[i].name);
			return true;
		}
	return false;
}

static bool m_cert_san(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	const char *l = log_find(f->kubelet_log, "x509: certificate is valid for");
	for (size_t i = 0; !l && i < f->n_components; i++)
		l = log_find(f->components[i].log, "x509: certificate is valid for");
	if (!l)
		return false;
	strbuf_addstr(s, "a certificate does not name the address it is reached at");
	evidence(ev, "log: %s", l);
	return true;
}

/* ---- host ---- */

static bool m_disk(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	if (f->disk_free_pct < 0 || f->disk_free_pct >= 10)
		return false;
	strbuf_addf(s, "only %d %% is free on the filesystem of %s", f->disk_free_pct,
		    f->disk_low_path);
	evidence(ev, "statfs %s: %d %% available", f->disk_low_path, f->disk_free_pct);
	return true;
}

static bool m_resources(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	bool mem = f->mem_available_kb && f->mem_available_kb < 1700ULL * 1024;
	bool cpu = f->ncpu > 0 && f->ncpu < 2;
	if (!mem && !cpu)
		return false;
	strbuf_addstr(s, "the machine is below kubeadm's minimum (2 CPUs, 1700 MB of memory)");
	if (mem)
		evidence(ev, "/proc/meminfo: MemAvailable %llu kB",
			 (unsigned long long)f->mem_available_kb);
	if (cpu)
		evidence(ev, "%ld CPU", f->ncpu);
	return true;
}

static bool m_kubelet_unhealthy(const struct diag_facts *f, struct strbuf *s, char ***ev)
{
	if (f->kubelet_running == DIAG_NO || f->kubelet_healthy != DIAG_NO)
		return false;
	strbuf_addstr(s, f->kubelet_running == DIAG_YES ? "the kubelet runs but is not healthy"
						       : "the kubelet is not healthy");
	evidence(ev, "kubelet healthz: %s", strempty(f->kubelet_health_error));
	size_t n = strv_length(f->kubelet_log);
	for (size_t i = n > 3 ? n - 3 : 0; i < n; i++)
		evidence(ev, "kubelet log: %s", f->kubelet_log[i]);
	return true;
}

#define REF "see "
const struct diag_rule diag_rules[] = {
	{ "RUNTIME_CRI_DISABLED", DIAG_FATAL, m_runtime_cri_disabled,
	  "remove \"cri\" from disabled_plugins in /etc/containerd/config.toml and restart containerd",
	  REF "containerd/containerd#4581, #8139, kubernetes/kubernetes#111591" },
	{ "RUNTIME_UNAVAILABLE", DIAG_FATAL, m_runtime_unavailable,
	  "start the container runtime (systemctl start containerd) or fix --cri-socket",
	  REF "containerd/containerd#4581" },
	{ "CRI_SOCKET_MISMATCH", DIAG_FATAL, m_cri_socket_mismatch,
	  "make the kubelet's containerRuntimeEndpoint and nodeRegistration.criSocket the same", "" },
	{ "KUBELET_NOT_RUNNING", DIAG_FATAL, m_kubelet_not_running,
	  "start the kubelet (systemctl enable --now kubelet) and read journalctl -xeu kubelet",
	  REF "kubernetes/kubeadm#2541, kubernetes/kubernetes#53333" },
	{ "SWAP_ENABLED", DIAG_FATAL, m_swap,
	  "turn swap off (swapoff -a and remove it from /etc/fstab), or set failSwapOn: false in a KubeletConfiguration",
	  REF "kubernetes/kubeadm#610, #3017" },
	{ "CGROUP_DRIVER_MISMATCH", DIAG_FATAL, m_cgroup_driver,
	  "use the same cgroup driver in both: SystemdCgroup for runc in /etc/containerd/config.toml "
	  "and cgroupDriver in a KubeletConfiguration (systemd where systemd runs, cgroupfs otherwise)",
	  REF "kubernetes/kubeadm#639, kubernetes/kubernetes#110177" },
	{ "KUBELET_CONFIG_INVALID", DIAG_FATAL, m_kubelet_config_invalid,
	  "fix the KubeletConfiguration (or patch) given to kubeadm; the kubelet log names the field",
	  "" },
	{ "CERT_NOT_YET_VALID", DIAG_FATAL, m_cert_not_yet_valid,
	  "set the clock right (timedatectl, chrony) or regenerate the certificates",
	  REF "k0sproject/k0s#1766" },
	{ "CERT_EXPIRED", DIAG_FATAL, m_cert_expired,
	  "renew the certificates: ckubeadm certs renew all", REF "kubernetes/kubeadm#581" },
	{ "STALE_KUBECONFIG", DIAG_LIKELY, m_stale_pki,
	  "remove what an earlier cluster left (kubeadm reset) and run again",
	  REF "kubernetes/minikube#6946, SUSE/skuba#36" },
	{ "SANDBOX_IMAGE_UNAVAILABLE", DIAG_FATAL, m_sandbox_image,
	  "make the runtime's sandbox_image available (import it, or point sandbox_image at kubeadm's "
	  "pause image: kubeadm config images list)",
	  REF "kubernetes/kubeadm#2851, #2900, kubernetes/kubernetes#90326" },
	{ "PORT_IN_USE", DIAG_FATAL, m_port_in_use,
	  "stop the process that holds the port (leftover of another install?)",
	  REF "kubernetes/kubeadm#2353" },
	{ "COMPONENT_BAD_FLAG", DIAG_FATAL, m_bad_flag,
	  "remove or fix the flag in extraArgs (ClusterConfiguration) or in the patches",
	  REF "kubernetes/kubernetes#59731, kubernetes/kubeadm#2907" },
	{ "ETCD_DATA_DIR_FOREIGN", DIAG_FATAL, m_etcd_foreign,
	  "empty /var/lib/etcd (kubeadm reset) when its data is not needed, then run again",
	  REF "kubernetes/kubeadm#2138" },
	{ "OOM_KILLED", DIAG_FATAL, m_oom,
	  "give the machine (or the component's limits) more memory",
	  REF "kubernetes/kubeadm#2535, #2833" },
	{ "CONTAINER_START_FAILED", DIAG_FATAL, m_start_failed,
	  "check the image of the component (kubeadm config images list) and the machine's architecture",
	  "" },
	{ "IMAGE_NOT_PRESENT", DIAG_FATAL, m_image_missing,
	  "pull the images first (kubeadm config images pull) or make the registry reachable",
	  REF "kubernetes/kubeadm#2936" },
	{ "SANDBOX_RECREATED_LOOP", DIAG_LIKELY, m_sandbox_recreated,
	  "check the cgroup driver of the kubelet and of the runtime",
	  REF "kubernetes/kubernetes#110177, #106464" },
	{ "SANDBOX_CREATE_FAILED", DIAG_LIKELY, m_sandbox_create_failed,
	  "read the runtime's log (journalctl -u containerd)", REF "kubernetes/kubernetes#110177" },
	{ "LIVENESS_PROBE_FAILING", DIAG_LIKELY, m_liveness,
	  "check the component's probe (patches) and its log", REF "kubernetes/kubernetes#117293" },
	{ "KUBELET_CREDENTIALS_INVALID", DIAG_LIKELY, m_kubelet_credentials,
	  "remove the stale /etc/kubernetes/kubelet.conf (kubeadm reset) and join again",
	  REF "kubernetes/kubeadm#2054" },
	{ "CERT_SAN_MISMATCH", DIAG_LIKELY, m_cert_san,
	  "add the name to certSANs and regenerate the API server's certificate",
	  REF "kubernetes/kubeadm#1447" },
	{ "STATIC_PODS_NOT_PICKED_UP", DIAG_FATAL, m_static_pods_not_picked,
	  "set staticPodPath to the manifests directory in the KubeletConfiguration", "" },
	{ "ETCD_UNHEALTHY_DEPENDENCY", DIAG_LIKELY, m_etcd_dependency,
	  "look at etcd first: ckubeadm diagnose --component etcd --verbose",
	  REF "kubernetes/kubeadm#3187" },
	{ "COMPONENT_CRASHING", DIAG_LIKELY, m_component_crashing,
	  "read the component's log: crictl logs on its latest container", "" },
	{ "DISK_PRESSURE", DIAG_LIKELY, m_disk, "free disk space", "" },
	{ "KUBELET_UNHEALTHY", DIAG_LIKELY, m_kubelet_unhealthy,
	  "read the kubelet's log: journalctl -xeu kubelet", "" },
	{ "RESOURCE_SHORTAGE", DIAG_INFO, m_resources, "give the machine more CPUs or memory",
	  REF "kubernetes/kubeadm#2535" },
};
const size_t diag_n_rules = ARRAY_SIZE(diag_rules);

void diag_evaluate(const struct diag_facts *f, struct diag_report *ret)
{
	*ret = (struct diag_report){ 0 };
	for (size_t i = 0; i < diag_n_rules && ret->n < DIAG_MAX_FINDINGS; i++) {
		struct strbuf s = STRBUF_INIT;
		char **ev = xnew0(char *);
		if (!diag_rules[i].match(f, &s, &ev)) {
			strbuf_release(&s);
			strv_free(ev);
			continue;
		}
		ret->findings[ret->n++] = (struct diag_finding){ &diag_rules[i], strbuf_detach(&s, NULL),
								 ev };
	}
	/* the first Fatal one is the headline */
	for (size_t i = 1; i < ret->n; i++)
		if (ret->findings[i].rule->severity == DIAG_FATAL &&
		    ret->findings[0].rule->severity != DIAG_FATAL) {
			struct diag_finding t = ret->findings[i];
			memmove(&ret->findings[1], &ret->findings[0], i * sizeof(t));
			ret->findings[0] = t;
			break;
		}
}

void diag_report_release(struct diag_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->findings[i].summary);
		strv_free(r->findings[i].evidence);
	}
	*r = (struct diag_report){ 0 };
}

bool diag_report_fatal(const struct diag_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->findings[i].rule->severity == DIAG_FATAL)
			return true;
	return false;
}
