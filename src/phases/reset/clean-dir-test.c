/* SPDX-License-Identifier: Apache-2.0 */
/* phases/reset/clean-dir: reset never deletes through a mount point nor a system directory.
 * The mount cases run as root in a private mount namespace of this test process, on a temp
 * directory (skipped otherwise). */
#include "util/testing.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "phases/reset/clean-dir.h"
#include "util/error.h"
#include "util/macro.h"
#include "util/xalloc.h"

static void write_file(const char *dir, const char *name, const char *data)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(data, f);
	assert_int_equal(fclose(f), 0);
}

static bool exists(const char *dir, const char *name)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
	struct stat st;
	return lstat(p, &st) == 0;
}

static void mkdirs(const char *dir, const char *rel)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, rel);
	for (char *s = p + strlen(dir) + 1;; s++) {
		char c = *s;
		if (c != '/' && c)
			continue;
		*s = '\0';
		assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
		*s = c;
		if (!c)
			break;
	}
}

/* A private mount namespace for this process, or false (not root, no namespaces). */
static bool private_mounts(void)
{
	if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0)
		return false;
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
}

/*
 * A fake /var/lib/kubelet where a pod's volume (a tmpfs) and a bind mount of a directory of
 * the same filesystem are still mounted, as after an unmount that failed (kubeadm only warns
 * on EINVAL): everything of the kubelet's own is deleted, the two mounts keep their files and
 * the error names them.
 */
static void test_mounts_survive(void **state)
{
	if (!private_mounts())
		skip();
	char tmpl[] = "/tmp/clean-dir-test.XXXXXX";
	char *root = mkdtemp(tmpl);
	assert_non_null(root);
	_cleanup_free_ char *kubelet = xasprintf("%s/var/lib/kubelet", root);
	mkdirs(root, "var/lib/kubelet/pods/uid1/volumes/secret");
	mkdirs(root, "var/lib/kubelet/pods/uid2/volumes/bind");
	mkdirs(root, "var/lib/kubelet/pki");
	mkdirs(root, "data/keep");
	write_file(kubelet, "config.yaml", "x");
	write_file(kubelet, "pki/kubelet.crt", "x");
	write_file(kubelet, "pods/uid1/own", "x");
	_cleanup_free_ char *secret = xasprintf("%s/pods/uid1/volumes/secret", kubelet);
	assert_int_equal(mount("tmpfs", secret, "tmpfs", 0, "size=64k"), 0);
	mkdirs(secret, "sub");
	write_file(secret, "token", "volume data");
	write_file(secret, "sub/ca.crt", "volume data");
	_cleanup_free_ char *data = xasprintf("%s/data/keep", root);
	write_file(data, "precious", "x");
	_cleanup_free_ char *bind = xasprintf("%s/pods/uid2/volumes/bind", kubelet);
	assert_int_equal(mount(data, bind, NULL, MS_BIND, NULL), 0);

	int r = reset_clean_dir(kubelet);
	assert_int_equal(r, -EBUSY);
	_cleanup_free_ char *want = xasprintf(
		"refusing to delete \"%s\", \"%s\": still a mount point (the files of another "
		"filesystem); unmount it and run reset again",
		secret, bind);
	_cleanup_free_ char *want2 = xasprintf(
		"refusing to delete \"%s\", \"%s\": still a mount point (the files of another "
		"filesystem); unmount it and run reset again",
		bind, secret);
	const char *msg = error_message(r);
	assert_true(streq(msg, want) || streq(msg, want2));
	error_clear();
	/* the volumes keep every file */
	assert_true(exists(secret, "token"));
	assert_true(exists(secret, "sub/ca.crt"));
	assert_true(exists(bind, "precious"));
	assert_true(exists(data, "precious"));
	/* the kubelet's own files are gone; only the paths to the mount points remain */
	assert_false(exists(kubelet, "config.yaml"));
	assert_false(exists(kubelet, "pki"));
	assert_false(exists(kubelet, "pods/uid1/own"));

	/* once unmounted, the next reset finishes the job */
	assert_int_equal(umount2(secret, MNT_DETACH), 0);
	assert_int_equal(umount2(bind, MNT_DETACH), 0);
	assert_int_equal(reset_clean_dir(kubelet), 0);
	assert_false(exists(kubelet, "pods"));
	assert_true(exists(data, "precious"));

	/* a mount point named directly (os.RemoveAll of a file path) is refused too */
	mkdirs(root, "etc/kubernetes/admin.conf");
	_cleanup_free_ char *conf = xasprintf("%s/etc/kubernetes/admin.conf", root);
	assert_int_equal(mount("tmpfs", conf, "tmpfs", 0, "size=64k"), 0);
	write_file(conf, "inside", "x");
	assert_int_equal(reset_remove_all(conf), -EBUSY);
	error_clear();
	assert_true(exists(conf, "inside"));
	assert_int_equal(umount2(conf, MNT_DETACH), 0);

	/* the cleaned directory may itself be a mount point (etcd on its own volume) */
	_cleanup_free_ char *etcd = xasprintf("%s/var/lib/etcd", root);
	mkdirs(root, "var/lib/etcd");
	assert_int_equal(mount("tmpfs", etcd, "tmpfs", 0, "size=64k"), 0);
	mkdirs(etcd, "member/snap");
	write_file(etcd, "member/snap/db", "x");
	assert_int_equal(reset_clean_dir(etcd), 0);
	assert_false(exists(etcd, "member"));
	assert_int_equal(umount2(etcd, MNT_DETACH), 0);

	/* reset_clean_dir itself refuses a system directory, whoever calls it: /etc, or a
	 * symlink to it, over which this namespace mounts a tmpfs so that a regression empties
	 * only that */
	assert_int_equal(mount("tmpfs", "/etc", "tmpfs", 0, "size=64k"), 0);
	write_file("/etc", "canary", "x");
	assert_int_equal(reset_clean_dir("/etc"), -EPERM);
	assert_string_equal(error_message(-EPERM),
			    "refusing to delete the contents of the directory \"/etc\": it is the "
			    "root or a system directory");
	_cleanup_free_ char *link = xasprintf("%s/kubelet-link", root);
	assert_int_equal(symlink("/etc", link), 0);
	assert_int_equal(reset_clean_dir(link), -EPERM);
	error_clear();
	assert_true(exists("/etc", "canary"));
	assert_int_equal(umount2("/etc", MNT_DETACH), 0);
	assert_int_equal(testing_rm_rf(root), 0);
}

