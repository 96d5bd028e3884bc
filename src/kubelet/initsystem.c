/* SPDX-License-Identifier: Apache-2.0 */
/* Init systems as kubeadm drives them (util/initsystem/initsystem_unix.go). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kubelet/initsystem.h"
#include "util/error.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Output of a command is capped: service status texts are short. */
#define OUTPUT_MAX (1u << 20)

/* exec.LookPath: the first executable regular file named name in $PATH. Owned or NULL. */
static char *look_path(const char *name)
{
	const char *path = getenv("PATH");
	_cleanup_strv_free_ char **dirs = strv_split(path ? path : "", ':', false);
	STRV_FOREACH(d, dirs) {
		_cleanup_free_ char *p = xasprintf("%s/%s", **d ? *d : ".", name);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111)) {
			/* Go refuses a match found through a relative PATH entry */
			if (p[0] != '/')
				return NULL;
			return TAKE_PTR(p);
		}
	}
	return NULL;
}

/* Go's syscall.Errno texts for what starting a command can hit. */
/*
 * Runs argv as Go's exec.Cmd does: stdin and every stream not captured come from /dev/null,
 * opened by the parent (so a root without /dev/null fails the call before it starts, as
 * Go's "open /dev/null: ..." error). Captures stdout (and stderr when combined) into *out
 * (may be NULL). Returns the exit status (>= 0), 256 + signal, or -errno when it could not
 * start, with Go's error text in *err.
 */
static int run(char *const argv[], bool combined, struct strbuf *out, struct strbuf *err)
{
	_cleanup_free_ char *exe = look_path(argv[0]);
	if (!exe) {
		strbuf_addf(err, "exec: \"%s\": executable file not found in $PATH", argv[0]);
		return -ENOENT;
	}
	_cleanup_close_ int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0) {
		int e = errno;
		strbuf_addf(err, "open /dev/null: %s", go_strerror(e));
		return -e;
	}
	int pipefd[2] = { -1, -1 };
	if (out && pipe2(pipefd, O_CLOEXEC) < 0) {
		int e = errno;
		strbuf_addf(err, "pipe2: %s", go_strerror(e));
		return -e;
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		if (out) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		strbuf_addf(err, "fork/exec %s: %s", exe, go_strerror(e));
		return -e;
	}
	if (pid == 0) {
		dup2(null, 0);
		dup2(out ? pipefd[1] : null, 1);
		dup2(out && combined ? pipefd[1] : null, 2);
		execv(exe, argv);
		_exit(127);
	}
	if (out) {
		close(pipefd[1]);
		char buf[4096];
		ssize_t n;
		while ((n = read(pipefd[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
			if (n > 0 && out->len < OUTPUT_MAX)
				strbuf_add(out, buf, (size_t)n);
		close(pipefd[0]);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			int e = errno;
			strbuf_addf(err, "wait: %s", go_strerror(e));
			return -e;
		}
	if (WIFEXITED(status)) {
		if (WEXITSTATUS(status))
			strbuf_addf(err, "exit status %d", WEXITSTATUS(status));
		return WEXITSTATUS(status);
	}
	strbuf_addf(err, "signal: %s", strsignal(WTERMSIG(status)));
	return 256 + WTERMSIG(status);
}

/* The error of a finished or failed command, with an optional Wrap prefix. */
static int run_err(const struct strbuf *err, const char *prefix)
{
	if (prefix)
		return error_set(-EIO, "%s: %s", prefix, err->buf);
	return error_set(-EIO, "%s", err->buf);
}

int initsystem_detect(enum initsystem_kind *ret)
{
	_cleanup_free_ char *sysd = look_path("systemctl");
	if (sysd) {
		*ret = INITSYSTEM_SYSTEMD;
		return 0;
	}
	_cleanup_free_ char *openrc = look_path("openrc");
	if (openrc) {
		static const char *const bins[] = { "rc-service", "rc-update" };
		for (size_t i = 0; i < ARRAY_SIZE(bins); i++) {
			_cleanup_free_ char *b = look_path(bins[i]);
			if (!b)
				return error_set(-ENOENT,
						 "openrc detected, but missing required binary: %s: exec: \"%s\": executable file not found in $PATH",
						 bins[i], bins[i]);
		}
		*ret = INITSYSTEM_OPENRC;
		return 0;
	}
	*ret = INITSYSTEM_NONE;
	return error_set(-ENOENT, "no supported init system detected, skipping checking for services");
}

bool initsystem_service_exists(enum initsystem_kind k, const char *service)
{
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	if (k == INITSYSTEM_SYSTEMD) {
		_cleanup_strbuf_ struct strbuf err = STRBUF_INIT;
		char *argv[] = { "systemctl", "status", (char *)service, NULL };
		(void)run(argv, false, &out, &err);
		return !strstr(out.buf, "Loaded: not-found") && !strstr(out.buf, "could not be found");
	}
	if (k == INITSYSTEM_OPENRC) {
		_cleanup_strbuf_ struct strbuf err = STRBUF_INIT;
		char *argv[] = { "rc-service", (char *)service, "status", NULL };
		(void)run(argv, true, &out, &err);
		return !strstr(out.buf, "does not exist");
	}
	return false;
}

bool initsystem_service_is_active(enum initsystem_kind k, const char *service)
{
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	if (k == INITSYSTEM_SYSTEMD) {
		_cleanup_strbuf_ struct strbuf err = STRBUF_INIT;
		char *argv[] = { "systemctl", "is-active", (char *)service, NULL };
		(void)run(argv, false, &out, &err);
		strbuf_rtrim(&out);
		const char *s = out.buf;
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		return streq(s, "active") || streq(s, "activating");
	}
	if (k == INITSYSTEM_OPENRC) {
		_cleanup_strbuf_ struct strbuf err = STRBUF_INIT;
		char *argv[] = { "rc-service", (char *)service, "status", NULL };
		(void)run(argv, true, &out, &err);
		return !strstr(out.buf, "stopped") && !strstr(out.buf, "does not exist");
	}
	return false;
}

static int reload_systemd(void)
{
	_cleanup_strbuf_ struct strbuf err = STRBUF_INIT;
	char *argv[] = { "systemctl", "daemon-reload", NULL };
	if (run(argv, false, NULL, &err) != 0)
		return run_err(&err, "failed to reload systemd");
	return 0;
}

static int service_cmd(enum initsystem_kind k, const char *verb, const char *service, bool reload)
{
	if (k == INITSYSTEM_SYSTEMD) {
		if (reload) {
			int r = reload_systemd();
			if (r < 0)
				return r;
		}
		_cleanup_strbuf_ struct strbuf err = STRBUF_INIT;
		char *argv[] = { "systemctl", (char *)verb, (char *)service, NULL };
		return run(argv, false, NULL, &err) ? run_err(&err, NULL) : 0;
	}
	if (k == INITSYSTEM_OPENRC) {
		_cleanup_strbuf_ struct strbuf err = STRBUF_INIT;
		char *argv[] = { "rc-service", (char *)service, (char *)verb, NULL };
		return run(argv, false, NULL, &err) ? run_err(&err, NULL) : 0;
	}
	return error_set(-ENOENT, "no supported init system detected, skipping checking for services");
}

int initsystem_service_start(enum initsystem_kind k, const char *service)
{
	return service_cmd(k, "start", service, true);
}

int initsystem_service_stop(enum initsystem_kind k, const char *service)
{
	return service_cmd(k, "stop", service, false);
}

int initsystem_service_restart(enum initsystem_kind k, const char *service)
{
	return service_cmd(k, "restart", service, true);
}
