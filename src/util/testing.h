/* SPDX-License-Identifier: Apache-2.0 */
/* cmocka needs these headers first, in this order. */
#pragma once
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static inline int testing_rm_entry(const char *path, const struct stat *st, int flag,
				   struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -rf of a test's temporary directory, without a shell. Returns 0 or -1. */
static inline int testing_rm_rf(const char *dir)
{
	return nftw(dir, testing_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Runs fn(arg) in a child that has no controlling terminal and whose stdin holds input: where
 * OpenSSL's passphrase prompt reads when /dev/tty cannot be opened, so that code which would
 * ask for a passphrase gets one instead of hanging the test. Returns fn's result as the
 * child's exit status; fails the test when the child does not exit.
 */
static inline int testing_run_detached(int (*fn)(void *), void *arg, const char *input)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int p[2];
		size_t n = strlen(input);
		if (setsid() < 0 || pipe(p) < 0 || write(p[1], input, n) != (ssize_t)n)
			_exit(125);
		close(p[1]);
		dup2(p[0], 0);
		_exit(fn(arg));
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/*
 * A test's scratch space: a new directory /tmp/<name>.XXXXXX, an fd of "/" (the root the
 * layers resolve absolute paths under) and a memory stream that catches what the code prints.
 */
struct testing_env {
	char dir[64];
	int rootfd;
	char *outbuf;
	size_t outlen;
	FILE *out;
};

/* Makes the directory, opens the root and the stream; fails the test when it cannot. */
static inline void testing_env_init(struct testing_env *t, const char *name)
{
	char dir[sizeof(t->dir)];
	int n = snprintf(dir, sizeof(dir), "/tmp/%s.XXXXXX", name);
	assert_true(n > 0 && (size_t)n < sizeof(dir));
	memset(t, 0, sizeof(*t));
	memcpy(t->dir, dir, (size_t)n + 1);
	assert_non_null(mkdtemp(t->dir));
	t->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(t->rootfd >= 0);
	t->out = open_memstream(&t->outbuf, &t->outlen);
	assert_non_null(t->out);
}

/* Removes the directory with all it holds (fails the test when it cannot), closes the rest. */
static inline void testing_env_release(struct testing_env *t)
{
	assert_int_equal(testing_rm_rf(t->dir), 0);
	fclose(t->out);
	free(t->outbuf);
	close(t->rootfd);
}

/* What was printed to t->out since the last call, as an owned string; empties the stream. */
static inline char *testing_env_out(struct testing_env *t)
{
	fflush(t->out);
	char *s = strndup(t->outbuf, t->outlen);
	assert_non_null(s);
	rewind(t->out);
	t->outlen = 0;
	return s;
}
