/* SPDX-License-Identifier: Apache-2.0 */
/* Directory cleaning shared by the reset phases (kubeadm's phases/reset CleanDir/IsDirEmpty). */
#pragma once

#include <stdbool.h>

/*
 * CleanDir: removes everything inside dir (not dir itself), as os.RemoveAll on each entry
 * (symlinks are removed, never followed). A missing dir is success. -errno with a Go-like
 * message on the first failure.
 */
int reset_clean_dir(const char *dir);

/* IsDirEmpty: true only when dir could be opened and has no entry (kubeadm's quirk: an
 * unreadable or missing dir is "not empty"). */
bool reset_dir_is_empty(const char *dir);

/* os.RemoveAll(path): a missing path is success. */
int reset_remove_all(const char *path);
