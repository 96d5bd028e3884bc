/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "util/exec.h"
#include "util/macro.h"
#include "util/strbuf.h"

/* The hex mask of a "Name:\t<hex>" line of /proc/<pid>/status. */
static uint64_t status_mask(const char *status, const char *name)
{
	const char *p = strstr(status, name);
	assert_non_null(p);
	return strtoull(p + strlen(name), NULL, 16);
}

/* A child starts with default dispositions and an empty mask whatever ours are: ckubeadm
 * ignores SIGPIPE (main.c), and a child that ignores it keeps writing into a closed pipe. */
static void test_child_signal_state(void **state)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGTERM);
	assert_int_equal(pthread_sigmask(SIG_BLOCK, &block, &old), 0);

	_cleanup_free_ char *cat = exec_look_path("cat");
	assert_non_null(cat);
	char *argv[] = { "cat", "/proc/self/status", NULL };
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int r = exec_run(cat, argv, false, &out, 1u << 20, &err);
	assert_int_equal(r, 0);
	assert_int_equal(err.len, 0);
	/* glibc's two internal signals (32 SIGCANCEL, 33 SIGSETXID) too, which glibc's
	 * posix_spawn leaves ignored */
	assert_int_equal(status_mask(out.buf, "\nSigIgn:\t"), 0);
	assert_int_equal(status_mask(out.buf, "\nSigBlk:\t"), 0);

	/* our own state is left as it was */
	sigset_t now;
	assert_int_equal(pthread_sigmask(SIG_SETMASK, &old, &now), 0);
	assert_true(sigismember(&now, SIGUSR1));
	signal(SIGUSR2, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
}

/* A child writing into a pipe nobody reads dies of SIGPIPE, as under Go, instead of looping
 * on EPIPE. */
static void test_child_dies_of_sigpipe(void **state)
{
	signal(SIGPIPE, SIG_IGN);
	_cleanup_free_ char *sh = exec_look_path("sh");
	assert_non_null(sh);
	/* the status of `yes` once head has gone: 141 (128 + SIGPIPE) when it died of SIGPIPE,
	 * 1 with a "Broken pipe" complaint when it inherited SIG_IGN */
	char *argv[] = { "sh", "-c", "{ (yes 2>/dev/null; echo $? >&3) | head -c 1 >/dev/null; } 3>&1", NULL };
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	assert_int_equal(exec_run(sh, argv, false, &out, 1u << 20, &err), 0);
	assert_string_equal(out.buf, "141\n");
	signal(SIGPIPE, SIG_DFL);
}

static void test_errors(void **state)
{
	assert_null(exec_look_path("no-such-command-ckubeadm"));
	assert_null(exec_look_path("/nonexistent/cmd"));
	_cleanup_free_ char *sh = exec_look_path("sh");
	assert_non_null(sh);
	char *argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	assert_int_equal(exec_run(sh, argv, true, &out, 1u << 20, &err), 3);
	assert_string_equal(out.buf, "out\nerr\n");
	assert_string_equal(err.buf, "exit status 3");
	strbuf_reset(&out);
	strbuf_reset(&err);
	assert_int_equal(exec_run(sh, argv, false, &out, 2, &err), 3);
	assert_string_equal(out.buf, "out\n"); /* the cap stops at the read that crosses it */
	strbuf_reset(&err);
	char *kill[] = { "sh", "-c", "kill -TERM $$", NULL };
	assert_int_equal(exec_run(sh, kill, false, NULL, 0, &err), 256 + SIGTERM);
	assert_string_equal(err.buf, "signal: Terminated");
	strbuf_reset(&err);
	char *none[] = { "x", NULL };
	assert_int_equal(exec_run("/nonexistent/x", none, false, NULL, 0, &err), -ENOENT);
	assert_string_equal(err.buf, "fork/exec /nonexistent/x: no such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_child_signal_state),
		cmocka_unit_test(test_child_dies_of_sigpipe),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