static void test_system_dirs(void **state)
{
	static const char *const refused[] = { "/", "/etc", "/etc/", "/usr//", "/var", "/var/lib",
					       "/home", "/root", "/usr/local", "/etc/../var",
					       "/var/./log" };
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		assert_true(reset_dir_is_system(refused[i]));
		assert_int_equal(reset_check_clean_dir(refused[i], "the certificates directory"),
				 -EPERM);
	}
	assert_string_equal(error_message(-EPERM),
			    "refusing to delete the contents of the certificates directory "
			    "\"/var/./log\": it is the root or a system directory");
	error_clear();
	static const char *const allowed[] = { "/etc/kubernetes/pki", "/var/lib/etcd", "/srv/pki",
					       "/var/lib/kubelet", "/data/etcd", "/etcd",
					       "/nonexistent/dir", "pki" };
	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++) {
		assert_false(reset_dir_is_system(allowed[i]));
		assert_int_equal(reset_check_clean_dir(allowed[i], "x"), 0);
	}
	/* a symlink to a system directory is that directory */
	char tmpl[] = "/tmp/clean-dir-test.XXXXXX";
	char *root = mkdtemp(tmpl);
	assert_non_null(root);
	_cleanup_free_ char *link = xasprintf("%s/kubelet", root);
	assert_int_equal(symlink("/etc", link), 0);
	assert_true(reset_dir_is_system(link));
	assert_int_equal(reset_check_clean_dir(link, "x"), -EPERM);
	error_clear();
	assert_int_equal(testing_rm_rf(root), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_system_dirs),
		cmocka_unit_test(test_mounts_survive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
