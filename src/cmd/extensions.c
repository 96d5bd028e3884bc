/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ckubeadm beyond kubeadm (beyond-kubeadm.md §0, §1): the event stream and the result objects
 * of init, join and reset. Switched on only by flags kubeadm does not have (hidden from --help,
 * listed by `ckubeadm help extensions`) or by CKUBEADM_* variables; without them nothing here
 * runs and every byte kubeadm prints or writes stays the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/command.h"
#include "cmd/printer.h"
#include "util/error.h"
#include "util/events.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define RESULT_FLAG "result-file"

#define EVENT_FLAGS                                                                              \
	{ .name = "events", .type = FLAG_STRING, .hidden = true,                                 \
	  .usage = "Stream JSON Lines events to this file or fd:N (as CKUBEADM_EVENTS)." },      \
	{ .name = RESULT_FLAG, .type = FLAG_STRING, .hidden = true,                              \
	  .usage = "Write the result object to this file, mode 0600 (as CKUBEADM_RESULT)." }

/* init, join and reset themselves also print their result object (not their phases) */
#define OUTPUT_FLAGS                                                                             \
	{ .name = "output", .shorthand = 'o', .type = FLAG_STRING, .def = "text", .hidden = true, \
	  .usage = "Print the result object: text (kubeadm's output), json, yaml, kyaml, jsonpath=...; the text then goes to stderr." }, \
	{ .name = "allow-missing-template-keys", .type = FLAG_BOOL, .def = "true", .hidden = true, \
	  .usage = "If true, ignore any errors in templates when a field or map key is missing in the template." }, \
	{ .name = "fail-fast", .type = FLAG_BOOL, .hidden = true,                                \
	  .usage = "End init's control-plane wait once one fatal cause is diagnosed 3 times in a row (as CKUBEADM_FAIL_FAST=1)." }

/* init and join, and their phases: re-run a failed attempt (phases/resume.h) */
#define RESUME_FLAG                                                                              \
	{ .name = "resume", .type = FLAG_BOOL, .def = "false", .hidden = true,                   \
	  .usage = "Converge the state a failed or killed run of the same attempt left (as CKUBEADM_RESUME=1)." }

static const struct flag extension_flags[] = { EVENT_FLAGS, { 0 } };
static const struct flag extension_flags_top[] = { EVENT_FLAGS, OUTPUT_FLAGS, { 0 } };
static const struct flag resume_flags[] = { EVENT_FLAGS, RESUME_FLAG, { 0 } };
static const struct flag resume_flags_top[] = { EVENT_FLAGS, OUTPUT_FLAGS, RESUME_FLAG, { 0 } };

/* `token create --print-join-command -o json`: the JoinCommand object (cmd/token.c) */
static const struct flag token_create_flags[] = {
	{ .name = "output", .shorthand = 'o', .type = FLAG_STRING, .def = "text", .hidden = true,
	  .usage = "With --print-join-command, print the JoinCommand object: text (kubeadm's output), json, yaml, kyaml, jsonpath=..." },
	{ .name = "allow-missing-template-keys", .type = FLAG_BOOL, .def = "true", .hidden = true,
	  .usage = "If true, ignore any errors in templates when a field or map key is missing in the template." },
	{ 0 },
};

static bool use_is(const struct command *c, const char *name)
{
	size_t len = strlen(name);
	return strneq(c->use, name, len) && (c->use[len] == '\0' || c->use[len] == ' ');
}

/* The commands that take the extensions and the kind of their result object. */
static const struct {
	const char *command;
	const char *sub; /* the sub-command ("upgrade apply"), or NULL */
	const char *result_kind;
} extension_commands[] = {
	{ "init", NULL, "InitResult" },
	{ "join", NULL, "JoinResult" },
	{ "reset", NULL, "ResetResult" },
	{ "upgrade", "apply", "UpgradeResult" },
};

