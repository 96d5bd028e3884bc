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
#include "util/exec.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Output of a command is capped: service status texts are short. */
#define OUTPUT_MAX (1u << 20)

/*
 * Runs argv as Go's exec.Cmd does (util/exec): captures stdout (and stderr when combined) into
 * *out (may be NULL). Returns the exit status (>= 0), 256 + signal, or -errno when it could not
 * start, with Go's error text in *err.
 */
static int run(char *const argv[], bool combined, struct strbuf *out, struct strbuf *err)
{
	_cleanup_free_ char *exe = exec_look_path(argv[0]);
	if (!exe) {
		strbuf_addf(err, "exec: \"%s\": executable file not found in $PATH", argv[0]);
		return -ENOENT;
	}
	return exec_run(exe, argv, combined, out, OUTPUT_MAX, err);
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
	_cleanup_free_ char *sysd = exec_look_path("systemctl");
	if (sysd) {
		*ret = INITSYSTEM_SYSTEMD;
		return 0;
	}
	_cleanup_free_ char *openrc = exec_look_path("openrc");
	if (openrc) {
		static const char *const bins[] = { "rc-service", "rc-update" };
		for (size_t i = 0; i < ARRAY_SIZE(bins); i++) {
			_cleanup_free_ char *b = exec_look_path(bins[i]);
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
