/* SPDX-License-Identifier: Apache-2.0 */
/* The counter of effects behind util/fault.h (fault-injection builds only). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fault.h"
#include "util/macro.h"
#include "util/parse.h"

static const char *const kind_names[] = {
	[FAULT_WRITE] = "write", [FAULT_RENAME] = "rename", [FAULT_MKDIR] = "mkdir",
	[FAULT_UNLINK] = "unlink", [FAULT_EXEC] = "exec",   [FAULT_API] = "api",
	[FAULT_ETCD] = "etcd",     [FAULT_CRI] = "cri",
};

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "EIO", EIO },       { "ENOSPC", ENOSPC }, { "EACCES", EACCES },   { "EPERM", EPERM },
	{ "EROFS", EROFS },   { "EDQUOT", EDQUOT }, { "ENOENT", ENOENT },   { "EEXIST", EEXIST },
	{ "EINTR", EINTR },   { "ENOMEM", ENOMEM }, { "ETIMEDOUT", ETIMEDOUT },
	{ "ECONNREFUSED", ECONNREFUSED },           { "ECONNRESET", ECONNRESET },
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool parsed, listing, persist, killing;
static unsigned long target, count, kind_count[ARRAY_SIZE(kind_names)];
static int target_kind = -1; /* KIND:N counts the effects of that kind only */
static int fail_errno = EIO;
static int http_status;

/* A spec that cannot be read ends the run (exit 2): a torture test must not pass unfaulted. */
static _Noreturn void bad_spec(const char *spec, const char *why)
{
	fprintf(stderr, "ckubeadm-fault: CKUBEADM_FAULT=%s: %s\n", spec, why);
	_exit(2);
}

static void parse_spec(void)
{
	parsed = true;
	const char *s = getenv("CKUBEADM_FAULT");
	if (!s || !*s)
		return;
	if (strcmp(s, "list") == 0) {
		listing = true;
		return;
	}
	const char *num = s;
	for (size_t k = 0; k < ARRAY_SIZE(kind_names); k++) {
		size_t l = strlen(kind_names[k]);
		if (strncmp(s, kind_names[k], l) == 0 && s[l] == ':') {
			target_kind = (int)k;
			num = s + l + 1;
		}
	}
	char *end;
	errno = 0;
	unsigned long n = strtoul(num, &end, 10);
	if (errno || end == num || n == 0) {
		bad_spec(s, "not list or [KIND:]N[+][:MODE]");
	}
	if (*end == '+') {
		persist = true;
		end++;
	}
	if (*end == ':') {
		const char *m = end + 1;
		int v;
		if (strcmp(m, "kill") == 0) {
			killing = true;
		} else if (strncmp(m, "http=", 5) == 0 && parse_int(m + 5, 100, 599, &v) >= 0) {
			http_status = v;
		} else if (parse_int(m, 1, 4095, &v) >= 0) {
			fail_errno = v;
		} else {
			bool found = false;
			for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]) && !found; i++)
				if (strcmp(m, errnos[i].name) == 0) {
					fail_errno = errnos[i].value;
					found = true;
				}
			if (!found) {
				bad_spec(s, "unknown mode");
			}
		}
	} else if (*end) {
		bad_spec(s, "not list or [KIND:]N[+][:MODE]");
	}
	target = n;
}

int fault_inject(enum fault_kind kind, const char *op, const char *what)
{
	pthread_mutex_lock(&lock);
	if (!parsed)
		parse_spec();
	unsigned long n = ++count, nk = ++kind_count[kind];
	unsigned long at = target_kind < 0 ? n : target_kind == (int)kind ? nk : 0;
	bool hit = target && at && (at == target || (persist && at > target));
	pthread_mutex_unlock(&lock);
	const char *k = kind_names[kind];
	char buf[64];
	if (op) {
		snprintf(buf, sizeof(buf), "%s %s", kind_names[kind], op);
		k = buf;
	}
	if (listing)
		fprintf(stderr, "ckubeadm-fault: effect %lu %s %s\n", n, k, what ? what : "");
	if (!hit)
		return 0;
	if (killing) {
		fprintf(stderr, "ckubeadm-fault: fail effect %lu %s %s: SIGKILL\n", n, k, what ? what : "");
		kill(getpid(), SIGKILL);
		pause();
	}
	if (http_status && (kind == FAULT_API || kind == FAULT_ETCD)) {
		fprintf(stderr, "ckubeadm-fault: fail effect %lu %s %s: HTTP %d\n", n, k,
			what ? what : "", http_status);
		return http_status;
	}
	fprintf(stderr, "ckubeadm-fault: fail effect %lu %s %s: %s\n", n, k, what ? what : "",
		strerror(http_status ? EIO : fail_errno));
	return -(http_status ? EIO : fail_errno);
}
