/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The command engine: kubeadm's cobra command tree as const tables, dispatched and rendered
 * exactly as github.com/spf13/cobra v1.10 does for kubeadm (Find/stripFlags, legacyArgs and
 * suggestions, the default help and usage templates, the implicit "help" command and -h/--help
 * flag, SilenceErrors/SilenceUsage as kubeadm sets them).
 *
 * The tables (src/cmd/tables.c: every kubeadm command, its flags, texts and children) are
 * generated from the reference's own cobra tree by tests/cli/gen-tables.py; the strings are the
 * reference's byte for byte, so do not edit them by hand. To build a command:
 *   1. in gen-tables.py, add its top-level name to BUILT_TOP (that clears .not_built), map its
 *      path to a run function in RUN, give its positional args (NOARGS / ARGS_MAX), its flags'
 *      configuration paths (CONFIG_PATHS) and, for a phase workflow, its WORKFLOW entry;
 *   2. write the run function `int cmd_x(struct cmd_ctx *ctx)` in src/cmd/<x>.c (flags via
 *      flagset_get_*(&ctx->flags, "name"), positional args in ctx->args, errors as -errno with
 *      error_set(), output on stdout);
 *   3. regenerate, add CLI cases (tests/cli/cases.txt) and run tests/cli/regen.sh.
 * A command whose `not_built` is set keeps its slot (help texts, completion script) but
 * behaves as an unknown command; `unlisted` runs but is left out of the root help.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "phases/workflow.h"
#include "util/error.h" /* go_strerror, used by the commands */
#include "util/flags.h"

struct cmd_ctx;

/* cobra's PositionalArgs. CMD_ARGS_LEGACY is cobra's nil Args (legacyArgs). */
enum cmd_args {
	CMD_ARGS_LEGACY = 0,
	CMD_ARGS_NONE,      /* cobra.NoArgs: `unknown command "x" for "kubeadm y"` */
	CMD_ARGS_ANY,       /* cobra.ArbitraryArgs */
	CMD_ARGS_EXACT,     /* cobra.ExactArgs(nargs) */
	CMD_ARGS_MAX,       /* cobra.MaximumNArgs(nargs) */
	CMD_ARGS_MIN,       /* cobra.MinimumNArgs(nargs) */
	CMD_ARGS_FUNC,      /* args_fn */
};

struct command {
	const char *use;                  /* "completion SHELL": the name is the first word */
	const char *const *aliases;       /* NULL-terminated, or NULL */
	const char *short_desc;
	const char *long_desc;
	const char *example;
	const struct flag *flags;         /* local flags: table ended by {0} */
	const struct flag *persistent_flags;
	const struct command *const *children; /* NULL-terminated, kubeadm's AddCommand order */
	int (*run)(struct cmd_ctx *ctx);  /* NULL: not runnable (help is shown) */
	enum cmd_args args;
	int nargs;
	int (*args_fn)(struct cmd_ctx *ctx);
	const char *const *valid_args;    /* cobra's ValidArgs (shell completion nouns) */
	bool no_flags_in_use_line;        /* cobra's DisableFlagsInUseLine */
	bool disable_flag_parsing;        /* cobra's DisableFlagParsing: args are passed raw */
	bool hidden;
	const char *deprecated;
	bool not_built;                   /* slot for a command this build lacks: unknown command */
	bool unlisted;                    /* runs, but is left out of "Available Commands" while
					   * its implementation is incomplete in this build */
	const struct workflow *workflow;  /* phase runner bound to this command (init, join...) */
	/* the runner's data initializer (kubeadm's SetDataInitializer) and its destructor */
	int (*workflow_init)(struct cmd_ctx *ctx, struct workflow_options *opts,
			     struct run_ctx **ret);
	void (*workflow_free)(struct run_ctx *data);
	const void *data;                 /* per-command data for shared run functions */
};

#define CMD_MAX_DEPTH 12

/*
 * ckubeadm's additions to init, join and reset (src/cmd/extensions.c): the event stream and the
 * result object. A command that has fields of its own for its result puts them in result when
 * result_wanted.
 */
