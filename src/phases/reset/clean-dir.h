/* SPDX-License-Identifier: Apache-2.0 */
/* Directory cleaning shared by the reset phases (kubeadm's phases/reset CleanDir/IsDirEmpty). */
#pragma once

#include <stdbool.h>

/*
 * CleanDir: removes everything inside dir (not dir itself), as os.RemoveAll on each entry
 * (symlinks are removed, never followed). A missing dir is success. -errno with a Go-like
 * message on the first failure.
 *
 * Stricter than kubeadm: it refuses (-EPERM) a dir that is / or a system directory
 * (reset_dir_is_system), and never crosses into another filesystem or mount: a mount point
 * below dir (another st_dev or mount id, or listed below dir in /proc/self/mountinfo) is left
 * alone with its contents, the rest is removed, and the result is -EBUSY naming it.
 */
int reset_clean_dir(const char *dir);

/* IsDirEmpty: true only when dir could be opened and has no entry (kubeadm's quirk: an
 * unreadable or missing dir is "not empty"). */
bool reset_dir_is_empty(const char *dir);

/* os.RemoveAll(path): a missing path is success. Mount points below path are left alone
 * (-EBUSY), as in reset_clean_dir. */
int reset_remove_all(const char *path);

/* True when dir, resolved (symlinks followed when it exists), is / or one of the system
 * directories listed in clean-dir.c (/etc, /usr, /var, /var/lib, /home, ...). */
bool reset_dir_is_system(const char *dir);

/* -EPERM with "refusing to delete the contents of <what> ..." when reset_dir_is_system(dir). */
int reset_check_clean_dir(const char *dir, const char *what);

/* The mount points of a mounts file (/proc/mounts: field 1; /proc/self/mountinfo: field 4),
 * unescaped, in order, in *ret (owned strv, NULL when none). -errno from reading it. */
int reset_read_mount_points(const char *file, unsigned field, char ***ret);
