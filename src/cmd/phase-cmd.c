/* SPDX-License-Identifier: Apache-2.0 */
/* Runner.BindToCommand (cmd/kubeadm/app/cmd/phases/workflow/runner.go). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/phase-cmd.h"
#include "util/error.h"
#include "util/strv.h"
#include "util/xalloc.h"

struct phase_binding {
	const struct command *owner;      /* the workflow's command ("init") */
	const struct phase *phase;
	char *selector;                   /* generated name ("all" selects the parent) */
};

/* Built lazily once per bound command and never changed afterwards: the cobra tree kubeadm
 * builds at start-up, here only for the commands a run actually looks at. */
static struct {
	const struct command *owner;
	const struct command *phase_cmd;
} cache[8];

struct init_call {
	struct cmd_ctx *ctx;
	const struct command *owner;
};

static int init_data(void *userdata, struct workflow_options *opts, struct run_ctx **ret)
{
	struct init_call *ic = userdata;
	if (!ic->owner->workflow_init)
		return 0;
	return ic->owner->workflow_init(ic->ctx, opts, ret);
}

/* The RunE of a phase command: help + error for a parent, else the workflow filtered to it. */
static int run_phase(struct cmd_ctx *ctx)
{
	const struct phase_binding *b = ctx->cmd->data;
	if (b->phase->children && b->phase->children[0].name)
		return cmd_require_subcommand(ctx);
	struct workflow_options opts = { .filter = b->selector };
	struct run_ctx *data = NULL;
	struct init_call ic = { .ctx = ctx, .owner = b->owner };
	int r = workflow_run(b->owner->workflow, &opts, init_data, &ic, &data);
	if (data && b->owner->workflow_free)
		b->owner->workflow_free(data);
	strv_free(opts.skip);
	return r;
}

static bool contains(const char *const *v, const char *s)
{
	for (; v && *v; v++)
		if (streq(*v, s))
			return true;
	return false;
}

static void push_flag(struct flag **v, size_t *n, const struct flag *f)
{
	for (size_t i = 0; i < *n; i++)
		if (streq((*v)[i].name, f->name))
			return;
	*v = xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = *f;
	(*v)[*n] = (struct flag){ 0 };
}

static struct command *new_phase_cmd(const struct command *owner, const struct phase *p,
				     const char *selector)
{
	struct command *c = xnew0(struct command);
	struct phase_binding *b = xnew0(struct phase_binding);
	char *use = xstrdup(p->name);
	for (char *q = use; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	b->owner = owner;
	b->phase = p;
	b->selector = xstrdup(selector);

	struct flag *flags = xcalloc(1, sizeof(*flags));
	size_t n = 0;
	for (const struct flag *f = owner->flags; f && f->name; f++)
		if (contains(p->inherit_flags, f->name))
			push_flag(&flags, &n, f);
	for (const struct flag *f = owner->workflow->additional_flags; f && f->name; f++)
		if (contains(p->inherit_flags, f->name))
			push_flag(&flags, &n, f);
	for (const struct flag *f = p->local_flags; f && f->name; f++)
		push_flag(&flags, &n, f);

	*c = (struct command){
		.use = use,
		.aliases = p->aliases,
		.short_desc = p->short_desc,
		.long_desc = p->long_desc,
		.example = p->example,
		.flags = flags,
		.run = run_phase,
		.data = b,
	};
	bool has_children = p->children && p->children[0].name;
	if (has_children || p->no_args)
		c->args = CMD_ARGS_NONE;
	else if (p->nargs_max > 0) {
		c->args = CMD_ARGS_MAX;
		c->nargs = p->nargs_max;
	} else {
		c->args = owner->args;
		c->nargs = owner->nargs;
		c->args_fn = owner->args_fn;
	}
	return c;
}

static const struct command **add_child(const struct command **v, size_t *n,
				       const struct command *c)
{
	v = xrealloc(v, (*n + 2) * sizeof(*v));
	v[(*n)++] = c;
	v[*n] = NULL;
	return v;
}

static int phase_root_run(struct cmd_ctx *ctx)
{
	return cmd_require_subcommand(ctx);
}

static const struct command *build(const struct command *owner)
{
	struct phase_runner *rs;
	size_t n = workflow_runners(owner->workflow, &rs);
	struct command **cmds = xcalloc(n + 1, sizeof(*cmds));
	const struct command ***kids = xcalloc(n + 1, sizeof(*kids));
	size_t *nkids = xcalloc(n + 1, sizeof(size_t));
	const struct command **top = NULL;
	size_t ntop = 0;
	for (size_t i = 0; i < n; i++) {
		const struct phase_runner *r = &rs[i];
		if (r->phase->hidden)
			continue;
		const char *sel = r->phase->run_all_siblings ? r->parent->generated_name
							     : r->generated_name;
		cmds[i] = new_phase_cmd(owner, r->phase, sel);
		if (!r->parent) {
			top = add_child(top, &ntop, cmds[i]);
			continue;
		}
		size_t pi = (size_t)(r->parent - rs);
		kids[pi] = add_child(kids[pi], &nkids[pi], cmds[i]);
	}
	for (size_t i = 0; i < n; i++)
		if (cmds[i])
			cmds[i]->children = kids[i];
	struct command *phase = xnew0(struct command);
	char *owner_name = cmd_name(owner);
	*phase = (struct command){
		.use = "phase",
		.short_desc = xasprintf("Use this command to invoke single phase of the \"%s\" workflow",
					owner_name),
		.children = top,
		.run = phase_root_run,
		.args = CMD_ARGS_NONE,
	};
	free(owner_name);
	free(cmds);
	free(kids);
	free(nkids);
	/* the generated names live on in the bindings */
	workflow_runners_free(rs, n);
	return phase;
}

const struct command *phase_cmd_for(const struct command *c)
{
	for (size_t i = 0; i < sizeof(cache) / sizeof(cache[0]); i++) {
		if (cache[i].owner == c)
			return cache[i].phase_cmd;
		if (!cache[i].owner) {
			cache[i].owner = c;
			cache[i].phase_cmd = build(c);
			return cache[i].phase_cmd;
		}
	}
	return build(c);
}
