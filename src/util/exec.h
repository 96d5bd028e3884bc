/* SPDX-License-Identifier: Apache-2.0 */
/* Starting commands as Go's os/exec does (exec.LookPath, exec.Cmd Output/CombinedOutput): the
 * one place that execs a child. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

/* exec.LookPath: name itself when it has a '/' and is an executable regular file, else the
 * first such file named name in $PATH (Go refuses one found through a relative PATH entry).
 * Owned, or NULL. */
char *exec_look_path(const char *name);

/*
 * Runs exe (a path, as exec_look_path returns) with argv and our environment, as Go's exec.Cmd
 * does: stdin and every stream not captured on /dev/null, stdout (and stderr when combined)
 * captured into *out, at most max bytes kept (out NULL: nothing captured). The child starts
 * with every signal at its default disposition and an empty signal mask, as Go's children
 * do: our own ignored SIGPIPE (main.c) or a mask blocked by a thread is not theirs.
 * Returns the exit status (>= 0, with "exit status N" in *err when non-zero), 256 + the signal
 * that killed it ("signal: ..."), or -errno when it could not run, with Go's text in *err
 * ("open /dev/null: ...", "fork/exec <exe>: ...", "wait: ...").
 */
int exec_run(const char *exe, char *const argv[], bool combined, struct strbuf *out, size_t max,
	     struct strbuf *err);