static int extension_index(const struct command *const *path, size_t depth)
{
	for (size_t i = 0; i < ARRAY_SIZE(extension_commands); i++) {
		const char *sub = extension_commands[i].sub;
		if (depth >= (sub ? 3 : 2) && use_is(path[1], extension_commands[i].command) &&
		    (!sub || use_is(path[2], sub)))
			return (int)i;
	}
	return -1;
}

/* certs renew <name|all> and certs check-expiration (beyond-kubeadm.md §4.3) */
static const struct flag certs_renew_flags[] = {
	{ .name = "if-expiring-within", .type = FLAG_DURATION, .hidden = true,
	  .usage = "Renew only the certificates that expire within this duration." },
	{ .name = "restart-control-plane", .type = FLAG_STRING, .def = "none", .hidden = true,
	  .usage = "none, or auto: restart the components that use a renewed certificate." },
	{ 0 },
};

static const struct flag certs_check_flags[] = {
	{ .name = "warn-within", .type = FLAG_DURATION, .hidden = true,
	  .usage = "Exit 1 when a certificate (the kubelet's client certificate included) expires within this duration." },
	{ 0 },
};

const struct flag *cmd_extension_flags(const struct command *const *path, size_t depth)
{
	if (depth >= 3 && use_is(path[1], "certs")) {
		if (depth == 4 && use_is(path[2], "renew"))
			return certs_renew_flags;
		if (depth == 3 && use_is(path[2], "check-expiration"))
			return certs_check_flags;
		return NULL;
	}
	if (depth == 3 && use_is(path[1], "token") && use_is(path[2], "create"))
		return token_create_flags;
	int i = extension_index(path, depth);
	if (i < 0)
		return NULL;
	bool top = depth == (extension_commands[i].sub ? 3u : 2u);
	bool resume = streq(extension_commands[i].command, "init") ||
		      streq(extension_commands[i].command, "join");
	if (top)
		return resume ? resume_flags_top : extension_flags_top;
	return resume ? resume_flags : extension_flags;
}

/* The flag's value, else the environment variable's (NULL when neither is set). */
static const char *flag_or_env(const struct flagset *fs, const char *flag, const char *env)
{
	if (flagset_lookup(fs, flag) && flagset_changed(fs, flag))
		return flagset_get_string(fs, flag);
	const char *e = getenv(env);
	return e && *e ? e : NULL;
}

/* Opens the directory of the result file now: --rootfs chroots before the command runs. */
static int open_result_dir(const char *path, struct cmd_extensions *ext)
{
	const char *slash = strrchr(path, '/');
	_cleanup_free_ char *dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	const char *name = slash ? slash + 1 : path;
	if (!*name)
		return error_set(-EISDIR, "invalid result file %s: no file name", path);
	int fd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		return error_set(-e, "open %s: %s", *dir ? dir : "/", go_strerror(e));
	}
	ext->result_dirfd = fd;
	ext->result_name = xstrdup(name);
	return 0;
}

int cmd_extensions_start(struct cmd_ctx *ctx, char *const *argv, size_t argc)
{
	ctx->ext.result_dirfd = ctx->ext.stdout_fd = -1;
	int i = extension_index(ctx->path, ctx->depth);
	if (i < 0)
		return 0;
	const char *spec = flag_or_env(&ctx->flags, "events", "CKUBEADM_EVENTS");
	const char *result = flag_or_env(&ctx->flags, RESULT_FLAG, "CKUBEADM_RESULT");
	bool print = flagset_lookup(&ctx->flags, "output") &&
		     !streq(flagset_get_string(&ctx->flags, "output"), "text");
	if (!spec && !result && !print)
		return 0;
	if (print) {
		int r = printer_new(&ctx->flags, &ctx->ext.printer);
		if (r < 0)
			return r;
	}
	if (result) {
		int r = open_result_dir(result, &ctx->ext);
		if (r < 0)
			return r;
	}
	ctx->ext.result_wanted = result || print;
	_cleanup_free_ char *full = cmd_path_string(ctx->path, ctx->depth);
	const char *sp = strchr(full, ' ');
	int r = events_open(spec, sp ? sp + 1 : full, ctx->ext.result_wanted);
	if (r < 0)
		return r;
	if (print) {
		/* kubectl's convention: the object on stdout, the human text on stderr */
		fflush(stdout);
		ctx->ext.stdout_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		if (ctx->ext.stdout_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
			int e = errno;
			return error_set(-e, "redirect the output to stderr: %s", go_strerror(e));
		}
	}
	ctx->ext.active = true;
	if (spec)
		events_catch_signals();
	bool dry_run = flagset_lookup(&ctx->flags, "dry-run") &&
		       flagset_get_bool(&ctx->flags, "dry-run");
	events_run_started(argv, argc, dry_run);
	return 0;
}

