/* SPDX-License-Identifier: Apache-2.0 */
/* k8s.io/system-validators@v1.12.1 validators (kernel, os, cgroups) for SystemVerification. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "config/version.h"
#include "preflight/exec.h"
#include "preflight/sysverify.h"
#include "util/match.h"
#include "util/flags.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

enum result { GOOD, BAD, WARN };

/* Go's syscall.Errno text (glibc's, lower-cased first letter) in buf. */
static const char *errtext(int e, char buf[128])
{
	snprintf(buf, 128, "%s", strerror(e));
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

static void report(struct strbuf *out, const char *key, const char *value, enum result r)
{
	int color = r == GOOD ? 32 : r == BAD ? 31 : 33;
	strbuf_addf(out, "\033[0;37m%s\033[0m: \033[0;%dm%s\033[0m\n", key, color, value);
}

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

struct kconfig {
	const char *name;
	const char *alias;
	const char *desc;
};

static const char *const kernel_versions[] = {
	"^5\\.4.*$", "^5\\.10.*$", "^5\\.15.*$", "^([6-9]|[1-9][0-9]+)\\.([0-9]+)\\.([0-9]+).*$",
};
#define KERNEL_VERSIONS_NOTE                                                                       \
	"Supported LTS versions from the 5.x series are 5.4, 5.10 and 5.15. Any 6.x version is " \
	"also supported. For cgroups v2 support, the recommended version is 5.10 or newer"

static const struct kconfig k_required[] = {
	{ "NAMESPACES", NULL, NULL }, { "NET_NS", NULL, NULL }, { "PID_NS", NULL, NULL },
	{ "IPC_NS", NULL, NULL }, { "UTS_NS", NULL, NULL }, { "CPUSETS", NULL, NULL },
	{ "MEMCG", NULL, NULL }, { "INET", NULL, NULL }, { "EXT4_FS", NULL, NULL },
	{ "PROC_FS", NULL, NULL }, { "NETFILTER_XT_TARGET_REDIRECT", "IP_NF_TARGET_REDIRECT", NULL },
	{ "NETFILTER_XT_MATCH_COMMENT", NULL, NULL }, { "FAIR_GROUP_SCHED", NULL, NULL },
};
static const struct kconfig k_required_v1[] = {
	{ "CGROUPS", NULL, "Required for cgroups." },
	{ "CGROUP_CPUACCT", NULL, "Required for cpuacct controller, used in simple CPU accounting controller." },
	{ "CGROUP_DEVICE", NULL, "Required for device controller." },
	{ "CGROUP_FREEZER", NULL, "Required for freezer controller." },
	{ "CGROUP_PIDS", NULL, "Required for PIDs controller." },
	{ "CGROUP_SCHED", NULL, "Required for CPU controller." },
};
static const struct kconfig k_required_v2[] = {
	{ "CGROUPS", NULL, "Required for cgroups." },
	{ "CGROUP_BPF", NULL, "Required for eBPF programs attached to cgroups, used in device controller." },
	{ "CGROUP_PIDS", NULL, "Required for PIDs controller." },
	{ "CGROUP_SCHED", NULL, "Required for CPU controller." },
};
static const struct kconfig k_optional[] = {
	{ "OVERLAY_FS", "OVERLAYFS_FS", "Required for overlayfs." },
	{ "AUFS_FS", NULL, "Required for aufs." },
	{ "BLK_DEV_DM", NULL, "Required for devicemapper." },
	{ "CFS_BANDWIDTH", NULL, "Required for CPU quota." },
	{ "SECCOMP", NULL, "Required for seccomp." },
	{ "SECCOMP_FILTER", NULL, "Required for seccomp mode 2." },
};
static const char *const cgroups_v1[] = { "cpu", "cpuacct", "cpuset", "devices", "freezer", "memory", "pids", NULL };
static const char *const cgroups_v1_optional[] = { "hugetlb", "blkio", NULL };
static const char *const cgroups_v2[] = { "cpu", "cpuset", "devices", "freezer", "memory", "pids", NULL };
static const char *const cgroups_v2_optional[] = { "hugetlb", "io", NULL };


/* The last value of a CONFIG_ line matching ^CONFIG_[A-Z0-9_]+=[myn] (later lines win). */
char sysverify_kconfig_lookup(const char *config, const char *name)
{
	size_t nl = strlen(name);
	char val = 0;
	const char *p = config;
	while (p && *p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && (*p == ' ' || *p == '\t' || *p == '\r')) {
			p++;
			len--;
		}
		if (len > nl + 1 && strncmp(p, name, nl) == 0 && p[nl] == '=' &&
		    (p[nl + 1] == 'y' || p[nl + 1] == 'm' || p[nl + 1] == 'n'))
			val = p[nl + 1];
		p = end ? end + 1 : NULL;
	}
	return val;
}

