/* SPDX-License-Identifier: Apache-2.0 */
/* Verbosity-gated diagnostics on stderr (kubeadm's klog -v levels). */
#pragma once

#include "util/macro.h"

/* The only mutable global: set once from -v/--v in main. */
extern int log_level;

/* Prints "I<mmdd hh:mm:ss.uuuuuu> <msg>" to stderr when level <= log_level. */
void log_v(int level, const char *fmt, ...) _printf_(2, 3);
/* Prints a warning line as klog does: "W... msg". Always shown. */
void log_warning(const char *fmt, ...) _printf_(1, 2);
