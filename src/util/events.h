/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event stream (beyond-kubeadm.md §1): `--events=<path|fd:N>` or CKUBEADM_EVENTS on init,
 * join and reset. JSON Lines, group ckubeadm.io/v1alpha1, kind Event; each line is built whole
 * and sent with one write(2) to an O_APPEND descriptor, so a crash leaves a valid prefix.
 * Every line carries seq (1..n, no gaps), time (RFC 3339, UTC, nanoseconds), elapsedMs
 * (monotonic), runID (a random UUID), command and type.
 *
 * The sink is process-wide (the one exception to "no mutable globals" besides the log level):
 * the shared places that report into it (the phase engine, the atomic file writer, the API
 * client, the warning log) have no run context. When the stream is off every hook returns at
 * once and nothing else changes: no byte of stdout, stderr or any file differs.
 * Thread-safe: key generators and concurrent API calls may report at the same time.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

#define EVENTS_API_VERSION "ckubeadm.io/v1alpha1"
#define EVENTS_REDACTED "<redacted>"

/*
 * Opens the stream: spec is a path (opened O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0600, relative
 * to the current directory, so before any --rootfs chroot), "fd:N" (an inherited descriptor,
 * not closed by us) or NULL (no stream). command is the command path without the binary
 * ("init", "reset"). With record, every event is also kept in memory (events_recorded) for
 * the result object. Returns 0 or -errno with the message set.
 */
int events_open(const char *spec, const char *command, bool record);
/* True while a stream or a recording is open: the hooks have work to do. */
bool events_enabled(void);
/* The events emitted since events_open when it recorded, in order; else NULL. Borrowed. */
const json_t *events_recorded(void);
/* Closes the stream (a descriptor we opened); the next run may open another. */
void events_close(void);

/*
 * Emits one event of type with fields (stolen; may be NULL): the common fields come first.
 * Write errors end the stream silently (it must never change the command's outcome).
 */
void events_emit(const char *type, json_t *fields);

/*
 * argv (argc words) with the secret values replaced by "<redacted>": --token,
 * --certificate-key, --discovery-token, --tls-bootstrap-token (as "--x v" or "--x=v").
 * Discovery token CA hashes are public and kept. Owned, NULL-terminated.
 */
char **events_redact_argv(char *const *argv, size_t argc);

/* RunStarted: argv redacted, dryRun, the version. */
void events_run_started(char *const *argv, size_t argc, bool dry_run);
/* PhasesPlanned: the phases the engine will run, in order (the tree minus --skip-phases and
 * outside a `phase x` selector), and the skipped names as given. */
void events_phases_planned(char *const *planned, char *const *skipped);
/* The phase that failed (the engine reports it; RunFinished carries it). */
void events_set_error_phase(const char *phase);
/* RunFinished: r is the command's result (0 or -errno), message what stderr shows after
 * "error: " (NULL on success), exit_code the process's. */
void events_run_finished(int r, const char *message, int exit_code);
/* PhaseStarted / PhaseFinished (outcome Succeeded|Skipped|Failed, reason and error optional). */
void events_phase_started(const char *phase, const char *parent);
void events_phase_finished(const char *phase, const char *parent, const char *outcome,
			   const char *reason, const char *error, long long duration_ms);
/*
 * Artifact for a file written at path: action Created, Updated or Unchanged (rewritten with
 * the same bytes); the sha256 of its len bytes at data, except for keys and kubeconfigs.
 */
void events_artifact(const char *path, const char *action, const void *data, size_t len);
/* APIObject for an object the API server accepted (action Created|Updated|Patched|Deleted). */
void events_api_object(const char *group, const char *version, const char *kind,
		       const char *ns, const char *name, const char *action);
/*
 * Wait: a wait's state (Waiting, Healthy, TimedOut) for target ("kubelet", "kube-apiserver")
 * at url; last_error (may be NULL) is the last probe's error.
 */
void events_wait(const char *target, const char *url, const char *state, const char *last_error);
/*
 * The state of one wait, for the wait loops (init's and join's kubelet and control-plane
 * checks, discovery, the kubelet's TLS bootstrap, etcd's availability): begin, then retry
 * after each failed probe (reported at most every 5 s), then end. Each reports a Wait event
 * through events_wait; with the stream off every call returns at once. The strings are
 * borrowed and must outlive the waiter.
 */
struct events_waiter {
	const char *target;
	const char *url;
	long long reported_ms;
};
void events_wait_begin(struct events_waiter *w, const char *target, const char *url);
void events_wait_retry(struct events_waiter *w, const char *last_error);
/* healthy: state Healthy, else TimedOut (or Unhealthy when timed_out is false). */
void events_wait_end(struct events_waiter *w, bool healthy, bool timed_out, const char *last_error);

/*
 * PreflightResult: one per check run, with its outcome (Passed, Warning, Error; Ignored when
 * --ignore-preflight-errors turned its errors into warnings) and its messages.
 */
void events_preflight_result(const char *check, char *const *warnings, char *const *errors,
			     bool ignored);
/* ImagePull: image Present (not pulled: already there), Pulled or Failed, and how long. */
void events_image_pull(const char *image, const char *state, long long duration_ms,
		       const char *error);

/* Warning: the message of a warning printed on the console. */
void events_warning(const char *message);

/*
 * While a stream is open, SIGINT and SIGTERM end it with RunFinished outcome Interrupted
 * (exitCode 128 + the signal, as a shell reports it) before the signal's default action.
 */
void events_catch_signals(void);

/* Milliseconds of the monotonic clock (for phase durations). */
long long events_now_ms(void);

/* Tests: replace write(2) (to simulate EINTR and short writes). NULL restores it. */
void events_set_write_fn(ssize_t (*fn)(int fd, const void *buf, size_t len));