int sysverify_cgroup_mode(const char *mounts, bool memory_is_dir, char **ret_mountpoint,
			  bool *ret_v2)
{
	_cleanup_strv_free_ char **lines = strv_split(mounts, '\n', true);
	_cleanup_free_ char *v1 = NULL;
	STRV_FOREACH(l, lines) {
		if (!strstr(*l, "cgroup"))
			continue;
		_cleanup_free_ char *copy = xstrdup(*l);
		char *save = NULL, *f[3] = { 0 };
		int n = 0;
		for (char *t = strtok_r(copy, " \t", &save); t && n < 3; t = strtok_r(NULL, " \t", &save))
			f[n++] = t;
		if (n < 3)
			continue;
		if (strcmp(f[1], "/sys/fs/cgroup") == 0) {
			*ret_mountpoint = xstrdup("/sys/fs/cgroup");
			if (strcmp(f[2], "tmpfs") == 0)
				*ret_v2 = !memory_is_dir;
			else
				*ret_v2 = strcmp(f[2], "cgroup2") == 0;
			return 0;
		}
		if (strcmp(f[2], "cgroup2") == 0) {
			*ret_mountpoint = xstrdup(f[1]);
			*ret_v2 = true;
			return 0;
		}
		if (strcmp(f[2], "cgroup") == 0 && !v1)
			v1 = xstrdup(f[1]);
	}
	if (v1) {
		*ret_mountpoint = TAKE_PTR(v1);
		*ret_v2 = false;
		return 0;
	}
	return -ENOENT;
}

static int cgroup_mode(char **ret_mountpoint, bool *ret_v2, char **ret_err)
{
	_cleanup_free_ char *mounts = NULL;
	size_t len;
	int r = fs_read_file(AT_FDCWD, "/proc/mounts", 16u << 20, &mounts, &len);
	if (r < 0) {
		char b[128];
		*ret_err = xasprintf("open /proc/mounts: %s", errtext(-r, b));
		return r;
	}
	struct stat st;
	bool memdir = stat("/sys/fs/cgroup/memory", &st) == 0 && S_ISDIR(st.st_mode);
	r = sysverify_cgroup_mode(mounts, memdir, ret_mountpoint, ret_v2);
	if (r < 0)
		*ret_err = xstrdup("cannot get a cgroupfs mount point from \"/proc/mounts\"");
	return r;
}

static char *gunzip(const char *data, size_t len)
{
	z_stream z = { 0 };
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return NULL;
	struct strbuf out = STRBUF_INIT;
	z.next_in = (unsigned char *)data;
	z.avail_in = (unsigned)len;
	int r;
	do {
		strbuf_grow(&out, 65536);
		z.next_out = (unsigned char *)out.buf + out.len;
		z.avail_out = 65536;
		r = inflate(&z, Z_NO_FLUSH);
		strbuf_setlen(&out, out.len + (65536 - z.avail_out));
	} while (r == Z_OK && out.len < (64u << 20));
	inflateEnd(&z);
	if (r != Z_STREAM_END) {
		strbuf_release(&out);
		return NULL;
	}
	return strbuf_detach(&out, NULL);
}

/* getKernelConfigReader + read: the kernel config text (owned), or NULL with *err. */
static char *kernel_config_once(const char *release, char **err, bool *ret_unload);

