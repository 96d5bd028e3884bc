/* SPDX-License-Identifier: Apache-2.0 */
/* kubeadm's pre-flight checks (cmd/kubeadm/app/preflight/checks.go, checks_linux.go). */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <jansson.h>
#include <regex.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/version.h"
#include "cri/cri.h"
#include "kube/http.h"
#include "kube/transport.h"
#include "kubelet/initsystem.h"
#include "preflight/exec.h"
#include "preflight/preflight.h"
#include "preflight/sysverify.h"
#include "util/error.h"
#include "util/events.h"
#include "util/exec.h"
#include "util/match.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/resolv.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define KUBEADM_VERSION "v1.37.2"
#define MIN_KUBELET_VERSION "1.34.0"
#define MIN_EXTERNAL_ETCD_VERSION "3.5.24-0"
#define CONTROL_PLANE_NUM_CPU 2
#define CONTROL_PLANE_MEM 1700
#define KUBELET_PORT 10250
#define KUBE_SCHEDULER_PORT 10259
#define KUBE_CONTROLLER_MANAGER_PORT 10257
#define ETCD_CLIENT_PORT 2379
#define ETCD_PEER_PORT 2380
#define IPV4_FORWARD "/proc/sys/net/ipv4/ip_forward"
#define IPV6_FORWARDING "/proc/sys/net/ipv6/conf/default/forwarding"
#define OUTPUT_MAX (1u << 20)

/* ---- small helpers ---- */

static void add_fmt(char ***v, const char *fmt, ...) _printf_(2, 3);
static void add_fmt(char ***v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strv_consume(v, strbuf_detach(&sb, NULL));
}

/* Go's syscall.Errno text: glibc's with a lower-case first letter. */
static char *go_err(int e)
{
	char *t = xstrdup(strerror(e));
	t[0] = (char)tolower((unsigned char)t[0]);
	return t;
}

static char *path_label(const char *prefix, const char *path)
{
	char *s = xasprintf("%s%s", prefix, path);
	for (char *p = s + strlen(prefix); *p; p++)
		if (*p == '/')
			*p = '-';
	return s;
}

char *preflight_look_path(const char *name)
{
	return exec_look_path(name);
}

int preflight_run(char *const argv[], bool combined, struct strbuf *out, struct strbuf *err)
{
	_cleanup_free_ char *exe = preflight_look_path(argv[0]);
	if (!exe) {
		strbuf_addstr(err, "executable file not found in $PATH");
		return -ENOENT;
	}
	int r = exec_run(exe, argv, combined, out, OUTPUT_MAX, err);
	return r < 0 ? -EIO : r;
}

static void semver_string(const struct semver *v, struct strbuf *out)
{
	strbuf_addf(out, "%llu.%llu.%llu", (unsigned long long)v->major,
		    (unsigned long long)v->minor, (unsigned long long)v->patch);
	if (v->pre[0])
		strbuf_addf(out, "-%s", v->pre);
}

/* ---- kubelet version ---- */

/*
 * `kubelet --version`, run once per process: the SystemVerification and KubeletVersion checks
 * both ask (kubeadm runs it twice), and starting the 50 MiB kubelet costs ~60 ms each time.
 * preflight_run_checks starts it in a thread so that it overlaps the checks before them.
 */
static pthread_once_t kubelet_version_once = PTHREAD_ONCE_INIT;
static struct {
	int r;
	struct strbuf out, err;
} kubelet_version_run = { .out = STRBUF_INIT, .err = STRBUF_INIT };

static void kubelet_version_exec(void)
{
	char *argv[] = { (char *)"kubelet", (char *)"--version", NULL };
	kubelet_version_run.r =
		preflight_run(argv, false, &kubelet_version_run.out, &kubelet_version_run.err);
}

static void *kubelet_version_prefetch(void *arg)
{
	(void)arg;
	pthread_once(&kubelet_version_once, kubelet_version_exec);
	return NULL;
}

int preflight_kubelet_version(char **ret)
{
	pthread_once(&kubelet_version_once, kubelet_version_exec);
	int r = kubelet_version_run.r;
	if (r < 0) /* k8s.io/utils/exec: a start failure (fs.PathError) is ErrExecutableNotFound */
		return error_set(-ENOENT,
				 "cannot execute 'kubelet --version': executable file not found in $PATH");
	if (r != 0)
		return error_set(-EIO, "cannot execute 'kubelet --version': %s",
				 kubelet_version_run.err.buf);
	/* ^\s*Kubernetes v((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)([-\w.+]*)?)\s*$ on the
	 * trimmed output */
	const char *s = kubelet_version_run.out.buf;
	while (isspace((unsigned char)*s))
		s++;
	size_t len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	_cleanup_free_ char *clean = strndup(s, len);
	regex_t re;
	if (regcomp(&re, "^[[:space:]]*Kubernetes v((0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)([-_.+[:alnum:]]*)?)[[:space:]]*$",
		    REG_EXTENDED) != 0)
		return error_set(-EINVAL, "regcomp failed");
	regmatch_t m[2];
	int nm = regexec(&re, clean, 2, m, 0);
	regfree(&re);
	if (nm != 0 || strchr(clean, '\n'))
		return error_set(-EINVAL, "Unable to parse output from Kubelet: \"%s\"", clean);
	_cleanup_free_ char *v = strndup(clean + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
	struct semver sv;
	int q = semver_parse(v, &sv);
	if (q < 0)
		return q;
	*ret = TAKE_PTR(v);
	return 0;
}

/* ---- the checks ---- */

static void check_privileged(const struct preflight_check *c, char ***w, char ***e)
{
	(void)c;
	(void)w;
	if (getuid() != 0)
		add_fmt(e, "user is not running as root");
}

static void check_num_cpu(const struct preflight_check *c, char ***w, char ***e)
{
	(void)w;
	cpu_set_t set;
	int n = 1;
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	if (n < c->num)
		add_fmt(e, "the number of available CPUs %d is less than the required %d", n, c->num);
}

static void check_mem(const struct preflight_check *c, char ***w, char ***e)
{
	(void)w;
	struct sysinfo info = { 0 };
	if (sysinfo(&info) < 0)
		add_fmt(e, "failed to get system info: %s", strerror(errno));
	unsigned long long actual = (unsigned long long)info.totalram * info.mem_unit / 1024 / 1024;
	if (actual < (unsigned long long)c->num)
		add_fmt(e, "the system RAM (%llu MB) is less than the minimum %d MB", actual, c->num);
}

static void check_kubernetes_version(const struct preflight_check *c, char ***w, char ***e)
{
	log_v(1, "validating Kubernetes and kubeadm version");
	const char *kadm = c->arg2 ? c->arg2 : KUBEADM_VERSION;
	if (strncmp(kadm, "v0.0.0", 6) == 0)
		return;
	struct semver kv, k8s;
	if (semver_parse(kadm, &kv) < 0) {
		add_fmt(e, "couldn't parse kubeadm version \"%s\": %s", kadm, error_message(-EINVAL));
		return;
	}
	if (semver_parse(c->arg ? c->arg : "", &k8s) < 0) {
		add_fmt(e, "couldn't parse Kubernetes version \"%s\": %s", c->arg ? c->arg : "",
			error_message(-EINVAL));
		return;
	}
	struct semver first = { .major = kv.major, .minor = kv.minor + 1, .patch = 0, .pre = "0" };
	if (semver_cmp(&k8s, &first) >= 0) {
		_cleanup_strbuf_ struct strbuf s = STRBUF_INIT;
		semver_string(&k8s, &s);
		add_fmt(w, "Kubernetes version is greater than kubeadm version. Please consider to upgrade kubeadm. Kubernetes version: %s. Kubeadm version: %llu.%llu.x",
			s.buf, (unsigned long long)kv.major, (unsigned long long)kv.minor);
	}
}

static void check_firewalld(const struct preflight_check *c, char ***w, char ***e)
{
	(void)e;
	log_v(1, "validating if the firewall is enabled and active");
	enum initsystem_kind k;
	if (initsystem_detect(&k) < 0) {
		add_fmt(w, "%s", error_message(-ENOENT));
		return;
	}
	if (!initsystem_service_exists(k, "firewalld"))
		return;
	if (initsystem_service_is_active(k, "firewalld"))
		add_fmt(w, "firewalld is active, please ensure ports [%d %d] are open or your cluster may not function correctly",
			c->ports[0], c->ports[1]);
}

/* net.Listen("tcp", addr) then Close. */
static int try_listen(const char *address, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	bool wildcard = !address || !*address;
	int family = sockaddr_from_ip(wildcard ? "::" : address, (uint16_t)port, &ss, &len);
	if (family < 0)
		return family;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 && wildcard && errno == EAFNOSUPPORT) {
		family = sockaddr_from_ip("0.0.0.0", (uint16_t)port, &ss, &len);
		fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	}
	if (fd < 0)
		return -errno;
	int one = 1, zero = 0;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (wildcard && family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	int r = 0;
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 4096) < 0)
		r = -errno;
	close(fd);
	return r;
}

