/* SPDX-License-Identifier: Apache-2.0 */
/* Verbosity-gated diagnostics on stderr (kubeadm's klog -v levels). */
#pragma once

#include <stdbool.h>

#include "util/macro.h"

/* The only mutable global: set once from -v/--v in main. */
extern int log_level;

/* Prints "I<mmdd hh:mm:ss.uuuuuu> <msg>" to stderr when level <= log_level. */
void log_v(int level, const char *fmt, ...) _printf_(2, 3);
/* Prints a warning line as klog does: "W... msg". Always shown. */
void log_warning(const char *fmt, ...) _printf_(1, 2);
/*
 * Prints a structured error line as klog's logger.Error(err, msg, key, value...) does:
 * `E... "msg" err="..." key="value"` (strings quoted as Go's %q). The key/value list ends
 * with NULL; err may be NULL.
 */
void log_error_kv(const char *msg, const char *err, ...);
/*
 * Prints a structured info line as klog's logger.V(level).Info(msg, key, value...) does when
 * level <= log_level: `I... "msg" key="value"`. The key/value list ends with NULL.
 */
void log_v_kv(int level, const char *msg, ...);
/*
 * While a read-only probe runs (the diagnosis), the error lines of the calls it makes are not
 * the command's: log_quiet(true) drops log_error_kv's lines on this thread (shown from -v=5
 * as info), log_quiet(false) restores them.
 */
void log_quiet(bool on);
