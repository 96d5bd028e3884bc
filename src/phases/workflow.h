/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The phase engine: kubeadm's workflow.Runner over const phase trees (init, join, reset,
 * upgrade apply/node). One tree drives the run of the whole workflow, `<cmd> phase <name>
 * [sub]` (with the implicit `all` sub-phases), `--skip-phases` and the help text
 * ("The "init" command executes the following phases: ...").
 *
 * The trees (src/phases/<workflow>-tree.c, declared in src/phases/<workflow>.h) are generated
 * from the reference's phase objects by tests/cli/gen-tables.py: names, aliases, texts, the
 * flags each phase inherits, hidden phases and the `all` sub-phases. Run functions are
 * `phase_<workflow>_<phase>[_<sub>](struct run_ctx *)`, one file per top-level phase under
 * src/phases/<workflow>/ (created once as stubs returning -ENOSYS; replace the stub body).
 * A run function returns 0 or -errno with error_set(); the engine wraps the message as
 * "error execution phase <name>: ...".
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/flags.h"

/* Per-run state shared by the phases of one workflow run (defined by the workflow's owner). */
struct run_ctx;

struct phase {
	const char *name;                 /* "certs"; lower-cased, first word, for the command */
	const char *const *aliases;
	const char *short_desc;
	const char *long_desc;
	const char *example;
	bool hidden;
	bool run_all_siblings;            /* the implicit "all" child */
	const struct phase *children;     /* array ended by an entry with name == NULL */
	int (*run)(struct run_ctx *ctx);
	/* Returns 1 to run, 0 to skip, -errno on error. */
	int (*run_if)(struct run_ctx *ctx);
	const char *const *inherit_flags; /* names of the command's flags this phase accepts */
	const struct flag *local_flags;
	int nargs_max;                    /* > 0: cobra.MaximumNArgs; 0: the command's Args */
	bool no_args;                     /* ArgsValidator: cobra.NoArgs */
	const char *const *dependencies;  /* phases (top-level names) that must run first */
	/* runs when run failed, before the engine wraps the error: the diagnosis of a failed
	 * wait (beyond-kubeadm.md §2.3), printed just before kubeadm's final error line */
	void (*on_failure)(struct run_ctx *ctx, const char *phase);
};

struct workflow {
	const char *name;                 /* the command's use, "init" */
	const struct phase *phases;       /* array ended by an entry with name == NULL */
	/* flags only phase sub-commands may inherit (kubeadm's SetAdditionalFlags) */
	const struct flag *additional_flags;
};

/* A phase in visiting order, with kubeadm's generated name ("certs/ca") and level. */
struct phase_runner {
	const struct phase *phase;
	const struct phase_runner *parent;
	int level;
	char *generated_name;             /* owned */
	char *use;                        /* owned: "certs" or "/ca" */
};

/* The flattened tree in kubeadm's visiting order; *ret owned (workflow_runners_free). */
size_t workflow_runners(const struct workflow *w, struct phase_runner **ret);
void workflow_runners_free(struct phase_runner *r, size_t n);

/* The help block appended to the command's Long text; owned. */
char *workflow_help(const struct workflow *w, const char *cmd_use);

struct workflow_options {
	const char *filter;               /* `phase x` selector: generated name, or NULL for all */
	char **skip;                      /* owned: --skip-phases (the initializer may replace it) */
};

/*
 * Runs the workflow as kubeadm's Runner.Run: checks filter/skip names ("invalid phase name: x")
 * and dependencies, gets the run data from init_data (unless *data is already set), then runs
 * every selected phase in order; a phase error is wrapped as "error execution phase <name>".
 * Returns 0 or -errno with the message set.
 */
int workflow_run(const struct workflow *w, struct workflow_options *opts,
		 int (*init_data)(void *userdata, struct workflow_options *opts,
				  struct run_ctx **ret),
		 void *userdata, struct run_ctx **data);
