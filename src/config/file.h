/* SPDX-License-Identifier: Apache-2.0 */
/* Reading whole files by their plain path (cwd-relative or absolute), capped at max bytes. */
#pragma once

#include <stddef.h>

/* Returns 0 with an owned NUL-terminated *ret_data, or -errno (-EFBIG beyond max). */
int cfg_read_file(const char *path, size_t max, char **ret_data, size_t *ret_len);
