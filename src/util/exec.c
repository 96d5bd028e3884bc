/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/error.h"
#include "util/exec.h"
#include "util/macro.h"
#include "util/strv.h"
#include "util/xalloc.h"

extern char **environ;

static bool is_executable(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

char *exec_look_path(const char *name)
{
	if (strchr(name, '/'))
		return is_executable(name) ? xstrdup(name) : NULL;
	const char *path = getenv("PATH");
	_cleanup_strv_free_ char **dirs = strv_split(path ? path : "", ':', false);
	STRV_FOREACH(d, dirs) {
		_cleanup_free_ char *p = xasprintf("%s/%s", **d ? *d : ".", name);
		if (is_executable(p)) {
			if (p[0] != '/')
				return NULL; /* Go refuses a match through a relative PATH entry */
			return TAKE_PTR(p);
		}
	}
	return NULL;
}

/* posix_spawn with stdin/stdout/stderr as asked and the signal state Go gives its children */
static int spawn(pid_t *ret_pid, const char *exe, char *const argv[], int in, int out, int err)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_adddup2(&fa, err, 2);
	posix_spawnattr_t at;
	posix_spawnattr_init(&at);
	sigset_t all, none;
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	/* glibc's posix_spawn reports a failed exec as its result, as Go's fork/exec does */
	int se = posix_spawn(ret_pid, exe, &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return se;
}

int exec_run(const char *exe, char *const argv[], bool combined, struct strbuf *out, size_t max,
	     struct strbuf *err)
{
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
	pid_t pid;
	int se = spawn(&pid, exe, argv, null, out ? pipefd[1] : null,
		       out && combined ? pipefd[1] : null);
	if (out)
		close(pipefd[1]);
	if (se != 0) {
		if (out)
			close(pipefd[0]);
		strbuf_addf(err, "fork/exec %s: %s", exe, go_strerror(se));
		return -se;
	}
	if (out) {
		char buf[4096];
		ssize_t n;
		while ((n = read(pipefd[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
			if (n > 0 && out->len < max)
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
