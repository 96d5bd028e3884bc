/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Files under a root: every path is resolved relative to a directory fd (the --rootfs root,
 * or AT_FDCWD), never following a symlink we did not create; writes are atomic
 * (temp file in the same directory, rename) with the requested mode. Durability is batched at
 * exit: fs_sync_all() (main() calls it) makes every file written, and its directory, durable
 * with one syncfs(2) per filesystem when little is dirty system-wide, else with an fdatasync
 * of each file and an fsync of each directory (syncfs would wait on everyone's writes).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Creates dir and its parents with mode (existing ones are kept). Returns 0 or -errno. */
int fs_mkdir_p(int rootfd, const char *dir, mode_t mode);
/* Writes data to path atomically with mode, creating parent directories with dir_mode. */
int fs_write_atomic(int rootfd, const char *path, const void *data, size_t len, mode_t mode,
		    mode_t dir_mode);
/*
 * Makes every file fs_write_atomic wrote since the last call durable, with its directory
 * entry (see above for how). Returns 0 or the first -errno (the writes themselves already
 * succeeded; the caller warns).
 */
int fs_sync_all(void);
/* Opens what fs_sync_all reads to choose (/proc/meminfo), once; the first write does it, and
 * --rootfs before its chroot. */
void fs_sync_init(void);
/*
 * ckubeadm --resume: from now on fs_write_atomic leaves a file alone when it already holds
 * the same bytes with the same mode (no rewrite, so no needless static pod restart). Off by
 * default: kubeadm rewrites every file.
 */
void fs_set_converge(bool on);
/* Reads a whole file, at most max bytes (-EFBIG beyond). *ret_data is owned and NUL-terminated. */
int fs_read_file(int rootfd, const char *path, size_t max, char **ret_data, size_t *ret_len);
bool fs_exists(int rootfd, const char *path);
/* fstatat(2) of path under the root (following symlinks as stat does). Returns 0 or -errno. */
int fs_stat(int rootfd, const char *path, struct stat *ret);
/* Removes the file at path under the root. Returns 0 or -errno. */
int fs_unlink(int rootfd, const char *path);
/* The path to hand to *at(2) calls with rootfd (borrowed from path). */
const char *fs_path_at(int rootfd, const char *path);
