/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/error.h"
#include "util/exec.h"
#include "util/fault.h"
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

/* fd as the child's fd `to` (kept across exec when it already is `to`); async-signal-safe */
static int move_fd(int fd, int to)
{
	if (fd == to)
		return fcntl(to, F_SETFD, 0);
	return dup2(fd, to);
}

/*
 * The forked child: every signal at its default disposition, an empty mask, stdin/stdout/
 * stderr as asked, then exec. Only async-signal-safe calls. The dispositions are reset with
 * the raw system call: glibc's sigaction refuses its two internal signals (32, 33), which its
 * posix_spawn leaves ignored, and an all-zero kernel sigaction is SIG_DFL with no flags and
 * an empty mask whatever the architecture's layout. A failure is reported as its errno on
 * errfd.
 */
static _Noreturn void child(const char *exe, char *const argv[], int in, int out, int err,
			    int errfd)
{
	static const unsigned long dfl[8];
	for (int sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, dfl, NULL, 8);
	static const uint64_t none;
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, 8);
	if (move_fd(in, 0) >= 0 && move_fd(out, 1) >= 0 && move_fd(err, 2) >= 0)
		execve(exe, argv, environ);
	int e = errno;
	while (write(errfd, &e, sizeof(e)) < 0 && errno == EINTR)
		;
	_exit(127);
}

/*
 * Starts exe with stdin/stdout/stderr as asked and the signal state Go gives its children.
 * Returns 0 or the errno of the fork or exec (as Go's fork/exec, a failed exec is an error of
 * the start, not an exit status).
 */
static int spawn(pid_t *ret_pid, const char *exe, char *const argv[], int in, int out, int err)
{
	int errpipe[2];
	if (pipe2(errpipe, O_CLOEXEC) < 0)
		return errno;
	/* no handler of ours may run in the child before it resets them */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid_t pid = fork();
	if (pid == 0)
		child(exe, argv, in, out, err, errpipe[1]);
	int fe = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(errpipe[1]);
	if (pid < 0) {
		close(errpipe[0]);
		return fe;
	}
	int e = 0;
	ssize_t n;
	while ((n = read(errpipe[0], &e, sizeof(e))) < 0 && errno == EINTR)
		;
	close(errpipe[0]);
	if (n == (ssize_t)sizeof(e)) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return e ? e : EIO;
	}
	*ret_pid = pid;
	return 0;
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
	pid_t pid = -1;
	int se = -fault_inject_errno(FAULT_EXEC, exe);
	if (se == 0)
		se = spawn(&pid, exe, argv, null, out ? pipefd[1] : null,
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
