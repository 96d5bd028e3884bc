/* SPDX-License-Identifier: Apache-2.0 */
/* POSIX extended regular expressions, compiled once per pattern and process (see match.c). */
#pragma once

#include <stdbool.h>

/*
 * Whether s matches the extended regular expression pattern (REG_EXTENDED | REG_NOSUB). The
 * pattern must be a string constant: the compiled form is kept by its address. A pattern that
 * does not compile matches nothing. Thread-safe.
 */
bool regex_matches(const char *pattern, const char *s);
