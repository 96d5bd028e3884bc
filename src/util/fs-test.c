/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/xalloc.h"

static char *tmpdir(void)
{
	char *t = xstrdup("/tmp/ckubeadm-fs-test.XXXXXX");
	assert_non_null(mkdtemp(t));
	return t;
}

/* Under a root fd, "/etc/x" lands in <root>/etc/x with the requested modes. */
static void test_write_under_root(void **state)
{
	_cleanup_free_ char *t = tmpdir();
	_cleanup_close_ int root = open(t, O_DIRECTORY | O_CLOEXEC);
	assert_true(root >= 0);
	assert_int_equal(fs_write_atomic(root, "/etc/kubernetes/pki/ca.key", "secret", 6, 0600, 0755), 0);
	_cleanup_free_ char *p = xasprintf("%s/etc/kubernetes/pki/ca.key", t);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 6);
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(fs_read_file(root, "/etc/kubernetes/pki/ca.key", 100, &data, &len), 0);
	assert_string_equal(data, "secret");
	free(data);
	assert_int_equal(fs_read_file(root, "/etc/kubernetes/pki/ca.key", 3, &data, &len), -EFBIG);
	assert_true(fs_exists(root, "etc/kubernetes/pki"));
	assert_false(fs_exists(root, "/etc/kubernetes/pki/nope"));
	/* overwriting replaces the content atomically and keeps no temp file */
	assert_int_equal(fs_write_atomic(root, "/etc/kubernetes/pki/ca.key", "new", 3, 0600, 0755), 0);
	assert_int_equal(fs_read_file(root, "/etc/kubernetes/pki/ca.key", 100, &data, &len), 0);
	assert_string_equal(data, "new");
	free(data);
	_cleanup_free_ char *dir = xasprintf("%s/etc/kubernetes/pki", t);
	DIR *d = opendir(dir);
	assert_non_null(d);
	int entries = 0;
	for (struct dirent *e; (e = readdir(d));)
		entries += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(entries, 1);
}

/* With AT_FDCWD an absolute path is used as it is, never under the cwd. */
static void test_write_absolute_at_cwd(void **state)
{
	_cleanup_free_ char *t = tmpdir();
	_cleanup_free_ char *cwd = tmpdir();
	assert_int_equal(chdir(cwd), 0);
	_cleanup_free_ char *p = xasprintf("%s/a/b/file", t);
	assert_int_equal(fs_write_atomic(AT_FDCWD, p, "x", 1, 0644, 0700), 0);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	_cleanup_free_ char *dir = xasprintf("%s/a", t);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	/* nothing was created under the cwd */
	_cleanup_free_ char *stray = xasprintf("%s%s", cwd, t);
	assert_int_not_equal(stat(stray, &st), 0);
}

int main(void)
{
	umask(022);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_under_root),
		cmocka_unit_test(test_write_absolute_at_cwd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