/* The result object: the command's own fields, then what the recorded events tell. */
static json_t *result_object(const struct cmd_ctx *ctx, const char *kind)
{
	json_t *o = json_pack("{s:s,s:s}", "apiVersion", EVENTS_API_VERSION, "kind", kind);
	const json_t *evs = events_recorded();
	json_t *phases = json_array(), *warnings = json_array();
	const json_t *finished = NULL;
	size_t i;
	json_t *e;
	json_array_foreach(evs, i, e) {
		const char *type = json_string_value(json_object_get(e, "type"));
		if (streq(type, "PhaseFinished"))
			json_array_append_new(
				phases, json_pack("{s:O,s:O,s:O}", "name", json_object_get(e, "phase"),
						  "outcome", json_object_get(e, "outcome"),
						  "durationMs", json_object_get(e, "durationMs")));
		else if (streq(type, "Warning"))
			json_array_append(warnings, json_object_get(e, "message"));
		else if (streq(type, "RunFinished"))
			finished = e;
	}
	if (finished) {
		json_object_set(o, "outcome", json_object_get(finished, "outcome"));
		json_object_set(o, "exitCode", json_object_get(finished, "exitCode"));
	}
	json_object_set(o, "command", json_object_get(json_array_get(evs, 0), "command"));
	if (ctx->ext.result)
		json_object_update(o, ctx->ext.result);
	json_object_set_new(o, "phases", phases);
	json_object_set_new(o, "warnings", warnings);
	if (finished && json_object_get(finished, "error"))
		json_object_set(o, "error", json_object_get(finished, "error"));
	return o;
}

/* -o: the object on the real stdout, which then becomes fd 1 again. */
static int print_result(struct cmd_extensions *ext, const json_t *o)
{
	fflush(stdout);
	_cleanup_(strbuf_release_secure) struct strbuf sb = STRBUF_INIT;
	int r = printer_print(ext->printer, o, &sb);
	if (dup2(ext->stdout_fd, STDOUT_FILENO) < 0 && r >= 0)
		r = error_set(-errno, "restore stdout: %s", go_strerror(errno));
	close(ext->stdout_fd);
	ext->stdout_fd = -1;
	if (r >= 0 && sb.len)
		fwrite(sb.buf, 1, sb.len, stdout);
	fflush(stdout);
	return r;
}

void cmd_extensions_finish(struct cmd_ctx *ctx, int r)
{
	struct cmd_extensions *ext = &ctx->ext;
	if (ext->active) {
		_cleanup_free_ char *msg = r < 0 ? xstrdup(error_message(r)) : NULL;
		events_run_finished(r, msg, r < 0 ? EXIT_GENERAL : 0);
		_cleanup_json_ json_t *o = NULL;
		if (ext->result_wanted)
			o = result_object(ctx, extension_commands[extension_index(ctx->path, ctx->depth)]
						       .result_kind);
		/* the stream has ended with RunFinished: the result file is not an Artifact */
		events_close();
		int w = 0, p = 0;
		if (ext->result_dirfd >= 0) {
			_cleanup_free_ char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			struct strbuf sb = STRBUF_INIT;
			strbuf_addstr(&sb, text);
			strbuf_addch(&sb, '\n');
			/* it holds the token and the certificate key: 0600; the copies are wiped */
			w = fs_write_atomic(ext->result_dirfd, ext->result_name, sb.buf, sb.len, 0600,
					    0700);
			explicit_bzero(text, strlen(text));
			strbuf_release_secure(&sb);
		}
		if (ext->printer)
			p = print_result(ext, o);
		/* the command's outcome stays its own; its error is what main prints */
		if (w < 0)
			log_warning("could not write the result file: %s", error_message(w));
		if (p < 0)
			log_warning("could not print the result: %s", error_message(p));
		if ((w < 0 || p < 0) && r < 0)
			error_set(r, "%s", msg);
	}
	if (ext->stdout_fd >= 0) {
		fflush(stdout);
		dup2(ext->stdout_fd, STDOUT_FILENO);
		close(ext->stdout_fd);
	}
	if (ext->result_dirfd >= 0)
		close(ext->result_dirfd);
	free(ext->result_name);
	printer_free(ext->printer);
	json_decref(ext->result);
	*ext = (struct cmd_extensions){ .result_dirfd = -1, .stdout_fd = -1 };
}

