/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "phases/reset/clean-dir.h"
#include "util/error.h"
#include "util/fault.h"
#include "util/fs.h"
#include "util/macro.h"
#include "util/path.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/*
 * Directories whose contents reset never deletes, whatever certificatesDir, the etcd data dir
 * or a symlinked /var/lib/kubelet say: the root, the FHS top-level directories and the
 * system's own directories below /usr and /var. Compared with the resolved path, exactly
 * (a directory below one of them, /var/lib/etcd or /srv/pki, is cleaned as kubeadm does).
 */
static const char *const system_dirs[] = {
	"/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32",
	"/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr",
	"/usr/bin", "/usr/include", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libexec",
	"/usr/local", "/usr/local/bin", "/usr/local/lib", "/usr/local/sbin", "/usr/sbin",
	"/usr/share", "/usr/src", "/var", "/var/backups", "/var/cache", "/var/lib", "/var/local",
	"/var/lock", "/var/log", "/var/mail", "/var/opt", "/var/run", "/var/spool", "/var/tmp",
};

/* The directory being cleaned: its filesystem and mount, and the mount points below it. */
struct clean {
	dev_t dev;
	uint64_t mnt_id;   /* 0: the kernel does not say (before Linux 5.8) */
	char **mounts;     /* relative to the cleaned directory, from /proc/self/mountinfo */
	char **refused;    /* mount points found, not entered (absolute, as given) */
};

static void clean_release(struct clean *c)
{
	strv_free(c->mounts);
	strv_free(c->refused);
}

/* /proc/mounts and mountinfo escape space, tab, newline and backslash as \ooo */
static char *unescape_mount_path(const char *s)
{
	struct strbuf b = STRBUF_INIT;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			strbuf_addch(&b, (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0')));
			s += 3;
		} else {
			strbuf_addch(&b, *s);
		}
	}
	return strbuf_detach(&b, NULL);
}

int reset_read_mount_points(const char *file, unsigned field, char ***ret)
{
	_cleanup_free_ char *raw = NULL;
	size_t len = 0;
	int r = fs_read_file(AT_FDCWD, file, 64u << 20, &raw, &len);
	if (r < 0)
		return r;
	char **v = NULL;
	_cleanup_strv_free_ char **lines = strv_split(raw, '\n', false);
	STRV_FOREACH(l, lines) {
		_cleanup_strv_free_ char **f = strv_split(*l, ' ', false);
		if (strv_length(f) > field)
			strv_consume(&v, unescape_mount_path(f[field]));
	}
	*ret = v;
	return 0;
}

/* The mount points strictly below dir (resolved), relative to it, from /proc/self/mountinfo
 * ("36 35 98:0 /root /mount/point options ..."); NULL when it cannot be read (a --rootfs
 * without /proc: the st_dev/mount id checks remain). */
static char **mounts_below(const char *dir)
{
	char buf[PATH_MAX];
	if (!realpath(dir, buf))
		return NULL;
	_cleanup_strv_free_ char **mps = NULL;
	if (reset_read_mount_points("/proc/self/mountinfo", 4, &mps) < 0) {
		error_clear();
		return NULL;
	}
	size_t dl = streq(buf, "/") ? 0 : strlen(buf);
	char **v = NULL;
	STRV_FOREACH(mp, mps)
		if (strncmp(*mp, buf, dl) == 0 && (*mp)[dl] == '/' && (*mp)[dl + 1])
			strv_push(&v, *mp + dl + 1);
	return v;
}

static int clean_init(struct clean *c, int fd, const char *dir)
{
	*c = (struct clean){ 0 };
	struct statx stx;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0)
		return error_set(-errno, "stat %s: %s", dir, go_strerror(errno));
	c->dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	c->mnt_id = (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0;
	c->mounts = mounts_below(dir);
	return 0;
}

/*
 * -EBUSY when the entry name under at (rel below the cleaned directory, path as shown) is on
 * another filesystem or mount than the cleaned directory: a volume still mounted, whose files
 * are not ours to delete. 0 otherwise (or when it is gone).
 */
static int check_same_mount(struct clean *c, int at, const char *name, const char *path,
			    const char *rel)
{
	struct statx stx;
	if (statx(at, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_TYPE | STATX_MNT_ID,
		  &stx) < 0)
		return 0; /* the unlink that follows reports what is wrong */
	bool other = makedev(stx.stx_dev_major, stx.stx_dev_minor) != c->dev ||
		     ((stx.stx_mask & STATX_MNT_ID) && c->mnt_id && stx.stx_mnt_id != c->mnt_id) ||
		     (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT &&
		      stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) ||
		     strv_contains(c->mounts, rel);
	if (!other)
		return 0;
	strv_push(&c->refused, path);
	return -EBUSY;
}

/* Removes the entry name under dirfd, recursing into directories without following links or
 * crossing into another mount. A mount point is left alone (-EBUSY, recorded in c->refused)
 * and the rest of its directory is still removed. */
