/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/cmdutil.c: cmd_kubeconfig_path, kubeadm's cmdutil.GetKubeConfigPath. */
#include "util/testing.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmdutil.h"
#include "util/flags.h"
#include "util/xalloc.h"

static const struct flag table[] = {
	{ .name = "kubeconfig", .type = FLAG_STRING, .def = "/etc/kubernetes/admin.conf",
	  .usage = "kubeconfig" },
	{ 0 },
};

static char *path_for(char **argv, size_t argc)
{
	struct flagset fs;
	flagset_init(&fs);
	flagset_add_table(&fs, table, true);
	assert_int_equal(flagset_parse(&fs, argv, argc), 0);
	char *p = cmd_kubeconfig_path(&fs);
	flagset_release(&fs);
	return p;
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
}

static void test_kubeconfig_path(void **state)
{
	char dir[] = "/tmp/ckubeadm-cmdutil-test.XXXXXX";
	assert_non_null(mkdtemp(dir));
	_cleanup_free_ char *a = xasprintf("%s/a", dir), *b = xasprintf("%s/b", dir);
	_cleanup_free_ char *kube = xasprintf("%s/.kube", dir), *home = xasprintf("%s/.kube/config", dir);

	/* a value given wins, even a missing file */
	char *given[] = { "--kubeconfig", "x.conf" };
	_cleanup_free_ char *p1 = path_for(given, 2);
	assert_string_equal(p1, "x.conf");

	/* $KUBECONFIG: the first existing of its files (each once), else its first */
	_cleanup_free_ char *env = xasprintf("%s:%s:%s", a, b, a);
	setenv("KUBECONFIG", env, 1);
	_cleanup_free_ char *p2 = path_for(NULL, 0);
	assert_string_equal(p2, a);
	touch(b);
	_cleanup_free_ char *p3 = path_for(NULL, 0);
	assert_string_equal(p3, b);
	char *empty[] = { "--kubeconfig=" };
	_cleanup_free_ char *p4 = path_for(empty, 1);
	assert_string_equal(p4, b);
	unsetenv("KUBECONFIG");

	/* else $HOME/.kube/config, existing or not (no admin.conf on the test machine) */
	setenv("HOME", dir, 1);
	_cleanup_free_ char *p5 = path_for(NULL, 0);
	assert_string_equal(p5, access("/etc/kubernetes/admin.conf", F_OK) == 0
					? "/etc/kubernetes/admin.conf"
					: home);
	assert_int_equal(mkdir(kube, 0700), 0);
	touch(home);
	_cleanup_free_ char *p6 = path_for(NULL, 0);
	assert_string_equal(p6, home);
	setenv("HOME", "", 1);
	_cleanup_free_ char *p7 = path_for(NULL, 0);
	if (access(".kube/config", F_OK) != 0 && access("/etc/kubernetes/admin.conf", F_OK) != 0)
		assert_string_equal(p7, ".kube/config");

	unlink(home);
	rmdir(kube);
	unlink(b);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kubeconfig_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