/* getKernelConfigReader + read; the configs module loaded on the way is unloaded after. */
static char *kernel_config(const char *release, char **err)
{
	bool unload = false;
	char *text = kernel_config_once(release, err, &unload);
	if (unload) {
		_cleanup_strbuf_ struct strbuf out = STRBUF_INIT, e = STRBUF_INIT;
		char *argv[] = { (char *)"modprobe", (char *)"-r", (char *)"configs", NULL };
		preflight_run(argv, false, &out, &e);
	}
	return text;
}

static char *kernel_config_once(const char *release, char **errp, bool *ret_unload)
{
	bool unload = false;
	_cleanup_strv_free_ char **paths = NULL;
	strv_push(&paths, "/proc/config.gz");
	strv_consume(&paths, xasprintf("/boot/config-%s", release));
	strv_consume(&paths, xasprintf("/usr/src/linux-%s/.config", release));
	strv_push(&paths, "/usr/src/linux/.config");
	strv_consume(&paths, xasprintf("/usr/lib/modules/%s/config", release));
	strv_consume(&paths, xasprintf("/usr/lib/ostree-boot/config-%s", release));
	strv_consume(&paths, xasprintf("/usr/lib/kernel/config-%s", release));
	strv_consume(&paths, xasprintf("/usr/src/linux-headers-%s/.config", release));
	strv_consume(&paths, xasprintf("/lib/modules/%s/build/.config", release));
	for (int attempt = 0; attempt < 2; attempt++) {
		STRV_FOREACH(p, paths) {
			struct stat st;
			if (stat(*p, &st) < 0)
				continue;
			char *data = NULL;
			size_t len = 0;
			int r = fs_read_file(AT_FDCWD, *p, 64u << 20, &data, &len);
			if (r < 0) {
				char b[128];
				*errp = xasprintf("read %s: %s", *p, errtext(-r, b));
				return NULL;
			}
			size_t pl = strlen(*p);
			if (pl > 3 && strcmp(*p + pl - 3, ".gz") == 0) {
				char *text = gunzip(data, len);
				free(data);
				if (!text)
					*errp = xstrdup("gzip: invalid header");
				*ret_unload = unload;
				return text;
			}
			*ret_unload = unload;
			return data;
		}
		if (attempt == 1)
			break;
		/* modprobe configs, then look again (and unload it after) */
		_cleanup_strbuf_ struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
		char *argv[] = { (char *)"modprobe", (char *)"configs", NULL };
		int r = preflight_run(argv, true, &out, &err);
		if (r != 0) {
			_cleanup_strbuf_ struct strbuf q = STRBUF_INIT;
			go_quote(out.buf, &q);
			if (r == -ENOENT)
				*errp = xasprintf("unable to load kernel module: \"configs\", output: %s, err: exec: \"modprobe\": %s",
						  q.buf, err.buf);
			else
				*errp = xasprintf("unable to load kernel module: \"configs\", output: %s, err: %s",
						  q.buf, err.buf);
			return NULL;
		}
		unload = true;
	}
	*ret_unload = unload;
	_cleanup_free_ char *list = strv_join(paths, " ");
	*errp = xasprintf("no config path in [%s] is available", list);
	return NULL;
}

static void validate_opt(const char *config, const struct kconfig *k, int expect,
			 struct strbuf *rep, char ***bad)
{
	/* expect: 0 required, 1 optional, 2 forbidden */
	enum result found = expect == 2 ? BAD : GOOD;
	enum result missing = expect == 0 ? BAD : expect == 1 ? WARN : GOOD;
	const char *names[2] = { k->name, k->alias };
	char opt = 0;
	_cleanup_free_ char *name = NULL;
	for (size_t i = 0; i < 2 && names[i]; i++) {
		free(name);
		name = xasprintf("CONFIG_%s", names[i]);
		opt = sysverify_kconfig_lookup(config, name);
		if (opt)
			break;
	}
	const char *msg;
	enum result r;
	switch (opt) {
	case 'y': msg = "enabled"; r = found; break;
	case 'm': msg = "enabled (as module)"; r = found; break;
	case 'n': msg = "disabled"; r = missing; break;
	default: msg = "not set"; r = missing; break;
	}
	if (r == BAD)
		strv_push(bad, name);
	_cleanup_free_ char *full = r != GOOD && k->desc ? xasprintf("%s - %s", msg, k->desc) :
							   xstrdup(msg);
	report(rep, name, full, r);
}

