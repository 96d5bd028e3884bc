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
#include "util/events.h"
#include "util/fault.h"
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
#ifdef CKUBEADM_FAULT_INJECTION
		/* only a directory that gets made is an effect */
		struct stat st;
		int f = fstatat(rootfd, p, &st, 0) == 0 ? 0 : fault_inject_errno(FAULT_MKDIR, p);
#else
		int f = 0;
#endif
		if (f < 0)
			errno = -f;
		if ((f < 0 || mkdirat(rootfd, p, mode) < 0) && errno != EEXIST)
			return error_set(-errno, "failed to create directory %s: %s", dir,
					 strerror(errno));
		*s = c;
		if (!c)
			break;
	}
	return 0;
}

/*
 * The files written since the last fs_sync_all, each with its directory: a duplicate of the
 * file's fd (the inode, whatever its name after the rename) and an fd on each distinct parent
 * directory (the rename lives there). fs_sync_all picks the cheaper of two ways to make them
 * durable: syncfs(2) on each filesystem costs one journal commit and one cache flush, but
 * waits for every dirty page of the filesystem (the kubelet's and containerd's too: hundreds
 * of ms while a node starts); fdatasync of each file costs a cache flush per file (~0.15 ms)
 * and waits for nothing else. The first when little is dirty in the whole system, the second
 * otherwise. Guarded: API workers may write while the main thread does.
 */
static struct {
	int fd;
	bool dir;
	dev_t dev;
	ino_t ino;
} pending[64];
static size_t n_pending;
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;

static int sync_one(int fd, bool dir)
{
	int r = (dir ? fsync(fd) : fdatasync(fd)) < 0 ? -errno : 0;
	close(fd);
	/* a directory that cannot be fsync'ed (EINVAL on some filesystems) is not an error */
	return r == -EINVAL && dir ? 0 : r;
}

/* Takes ownership of fd: kept until fs_sync_all, or synced now when the table is full. */
static int note(int fd, bool dir)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return 0;
	}
	pthread_mutex_lock(&pending_lock);
	for (size_t i = 0; i < n_pending; i++)
		if (pending[i].dev == st.st_dev && pending[i].ino == st.st_ino) {
			pthread_mutex_unlock(&pending_lock);
			close(fd);
			return 0;
		}
	if (n_pending < ARRAY_SIZE(pending)) {
		pending[n_pending++] = (typeof(pending[0])){ fd, dir, st.st_dev, st.st_ino };
		pthread_mutex_unlock(&pending_lock);
		return 0;
	}
	pthread_mutex_unlock(&pending_lock);
	return sync_one(fd, dir);
}

/* /proc/meminfo for fs_sync_all's choice: opened at the first write, or before a --rootfs
 * chroot would hide it */
static int meminfo_fd = -1;

void fs_sync_init(void)
{
	if (meminfo_fd < 0)
		meminfo_fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
}

