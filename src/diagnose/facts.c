/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The collectors of the diagnosis (beyond-kubeadm.md §2.3): read-only and bounded (each CRI
 * call 1 s, the kubelet's healthz 1 s, log tails capped in bytes and lines, /proc scans capped
 * in entries), so the whole collection stays within 5 s. What a collector cannot tell stays
 * unknown; no collector fails the diagnosis.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cri/cri.h"
#include "diagnose/diagnose.h"
#include "kube/http.h"
#include "pki/pki.h"
#include "util/error.h"
#include "util/exec.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/yaml.h"

#define CRI_CALL_MS 1000
#define HEALTHZ_MS 1000
#define LOG_LINES 200
#define LOG_BYTES (256 * 1024)
#define KUBELET_LOG_LINES 400
#define MAX_PIDS 4096
#define CGROUP2_MAGIC 0x63677270

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

struct diag_facts *diag_facts_new(void)
{
	struct diag_facts *f = xnew0(struct diag_facts);
	f->runtime_ready = f->sandbox_image_present = f->runtime_systemd_cgroup = DIAG_UNKNOWN;
	f->kubelet_healthy = f->kubelet_running = f->kubelet_fail_swap_on = DIAG_UNKNOWN;
	f->systemd_running = f->cgroup_v2 = f->etcd_data_predates = DIAG_UNKNOWN;
	f->disk_free_pct = -1;
	f->kubelet_log = xnew0(char *);
	return f;
}

struct diag_facts *diag_facts_free(struct diag_facts *f)
{
	if (!f)
		return NULL;
	free(f->cri_endpoint);
	free(f->cri_error);
	free(f->runtime_message);
	free(f->sandbox_image);
	free(f->kubelet_health_error);
	free(f->kubelet_cgroup_driver);
	free(f->kubelet_static_pod_path);
	free(f->kubelet_runtime_endpoint);
	strv_free(f->kubelet_log);
	free(f->manifests_dir);
	free(f->disk_low_path);
	for (size_t i = 0; i < f->n_listeners; i++) {
		free(f->listeners[i].addr);
		free(f->listeners[i].comm);
	}
	free(f->listeners);
	for (size_t i = 0; i < f->n_certs; i++)
		free(f->certs[i].name);
	free(f->certs);
	for (size_t i = 0; i < f->n_components; i++) {
		struct diag_component *c = &f->components[i];
		free(c->name);
		free(c->manifest_image);
		free(c->reason);
		free(c->message);
		strv_free(c->log);
	}
	free(f->components);
	free(f);
	return NULL;
}

/* ---- parsers ---- */