static void kernel_validator(struct strbuf *rep, char ***w, char ***e)
{
	struct utsname u;
	if (uname(&u) < 0) {
		add_fmt(e, "failed to get kernel release: failed to get kernel release: %s", strerror(errno));
		return;
	}
	const char *release = u.release;
	bool ok = false;
	for (size_t i = 0; i < sizeof(kernel_versions) / sizeof(*kernel_versions) && !ok; i++)
		ok = regex_matches(kernel_versions[i], release);
	report(rep, "KERNEL_VERSION", release, ok ? GOOD : BAD);
	if (!ok)
		add_fmt(w, "kernel release %s is unsupported. %s", release, KERNEL_VERSIONS_NOTE);

	_cleanup_free_ char *err = NULL;
	_cleanup_free_ char *config = kernel_config(release, &err);
	if (!config) {
		add_fmt(e, "failed to parse kernel config: %s", err);
		return;
	}
	_cleanup_strv_free_ char **bad = NULL;
	for (size_t i = 0; i < sizeof(k_required) / sizeof(*k_required); i++)
		validate_opt(config, &k_required[i], 0, rep, &bad);
	_cleanup_free_ char *mp = NULL, *merr = NULL;
	bool v2 = false;
	if (cgroup_mode(&mp, &v2, &merr) < 0) {
		add_fmt(e, "failed to get unified mountpoint: %s", merr);
		return;
	}
	if (v2)
		for (size_t i = 0; i < sizeof(k_required_v2) / sizeof(*k_required_v2); i++)
			validate_opt(config, &k_required_v2[i], 0, rep, &bad);
	else
		for (size_t i = 0; i < sizeof(k_required_v1) / sizeof(*k_required_v1); i++)
			validate_opt(config, &k_required_v1[i], 0, rep, &bad);
	for (size_t i = 0; i < sizeof(k_optional) / sizeof(*k_optional); i++)
		validate_opt(config, &k_optional[i], 1, rep, &bad);
	if (bad) {
		_cleanup_free_ char *j = strv_join(bad, " ");
		add_fmt(e, "unexpected kernel config: %s", j);
	}
}

static void os_validator(struct strbuf *rep, char ***e)
{
	struct utsname u;
	if (uname(&u) < 0) {
		add_fmt(e, "failed to get OS name: %s", strerror(errno));
		return;
	}
	if (strcmp(u.sysname, "Linux") != 0) {
		report(rep, "OS", u.sysname, BAD);
		add_fmt(e, "unsupported operating system: %s", u.sysname);
		return;
	}
	report(rep, "OS", u.sysname, GOOD);
}

