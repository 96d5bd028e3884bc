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

/*
 * Runs argv; captures stdout (and stderr when combined) into *out (may be NULL). Returns the
 * exit status (>= 0), 256 + signal, or -errno when it could not start.
 */
static int run(char *const argv[], bool combined, struct strbuf *out)
{
	_cleanup_free_ char *exe = look_path(argv[0]);
	if (!exe)
		return -ENOENT;
	int pipefd[2] = { -1, -1 };
	if (out && pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		if (out) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return -e;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 0);
			dup2(out ? pipefd[1] : null, 1);
			dup2(out && combined ? pipefd[1] : null, 2);
		}
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
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 256 + WTERMSIG(status);
}

/* Go's error text for a finished command (exec.ExitError). */
static int run_err(int rc, const char *prefix)
{
	_cleanup_free_ char *msg = NULL;
	if (rc < 0)
		msg = xasprintf("%s", strerror(-rc));
	else if (rc >= 256)
		msg = xasprintf("signal: %s", strsignal(rc - 256));
	else
		msg = xasprintf("exit status %d", rc);
	if (prefix)
		return error_set(-EIO, "%s: %s", prefix, msg);
	return error_set(-EIO, "%s", msg);
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
		char *argv[] = { "systemctl", "status", (char *)service, NULL };
		(void)run(argv, false, &out);
		return !strstr(out.buf, "Loaded: not-found") && !strstr(out.buf, "could not be found");
	}
	if (k == INITSYSTEM_OPENRC) {
		char *argv[] = { "rc-service", (char *)service, "status", NULL };
		(void)run(argv, true, &out);
		return !strstr(out.buf, "does not exist");
	}
	return false;
}

bool initsystem_service_is_active(enum initsystem_kind k, const char *service)
{
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	if (k == INITSYSTEM_SYSTEMD) {
		char *argv[] = { "systemctl", "is-active", (char *)service, NULL };
		(void)run(argv, false, &out);
		strbuf_rtrim(&out);
		const char *s = out.buf;
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		return streq(s, "active") || streq(s, "activating");
	}
	if (k == INITSYSTEM_OPENRC) {
		char *argv[] = { "rc-service", (char *)service, "status", NULL };
		(void)run(argv, true, &out);
		return !strstr(out.buf, "stopped") && !strstr(out.buf, "does not exist");
	}
	return false;
}

static int reload_systemd(void)
{
	char *argv[] = { "systemctl", "daemon-reload", NULL };
	int rc = run(argv, false, NULL);
	if (rc != 0)
		return run_err(rc, "failed to reload systemd");
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
		char *argv[] = { "systemctl", (char *)verb, (char *)service, NULL };
		int rc = run(argv, false, NULL);
		return rc ? run_err(rc, NULL) : 0;
	}
	if (k == INITSYSTEM_OPENRC) {
		char *argv[] = { "rc-service", (char *)service, (char *)verb, NULL };
		int rc = run(argv, false, NULL);
		return rc ? run_err(rc, NULL) : 0;
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