struct cmd_extensions {
	bool active;                      /* init, join or reset with a stream or a result */
	bool result_wanted;               /* a result object: --result-file or -o json|yaml */
	int result_dirfd;                 /* the result file's directory (before any chroot), or
					   * -1 */
	char *result_name;                /* owned: the result file's name in it */
	struct printer *printer;          /* owned: -o other than text, or NULL */
	int stdout_fd;                    /* with printer: the real stdout (fd 1 is stderr) */
	json_t *result;                   /* owned: the command's fields, or NULL */
};

/* What a run function gets: the command path, its parsed flags and positional args. */
struct cmd_ctx {
	const struct command *path[CMD_MAX_DEPTH]; /* root .. cmd */
	size_t depth;
	const struct command *cmd;
	struct flagset flags;
	char **args;                      /* borrowed from flags.args */
	int rootfd;                       /* AT_FDCWD (after --rootfs chroot) */
	const char *called_as;            /* the name or alias the command was called by */
	struct cmd_extensions ext;
};

/*
 * Runs argv (without argv[0]) against the root command: finds the command, parses flags,
 * prints help or runs it. Returns 0, or -errno with the error message set (the caller prints it
 * as kubeadm's errors.HandleError does).
 */
int cmd_execute(const struct command *root, char *const *argv, size_t argc);

/* Prints cobra's help of the command at ctx (to stdout), as `kubeadm x --help`. */
void cmd_print_help(struct cmd_ctx *ctx);

/* The effective Long text of a command (a workflow's phase list is appended). Owned. */
char *cmd_long_text(const struct command *c);

/* "kubeadm init phase": the command path of ctx, owned. */
char *cmd_path_string(const struct command *const *path, size_t depth);

/* The error kubeadm's cmdutil.RequireSubcommand returns (after printing help). */
int cmd_require_subcommand(struct cmd_ctx *ctx);

/* Run function of commands this build lacks (unreachable under a not_built slot). */
int cmd_not_built(struct cmd_ctx *ctx);

/*
 * cobra's GenBashCompletion over the whole table (not-built commands included, so the script is
 * the reference's byte for byte); appended to out. exec_cmd is the command being run (it alone
 * has its help flag defined, as in cobra).
 */
void cmd_gen_bash_completion(const struct command *root, const struct command *exec_cmd,
			     struct strbuf *out);

/*
 * The extension flags (--events, --result-file; hidden) of a command path, or NULL: init, join
 * and reset and their phase sub-commands take them.
 */
const struct flag *cmd_extension_flags(const struct command *const *path, size_t depth);
/*
 * Before the command runs (and before --rootfs chroots): opens the event stream and the result
 * file's directory named by the flags or CKUBEADM_EVENTS / CKUBEADM_RESULT, and reports
 * RunStarted. argv: the arguments after the program name. Returns 0 or -errno with the message.
 */
int cmd_extensions_start(struct cmd_ctx *ctx, char *const *argv, size_t argc);
/* After it ran with result r: RunFinished, the result file; releases ctx->ext. */
void cmd_extensions_finish(struct cmd_ctx *ctx, int r);
/* `ckubeadm help extensions`: the text of the help topic. */
extern const char cmd_extensions_help[];

/*
 * Called by cmd_walk for each command: its path (root first), its effective Long text, the flags
 * its --help shows (help flag included; flagset_listed gives them as help lists them) and the
 * sub-commands its help lists (NULL-terminated, sorted by name). All borrowed for the call.
 */
typedef void (*cmd_walk_fn)(const struct command *const *path, size_t depth, const char *long_text,
			    const struct flagset *fs, const struct command *const *children,
			    void *userdata);
/*
 * Calls fn for the root and, depth first in name order, every command its help lists under
 * "Available Commands" (cobra's GenManTree set: not hidden, deprecated, unlisted or not built,
 * no help topic, no "help"). The flags are built as for `--help`, so a page made from them
 * matches it.
 */
void cmd_walk(const struct command *root, cmd_walk_fn fn, void *userdata);

/* The name of a command: the first word of its use line. Owned. */
char *cmd_name(const struct command *c);
