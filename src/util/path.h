/* SPDX-License-Identifier: Apache-2.0 */
/* Go's path/filepath lexical path handling on Unix: Clean and Join, exactly. */
#pragma once

/* filepath.Clean: the shortest equivalent path ("" gives "."). Returns an owned string. */
char *path_clean(const char *p);
/* filepath.Join(a, b): the non-empty elements joined by '/', then cleaned. Owned. */
char *path_join(const char *a, const char *b);