static void check_port(const struct preflight_check *c, char ***w, char ***e)
{
	(void)w;
	log_v(1, "validating availability of port %d on address \"%s\"", c->num, c->arg ? c->arg : "");
	if (try_listen(c->arg, c->num) < 0)
		add_fmt(e, "Port %d is in use", c->num);
}

static void check_file_available(const struct preflight_check *c, char ***w, char ***e)
{
	(void)w;
	log_v(1, "validating the existence of file %s", c->arg);
	struct stat st;
	if (stat(c->arg, &st) == 0)
		add_fmt(e, "%s already exists", c->arg);
}

static void check_dir_available(const struct preflight_check *c, char ***w, char ***e)
{
	(void)w;
	log_v(1, "validating the existence and emptiness of directory %s", c->arg);
	struct stat st;
	if (stat(c->arg, &st) < 0 && errno == ENOENT)
		return;
	int fd = open(c->arg, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		_cleanup_free_ char *t = go_err(errno);
		add_fmt(e, "unable to check if %s is empty: open %s: %s", c->arg, c->arg, t);
		return;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		add_fmt(e, "%s is not empty", c->arg);
		return;
	}
	struct dirent *de;
	bool empty = true;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			empty = false;
			break;
		}
	closedir(d);
	if (!empty)
		add_fmt(e, "%s is not empty", c->arg);
}

static void check_file_existing(const struct preflight_check *c, char ***w, char ***e)
{
	(void)w;
	log_v(1, "validating the existence of file %s", c->arg);
	struct stat st;
	if (stat(c->arg, &st) < 0)
		add_fmt(e, "%s doesn't exist", c->arg);
}