static int remove_at(struct clean *c, int at, const char *name, const char *path, const char *rel,
		     int depth)
{
	int r = check_same_mount(c, at, name, path, rel);
	if (r < 0)
		return r;
	int f = fault_inject_errno(FAULT_UNLINK, path);
	if (f < 0)
		return error_set(f, "unlinkat %s: %s", path, go_strerror(-f));
	if (unlinkat(at, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return error_set(-errno, "unlinkat %s: %s", path, go_strerror(errno));
	if (depth > 256)
		return error_set(-ELOOP, "unlinkat %s: %s", path, go_strerror(ELOOP));
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == ENOTDIR || e == ELOOP) /* not a directory after all: the unlink error */
			return error_set(-EPERM, "unlinkat %s: %s", path, go_strerror(EPERM));
		return error_set(-e, "open %s: %s", path, go_strerror(e));
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		return error_set(-e, "open %s: %s", path, go_strerror(e));
	}
	/* read all names first: deleting while reading may skip entries */
	_cleanup_strv_free_ char **names = NULL;
	struct dirent *de;
	while ((de = readdir(d)))
		if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
			strv_push(&names, de->d_name);
	r = 0;
	bool busy = false;
	STRV_FOREACH(n, names) {
		_cleanup_free_ char *sub = xasprintf("%s/%s", path, *n);
		_cleanup_free_ char *subrel = xasprintf("%s/%s", rel, *n);
		r = remove_at(c, dirfd(d), *n, sub, subrel, depth + 1);
		if (r == -EBUSY) {
			busy = true;
			r = 0;
		} else if (r < 0) {
			break;
		}
	}
	closedir(d);
	if (r < 0)
		return r;
	if (busy) /* a mount point inside: the directory stays */
		return -EBUSY;
	if (unlinkat(at, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return error_set(-errno, "unlinkat %s: %s", path, go_strerror(errno));
	return 0;
}

/* The error for the mount points left alone, or r. */
static int refused_error(const struct clean *c, int r)
{
	if (r < 0 && r != -EBUSY)
		return r;
	if (!c->refused)
		return r;
	_cleanup_free_ char *j = strv_join(c->refused, "\", \"");
	return error_set(-EBUSY, "refusing to delete \"%s\": still a mount point (the files of another filesystem); unmount it and run reset again",
			 j);
}

bool reset_dir_is_system(const char *dir)
{
	char buf[PATH_MAX];
	_cleanup_free_ char *p = realpath(dir, buf) ? xstrdup(buf) : path_clean(dir);
	for (size_t i = 0; i < ARRAY_SIZE(system_dirs); i++)
		if (streq(p, system_dirs[i]))
			return true;
	return false;
}

int reset_check_clean_dir(const char *dir, const char *what)
{
	if (!reset_dir_is_system(dir))
		return 0;
	return error_set(-EPERM, "refusing to delete the contents of %s \"%s\": it is the root or a system directory",
			 what, dir);
}

int reset_remove_all(const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);
	char *slash = strrchr(copy, '/');
	const char *parent = ".", *base = copy;
	if (slash) {
		*slash = '\0';
		parent = slash == copy ? "/" : copy;
		base = slash + 1;
	}
	if (!*base || streq(base, ".") || streq(base, ".."))
		return error_set(-EINVAL, "RemoveAll %s: invalid argument", path);
	_cleanup_close_ int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0) {
		if (errno == ENOENT)
			return 0;
		return error_set(-errno, "open %s: %s", parent, go_strerror(errno));
	}
	struct clean c;
	int r = clean_init(&c, pfd, parent);
	if (r < 0)
		return r;
	r = refused_error(&c, remove_at(&c, pfd, base, path, base, 0));
	clean_release(&c);
	return r;
}

int reset_clean_dir(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) < 0 && errno == ENOENT)
		return 0;
	int r = reset_check_clean_dir(dir, "the directory");
	if (r < 0)
		return r;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return error_set(-errno, "open %s: %s", dir, go_strerror(errno));
	struct clean c;
	r = clean_init(&c, fd, dir);
	if (r < 0) {
		close(fd);
		return r;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		clean_release(&c);
		return error_set(-e, "readdirent %s: %s", dir, go_strerror(e));
	}
	_cleanup_strv_free_ char **names = NULL;
	struct dirent *de;
	while ((de = readdir(d)))
		if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
			strv_push(&names, de->d_name);
	r = 0;
	STRV_FOREACH(n, names) {
		_cleanup_free_ char *sub = xasprintf("%s/%s", streq(dir, "/") ? "" : dir, *n);
		r = remove_at(&c, dirfd(d), *n, sub, *n, 0);
		if (r == -EBUSY)
			r = 0;
		else if (r < 0)
			break;
	}
	closedir(d);
	r = refused_error(&c, r);
	clean_release(&c);
	return r;
}

bool reset_dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	struct dirent *de;
	bool empty = true;
	while ((de = readdir(d)))
		if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
			empty = false;
			break;
		}
	closedir(d);
	return empty;
}