static char **missing_cgroups(const char *const *want, char *const *have, bool required,
			      struct strbuf *rep)
{
	char **missing = NULL;
	for (const char *const *c = want; *c; c++) {
		_cleanup_free_ char *item = xasprintf("CGROUPS_%s", *c);
		for (char *p = item; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		if (strv_contains(have, *c)) {
			report(rep, item, "enabled", GOOD);
			continue;
		}
		report(rep, item, "missing", required ? BAD : WARN);
		strv_push(&missing, *c);
	}
	return missing;
}

static void cgroups_validator(const char *kubelet_version, struct strbuf *rep, char ***w, char ***e)
{
	_cleanup_free_ char *mp = NULL, *merr = NULL;
	bool v2 = false;
	if (cgroup_mode(&mp, &v2, &merr) < 0) {
		add_fmt(e, "cannot get a cgroup mount point: %s", merr);
		return;
	}
	_cleanup_strv_free_ char **subsystems = NULL;
	char **errs = NULL, **warns = NULL;
	const char *const *required, *const *optional;
	if (v2) {
		strv_push(&subsystems, "devices");
		/* checkCgroupV2Freeze: create a cgroup and look for cgroup.freeze */
		_cleanup_free_ char *tmpl = xasprintf("%s/freezer-testXXXXXX", mp);
		if (mkdtemp(tmpl)) {
			_cleanup_free_ char *ff = xasprintf("%s/cgroup.freeze", tmpl);
			struct stat st;
			if (stat(ff, &st) == 0 || errno != ENOENT)
				strv_push(&subsystems, "freezer");
			if (rmdir(tmpl) < 0)
				add_fmt(&warns, "error removing directory \"%s\": %s", tmpl,
					errtext(errno, (char[128]){ 0 }));
		}
		_cleanup_free_ char *path = xasprintf("%s/cgroup.controllers", mp);
		_cleanup_free_ char *data = NULL;
		size_t len;
		int r = fs_read_file(AT_FDCWD, path, 1u << 20, &data, &len);
		if (r < 0) {
			strv_free(warns);
			char b[128];
			add_fmt(e, "failed to get cgroups v2 subsystems: open %s: %s", path, errtext(-r, b));
			return;
		}
		_cleanup_strv_free_ char **f = strv_split(data, ' ', true);
		STRV_FOREACH(x, f) {
			_cleanup_free_ char *t = xstrdup(*x);
			t[strcspn(t, "\n\t")] = '\0';
			if (*t)
				strv_push(&subsystems, t);
		}
		required = cgroups_v2;
		optional = cgroups_v2_optional;
	} else {
		bool disabled = false;
		if (kubelet_version && *kubelet_version) {
			struct semver kv, min;
			if (semver_parse(kubelet_version, &kv) < 0) {
				add_fmt(e, "malformed KubeletVersion in CgroupsValidator: %s", kubelet_version);
				return;
			}
			semver_parse("1.35.0-0", &min);
			disabled = semver_cmp(&kv, &min) >= 0;
		}
		const char *v1err =
			"cgroups v1 support is deprecated and will be removed in a future release. "
			"Please migrate to cgroups v2. To explicitly enable cgroups v1 support for kubelet v1.35 or newer, "
			"you must set the kubelet configuration option 'FailCgroupV1' to 'false'. You must also explicitly "
			"skip this validation. For more information, see https://git.k8s.io/enhancements/keps/sig-node/5573-remove-cgroup-v1";
		strv_push(disabled ? &errs : &warns, v1err);
		_cleanup_free_ char *data = NULL;
		size_t len;
		int r = fs_read_file(AT_FDCWD, "/proc/cgroups", 1u << 20, &data, &len);
		if (r < 0) {
			strv_free(errs);
			strv_free(warns);
			char b[128];
			add_fmt(e, "failed to get cgroups v1 subsystems: open /proc/cgroups: %s",
				errtext(-r, b));
			return;
		}
		_cleanup_strv_free_ char **lines = strv_split(data, '\n', true);
		STRV_FOREACH(l, lines) {
			if ((*l)[0] == '#')
				continue;
			char name[128], a[32], b[32], en[32];
			if (sscanf(*l, "%127s %31s %31s %31s", name, a, b, en) == 4 && strcmp(en, "0") != 0)
				strv_push(&subsystems, name);
		}
		required = cgroups_v1;
		optional = cgroups_v1_optional;
	}
	_cleanup_strv_free_ char **mr = missing_cgroups(required, subsystems, true, rep);
	if (mr) {
		_cleanup_free_ char *j = strv_join(mr, " ");
		strv_free(errs); /* the reference replaces the error list */
		errs = NULL;
		add_fmt(&errs, "missing required cgroups: %s", j);
	}
	_cleanup_strv_free_ char **mo = missing_cgroups(optional, subsystems, false, rep);
	if (mo) {
		_cleanup_free_ char *j = strv_join(mo, " ");
		add_fmt(&warns, "missing optional cgroups: %s", j);
	}
	STRV_FOREACH(x, warns)
		strv_push(w, *x);
	STRV_FOREACH(x, errs)
		strv_push(e, *x);
	strv_free(warns);
	strv_free(errs);
}

void sysverify_run(const char *kubelet_version, struct strbuf *rep, char ***warnings, char ***errors)
{
	kernel_validator(rep, warnings, errors);
	os_validator(rep, errors);
	cgroups_validator(kubelet_version, rep, warnings, errors);
}