const char cmd_extensions_help[] =
	"ckubeadm's additions to kubeadm. Without them, ckubeadm prints and writes exactly what\n"
	"kubeadm v1.37.2 does; they are hidden from --help so that help stays kubeadm's.\n"
	"\n"
	"Flags of init, join, reset and upgrade apply (and their phase sub-commands):\n"
	"      --events string        Stream JSON Lines events (apiVersion ckubeadm.io/v1alpha1,\n"
	"                             kind Event) to a file (appended, mode 0600) or to fd:N.\n"
	"      --result-file string   Write the result object (InitResult, JoinResult,\n"
	"                             ResetResult or UpgradeResult) to a file, mode 0600,\n"
	"                             atomically, also on failure.\n"
	"\n"
	"Flags of init, join, reset and upgrade apply:\n"
	"  -o, --output string        Print the result object on stdout when the command ends:\n"
	"                             json, yaml, kyaml or jsonpath=...; kubeadm's text then goes\n"
	"                             to stderr (default \"text\": kubeadm's output only).\n"
	"\n"
	"Flags of certs renew <name|all>:\n"
	"      --if-expiring-within duration\n"
	"                             Renew only the certificates whose NotAfter is less than\n"
	"                             this far away (e.g. 2160h); the others are left untouched\n"
	"                             and reported as skipped. CAs are never renewed.\n"
	"      --restart-control-plane string\n"
	"                             none (default, kubeadm's behaviour) or auto: restart, through\n"
	"                             the container runtime (StopContainer; the pod sandbox stays),\n"
	"                             exactly the components that use a renewed certificate, in the\n"
	"                             order etcd, kube-apiserver, kube-controller-manager,\n"
	"                             kube-scheduler, one at a time; each must run a new container,\n"
	"                             answer its health check and (etcd, kube-apiserver) serve the\n"
	"                             new certificate's serial before the next. The restarts hold\n"
	"                             the Lease kube-system/ckubeadm-certs-renewal (through\n"
	"                             --kubeconfig), so control planes of one cluster never restart\n"
	"                             together.\n"
	"\n"
	"Flags of certs check-expiration:\n"
	"      --warn-within duration Exit 1 when a certificate expires within this duration\n"
	"                             (CAs excluded; the kubelet's client certificate included) and\n"
	"                             name each one on stderr; stdout stays the same.\n"
	"\n"
	"Flag of token create:\n"
	"  -o, --output string        With --print-join-command, print a JoinCommand object (the\n"
	"                             join commands as argv arrays, the token, the CA pins): json,\n"
	"                             yaml, kyaml or jsonpath=...\n"
	"Flag of init and join (and their phase sub-commands):\n"
	"      --resume               Re-run a failed or killed attempt: the node's state must be\n"
	"                             of this cluster (its CA; refused untouched otherwise), then\n"
	"                             each phase converges: a key whose certificate was never\n"
	"                             written is made again, files already right are not\n"
	"                             rewritten, preflight accepts what the attempt left (its\n"
	"                             static pods' ports, manifests, etcd data, kubelet.conf).\n"
	"\n"
	"Environment variables (kubeadm ignores them, so one script can run either binary):\n"
	"  CKUBEADM_EVENTS   as --events (the flag wins)\n"
	"  CKUBEADM_RESULT   as --result-file (the flag wins)\n"
	"  CKUBEADM_RESUME   1: as --resume\n"
	"\n"
	"Events: RunStarted (argv with --token, --certificate-key, --discovery-token and\n"
	"--tls-bootstrap-token redacted), PhasesPlanned, PhaseStarted, PhaseFinished,\n"
	"PreflightResult (one per check, with its outcome), Artifact (every file written),\n"
	"APIObject (every object created, updated, patched or deleted; by name only), Wait (the\n"
	"kubelet, control-plane, discovery, TLS bootstrap and etcd waits), ImagePull, Warning,\n"
	"Diagnosis (below), RunFinished (outcome, exit code, the failed phase, stderr's error\n"
	"message; Interrupted after SIGINT or SIGTERM).\n"
	"Each line is one write(2): a killed run leaves whole lines. Schemas: docs/schemas/.\n"
	"\n"
	"Diagnosis (the one addition that is on by default):\n"
	"  When init's wait-control-plane (kubelet-check, control-plane-check) or join's etcd-join,\n"
	"  kubelet-wait-bootstrap or wait-control-plane fails, a [diagnose] block on stderr names\n"
	"  the likely cause, just before kubeadm's final error line, which stays kubeadm's, as does\n"
	"  the exit code. With --events, a Diagnosis event carries the same findings.\n"
	"  CKUBEADM_DIAGNOSE=0     no diagnosis\n"
	"  CKUBEADM_KUBELET_LOG    the kubelet's log file, when it is not in the journal\n"
	"  --fail-fast (init), CKUBEADM_FAIL_FAST=1: the control-plane wait ends as soon as one\n"
	"  fatal cause is named by 3 samples in a row (5 s apart) instead of at its timeout; same\n"
	"  error line and exit code as a timed-out wait. (Flags of join and reset accept it too:\n"
	"  it has no effect there.)\n"
	"\n"
	"ckubeadm diagnose [flags]   (a command kubeadm does not have; read-only)\n"
	"  Names the cause of a control plane that does not come up, from a second terminal while\n"
	"  init waits, after a failure, or on a running cluster. Exits 1 when a fatal cause is\n"
	"  found, 0 otherwise.\n"
	"      --component string    only etcd, kube-apiserver, kube-controller-manager or\n"
	"                            kube-scheduler\n"
	"      --since duration      how far back the kubelet's journal is read (default 10m0s)\n"
	"      --verbose             every finding's fix; with -o, the collected facts too\n"
	"  -o, --output string       text (default), json or yaml (a DiagnosisReport object)\n"
	"      --cri-socket string   the CRI socket (default: detected as kubeadm does)\n"
	"Causes named (catalogue v1): RUNTIME_CRI_DISABLED, RUNTIME_UNAVAILABLE,\n"
	"CRI_SOCKET_MISMATCH, KUBELET_NOT_RUNNING, SWAP_ENABLED, CGROUP_DRIVER_MISMATCH,\n"
	"KUBELET_CONFIG_INVALID, CERT_NOT_YET_VALID, CERT_EXPIRED, STALE_KUBECONFIG,\n"
	"SANDBOX_IMAGE_UNAVAILABLE, PORT_IN_USE, COMPONENT_BAD_FLAG, ETCD_DATA_DIR_FOREIGN,\n"
	"OOM_KILLED, CONTAINER_START_FAILED, IMAGE_NOT_PRESENT, SANDBOX_RECREATED_LOOP,\n"
	"SANDBOX_CREATE_FAILED, LIVENESS_PROBE_FAILING, KUBELET_CREDENTIALS_INVALID,\n"
	"CERT_SAN_MISMATCH, STATIC_PODS_NOT_PICKED_UP, ETCD_UNHEALTHY_DEPENDENCY,\n"
	"COMPONENT_CRASHING, DISK_PRESSURE, KUBELET_UNHEALTHY, RESOURCE_SHORTAGE.\n";