static void check_file_content(const struct preflight_check *c, char ***w, char ***e)
{
	(void)w;
	log_v(1, "validating the contents of file %s", c->arg);
	int fd = open(c->arg, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		add_fmt(e, "%s does not exist", c->arg);
		return;
	}
	size_t want = strlen(c->arg2), got = 0;
	_cleanup_free_ char *buf = xmalloc(want + 1);
	while (got < want) {
		ssize_t n = read(fd, buf + got, want - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			add_fmt(e, "%s could not be read", c->arg);
			return;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != want || memcmp(buf, c->arg2, want) != 0)
		add_fmt(e, "%s contents are not set to %s", c->arg, c->arg2);
}

static void check_in_path(const struct preflight_check *c, char ***w, char ***e)
{
	log_v(1, "validating the presence of executable %s", c->arg);
	_cleanup_free_ char *p = preflight_look_path(c->arg);
	if (p)
		return;
	if (c->flag)
		add_fmt(e, "%s not found in system path", c->arg);
	else
		add_fmt(w, "%s not found in system path", c->arg);
}

/* ---- proxies (golang.org/x/net/http/httpproxy for https requests) ---- */

static const char *env_any(const char *a, const char *b)
{
	const char *v = getenv(a);
	if (v && *v)
		return v;
	v = getenv(b);
	return v ? v : "";
}

static bool parse_ip(const char *s, unsigned char out[16], int *family)
{
	if (inet_pton(AF_INET, s, out) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*family = AF_INET6;
		return true;
	}
	return false;
}

static bool ip_in_cidr(const unsigned char *ip, int fam, const char *cidr)
{
	_cleanup_free_ char *c = xstrdup(cidr);
	char *slash = strchr(c, '/');
	if (!slash)
		return false;
	*slash = '\0';
	unsigned char net[16];
	int nfam;
	if (!parse_ip(c, net, &nfam) || nfam != fam)
		return false;
	int max = fam == AF_INET ? 32 : 128, bits;
	if (parse_int(slash + 1, 0, max, &bits) < 0) {
		error_clear();
		return false;
	}
	for (int i = 0; i < bits; i++) {
		int byte = i / 8, bit = 7 - i % 8;
		if (((ip[byte] >> bit) & 1) != ((net[byte] >> bit) & 1))
			return false;
	}
	return true;
}

/* httpproxy's useProxy for host (no port) and port. */
static bool use_proxy(const char *host, const char *port)
{
	if (strcmp(host, "localhost") == 0)
		return false;
	unsigned char ip[16];
	int fam = 0;
	bool is_ip = parse_ip(host, ip, &fam);
	if (is_ip && ((fam == AF_INET && ip[0] == 127) ||
		      (fam == AF_INET6 && IN6_IS_ADDR_LOOPBACK((struct in6_addr *)ip))))
		return false;
	_cleanup_strv_free_ char **entries = strv_split(env_any("NO_PROXY", "no_proxy"), ',', true);
	STRV_FOREACH(p, entries) {
		char *en = *p;
		while (isspace((unsigned char)*en))
			en++;
		size_t len = strlen(en);
		while (len && isspace((unsigned char)en[len - 1]))
			en[--len] = '\0';
		for (char *q = en; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		if (!*en)
			continue;
		if (strcmp(en, "*") == 0)
			return false;
		if (strchr(en, '/')) {
			if (is_ip && ip_in_cidr(ip, fam, en))
				return false;
			continue;
		}
		unsigned char eip[16];
		int efam = 0;
		if (parse_ip(en, eip, &efam)) {
			if (is_ip && efam == fam && memcmp(eip, ip, fam == AF_INET ? 4 : 16) == 0)
				return false;
			continue;
		}
		/* host[:port] domain match */
		_cleanup_free_ char *eh = xstrdup(en);
		char *colon = strrchr(eh, ':');
		const char *eport = "";
		if (colon && !strchr(eh, ']')) {
			*colon = '\0';
			eport = colon + 1;
		}
		if (*eport && strcmp(eport, port) != 0)
			continue;
		_cleanup_free_ char *lh = xstrdup(host);
		for (char *q = lh; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		const char *d = eh[0] == '*' ? eh + 1 : eh;
		if (d[0] == '.') {
			size_t hl = strlen(lh), dl = strlen(d);
			if ((hl >= dl && strcmp(lh + hl - dl, d) == 0) || strcmp(lh, d + 1) == 0)
				return false;
		} else {
			size_t hl = strlen(lh), dl = strlen(d);
			if (strcmp(lh, d) == 0 ||
			    (hl > dl && strcmp(lh + hl - dl, d) == 0 && lh[hl - dl - 1] == '.'))
				return false;
		}
	}
	return true;
}

/* The proxy URL for an https request to host:port, or NULL. Owned. */
static char *proxy_for(const char *host, const char *port)
{
	const char *p = env_any("HTTPS_PROXY", "https_proxy");
	if (!*p || !use_proxy(host, port))
		return NULL;
	if (strstr(p, "://"))
		return xstrdup(p);
	return xasprintf("http://%s", p);
}

static void check_http_proxy(const struct preflight_check *c, char ***w, char ***e)
{
	(void)e;
	log_v(1, "validating if the connectivity type is via proxy or direct");
	const char *host = c->arg ? c->arg : "";
	unsigned char ip[16];
	int fam = 0;
	_cleanup_free_ char *u = NULL;
	bool v6 = parse_ip(host, ip, &fam) && fam == AF_INET6;
	if (v6)
		u = xasprintf("https://[%s]:1234", host);
	else
		u = xasprintf("https://%s", host);
	_cleanup_free_ char *proxy = proxy_for(host, v6 ? "1234" : "443");
	if (proxy)
		add_fmt(w, "Connection to \"%s\" uses proxy \"%s\". If that is not intended, adjust your proxy settings",
			u, proxy);
}

static void check_http_proxy_cidr(const struct preflight_check *c, char ***w, char ***e)
{
	log_v(1, "validating http connectivity to first IP address in the CIDR");
	if (!c->arg || !*c->arg)
		return;
	_cleanup_free_ char *s = xstrdup(c->arg);
	char *slash = strchr(s, '/');
	unsigned char ip[16];
	int fam;
	if (!slash) {
		add_fmt(e, "error parsing CIDR \"%s\": invalid CIDR address: %s", c->arg, c->arg);
		return;
	}
	*slash = '\0';
	if (!parse_ip(s, ip, &fam)) {
		add_fmt(e, "error parsing CIDR \"%s\": invalid CIDR address: %s", c->arg, c->arg);
		return;
	}
	int max = fam == AF_INET ? 32 : 128, bytes = fam == AF_INET ? 4 : 16, bits;
	if (parse_int(slash + 1, 0, max, &bits) < 0) {
		error_clear();
		add_fmt(e, "error parsing CIDR \"%s\": invalid CIDR address: %s", c->arg, c->arg);
		return;
	}
	for (int i = bits; i < max; i++)
		ip[i / 8] &= (unsigned char)~(1u << (7 - i % 8));
	for (int i = bytes - 1; i >= 0; i--)
		if (++ip[i] != 0)
			break;
	char txt[INET6_ADDRSTRLEN];
	inet_ntop(fam, ip, txt, sizeof(txt));
	_cleanup_free_ char *proxy = proxy_for(txt, "1234");
	if (proxy)
		add_fmt(w, "connection to \"%s\" uses proxy \"%s\". This may lead to malfunctional cluster setup. Make sure that Pod and Services IP ranges specified correctly as exceptions in proxy configuration",
			c->arg, proxy);
}

/* ---- hostname ---- */


#define LABEL_KEY_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define LABEL_KEY_ERR                                                                              \
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " \
	"alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "     \
	"validation is '" LABEL_KEY_FMT "')"
#define DNS1123_SUB_FMT "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"

/* validation.IsQualifiedName. */
static void qualified_name_errors(const char *value, char ***errs)
{
	_cleanup_strv_free_ char **parts = strv_split(value, '/', false);
	size_t n = strv_length(parts);
	const char *name;
	if (n <= 1) {
		name = n ? parts[0] : "";
	} else if (n == 2) {
		const char *prefix = parts[0];
		name = parts[1];
		if (!*prefix) {
			strv_push(errs, "prefix part must be non-empty");
		} else {
			if (strlen(prefix) > 253)
				strv_push(errs, "prefix part must be no more than 253 characters");
			if (!regex_matches("^" DNS1123_SUB_FMT "$", prefix))
				strv_push(errs,
					  "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '" DNS1123_SUB_FMT "')");
		}
	} else {
		strv_push(errs, "a valid label key " LABEL_KEY_ERR
				" with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
		return;
	}
	if (!*name)
		strv_push(errs, "name part must be non-empty");
	else if (strlen(name) > 63)
		strv_push(errs, "name part must be no more than 63 characters");
	if (!regex_matches("^" LABEL_KEY_FMT "$", name))
		strv_push(errs, "name part " LABEL_KEY_ERR);
}

/* Go's pure resolver, hosts part: is name in /etc/hosts? */
static bool in_etc_hosts(const char *name)
{
	FILE *f = fopen("/etc/hosts", "re");
	if (!f)
		return false;
	char line[1024];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *save = NULL;
		char *tok = strtok_r(line, " \t\r\n", &save);
		if (!tok)
			continue;
		while ((tok = strtok_r(NULL, " \t\r\n", &save)))
			if (strcasecmp(tok, name) == 0 ||
			    (strlen(tok) == strlen(name) + 1 && tok[strlen(name)] == '.' &&
			     strncasecmp(tok, name, strlen(name)) == 0)) {
				found = true;
				break;
			}
	}
	fclose(f);
	return found;
}

static void check_hostname(const struct preflight_check *c, char ***w, char ***e)
{
	(void)e;
	log_v(1, "checking whether the given node name is valid and reachable using net.LookupHost");
	const char *name = c->arg ? c->arg : "";
	_cleanup_strv_free_ char **msgs = NULL;
	qualified_name_errors(name, &msgs);
	STRV_FOREACH(m, msgs)
		add_fmt(w, "invalid node name format \"%s\": %s", name, *m);
	unsigned char ip[16];
	int fam;
	if (parse_ip(name, ip, &fam) || in_etc_hosts(name))
		return;
	/* Not in /etc/hosts: ask DNS, and word a failure as Go's resolver does. */
	if (!*name) {
		add_fmt(w, "hostname \"%s\" could not be reached", name);
		add_fmt(w, "hostname \"%s\": lookup : no such host", name);
		return;
	}
	int g = EAI_AGAIN;
	if (resolver_reachable()) {
		struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
		g = getaddrinfo(name, NULL, &hints, &res);
		if (g == 0) {
			freeaddrinfo(res);
			return;
		}
	}
	_cleanup_free_ char *err = resolver_lookup_error(name, g);
	add_fmt(w, "hostname \"%s\" could not be reached", name);
	add_fmt(w, "hostname \"%s\": %s", name, err);
}

/* ---- services ---- */

static bool service_enabled(enum initsystem_kind k, const char *service)
{
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	if (k == INITSYSTEM_SYSTEMD) {
		char *argv[] = { (char *)"systemctl", (char *)"is-enabled", (char *)service, NULL };
		return preflight_run(argv, false, &out, &err) == 0;
	}
	char *argv[] = { (char *)"rc-update", (char *)"show", (char *)"default", NULL };
	preflight_run(argv, false, &out, &err);
	return strstr(out.buf, service) != NULL;
}

static void check_service(const struct preflight_check *c, char ***w, char ***e)
{
	log_v(1, "validating if the \"%s\" service is enabled and active", c->arg);
	enum initsystem_kind k;
	if (initsystem_detect(&k) < 0) {
		add_fmt(w, "%s", error_message(-ENOENT));
		return;
	}
	if (!initsystem_service_exists(k, c->arg)) {
		add_fmt(w, "%s service does not exist", c->arg);
		return;
	}
	if (!service_enabled(k, c->arg)) {
		if (k == INITSYSTEM_SYSTEMD)
			add_fmt(w, "%s service is not enabled, please run 'systemctl enable %s.service'",
				c->arg, c->arg);
		else
			add_fmt(w, "%s service is not enabled, please run 'rc-update add %s default'",
				c->arg, c->arg);
	}
	if (c->flag && !initsystem_service_is_active(k, c->arg))
		add_fmt(e, "%s service is not active, please run 'systemctl start %s.service'", c->arg,
			c->arg);
}

static void check_kubelet_version(const struct preflight_check *c, char ***w, char ***e)
{
	(void)w;
	log_v(1, "validating kubelet version");
	_cleanup_free_ char *v = NULL;
	int r = preflight_kubelet_version(&v);
	if (r < 0) {
		add_fmt(e, "couldn't get kubelet version: %s", error_message(r));
		return;
	}
	struct semver kv, min;
	semver_parse(v, &kv);
	semver_parse(MIN_KUBELET_VERSION, &min);
	_cleanup_strbuf_ struct strbuf ks = STRBUF_INIT;
	semver_string(&kv, &ks);
	if (semver_cmp(&kv, &min) < 0) {
		add_fmt(e, "Kubelet version \"%s\" is lower than kubeadm can support. Please upgrade kubelet",
			ks.buf);
		return;
	}
	if (c->arg && *c->arg) {
		struct semver k8s;
		if (semver_parse(c->arg, &k8s) < 0) {
			add_fmt(e, "couldn't parse Kubernetes version \"%s\": %s", c->arg,
				error_message(-EINVAL));
			return;
		}
		if (kv.major > k8s.major || kv.minor > k8s.minor) {
			_cleanup_strbuf_ struct strbuf s = STRBUF_INIT;
			semver_string(&k8s, &s);
			add_fmt(e, "the kubelet version is higher than the control plane version. This is not a supported version skew and may lead to a malfunctional cluster. Kubelet version: \"%s\" Control plane version: \"%s\"",
				ks.buf, s.buf);
		}
	}
}

static void check_system_verification(const struct preflight_check *c, char ***w, char ***e)
{
	log_v(1, "running system verification checks");
	_cleanup_free_ char *v = NULL;
	int r = preflight_kubelet_version(&v);
	if (r < 0) {
		add_fmt(e, "couldn't get kubelet version: %s", error_message(r));
		return;
	}
	struct semver kv;
	semver_parse(v, &kv);
	if (c->flag)
		kv.minor++;
	_cleanup_strbuf_ struct strbuf ks = STRBUF_INIT, report = STRBUF_INIT;
	semver_string(&kv, &ks);
	size_t nerr_before = strv_length(*e);
	sysverify_run(ks.buf, &report, w, e);
	if (strv_length(*e) > nerr_before) {
		fflush(stderr);
		printf("[preflight] The system verification failed. Printing the output from the verification:\n");
		fputs(report.buf, stdout);
		fflush(stdout);
	}
}

static int cri_connect(const char *socket, struct cri_client **ret, char ***e)
{
	struct cri_client *cl = cri_client_new(socket ? socket : CRI_DEFAULT_SOCKET, 0);
	int r = cri_client_connect(cl);
	if (r < 0) {
		add_fmt(e, "could not connect to the container runtime: %s", error_message(r));
		cri_client_free(cl);
		return r;
	}
	*ret = cl;
	return 0;
}

static void check_cri(const struct preflight_check *c, char ***w, char ***e)
{
	(void)w;
	log_v(1, "validating the container runtime");
	_cleanup_(cri_client_freep) struct cri_client *cl = NULL;
	if (cri_connect(c->arg, &cl, e) < 0)
		return;
	int r = cri_is_running(cl);
	if (r < 0)
		add_fmt(e, "%s", error_message(r));
}

static void check_cri_version(const struct preflight_check *c, char ***w, char ***e)
{
	log_v(1, "validating the container runtime version compatibility");
	_cleanup_(cri_client_freep) struct cri_client *cl = NULL;
	if (cri_connect(c->arg, &cl, e) < 0)
		return;
	int r = cri_runtime_config_implemented(cl);
	if (r < 0)
		add_fmt(e, "could not check if the runtime config is available: %s", error_message(r));
	else if (r == 0)
		add_fmt(w, "You must update your container runtime to a version that supports the CRI method RuntimeConfig. Falling back to using cgroupDriver from kubelet config will be removed in 1.38. For more information, see https://git.k8s.io/enhancements/keps/sig-node/4033-group-driver-detection-over-cri");
}

static void check_swap(const struct preflight_check *c, char ***w, char ***e)
{
	(void)c;
	(void)e;
	log_v(1, "validating whether swap is enabled or not");
	FILE *f = fopen("/proc/swaps", "re");
	if (!f)
		return;
	int lines = 0, ch, prev = '\n';
	while ((ch = fgetc(f)) != EOF) {
		if (prev == '\n')
			lines++;
		prev = ch;
	}
	fclose(f);
	if (lines > 1)
		add_fmt(w, "swap is supported for cgroup v2 only. The kubelet must be properly configured to use swap. Please refer to https://kubernetes.io/docs/concepts/architecture/nodes/#swap-memory, or disable swap on the node");
}

/*
 * getEtcdVersionResponse: GETs url with the project's one HTTP client (kube/http.h: a total
 * 10 s deadline per try, as externalEtcdRequestTimeout, http or https with tls), up to
 * externalEtcdRequestRetries (3) more tries, 5 s apart, on transport errors and 5xx answers.
 * *ret_server: the "etcdserver" field (owned); else *ret_err in Go's words.
 */
static int etcd_version_response(const char *url, const struct http_tls *tls, char **ret_server,
				 char **ret_err)
{
	for (int loop = 4; loop > 0;) {
		if (loop <= 3)
			sleep(5);
		struct http_response resp;
		int r = kube_http_fetch(url, tls, 10000, OUTPUT_MAX, &resp);
		if (r < 0 && resp.status) {
			/* an answer whose body could not be read: json.Decoder's error, no retry */
			*ret_err = xstrdup(resp.error);
			error_clear();
			return r;
		}
		if (r < 0) {
			loop--;
			if (loop == 0) {
				*ret_err = xstrdup(error_message(r));
				error_clear();
				return r;
			}
			error_clear();
			continue;
		}
		if (resp.status >= 500 && resp.status <= 599) {
			http_response_release(&resp);
			loop--;
			if (loop == 0) {
				*ret_err = xasprintf("server responded with non-successful status: %s",
						     resp.status_text);
				return -EIO;
			}
			continue;
		}
		json_error_t je;
		json_t *doc = json_loadb(resp.body, resp.len, JSON_DECODE_ANY, &je);
		http_response_release(&resp);
		if (!doc) {
			*ret_err = xasprintf("invalid character in the version response: %s", je.text);
			return -EBADMSG;
		}
		json_t *v = json_is_object(doc) ? json_object_get(doc, "etcdserver") : NULL;
		*ret_server = xstrdup(json_is_string(v) ? json_string_value(v) : "");
		json_decref(doc);
		return 0;
	}
	return -EIO;
}

static void check_external_etcd(const struct preflight_check *c, char ***w, char ***e)
{
	(void)w;
	log_v(1, "validating the external etcd version");
	if (!c->list || !c->list[0])
		return;
	struct stat st;
	if (c->ca_file && *c->ca_file && stat(c->ca_file, &st) < 0) {
		_cleanup_free_ char *t = go_err(errno);
		add_fmt(e, "couldn't load external etcd's server certificate %s: open %s: %s",
			c->ca_file, c->ca_file, t);
		return;
	}
	if (c->cert_file && *c->cert_file && c->key_file && *c->key_file) {
		const char *bad = NULL;
		if (stat(c->cert_file, &st) < 0)
			bad = c->cert_file;
		else if (stat(c->key_file, &st) < 0)
			bad = c->key_file;
		if (bad) {
			_cleanup_free_ char *t = go_err(errno);
			add_fmt(e, "couldn't load external etcd's certificate and key pair %s, %s: open %s: %s",
				c->cert_file, c->key_file, bad, t);
			return;
		}
	}
	/* configRootCAs, configCertAndKey: no CA file, the system's roots */
	const bool pair = c->cert_file && *c->cert_file && c->key_file && *c->key_file;
	const struct http_tls tls = { .ca_file = c->ca_file && *c->ca_file ? c->ca_file : NULL,
				      .cert_file = pair ? c->cert_file : NULL,
				      .key_file = pair ? c->key_file : NULL };
	STRV_FOREACH(ep, c->list) {
		/* normalizeURLString: "//" in the path becomes "/" */
		_cleanup_free_ char *url = xasprintf("%s/version", *ep);
		char *slashes = strstr(url, "://");
		char *p = slashes ? strchr(slashes + 3, '/') : NULL;
		if (p) {
			char *dst = p;
			for (const char *src = p; *src; src++)
				if (!(src[0] == '/' && src[1] == '/'))
					*dst++ = *src;
			*dst = '\0';
		}
		_cleanup_free_ char *server = NULL, *err = NULL;
		if (etcd_version_response(url, &tls, &server, &err) < 0) {
			add_fmt(e, "%s", err);
			continue;
		}
		struct semver v, min;
		if (semver_parse(server, &v) < 0) {
			add_fmt(e, "couldn't parse external etcd version \"%s\": %s", server,
				error_message(-EINVAL));
			continue;
		}
		semver_parse(MIN_EXTERNAL_ETCD_VERSION, &min);
		if (semver_cmp(&v, &min) < 0)
			add_fmt(e, "this version of kubeadm only supports external etcd version >= %s. Current version: %s",
				MIN_EXTERNAL_ETCD_VERSION, server);
	}
}

static void check_image_pull(const struct preflight_check *c, char ***w, char ***e)
{
	(void)w;
	_cleanup_(cri_client_freep) struct cri_client *cl = NULL;
	if (cri_connect(c->arg, &cl, e) < 0)
		return;
	const char *policy = c->arg2 ? c->arg2 : "";
	if (strcmp(policy, "Always") == 0 || strcmp(policy, "IfNotPresent") == 0) {
		log_v(1, "using image pull policy: %s", policy);
	} else if (strcmp(policy, "Never") == 0) {
		log_v(1, "skipping the pull of all images due to policy: %s", policy);
		return;
	} else {
		add_fmt(e, "unsupported pull policy \"%s\"", policy);
		return;
	}
	_cleanup_free_ char *sandbox = NULL;
	int r = cri_sandbox_image(cl, &sandbox);
	if (r < 0)
		log_v(4, "failed to detect the sandbox image for local container runtime, %s",
		      error_message(r));
	else if (strcmp(sandbox, c->label ? c->label : "") != 0)
		log_warning("detected that the sandbox image \"%s\" of the container runtime is inconsistent with that used by kubeadm. It is recommended to use \"%s\" as the CRI sandbox image.",
			    sandbox, c->label ? c->label : "");
	bool if_not_present = strcmp(policy, "IfNotPresent") == 0;
	if (!c->flag) {
		r = cri_pull_images(cl, c->list, if_not_present);
		if (r < 0)
			add_fmt(e, "%s", error_message(r));
		return;
	}
	STRV_FOREACH(img, c->list) {
		if (if_not_present) {
			int x = cri_image_exists(cl, *img);
			if (x < 0)
				log_warning("Failed to get image status, image: \"%s\", error: %s", *img,
					    error_message(x));
			if (x > 0) {
				log_v(1, "image exists: %s", *img);
				events_image_pull(*img, "Present", 0, NULL);
				continue;
			}
		}
		log_v(1, "pulling: %s", *img);
		r = cri_pull_image_retry(cl, *img);
		if (r < 0)
			add_fmt(e, "failed to pull image %s: %s", *img, error_message(r));
	}
}

/* ---- the table of kinds ---- */

struct kind_info {
	const char *name;   /* fixed name, or NULL */
	const char *prefix; /* name = prefix + arg with '/' -> '-' */
	void (*run)(const struct preflight_check *c, char ***w, char ***e);
};

static void check_func(const struct preflight_check *c, char ***w, char ***e)
{
	(void)w;
	int r = c->fn(c->data);
	if (r < 0) {
		strv_push(e, error_message(r));
		error_clear();
	}
}

static const struct kind_info kinds[PREFLIGHT_KIND_COUNT] = {
	[PREFLIGHT_PRIVILEGED_USER] = { "IsPrivilegedUser", NULL, check_privileged },
	[PREFLIGHT_FUNC] = { NULL, NULL, check_func },
	[PREFLIGHT_NUM_CPU] = { "NumCPU", NULL, check_num_cpu },
	[PREFLIGHT_MEM] = { "Mem", NULL, check_mem },
	[PREFLIGHT_KUBERNETES_VERSION] = { "KubernetesVersion", NULL, check_kubernetes_version },
	[PREFLIGHT_FIREWALLD] = { "Firewalld", NULL, check_firewalld },
	[PREFLIGHT_PORT_OPEN] = { NULL, "Port-", check_port },
	[PREFLIGHT_FILE_AVAILABLE] = { NULL, "FileAvailable-", check_file_available },
	[PREFLIGHT_DIR_AVAILABLE] = { NULL, "DirAvailable-", check_dir_available },
	[PREFLIGHT_FILE_EXISTING] = { NULL, "FileExisting-", check_file_existing },
	[PREFLIGHT_FILE_CONTENT] = { NULL, "FileContent-", check_file_content },
	[PREFLIGHT_IN_PATH] = { NULL, "FileExisting-", check_in_path },
	[PREFLIGHT_HTTP_PROXY] = { "HTTPProxy", NULL, check_http_proxy },
	[PREFLIGHT_HTTP_PROXY_CIDR] = { "HTTPProxyCIDR", NULL, check_http_proxy_cidr },
	[PREFLIGHT_HOSTNAME] = { "Hostname", NULL, check_hostname },
	[PREFLIGHT_SERVICE] = { NULL, "Service-", check_service },
	[PREFLIGHT_KUBELET_VERSION] = { "KubeletVersion", NULL, check_kubelet_version },
	[PREFLIGHT_SYSTEM_VERIFICATION] = { "SystemVerification", NULL, check_system_verification },
	[PREFLIGHT_CONTAINER_RUNTIME] = { "CRI", NULL, check_cri },
	[PREFLIGHT_CONTAINER_RUNTIME_VERSION] = { "ContainerRuntimeVersion", NULL, check_cri_version },
	[PREFLIGHT_SWAP] = { "Swap", NULL, check_swap },
	[PREFLIGHT_EXTERNAL_ETCD_VERSION] = { "ExternalEtcdVersion", NULL, check_external_etcd },
	[PREFLIGHT_IMAGE_PULL] = { "ImagePull", NULL, check_image_pull },
};

char *preflight_check_name(const struct preflight_check *c)
{
	if (c->label && c->kind != PREFLIGHT_IMAGE_PULL)
		return xstrdup(c->label);
	const struct kind_info *k = &kinds[c->kind];
	if (k->name)
		return xstrdup(k->name);
	if (c->kind == PREFLIGHT_PORT_OPEN)
		return xasprintf("Port-%d", c->num);
	return path_label(k->prefix, c->arg ? c->arg : "");
}

void preflight_check_run(const struct preflight_check *c, char ***ret_warnings, char ***ret_errors)
{
	*ret_warnings = NULL;
	*ret_errors = NULL;
	kinds[c->kind].run(c, ret_warnings, ret_errors);
}

bool preflight_ignored(char *const *ignore, const char *name)
{
	if (strv_contains(ignore, "all"))
		return true;
	_cleanup_free_ char *lower = xstrdup(name);
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return strv_contains(ignore, lower);
}

int preflight_run_checks(const struct preflight_list *l, char *const *ignore, FILE *ww)
{
	_cleanup_strbuf_ struct strbuf errs = STRBUF_INIT;
	/* `kubelet --version` (~60 ms) starts now, while the checks before the first one that
	 * needs it run; the result and the order of everything printed are unchanged */
	pthread_t prefetch;
	bool prefetching = false;
	for (size_t i = 0; i < l->n && !prefetching; i++)
		if (l->v[i].kind == PREFLIGHT_KUBELET_VERSION ||
		    l->v[i].kind == PREFLIGHT_SYSTEM_VERIFICATION)
			prefetching = pthread_create(&prefetch, NULL, kubelet_version_prefetch, NULL) == 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct preflight_check *c = &l->v[i];
		_cleanup_free_ char *name = preflight_check_name(c);
		_cleanup_strv_free_ char **w = NULL, **e = NULL;
		preflight_check_run(c, &w, &e);
		bool ignored = preflight_ignored(ignore, name);
		events_preflight_result(name, w, e, ignored);
		if (ignored) {
			STRV_FOREACH(x, e)
				strv_push(&w, *x);
			e = strv_free(e);
		}
		STRV_FOREACH(x, w) {
			fprintf(ww, "\t[WARNING %s]: %s\n", name, *x);
			if (events_enabled()) {
				_cleanup_free_ char *m = xasprintf("[WARNING %s]: %s", name, *x);
				events_warning(m);
			}
		}
		fflush(ww);
		STRV_FOREACH(x, e)
			strbuf_addf(&errs, "\t[ERROR %s]: %s\n", name, *x);
	}
	if (prefetching)
		pthread_join(prefetch, NULL);
	if (errs.len) {
		fprintf(ww, "[preflight] Some fatal errors occurred:\n%s%s", errs.buf,
			"[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`\n");
		fflush(ww);
		return error_set(-ECANCELED, "preflight checks failed");
	}
	return 0;
}

/* ---- list building ---- */

static struct preflight_check *add(struct preflight_list *l, enum preflight_kind kind,
				   const char *arg)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	struct preflight_check *c = &l->v[l->n++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->arg = arg ? xstrdup(arg) : NULL;
	return c;
}

static void add_port(struct preflight_list *l, int port, const char *address)
{
	add(l, PREFLIGHT_PORT_OPEN, address)->num = port;
}

void preflight_add_func(struct preflight_list *l, const char *name, int (*fn)(void *data),
			void *data)
{
	struct preflight_check *c = add(l, PREFLIGHT_FUNC, NULL);
	c->label = xstrdup(name);
	c->fn = fn;
	c->data = data;
}

void preflight_list_clear(struct preflight_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct preflight_check *c = &l->v[i];
		free(c->label);
		free(c->arg);
		free(c->arg2);
		strv_free(c->list);
		free(c->ca_file);
		free(c->cert_file);
		free(c->key_file);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void add_ipv4(struct preflight_list *l)
{
	add(l, PREFLIGHT_FILE_CONTENT, IPV4_FORWARD)->arg2 = xstrdup("1");
}

static void add_ipv6(struct preflight_list *l)
{
	add(l, PREFLIGHT_FILE_CONTENT, IPV6_FORWARDING)->arg2 = xstrdup("1");
}

/* addCommonChecks. */
static void add_common(struct preflight_list *l, const char *k8s_version,
		       const struct cfg_node_registration *nr)
{
	add(l, PREFLIGHT_CONTAINER_RUNTIME, nr->cri_socket);
	add(l, PREFLIGHT_CONTAINER_RUNTIME_VERSION, nr->cri_socket);
	add(l, PREFLIGHT_SWAP, NULL);
	struct semver v, v132;
	error_clear();
	if (k8s_version && semver_parse(k8s_version, &v) >= 0) {
		semver_parse("1.32.0", &v132);
		if (semver_cmp(&v, &v132) < 0)
			add(l, PREFLIGHT_IN_PATH, "conntrack")->flag = true;
	}
	error_clear();
	add(l, PREFLIGHT_IN_PATH, "losetup")->flag = true;
	add(l, PREFLIGHT_IN_PATH, "mount")->flag = true;
	add(l, PREFLIGHT_IN_PATH, "cp")->flag = true;
	add(l, PREFLIGHT_SYSTEM_VERIFICATION, NULL);
	add(l, PREFLIGHT_HOSTNAME, nr->name);
	add(l, PREFLIGHT_KUBELET_VERSION, k8s_version);
	add(l, PREFLIGHT_SERVICE, "kubelet");
	add_port(l, KUBELET_PORT, NULL);
}

/* kubeadmapi.GetArgValue(args, name, -1): the last value of name. */
static const char *arg_value(const struct cfg_list *args, const char *name)
{
	for (size_t i = args->n; i-- > 0;) {
		const struct cfg_arg *a = CFG_LIST_AT(args, struct cfg_arg, i);
		if (a->name && strcmp(a->name, name) == 0)
			return a->value ? a->value : "";
	}
	return "";
}

enum { CIDR_NONE, CIDR_V4, CIDR_V6 };

/* netutils.IsIPv4CIDRString / IsIPv6CIDRString. */
static int cidr_family(const char *cidr)
{
	_cleanup_free_ char *s = xstrdup(cidr);
	char *slash = strchr(s, '/');
	if (!slash || !slash[1])
		return CIDR_NONE;
	*slash = '\0';
	for (const char *p = slash + 1; *p; p++)
		if (!isdigit((unsigned char)*p))
			return CIDR_NONE;
	unsigned char ip[16];
	int fam;
	if (!parse_ip(s, ip, &fam))
		return CIDR_NONE;
	int bits;
	if (parse_int(slash + 1, 0, fam == AF_INET ? 32 : 128, &bits) < 0) {
		error_clear();
		return CIDR_NONE;
	}
	return fam == AF_INET ? CIDR_V4 : CIDR_V6;
}

int preflight_init_node_checks(const struct init_config *cfg, bool secondary_control_plane,
			       bool download_certs, struct preflight_list *l)
{
	const struct cfg_cluster_configuration *cl = &cfg->cluster;
	const struct cfg_init_configuration *in = &cfg->init;
	const char *adv = in->local_api_endpoint.advertise_address ?
				  in->local_api_endpoint.advertise_address : "";
	add(l, PREFLIGHT_NUM_CPU, NULL)->num = CONTROL_PLANE_NUM_CPU;
	add(l, PREFLIGHT_MEM, NULL)->num = CONTROL_PLANE_MEM;
	struct preflight_check *kv = add(l, PREFLIGHT_KUBERNETES_VERSION, cl->kubernetes_version);
	kv->arg2 = xstrdup(KUBEADM_VERSION);
	struct preflight_check *fw = add(l, PREFLIGHT_FIREWALLD, NULL);
	fw->ports[0] = (int)in->local_api_endpoint.bind_port;
	fw->ports[1] = KUBELET_PORT;
	add_port(l, (int)in->local_api_endpoint.bind_port,
		 arg_value(&cl->api_server.c.extra_args, "bind-address"));
	add_port(l, KUBE_SCHEDULER_PORT, arg_value(&cl->scheduler.extra_args, "bind-address"));
	add_port(l, KUBE_CONTROLLER_MANAGER_PORT,
		 arg_value(&cl->controller_manager.extra_args, "bind-address"));
	static const char *const manifests[] = { "kube-apiserver", "kube-controller-manager",
						 "kube-scheduler", "etcd" };
	for (size_t i = 0; i < ARRAY_SIZE(manifests); i++) {
		_cleanup_free_ char *p = xasprintf("/etc/kubernetes/manifests/%s.yaml", manifests[i]);
		add(l, PREFLIGHT_FILE_AVAILABLE, p);
	}
	add(l, PREFLIGHT_HTTP_PROXY, adv);
	bool v4 = false, v6 = false;
	const char *subnets[2] = { cl->networking.service_subnet, cl->networking.pod_subnet };
	for (size_t s = 0; s < 2; s++) {
		_cleanup_strv_free_ char **cidrs = strv_split(subnets[s] ? subnets[s] : "", ',', false);
		if (!cidrs || !cidrs[0])
			strv_push(&cidrs, "");
		STRV_FOREACH(c, cidrs) {
			add(l, PREFLIGHT_HTTP_PROXY_CIDR, *c);
			int f = cidr_family(*c);
			v4 = v4 || f == CIDR_V4;
			v6 = v6 || f == CIDR_V6;
		}
	}
	if (!secondary_control_plane) {
		add_common(l, cl->kubernetes_version, &in->node_registration);
		unsigned char ip[16];
		int fam;
		if (parse_ip(adv, ip, &fam)) {
			v4 = v4 || fam == AF_INET;
			v6 = v6 || fam == AF_INET6;
		}
		if (v4)
			add_ipv4(l);
		if (v6)
			add_ipv6(l);
		if (cl->etcd.external) {
			struct preflight_check *c = add(l, PREFLIGHT_EXTERNAL_ETCD_VERSION, NULL);
			c->list = strv_copy(cl->etcd.external->http_endpoints);
			c->ca_file = cl->etcd.external->ca_file ? xstrdup(cl->etcd.external->ca_file) : NULL;
			c->cert_file = cl->etcd.external->cert_file ? xstrdup(cl->etcd.external->cert_file) : NULL;
			c->key_file = cl->etcd.external->key_file ? xstrdup(cl->etcd.external->key_file) : NULL;
		}
	}
	if (cl->etcd.local) {
		const char *etcd_addr = adv;
		const char *a = arg_value(&cl->api_server.c.extra_args, "advertise-address");
		if (*a)
			etcd_addr = a;
		add_port(l, ETCD_CLIENT_PORT, etcd_addr);
		add_port(l, ETCD_PEER_PORT, etcd_addr);
		add(l, PREFLIGHT_DIR_AVAILABLE, cl->etcd.local->data_dir);
	}
	const struct cfg_external_etcd *ext = cl->etcd.external;
	if (ext && !(secondary_control_plane && download_certs)) {
		const char *files[] = { ext->ca_file, ext->cert_file, ext->key_file };
		for (size_t i = 0; i < ARRAY_SIZE(files); i++)
			if (files[i] && *files[i])
				add(l, PREFLIGHT_FILE_EXISTING, files[i])->label =
					xstrdup("ExternalEtcdClientCertificates");
	}
	return 0;
}

static void push_lower(char ***l, char *name)
{
	for (char *p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	strv_consume(l, name);
}

char **preflight_init_resume_explained(const struct init_config *cfg)
{
	static const struct {
		const char *pod;
		int port;
	} pods[] = { { "kube-apiserver", 0 }, { "kube-controller-manager", KUBE_CONTROLLER_MANAGER_PORT },
		     { "kube-scheduler", KUBE_SCHEDULER_PORT }, { "etcd", ETCD_CLIENT_PORT } };
	char **l = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(pods); i++) {
		_cleanup_free_ char *p = xasprintf("/etc/kubernetes/manifests/%s.yaml", pods[i].pod);
		push_lower(&l, path_label("FileAvailable-", p));
		if (access(p, F_OK) < 0)
			continue;
		int port = pods[i].port ? pods[i].port : (int)cfg->init.local_api_endpoint.bind_port;
		push_lower(&l, xasprintf("Port-%d", port));
		if (port == ETCD_CLIENT_PORT && cfg->cluster.etcd.local) {
			push_lower(&l, xasprintf("Port-%d", ETCD_PEER_PORT));
			push_lower(&l, path_label("DirAvailable-", cfg->cluster.etcd.local->data_dir));
		}
	}
	if (access("/var/lib/kubelet/config.yaml", F_OK) == 0)
		push_lower(&l, xasprintf("Port-%d", KUBELET_PORT));
	return l;
}

char **preflight_join_resume_explained(const struct join_config *cfg)
{
	char **l = NULL;
	push_lower(&l, path_label("FileAvailable-", "/etc/kubernetes/kubelet.conf"));
	push_lower(&l, path_label("FileAvailable-", "/etc/kubernetes/bootstrap-kubelet.conf"));
	if (cfg->join.ca_cert_path && *cfg->join.ca_cert_path)
		push_lower(&l, path_label("FileAvailable-", cfg->join.ca_cert_path));
	if (access("/var/lib/kubelet/config.yaml", F_OK) == 0)
		push_lower(&l, xasprintf("Port-%d", KUBELET_PORT));
	return l;
}

/* net.SplitHostPort's host, or NULL when endpoint has no port. Owned. */
static char *split_host(const char *endpoint)
{
	if (endpoint[0] == '[') {
		const char *end = strchr(endpoint, ']');
		if (!end || end[1] != ':')
			return NULL;
		return strndup(endpoint + 1, (size_t)(end - endpoint - 1));
	}
	const char *colon = strrchr(endpoint, ':');
	if (!colon || strchr(endpoint, ':') != colon)
		return NULL;
	return strndup(endpoint, (size_t)(colon - endpoint));
}

int preflight_join_node_checks(const struct join_config *cfg, struct preflight_list *l)
{
	const struct cfg_join_configuration *j = &cfg->join;
	add(l, PREFLIGHT_FILE_AVAILABLE, "/etc/kubernetes/kubelet.conf");
	add(l, PREFLIGHT_FILE_AVAILABLE, "/etc/kubernetes/bootstrap-kubelet.conf");
	add_common(l, "", &j->node_registration);
	if (!j->control_plane)
		add(l, PREFLIGHT_FILE_AVAILABLE, j->ca_cert_path ? j->ca_cert_path : "");
	if (j->discovery.bootstrap_token) {
		const char *ep = j->discovery.bootstrap_token->api_server_endpoint;
		_cleanup_free_ char *host = split_host(ep ? ep : "");
		if (host) {
			add(l, PREFLIGHT_HTTP_PROXY, host);
			unsigned char ip[16];
			int fam;
			if (parse_ip(host, ip, &fam)) {
				if (fam == AF_INET)
					add_ipv4(l);
				else
					add_ipv6(l);
			}
		}
	}
	return 0;
}

static int run_list(struct preflight_list *l, char *const *ignore)
{
	int r = preflight_run_checks(l, ignore, stderr);
	preflight_list_clear(l);
	return r;
}

int preflight_run_root_check(char *const *ignore)
{
	struct preflight_list l = { 0 };
	add(&l, PREFLIGHT_PRIVILEGED_USER, NULL);
	return run_list(&l, ignore);
}

int preflight_run_init_checks(const struct init_config *cfg, char *const *ignore,
			      bool secondary_control_plane, bool download_certs)
{
	struct preflight_list l = { 0 };
	preflight_init_node_checks(cfg, secondary_control_plane, download_certs, &l);
	return run_list(&l, ignore);
}

int preflight_run_join_checks(const struct join_config *cfg, char *const *ignore)
{
	struct preflight_list l = { 0 };
	preflight_join_node_checks(cfg, &l);
	return run_list(&l, ignore);
}

int preflight_run_reset_checks(char *const *ignore)
{
	return preflight_run_root_check(ignore);
}

int preflight_run_upgrade_checks(const struct init_config *cfg, char *const *ignore)
{
	struct preflight_list l = { 0 };
	add(&l, PREFLIGHT_SYSTEM_VERIFICATION, NULL)->flag = true;
	add(&l, PREFLIGHT_CONTAINER_RUNTIME_VERSION, cfg->init.node_registration.cri_socket);
	return run_list(&l, ignore);
}

int preflight_run_pull_images(const struct init_config *cfg, char *const *ignore)
{
	struct preflight_list l = { 0 };
	const struct cfg_node_registration *nr = &cfg->init.node_registration;
	struct preflight_check *c = add(&l, PREFLIGHT_IMAGE_PULL, nr->cri_socket);
	c->list = config_images(cfg);
	c->label = config_image_pause(cfg); /* the sandbox image kubeadm expects */
	c->arg2 = xstrdup(nr->image_pull_policy ? nr->image_pull_policy : "");
	c->flag = nr->image_pull_serial.set ? nr->image_pull_serial.v : true;
	return run_list(&l, ignore);
}

int preflight_pull_control_plane_images(const struct init_config *cfg)
{
	const char *sock = cfg->init.node_registration.cri_socket;
	_cleanup_(cri_client_freep) struct cri_client *cl =
		cri_client_new(sock && *sock ? sock : CRI_DEFAULT_SOCKET, 0);
	int r = cri_client_connect(cl);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **imgs = config_images(cfg);
	STRV_FOREACH(img, imgs) {
		r = cri_pull_image_retry(cl, *img);
		if (r < 0)
			return error_wrap(r, "failed to pull image \"%s\"", *img);
		printf("[config/images] Pulled %s\n", *img);
		fflush(stdout);
	}
	return 0;
}
