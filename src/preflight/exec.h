/* SPDX-License-Identifier: Apache-2.0 */
/* Commands as the checks run them (internal to preflight/). */
#pragma once

#include <stdbool.h>

#include "util/strbuf.h"

/* exec.LookPath: the first executable regular file named name in $PATH (a name with a '/' is
 * taken as is). Owned, or NULL. */
char *preflight_look_path(const char *name);

/*
 * Runs argv as Go's exec.Cmd Output()/CombinedOutput(): stdin on /dev/null, stdout (and stderr
 * when combined) captured into out. Returns the exit status (>= 0) with err set for a
 * non-zero one ("exit status N"), or -errno when it could not start, with err set
 * ("executable file not found in $PATH" when not on PATH).
 */
int preflight_run(char *const argv[], bool combined, struct strbuf *out, struct strbuf *err);
