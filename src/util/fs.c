/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/*
 * Paths under the root fd: a leading '/' means the root itself. With AT_FDCWD (no --rootfs, or
 * after the chroot) an absolute path stays absolute, so it never lands under the cwd.
 */
static const char *rel(int rootfd, const char *path)
{
	if (rootfd == AT_FDCWD)
		return *path ? path : ".";
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

int fs_mkdir_p(int rootfd, const char *dir, mode_t mode)
{
	_cleanup_free_ char *p = xstrdup(rel(rootfd, dir));
	for (char *s = p + (*p == '/');; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdirat(rootfd, p, mode) < 0 && errno != EEXIST)
			return error_set(-errno, "failed to create directory %s: %s", dir,
					 strerror(errno));
		*s = c;
		if (!c)
			break;
	}
	return 0;
}

/*
 * The filesystems written to since the last fs_sync_all: one open fd on each (syncfs(2) takes
 * any fd of the filesystem). Guarded: API workers may write while the main thread does.
 */
static struct {
	dev_t dev;
	int fd;
} pending[8];
static size_t n_pending;
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;

static void note_written(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return;
	pthread_mutex_lock(&pending_lock);
	size_t i = 0;
	while (i < n_pending && pending[i].dev != st.st_dev)
		i++;
	if (i == n_pending) {
		int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		if (i < ARRAY_SIZE(pending) && d >= 0) {
			pending[i].dev = st.st_dev;
			pending[i].fd = d;
			n_pending++;
		} else if (d >= 0) {
			/* more filesystems than slots: this one is made durable now */
			(void)syncfs(d);
			close(d);
		}
	}
	pthread_mutex_unlock(&pending_lock);
}

int fs_sync_all(void)
{
	int first = 0;
	pthread_mutex_lock(&pending_lock);
	for (size_t i = 0; i < n_pending; i++) {
		if (syncfs(pending[i].fd) < 0 && !first)
			first = -errno;
		close(pending[i].fd);
	}
	n_pending = 0;
	pthread_mutex_unlock(&pending_lock);
	return first;
}

int fs_write_atomic(int rootfd, const char *path, const void *data, size_t len, mode_t mode,
		    mode_t dir_mode)
{
	const char *r = rel(rootfd, path);
	_cleanup_free_ char *tmp = xasprintf("%s.tmp-%d", r, (int)getpid());
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
	_cleanup_close_ int fd = openat(rootfd, tmp, flags, mode);
	/* the parent directories are made only when missing (not a mkdir per level per file) */
	const char *slash = strrchr(r, '/');
	if (fd < 0 && errno == ENOENT && slash) {
		_cleanup_free_ char *dir = xstrndup(r, (size_t)(slash - r));
		int e = fs_mkdir_p(rootfd, dir, dir_mode);
		if (e < 0)
			return e;
		fd = openat(rootfd, tmp, flags, mode);
	}
	if (fd < 0)
		return error_set(-errno, "failed to write %s: %s", path, strerror(errno));
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = -errno;
			unlinkat(rootfd, tmp, 0);
			return error_set(e, "failed to write %s: %s", path, strerror(-e));
		}
		p += n;
		left -= (size_t)n;
	}
	if (fchmod(fd, mode) < 0 || renameat(rootfd, tmp, rootfd, r) < 0) {
		int e = -errno;
		unlinkat(rootfd, tmp, 0);
		return error_set(e, "failed to write %s: %s", path, strerror(-e));
	}
	note_written(fd);
	return 0;
}

int fs_read_file(int rootfd, const char *path, size_t max, char **ret_data, size_t *ret_len)
{
	_cleanup_close_ int fd = openat(rootfd, rel(rootfd, path), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct strbuf sb = STRBUF_INIT;
	for (;;) {
		strbuf_grow(&sb, 8192);
		ssize_t n = read(fd, sb.buf + sb.len, sb.alloc - sb.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = -errno;
			strbuf_release(&sb);
			return e;
		}
		if (n == 0)
			break;
		strbuf_setlen(&sb, sb.len + (size_t)n);
		if (sb.len > max) {
			strbuf_release(&sb);
			return -EFBIG;
		}
	}
	*ret_data = strbuf_detach(&sb, ret_len);
	return 0;
}

bool fs_exists(int rootfd, const char *path)
{
	struct stat st;
	return fstatat(rootfd, rel(rootfd, path), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

const char *fs_path_at(int rootfd, const char *path)
{
	return rel(rootfd, path);
}

int fs_stat(int rootfd, const char *path, struct stat *ret)
{
	return fstatat(rootfd, rel(rootfd, path), ret, 0) < 0 ? -errno : 0;
}

int fs_unlink(int rootfd, const char *path)
{
	return unlinkat(rootfd, rel(rootfd, path), 0) < 0 ? -errno : 0;
}
