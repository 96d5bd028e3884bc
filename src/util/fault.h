/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fault injection, as SQLite's and curl's torture tests: every effect ckubeadm has on the
 * world (a file written, renamed, a directory made, a file removed, a command run, a mutating
 * API request, an etcd member call, a mutating CRI call) passes one of the few shared choke
 * points, which counts it here. CKUBEADM_FAULT selects what happens:
 *
 *   CKUBEADM_FAULT=list          every effect goes ahead and is printed on stderr as
 *                                "ckubeadm-fault: effect N KIND WHAT"
 *   CKUBEADM_FAULT=[KIND:]N[+][:MODE]
 *                                effect N fails (with '+': N and every later one), MODE being
 *                                an errno name or number (default EIO), "http=STATUS" (an API
 *                                or etcd request answered with that status; other effects
 *                                fail with EIO) or "kill" (SIGKILL before the effect); with
 *                                KIND (write, rename, mkdir, unlink, exec, api, etcd, cri),
 *                                N counts the effects of that kind only ("api:1:kill").
 *                                The effect made to fail is printed on stderr as
 *                                "ckubeadm-fault: fail effect N KIND WHAT: REASON"; a spec
 *                                that cannot be read ends the run with exit status 2
 *
 * Compiled in only with meson's -Dfault_injection=true; otherwise fault_inject() is a constant
 * 0 and the hooks cost nothing (the release binary does not change).
 */
#pragma once

#include <errno.h>

enum fault_kind {
	FAULT_WRITE,  /* a file created (the temp file of an atomic write) */
	FAULT_RENAME, /* a file put in place */
	FAULT_MKDIR,
	FAULT_UNLINK,
	FAULT_EXEC,
	FAULT_API,    /* a mutating Kubernetes API request (not GET/HEAD) */
	FAULT_ETCD,   /* an etcd member add/remove/promote */
	FAULT_CRI,    /* a mutating CRI call (pull, stop, remove) */
};

#ifdef CKUBEADM_FAULT_INJECTION
/*
 * Counts one effect of kind: op (NULL, or the method of a request) on what (a path, a
 * command, a URL). Returns 0: go ahead;
 * a negative errno: fail the effect with it, as the system call would; a positive HTTP status
 * (only for FAULT_API and FAULT_ETCD): answer the request with it. Does not return in kill mode.
 */
int fault_inject(enum fault_kind kind, const char *op, const char *what);
#else
static inline int fault_inject(enum fault_kind kind, const char *op, const char *what)
{
	(void)kind;
	(void)op;
	(void)what;
	return 0;
}
#endif

/* An effect that cannot answer with an HTTP status: the status becomes -EIO. */
static inline int fault_inject_errno(enum fault_kind kind, const char *what)
{
	int r = fault_inject(kind, NULL, what);
	return r > 0 ? -EIO : r;
}
