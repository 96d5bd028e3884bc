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
static unsigned long target, count;
static int fail_errno = EIO;
static int http_status;

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
	char *end;
	errno = 0;
	unsigned long n = strtoul(s, &end, 10);
	if (errno || end == s || n == 0) {
		fprintf(stderr, "ckubeadm-fault: CKUBEADM_FAULT=%s: not list or N[+][:MODE]\n", s);
		return;
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
				fprintf(stderr, "ckubeadm-fault: CKUBEADM_FAULT=%s: unknown mode %s\n", s, m);
				return;
			}
		}
	} else if (*end) {
		fprintf(stderr, "ckubeadm-fault: CKUBEADM_FAULT=%s: not list or N[+][:MODE]\n", s);
		return;
	}
	target = n;
}

int fault_inject(enum fault_kind kind, const char *op, const char *what)
{
	pthread_mutex_lock(&lock);
	if (!parsed)
		parse_spec();
	unsigned long n = ++count;
	bool hit = target && (n == target || (persist && n > target));
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
		fprintf(stderr, "ckubeadm-fault: effect %lu %s %s: SIGKILL\n", n, k, what ? what : "");
		kill(getpid(), SIGKILL);
		pause();
	}
	if (http_status && (kind == FAULT_API || kind == FAULT_ETCD)) {
		fprintf(stderr, "ckubeadm-fault: effect %lu %s %s: HTTP %d\n", n, k,
			what ? what : "", http_status);
		return http_status;
	}
	fprintf(stderr, "ckubeadm-fault: effect %lu %s %s: %s\n", n, k, what ? what : "",
		strerror(http_status ? EIO : fail_errno));
	return -(http_status ? EIO : fail_errno);
}