static void note_written(int rootfd, const char *relpath, int fd)
{
	fs_sync_init();
	(void)note(fcntl(fd, F_DUPFD_CLOEXEC, 3), false);
	const char *slash = strrchr(relpath, '/');
	_cleanup_free_ char *dir = slash ? xstrndup(relpath, (size_t)(slash - relpath)) : NULL;
	int d = openat(rootfd, dir ? (*dir ? dir : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d >= 0)
		(void)note(d, true);
}

/* Dirty + Writeback of /proc/meminfo in KiB, or -1 when it cannot be read. */
static long dirty_kib(void)
{
	char buf[4096];
	ssize_t n = meminfo_fd >= 0 ? pread(meminfo_fd, buf, sizeof(buf) - 1, 0) : -1;
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	const char *d = strstr(buf, "\nDirty:"), *w = strstr(buf, "\nWriteback:");
	long dv, wv;
	if (!d || !w || sscanf(d, "\nDirty: %ld", &dv) != 1 || sscanf(w, "\nWriteback: %ld", &wv) != 1)
		return -1;
	return dv + wv;
}

/* Beyond this much dirty data system-wide, one syncfs could wait on others' writes. */
#define SYNCFS_DIRTY_MAX_KIB 1024

int fs_sync_all(void)
{
	int first = 0;
	pthread_mutex_lock(&pending_lock);
	long dirty = n_pending ? dirty_kib() : -1;
	if (dirty >= 0 && dirty <= SYNCFS_DIRTY_MAX_KIB) {
		/* one syncfs per filesystem: the first entry of each device does it */
		for (size_t i = 0; i < n_pending; i++) {
			bool done = false;
			for (size_t j = 0; j < i && !done; j++)
				done = pending[j].dev == pending[i].dev;
			if (!done && syncfs(pending[i].fd) < 0 && !first)
				first = -errno;
		}
		for (size_t i = 0; i < n_pending; i++)
			close(pending[i].fd);
	} else {
		/* the files' data first, then the directories that name them */
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < n_pending; i++) {
				if (pending[i].dir != (pass == 1))
					continue;
				int r = sync_one(pending[i].fd, pending[i].dir);
				if (r < 0 && !first)
					first = r;
			}
	}
	n_pending = 0;
	pthread_mutex_unlock(&pending_lock);
	return first;
}

/* fs_set_converge: a run-wide switch, set once by cmd/ before any write (like the log level) */
static bool converge;

void fs_set_converge(bool on)
{
	converge = on;
}

/* The file at path already holds exactly data with mode. */
static bool same_file(int rootfd, const char *path, const void *data, size_t len, mode_t mode)
{
	struct stat st;
	if (fs_stat(rootfd, path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & 07777) != (mode & 07777) || (size_t)st.st_size != len)
		return false;
	_cleanup_free_ char *cur = NULL;
	size_t cur_len = 0;
	if (fs_read_file(rootfd, path, len, &cur, &cur_len) < 0)
		return false;
	bool same = cur_len == len && memcmp(cur, data, len) == 0;
	explicit_bzero(cur, cur_len); /* keys and kubeconfigs are secrets */
	return same;
}

int fs_write_atomic(int rootfd, const char *path, const void *data, size_t len, mode_t mode,
		    mode_t dir_mode)
{
	if (converge && same_file(rootfd, path, data, len, mode))
		return 0;
	const char *r = rel(rootfd, path);
	_cleanup_free_ char *tmp = xasprintf("%s.tmp-%d", r, (int)getpid());
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
	int f = fault_inject_errno(FAULT_WRITE, path);
	if (f < 0)
		return error_set(f, "failed to write %s: %s", path, strerror(-f));
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
	/* the event stream tells a new file from a replaced one and from one rewritten with the
	 * same bytes (a stat and a read of the old file, only when it is on) */
	const char *action = "Created";
	if (events_enabled()) {
		struct stat st;
		if (fstatat(rootfd, r, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			action = "Updated";
			_cleanup_free_ char *old = NULL;
			size_t old_len = 0;
			if (S_ISREG(st.st_mode) && (size_t)st.st_size == len &&
			    fs_read_file(rootfd, r, len + 1, &old, &old_len) >= 0 && old_len == len &&
			    memcmp(old, data, len) == 0)
				action = "Unchanged";
			if (old)
				explicit_bzero(old, old_len);
			error_clear();
		}
	}
	f = fault_inject_errno(FAULT_RENAME, path);
	if (f < 0)
		errno = -f;
	if (f < 0 || fchmod(fd, mode) < 0 || renameat(rootfd, tmp, rootfd, r) < 0) {
		int e = -errno;
		unlinkat(rootfd, tmp, 0);
		return error_set(e, "failed to write %s: %s", path, strerror(-e));
	}
	note_written(rootfd, r, fd);
	events_artifact(path, action, data, len);
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
	int f = fault_inject_errno(FAULT_UNLINK, path);
	if (f < 0)
		return f;
	return unlinkat(rootfd, rel(rootfd, path), 0) < 0 ? -errno : 0;
}
