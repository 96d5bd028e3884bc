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

static size_t open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	assert_non_null(d);
	size_t n = 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/*
 * fs_sync_all syncs what was written (files and their directories, each once, however many
 * writes) and then holds no descriptor; more files than its table are synced as they come.
 */
static void sync_all_case(bool busy)
{
	_cleanup_free_ char *t = tmpdir();
	_cleanup_close_ int root = open(t, O_DIRECTORY | O_CLOEXEC);
	assert_true(root >= 0);
	assert_int_equal(fs_sync_all(), 0);
	_cleanup_free_ char *big = xasprintf("%s/big", t);
	if (busy) {
		/* 8 MiB left dirty: beyond the limit for syncfs, each file is fdatasync'ed */
		_cleanup_close_ int b = open(big, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		assert_true(b >= 0);
		static char chunk[1 << 20];
		memset(chunk, 'x', sizeof(chunk));
		for (int i = 0; i < 8; i++)
			assert_int_equal(write(b, chunk, sizeof(chunk)), (ssize_t)sizeof(chunk));
	}
	size_t before = open_fds();
	assert_int_equal(fs_write_atomic(root, "/a/b/f", "1", 1, 0600, 0755), 0);
	assert_int_equal(fs_write_atomic(root, "/a/b/f", "22", 2, 0600, 0755), 0);
	assert_int_equal(fs_write_atomic(root, "/a/g", "3", 1, 0644, 0755), 0);
	assert_int_equal(fs_write_atomic(root, "top", "4", 1, 0644, 0755), 0);
	/* two inodes for a/b/f (each write renames a new one), a/g, top; dirs a/b, a, root */
	assert_int_equal(open_fds(), before + 7);
	assert_int_equal(fs_sync_all(), 0);
	assert_int_equal(open_fds(), before);
	for (int i = 0; i < 100; i++) {
		_cleanup_free_ char *name = xasprintf("/many/f%d", i);
		assert_int_equal(fs_write_atomic(root, name, "x", 1, 0600, 0755), 0);
	}
	assert_true(open_fds() <= before + 64);
	assert_int_equal(fs_sync_all(), 0);
	assert_int_equal(open_fds(), before);
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(fs_read_file(root, "/a/b/f", 10, &data, &len), 0);
	assert_string_equal(data, "22");
	free(data);
	testing_rm_rf(t);
}

/* --resume's converge mode: a file already holding the same bytes and mode is not rewritten
 * (same inode); different bytes or another mode are; off again, every write rewrites. */
static void test_converge(void **state)
{
	_cleanup_free_ char *t = tmpdir();
	_cleanup_close_ int root = open(t, O_DIRECTORY | O_CLOEXEC);
	assert_true(root >= 0);
	struct stat a, b;
	assert_int_equal(fs_write_atomic(root, "/m/x.yaml", "abc", 3, 0600, 0700), 0);
	assert_int_equal(fs_stat(root, "/m/x.yaml", &a), 0);
	fs_set_converge(true);
	assert_int_equal(fs_write_atomic(root, "/m/x.yaml", "abc", 3, 0600, 0700), 0);
	assert_int_equal(fs_stat(root, "/m/x.yaml", &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(fs_write_atomic(root, "/m/x.yaml", "abc", 3, 0644, 0700), 0);
	assert_int_equal(fs_stat(root, "/m/x.yaml", &b), 0);
	assert_int_not_equal(a.st_ino, b.st_ino);
	assert_int_equal(b.st_mode & 07777, 0644);
	a = b;
	assert_int_equal(fs_write_atomic(root, "/m/x.yaml", "abd", 3, 0644, 0700), 0);
	assert_int_equal(fs_stat(root, "/m/x.yaml", &b), 0);
	assert_int_not_equal(a.st_ino, b.st_ino);
	fs_set_converge(false);
	a = b;
	assert_int_equal(fs_write_atomic(root, "/m/x.yaml", "abd", 3, 0644, 0700), 0);
	assert_int_equal(fs_stat(root, "/m/x.yaml", &b), 0);
	assert_int_not_equal(a.st_ino, b.st_ino);
	testing_rm_rf(t);
}

static void test_sync_all(void **state)
{
	sync_all_case(false); /* little dirty: one syncfs per filesystem */
	sync_all_case(true);  /* much dirty: an fdatasync per file, an fsync per directory */
}

int main(void)
{
	umask(022);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_under_root),
		cmocka_unit_test(test_write_absolute_at_cwd),
		cmocka_unit_test(test_converge),
		cmocka_unit_test(test_sync_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
