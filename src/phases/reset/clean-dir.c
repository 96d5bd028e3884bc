/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "phases/reset/clean-dir.h"
#include "util/error.h"
#include "util/macro.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Removes the entry name under dirfd, recursing into directories without following links. */
static int remove_at(int at, const char *name, const char *path, int depth)
{
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
	int r = 0;
	STRV_FOREACH(n, names) {
		_cleanup_free_ char *sub = xasprintf("%s/%s", path, *n);
		r = remove_at(dirfd(d), *n, sub, depth + 1);
		if (r < 0)
			break;
	}
	closedir(d);
	if (r < 0)
		return r;
	if (unlinkat(at, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return error_set(-errno, "unlinkat %s: %s", path, go_strerror(errno));
	return 0;
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
	return remove_at(pfd, base, path, 0);
}

int reset_clean_dir(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) < 0 && errno == ENOENT)
		return 0;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return error_set(-errno, "open %s: %s", dir, go_strerror(errno));
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		return error_set(-e, "readdirent %s: %s", dir, go_strerror(e));
	}
	_cleanup_strv_free_ char **names = NULL;
	struct dirent *de;
	while ((de = readdir(d)))
		if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
			strv_push(&names, de->d_name);
	int r = 0;
	STRV_FOREACH(n, names) {
		_cleanup_free_ char *sub = xasprintf("%s/%s", streq(dir, "/") ? "" : dir, *n);
		r = remove_at(dirfd(d), *n, sub, 0);
		if (r < 0)
			break;
	}
	closedir(d);
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