int diag_parse_swaps(const char *text, uint64_t *ret_kb)
{
	/* "Filename Type Size Used Priority": the header, then one line per active area */
	const char *p = strchr(text, '\n');
	uint64_t total = 0;
	if (!p) {
		*ret_kb = 0;
		return 0;
	}
	for (p++; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len) {
			_cleanup_free_ char *line = xstrndup(p, len);
			char name[256], type[32];
			uint64_t size, used;
			int prio;
			if (len > 512 || sscanf(line, "%255s %31s %" SCNu64 " %" SCNu64 " %d", name, type,
						&size, &used, &prio) != 5)
				return error_set(-EBADMSG, "/proc/swaps: bad line");
			total += size;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	*ret_kb = total;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The kernel's address: 8 hex digits (v4) or 32 (v6), each 32-bit word in host order. */
static int format_addr(const char *hex, size_t len, bool v6, char *out, size_t outlen)
{
	if (len != (v6 ? 32u : 8u))
		return -EBADMSG;
	uint8_t b[16];
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EBADMSG;
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	/* each word is little-endian on the machines we run on */
	uint8_t a[16];
	for (size_t w = 0; w < len / 8; w++)
		for (int k = 0; k < 4; k++)
			a[w * 4 + (size_t)k] = b[w * 4 + 3 - (size_t)k];
	if (!v6) {
		snprintf(out, outlen, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		return 0;
	}
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < 8; i++)
		strbuf_addf(&sb, "%s%x", i ? ":" : "", a[2 * i] << 8 | a[2 * i + 1]);
	snprintf(out, outlen, "%s", sb.buf);
	strbuf_release(&sb);
	return 0;
}

int diag_parse_proc_net_tcp(const char *text, bool v6, struct diag_tcp_listen **v, size_t *n)
{
	const char *p = strchr(text, '\n');
	if (!p)
		return 0;
	for (p++; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len) {
			if (len > 512)
				return error_set(-EBADMSG, "/proc/net/tcp: line too long");
			_cleanup_free_ char *line = xstrndup(p, len);
			char local[80], remote[80], st[8];
			unsigned long inode;
			int uid;
			/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
			if (sscanf(line, " %*s %79s %79s %7s %*s %*s %*s %d %*s %lu", local, remote, st,
				   &uid, &inode) != 5)
				return error_set(-EBADMSG, "/proc/net/tcp: bad line");
			char *colon = strchr(local, ':');
			if (!colon || strlen(colon + 1) != 4)
				return error_set(-EBADMSG, "/proc/net/tcp: bad local address");
			struct diag_tcp_listen l = { 0 };
			for (int i = 1; i <= 4; i++) {
				int h = hexval(colon[i]);
				if (h < 0)
					return error_set(-EBADMSG, "/proc/net/tcp: bad port");
				l.port = l.port << 4 | (unsigned)h;
			}
			if (format_addr(local, (size_t)(colon - local), v6, l.addr, sizeof(l.addr)) < 0)
				return error_set(-EBADMSG, "/proc/net/tcp: bad address");
			l.inode = inode;
			if (streq(st, "0A")) { /* TCP_LISTEN */
				*v = xrealloc(*v, (*n + 1) * sizeof(**v));
				(*v)[(*n)++] = l;
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

/* ---- collectors ---- */

static char *read_small(int rootfd, const char *path, size_t max)
{
	char *data = NULL;
	size_t len;
	if (fs_read_file(rootfd, path, max, &data, &len) < 0) {
		error_clear();
		return NULL;
	}
	return data;
}

static const char *json_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* containerd's CRI config (Status info["config"]): the sandbox image and runc's SystemdCgroup. */
static void runtime_config(struct diag_facts *f, const char *config)
{
	_cleanup_json_ json_t *j = json_loads(config, 0, NULL);
	if (!j)
		return;
	const char *img = json_str(j, "sandboxImage");
	if (img && *img)
		f->sandbox_image = xstrdup(img);
	const json_t *runc = json_object_get(
		json_object_get(json_object_get(j, "containerd"), "runtimes"), "runc");
	const json_t *opts = json_object_get(runc, "options");
	const json_t *sc = json_object_get(opts, "SystemdCgroup");
	if (!sc)
		sc = json_object_get(opts, "systemd_cgroup");
	if (json_is_boolean(sc))
		f->runtime_systemd_cgroup = json_is_true(sc) ? DIAG_YES : DIAG_NO;
	else if (runc)
		f->runtime_systemd_cgroup = DIAG_NO; /* runc's default: cgroupfs */
}

static struct diag_component *component_get(struct diag_facts *f, const char *name)
{
	for (size_t i = 0; i < f->n_components; i++)
		if (streq(f->components[i].name, name))
			return &f->components[i];
	return NULL;
}

/* The static pods kubeadm wrote: one component per manifest, with its image. */
static void read_manifests(const struct diag_options *o, struct diag_facts *f)
{
	static const char *const names[] = { "etcd", "kube-apiserver", "kube-controller-manager",
					     "kube-scheduler" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (o->component && !streq(o->component, names[i]))
			continue;
		_cleanup_free_ char *path = NULL;
		path = xasprintf("%s/%s.yaml", o->manifests_dir, names[i]);
		_cleanup_free_ char *text = read_small(o->rootfd, path, 1 << 20);
		if (!text)
			continue;
		f->components = xrealloc(f->components, (f->n_components + 1) * sizeof(*f->components));
		struct diag_component *c = &f->components[f->n_components++];
		*c = (struct diag_component){ .name = xstrdup(names[i]), .image_present = DIAG_UNKNOWN,
					      .log = xnew0(char *) };
		_cleanup_json_ json_t *j = NULL;
		if (yaml_to_json(text, strlen(text), 0, &j) >= 0) {
			const char *img = json_str(
				json_array_get(json_get_path(j, "spec.containers"), 0), "image");
			if (img)
				c->manifest_image = xstrdup(img);
		} else {
			error_clear();
		}
	}
}

static void add_log_tail(int rootfd, const char *path, char ***log)
{
	char **lines = NULL;
	if (!path || !*path || cri_log_tail(rootfd, path, LOG_LINES, LOG_BYTES, &lines) < 0) {
		error_clear();
		return;
	}
	for (char **l = lines; *l; l++)
		strv_push(log, *l);
	strv_free(lines);
}

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The CRI collector's share of the 5 s: a runtime that answers slowly is not asked more. */
#define CRI_BUDGET_MS 2500

static void collect_cri(const struct diag_options *o, struct diag_facts *f)
{
	const long long until = mono_ms() + CRI_BUDGET_MS;
	f->cri_endpoint = xstrdup(o->cri_socket ? o->cri_socket : CRI_DEFAULT_SOCKET);
	_cleanup_(cri_client_freep) struct cri_client *c =
		cri_client_new_at(o->rootfd, f->cri_endpoint, CRI_CALL_MS);
	_cleanup_(cri_status_freep) struct cri_status *st = NULL;
	int r = cri_status(c, true, &st);
	if (r < 0) {
		f->cri_errno = -r;
		f->cri_error = xstrdup(error_message(r));
		error_clear();
		return;
	}
	for (size_t i = 0; i < st->n_conditions; i++)
		if (streq(st->conditions[i].type, "RuntimeReady")) {
			f->runtime_ready = st->conditions[i].status ? DIAG_YES : DIAG_NO;
			if (!st->conditions[i].status)
				f->runtime_message = xasprintf("%s: %s", st->conditions[i].reason,
					  st->conditions[i].message);
		}
	const char *cfg = cri_kv_get(st->info, st->n_info, "config");
	if (cfg)
		runtime_config(f, cfg);
	if (f->sandbox_image) {
		_cleanup_(cri_image_freep) struct cri_image *img = NULL;
		if (cri_image_status(c, f->sandbox_image, &img) >= 0)
			f->sandbox_image_present = img ? DIAG_YES : DIAG_NO;
		error_clear();
	}
	for (size_t i = 0; i < f->n_components && mono_ms() < until; i++) {
		struct diag_component *k = &f->components[i];
		if (!k->manifest_image)
			continue;
		_cleanup_(cri_image_freep) struct cri_image *img = NULL;
		if (cri_image_status(c, k->manifest_image, &img) >= 0)
			k->image_present = img ? DIAG_YES : DIAG_NO;
		error_clear();
	}
	const struct cri_kv ns = { (char *)"io.kubernetes.pod.namespace", (char *)"kube-system" };
	struct cri_sandbox_filter sf = { .label_selector = &ns, .n_label_selector = 1 };
	struct cri_sandbox *sbs = NULL;
	size_t nsb = 0;
	if (mono_ms() >= until || cri_list_sandboxes(c, &sf, &sbs, &nsb) < 0) {
		error_clear();
		return;
	}
	for (size_t i = 0; i < nsb; i++) {
		const char *comp = cri_kv_get(sbs[i].labels, sbs[i].n_labels, "component");
		struct diag_component *k = comp ? component_get(f, comp) : NULL;
		if (!k)
			continue;
		/* the newest sandbox of the pod; attempt counts its recreations */
		if (!k->has_sandbox || sbs[i].attempt >= k->sandbox_attempt) {
			k->sandbox_ready = sbs[i].state == CRI_SANDBOX_READY;
			k->sandbox_attempt = sbs[i].attempt;
		}
		k->has_sandbox = true;
	}
	cri_sandboxes_free(sbs, nsb);
	struct cri_container_filter cf = { .label_selector = &ns, .n_label_selector = 1 };
	struct cri_container *cs = NULL;
	size_t ncs = 0;
	if (mono_ms() >= until || cri_list_containers(c, &cf, &cs, &ncs) < 0) {
		error_clear();
		return;
	}
	for (size_t i = 0; i < f->n_components && mono_ms() < until; i++) {
		struct diag_component *k = &f->components[i];
		/* the two latest attempts: the newest for its state, both for their logs */
		const struct cri_container *last = NULL, *prev = NULL;
		for (size_t j = 0; j < ncs; j++) {
			if (!streq(cs[j].name, k->name))
				continue;
			if (!last || cs[j].created_at > last->created_at) {
				prev = last;
				last = &cs[j];
			} else if (!prev || cs[j].created_at > prev->created_at) {
				prev = &cs[j];
			}
		}
		if (!last)
			continue;
		_cleanup_(cri_container_status_freep) struct cri_container_status *s = NULL;
		if (prev) {
			_cleanup_(cri_container_status_freep) struct cri_container_status *ps = NULL;
			if (cri_container_status(c, prev->id, &ps) >= 0)
				add_log_tail(o->rootfd, ps->log_path, &k->log);
			error_clear();
		}
		k->has_container = true;
		k->state = last->state;
		k->attempt = last->attempt;
		if (cri_container_status(c, last->id, &s) >= 0) {
			k->state = s->state;
			k->exit_code = s->exit_code;
			k->reason = xstrdup(s->reason);
			k->message = xstrdup(s->message);
			add_log_tail(o->rootfd, s->log_path, &k->log);
		}
		error_clear();
	}
	cri_containers_free(cs, ncs);
}

/* The time of a klog line ("I1208 04:05:06.123456 ..."), in the year of now, UTC as the
 * kubelet writes it where TZ is unset; 0 when the line has no klog header. */
time_t diag_klog_time(const char *line, time_t now)
{
	unsigned mo, d, h, mi, se;
	char sev;
	if (!line[0] || !strchr("IWEF", line[0]) || sscanf(line, "%c%2u%2u %2u:%2u:%2u", &sev, &mo, &d, &h, &mi, &se) != 6)
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return 0;
	struct tm tm;
	gmtime_r(&now, &tm);
	int year = tm.tm_year;
	tm = (struct tm){ .tm_year = year, .tm_mon = (int)mo - 1, .tm_mday = (int)d, .tm_hour = (int)h,
			  .tm_min = (int)mi, .tm_sec = (int)se };
	time_t t = timegm(&tm);
	/* a line from December read in January belongs to last year */
	if (t > now + 86400) {
		tm.tm_year = year - 1;
		t = timegm(&tm);
	}
	return t;
}

static void collect_kubelet(const struct diag_options *o, struct diag_facts *f)
{
	_cleanup_free_ char *url = NULL, *body = NULL, *err = NULL;
	url = xasprintf("http://127.0.0.1:%d/healthz",
		  o->kubelet_healthz_port > 0 ? o->kubelet_healthz_port : 10248);
	if (kube_http_get(url, HEALTHZ_MS, 4096, &body, &err) >= 0 && streq(body, "ok")) {
		f->kubelet_healthy = DIAG_YES;
	} else {
		f->kubelet_healthy = DIAG_NO;
		f->kubelet_health_error = err ? xstrdup(err) : xstrdup(body ? body : "");
	}
	error_clear();
	_cleanup_free_ char *text = read_small(o->rootfd, o->kubelet_config, 1 << 20);
	_cleanup_json_ json_t *j = NULL;
	if (text && yaml_to_json(text, strlen(text), 0, &j) >= 0) {
		const char *s;
		if ((s = json_str(j, "cgroupDriver")))
			f->kubelet_cgroup_driver = xstrdup(s);
		if ((s = json_str(j, "staticPodPath")))
			f->kubelet_static_pod_path = xstrdup(s);
		if ((s = json_str(j, "containerRuntimeEndpoint")))
			f->kubelet_runtime_endpoint = xstrdup(s);
		const json_t *fs = json_object_get(j, "failSwapOn");
		f->kubelet_fail_swap_on = json_is_false(fs) ? DIAG_NO : DIAG_YES;
	}
	error_clear();
	/* a process named kubelet in this PID namespace */
	_cleanup_(closedirp) DIR *d = opendir("/proc");
	if (d) {
		struct dirent *de;
		int seen = 0;
		f->kubelet_running = DIAG_NO;
		while ((de = readdir(d)) && seen++ < MAX_PIDS) {
			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			char path[300];
			snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
			_cleanup_free_ char *comm = read_small(AT_FDCWD, path, 64);
			if (comm && streq(comm, "kubelet\n")) {
				f->kubelet_running = DIAG_YES;
				break;
			}
		}
	}
	/* the log: a file (the bed, CKUBEADM_KUBELET_LOG) or the journal */
	if (o->kubelet_log) {
		_cleanup_close_ int fd = openat(o->rootfd, fs_path_at(o->rootfd, o->kubelet_log),
						O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			off_t from = st.st_size > LOG_BYTES ? st.st_size - LOG_BYTES : 0;
			_cleanup_free_ char *buf = xmalloc(LOG_BYTES + 1);
			_cleanup_strv_free_ char **recent = xnew0(char *);
			ssize_t k = pread(fd, buf, LOG_BYTES, from);
			if (k > 0) {
				buf[k] = '\0';
				char *p = buf;
				if (from > 0 && (p = strchr(buf, '\n')))
					p++;
				_cleanup_strv_free_ char **lines = strv_split(p ? p : "", '\n', true);
				size_t n = strv_length(lines);
				/* a file holds earlier runs too: klog lines from before this one are not
				 * its evidence (lines without a header go with the line before) */
				bool keep = true;
				for (size_t i = 0; i < n; i++) {
					time_t t = diag_klog_time(lines[i], f->now);
					if (t)
						keep = t >= o->run_start - 60;
					if (keep)
						strv_push(&recent, lines[i]);
				}
				n = strv_length(recent);
				for (size_t i = n > KUBELET_LOG_LINES ? n - KUBELET_LOG_LINES : 0; i < n; i++)
					strv_push(&f->kubelet_log, recent[i]);
			}
		}
	} else {
		_cleanup_free_ char *jc = exec_look_path("journalctl");
		if (jc && f->systemd_running == DIAG_YES) {
			char since[32];
			snprintf(since, sizeof(since), "@%lld", (long long)(o->run_start - 60));
			char *argv[] = { (char *)"journalctl", (char *)"-u", (char *)"kubelet",
					 (char *)"--no-pager", (char *)"-o", (char *)"cat",
					 (char *)"--since", since, (char *)"-n", (char *)"400", NULL };
			_cleanup_strbuf_ struct strbuf out = STRBUF_INIT, e = STRBUF_INIT;
			if (exec_run(jc, argv, false, &out, LOG_BYTES, &e) == 0) {
				_cleanup_strv_free_ char **lines = strv_split(out.buf, '\n', true);
				for (char **l = lines; *l; l++)
					if (**l)
						strv_push(&f->kubelet_log, *l);
			}
		}
	}
	error_clear();
}

/* The PID owning each socket inode of interest (a /proc/PID/fd entry linking to socket:[inode]). */
static void owners(struct diag_facts *f, const struct diag_tcp_listen *v, size_t n)
{
	_cleanup_(closedirp) DIR *d = opendir("/proc");
	if (!d)
		return;
	struct dirent *de;
	int seen = 0;
	size_t found = 0;
	while ((de = readdir(d)) && seen++ < MAX_PIDS && found < n) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		char path[300];
		snprintf(path, sizeof(path), "/proc/%s/fd", de->d_name);
		_cleanup_(closedirp) DIR *fd = opendir(path);
		if (!fd)
			continue;
		struct dirent *fe;
		int nfd = 0;
		while ((fe = readdir(fd)) && nfd++ < 4096) {
			char link[600], target[64];
			snprintf(link, sizeof(link), "/proc/%s/fd/%s", de->d_name, fe->d_name);
			ssize_t k = readlink(link, target, sizeof(target) - 1);
			if (k <= 8)
				continue;
			target[k] = '\0';
			unsigned long ino;
			if (sscanf(target, "socket:[%lu]", &ino) != 1)
				continue;
			for (size_t i = 0; i < n; i++) {
				if (v[i].inode != ino || f->listeners[i].pid)
					continue;
				int pid;
				if (parse_int(de->d_name, 1, INT32_MAX, &pid) < 0)
					continue;
				f->listeners[i].pid = pid;
				char cp[64];
				snprintf(cp, sizeof(cp), "/proc/%d/comm", pid);
				_cleanup_free_ char *comm = read_small(AT_FDCWD, cp, 64);
				if (comm) {
					comm[strcspn(comm, "\n")] = '\0';
					f->listeners[i].comm = TAKE_PTR(comm);
				}
				found++;
			}
		}
	}
	error_clear();
}

static void collect_host(const struct diag_options *o, struct diag_facts *f)
{
	_cleanup_free_ char *swaps = read_small(AT_FDCWD, "/proc/swaps", 1 << 16);
	if (swaps && diag_parse_swaps(swaps, &f->swap_kb) < 0)
		f->swap_kb = 0;
	_cleanup_free_ char *mem = read_small(AT_FDCWD, "/proc/meminfo", 1 << 16);
	const char *ma = mem ? strstr(mem, "MemAvailable:") : NULL;
	if (ma)
		f->mem_available_kb = strtoull(ma + 13, NULL, 10);
	f->ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	f->systemd_running = fs_exists(o->rootfd, "/run/systemd/system") ? DIAG_YES : DIAG_NO;
	struct statfs sfs;
	if (statfs("/sys/fs/cgroup", &sfs) == 0)
		f->cgroup_v2 = (unsigned long)sfs.f_type == CGROUP2_MAGIC ? DIAG_YES : DIAG_NO;
	static const char *const disks[] = { "/var/lib/etcd", "/var/lib/containerd" };
	for (size_t i = 0; i < ARRAY_SIZE(disks); i++) {
		if (statfs(fs_path_at(o->rootfd, disks[i]), &sfs) != 0 || !sfs.f_blocks)
			continue;
		int pct = (int)(sfs.f_bavail * 100 / sfs.f_blocks);
		if (f->disk_free_pct < 0 || pct < f->disk_free_pct) {
			f->disk_free_pct = pct;
			free(f->disk_low_path);
			f->disk_low_path = xstrdup(disks[i]);
		}
	}
	struct diag_tcp_listen *v = NULL;
	size_t n = 0;
	static const char *const tcp[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *t = read_small(AT_FDCWD, tcp[i], 4 << 20);
		if (t && diag_parse_proc_net_tcp(t, i == 1, &v, &n) < 0)
			error_clear();
	}
	f->listeners = xcalloc(n ? n : 1, sizeof(struct diag_listener));
	f->n_listeners = n;
	for (size_t i = 0; i < n; i++) {
		f->listeners[i].port = v[i].port;
		f->listeners[i].addr = xstrdup(v[i].addr);
	}
	owners(f, v, n);
	free(v);
}

static void collect_pki(const struct diag_options *o, struct diag_facts *f)
{
	/* leaf, its CA */
	static const char *const certs[][2] = {
		{ "apiserver", "ca" },
		{ "apiserver-kubelet-client", "ca" },
		{ "front-proxy-client", "front-proxy-ca" },
		{ "apiserver-etcd-client", "etcd/ca" },
		{ "etcd/server", "etcd/ca" },
		{ "etcd/peer", "etcd/ca" },
		{ "etcd/healthcheck-client", "etcd/ca" },
		{ "ca", NULL },
		{ "etcd/ca", NULL },
		{ "front-proxy-ca", NULL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(certs); i++) {
		_cleanup_free_ char *path = NULL;
		path = xasprintf("%s/%s.crt", o->pki_dir, certs[i][0]);
		_cleanup_free_ char *pem = read_small(o->rootfd, path, 1 << 20);
		_cleanup_(pki_certs_freep) struct pki_cert **v = NULL;
		if (!pem || pki_certs_from_pem(pem, strlen(pem), &v) < 0) {
			error_clear();
			continue;
		}
		f->certs = xrealloc(f->certs, (f->n_certs + 1) * sizeof(*f->certs));
		struct diag_cert *c = &f->certs[f->n_certs++];
		*c = (struct diag_cert){ .name = xstrdup(certs[i][0]),
					 .not_before = pki_cert_not_before(v[0]),
					 .not_after = pki_cert_not_after(v[0]),
					 .ca_ok = DIAG_UNKNOWN };
		if (!certs[i][1])
			continue;
		_cleanup_free_ char *cap = NULL;
		cap = xasprintf("%s/%s.crt", o->pki_dir, certs[i][1]);
		_cleanup_free_ char *capem = read_small(o->rootfd, cap, 1 << 20);
		_cleanup_(pki_certs_freep) struct pki_cert **ca = NULL;
		if (capem && pki_certs_from_pem(capem, strlen(capem), &ca) >= 0) {
			/* the chain is verified at the current time: only a signature mismatch counts */
			int r = pki_cert_verify_chain(v[0], NULL, ca[0]);
			const char *m = r < 0 ? error_message(r) : "";
			c->ca_ok = r >= 0 || strstr(m, "expired") || strstr(m, "not yet valid") ? DIAG_YES
											   : DIAG_NO;
		}
		error_clear();
	}
}

static void collect_etcd(const struct diag_options *o, struct diag_facts *f)
{
	struct stat st;
	if (fs_stat(o->rootfd, "/var/lib/etcd/member", &st) < 0) {
		f->etcd_data_predates = DIAG_NO;
		return;
	}
	f->etcd_data_predates = st.st_mtime < o->run_start - 5 ? DIAG_YES : DIAG_NO;
}

time_t diag_process_start(void)
{
	/* field 22 of /proc/self/stat: start time in clock ticks after boot */
	_cleanup_free_ char *st = read_small(AT_FDCWD, "/proc/self/stat", 4096);
	_cleanup_free_ char *up = read_small(AT_FDCWD, "/proc/uptime", 256);
	const char *p = st ? strrchr(st, ')') : NULL;
	unsigned long long ticks = 0;
	double uptime = 0;
	if (!p || !up || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
				&ticks) != 1 || sscanf(up, "%lf", &uptime) != 1)
		return time(NULL);
	long hz = sysconf(_SC_CLK_TCK);
	return time(NULL) - (time_t)(uptime - (double)ticks / (double)(hz > 0 ? hz : 100));
}

void diag_collect(const struct diag_options *o, struct diag_facts **ret)
{
	struct diag_facts *f = diag_facts_new();
	log_quiet(true);
	f->now = time(NULL);
	f->manifests_dir = xstrdup(o->manifests_dir);
	read_manifests(o, f);
	collect_host(o, f);
	collect_cri(o, f);
	collect_kubelet(o, f);
	collect_pki(o, f);
	collect_etcd(o, f);
	log_quiet(false);
	*ret = f;
}
