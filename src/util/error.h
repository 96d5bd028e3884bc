/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One error convention: functions return -errno; the human-readable context travels in a
 * thread-local "last error" message that each layer may wrap, printed once by cmd/.
 */
#pragma once

#include <errno.h>

#include "util/macro.h"

/* Sets the last error message and returns code (a negative errno). */
int error_set(int code, const char *fmt, ...) _printf_(2, 3);
/* Prefixes the last error message with "<fmt>: " (kubeadm's errors.Wrap) and returns code. */
int error_wrap(int code, const char *fmt, ...) _printf_(2, 3);
/* The last error message; a generic text from code when none was set. */
const char *error_message(int code);
void error_clear(void);

/*
 * Go's syscall.Errno text for errno e: glibc's message with a lower-case first letter
 * ("no such file or directory"). Borrowed, thread-local, valid until the next call.
 */
const char *go_strerror(int e);

/* Exit codes, as kubeadm: 1 for every error. */
enum {
	EXIT_GENERAL = 1,
};
