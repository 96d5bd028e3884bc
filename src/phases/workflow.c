/* SPDX-License-Identifier: Apache-2.0 */
/* kubeadm's workflow.Runner (cmd/kubeadm/app/cmd/phases/workflow/runner.go). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "phases/workflow.h"
#include "util/error.h"
#include "util/events.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* cleanName: lower-cased, up to the first space */
static char *clean_name(const char *name)
{
	const char *sp = strchr(name, ' ');
	char *r = sp ? xstrndup(name, (size_t)(sp - name)) : xstrdup(name);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

struct runners {
	struct phase_runner *v;
	size_t n, alloc;
};

static void add_runner(struct runners *rs, size_t parent, const struct phase *p)
{
	char *use = clean_name(p->name);
	if (rs->n == rs->alloc) {
		rs->alloc = rs->alloc ? rs->alloc * 2 : 64;
		rs->v = xrealloc(rs->v, rs->alloc * sizeof(*rs->v));
	}
	size_t me = rs->n++;
	struct phase_runner *r = &rs->v[me];
	*r = (struct phase_runner){ .phase = p };
	if (parent != (size_t)-1) {
		r->parent = (const struct phase_runner *)(uintptr_t)(parent + 1); /* fixed up below */
		r->level = rs->v[parent].level + 1;
		r->generated_name = xasprintf("%s/%s", rs->v[parent].generated_name, use);
		r->use = xasprintf("/%s", use);
		free(use);
	} else {
		r->generated_name = xstrdup(use);
		r->use = use;
	}
	for (const struct phase *c = p->children; c && c->name; c++)
		add_runner(rs, me, c);
}

size_t workflow_runners(const struct workflow *w, struct phase_runner **ret)
{
	struct runners rs = { 0 };
	for (const struct phase *p = w->phases; p && p->name; p++) {
		if (p->run_all_siblings)
			continue;
		add_runner(&rs, (size_t)-1, p);
	}
	/* parents were stored as index + 1 while the array could move */
	for (size_t i = 0; i < rs.n; i++)
		if (rs.v[i].parent)
			rs.v[i].parent = &rs.v[(uintptr_t)rs.v[i].parent - 1];
	*ret = rs.v;
	return rs.n;
}

void workflow_runners_free(struct phase_runner *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].generated_name);
		free(r[i].use);
	}
	free(r);
}

char *workflow_help(const struct workflow *w, const char *cmd_use)
{
	struct phase_runner *rs;
	size_t n = workflow_runners(w, &rs);
	size_t max = 0;
	for (size_t i = 0; i < n; i++)
		if (!rs[i].phase->hidden && !rs[i].phase->run_all_siblings && strlen(rs[i].use) > max)
			max = strlen(rs[i].use);
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "The \"%s\" command executes the following phases:\n```\n", cmd_use);
	for (size_t i = 0; i < n; i++) {
		const struct phase_runner *r = &rs[i];
		if (r->phase->hidden || r->phase->run_all_siblings)
			continue;
		strbuf_addchars(&sb, ' ', 2 * (size_t)r->level);
		strbuf_addstr(&sb, r->use);
		strbuf_addchars(&sb, ' ', max - strlen(r->use) + 2);
		strbuf_addstr(&sb, strempty(r->phase->short_desc));
		strbuf_addch(&sb, '\n');
	}
	strbuf_addstr(&sb, "```");
	workflow_runners_free(rs, n);
	return strbuf_detach(&sb, NULL);
}

static bool is_descendant(const struct phase_runner *r, const struct phase_runner *anc)
{
	for (const struct phase_runner *p = r->parent; p; p = p->parent)
		if (p == anc)
			return true;
	return false;
}

static struct phase_runner *find_runner(struct phase_runner *rs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (streq(rs[i].generated_name, name))
			return &rs[i];
	return NULL;
}

/* computePhaseRunFlags */
static int compute_run_flags(struct phase_runner *rs, size_t n, const struct workflow_options *o,
			     bool *run)
{
	for (size_t i = 0; i < n; i++)
		run[i] = true;
	if (o->filter) {
		struct phase_runner *f = find_runner(rs, n, o->filter);
		for (size_t i = 0; i < n; i++)
			run[i] = false;
		if (!f)
			return error_set(-EINVAL, "invalid phase name: %s", o->filter);
		for (size_t i = 0; i < n; i++)
			if (&rs[i] == f || is_descendant(&rs[i], f))
				run[i] = true;
	}
	STRV_FOREACH(s, o->skip) {
		struct phase_runner *f = find_runner(rs, n, *s);
		if (!f)
			return error_set(-EINVAL, "invalid phase name: %s", *s);
		for (size_t i = 0; i < n; i++)
			if (&rs[i] == f || is_descendant(&rs[i], f))
				run[i] = false;
	}
	return 0;
}

/*
 * The event stream's PhaseStarted/PhaseFinished (util/events.h): the phases that run, nested
 * as the tree nests them (a parent finishes after its last child). A phase whose run condition
 * said no is Skipped (reason "condition"); phases left out by --skip-phases or a `phase x`
 * selector get no events. "all" pseudo-phases are the selector's, not phases: no events.
 */
struct phase_events {
	const struct phase_runner *rs;
	size_t *open;           /* stack of runner indices */
	size_t nopen;
	long long *start;
	bool *skipped;
};

static const char *parent_name(const struct phase_runner *r)
{
	return r->parent ? r->parent->generated_name : NULL;
}

/* Finishes every open phase that is not an ancestor of runner upto (all when upto is NULL). */
static void phase_events_close(struct phase_events *pe, int r, const struct phase_runner *upto)
{
	while (pe->nopen) {
		size_t top = pe->open[pe->nopen - 1];
		const struct phase_runner *t = &pe->rs[top];
		if (upto && is_descendant(upto, t))
			return;
		pe->nopen--;
		const char *outcome = r < 0 ? "Failed" : pe->skipped[top] ? "Skipped" : "Succeeded";
		events_phase_finished(t->generated_name, parent_name(t), outcome,
				      r >= 0 && pe->skipped[top] ? "condition" : NULL,
				      r < 0 ? error_message(r) : NULL,
				      events_now_ms() - pe->start[top]);
	}
}

static void phase_events_start(struct phase_events *pe, size_t i)
{
	if (!events_enabled() || pe->rs[i].phase->run_all_siblings)
		return;
	phase_events_close(pe, 0, &pe->rs[i]);
	pe->start[i] = events_now_ms();
	pe->open[pe->nopen++] = i;
	events_phase_started(pe->rs[i].generated_name, parent_name(&pe->rs[i]));
}

/* The running phase failed: it and its open ancestors finish Failed, with its error. */
static void phase_events_fail(struct phase_events *pe, int r)
{
	if (!events_enabled() || !pe->nopen)
		return;
	events_set_error_phase(pe->rs[pe->open[pe->nopen - 1]].generated_name);
	phase_events_close(pe, r, NULL);
}

int workflow_run(const struct workflow *w, struct workflow_options *opts,
		 int (*init_data)(void *userdata, struct workflow_options *opts,
				  struct run_ctx **ret),
		 void *userdata, struct run_ctx **data)
{
	struct phase_runner *rs;
	size_t n = workflow_runners(w, &rs);
	_cleanup_free_ bool *run = xcalloc(n + 1, sizeof(bool));
	int r = compute_run_flags(rs, n, opts, run);
	if (r < 0) {
		workflow_runners_free(rs, n);
		return r;
	}

	/* dependencies: every phase a selected phase depends on must be selected before it */
	_cleanup_strv_free_ char **visited = NULL;
	struct strbuf missing = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (!run[i])
			continue;
		const struct phase *p = rs[i].phase;
		_cleanup_strv_free_ char **miss = NULL;
		for (const char *const *d = p->dependencies; d && *d; d++)
			if (!strv_contains(visited, *d))
				strv_push(&miss, *d);
		if (miss) {
			_cleanup_free_ char *j = strv_join(miss, " ");
			strbuf_addf(&missing, "\n\tmissing [%s] phase(s) needed by \"%s\" phase", j,
				    p->name);
		}
		strv_push(&visited, p->name);
	}
	if (missing.len) {
		r = error_set(-EINVAL, "unresolved dependencies:%s", missing.buf);
		strbuf_release(&missing);
		workflow_runners_free(rs, n);
		return r;
	}
	strbuf_release(&missing);

	if (!*data && init_data) {
		r = init_data(userdata, opts, data);
		if (r < 0) {
			workflow_runners_free(rs, n);
			return r;
		}
	}

	if (events_enabled()) {
		/* the plan is known only now (skipPhases may come from the config file), after
		 * RunStarted, which is sent before the config is read */
		_cleanup_strv_free_ char **planned = NULL;
		for (size_t i = 0; i < n; i++)
			if (run[i] && !rs[i].phase->run_all_siblings)
				strv_push(&planned, rs[i].generated_name);
		events_phases_planned(planned, opts->skip);
	}
	struct phase_events pe = { .rs = rs, .open = xcalloc(n + 1, sizeof(size_t)),
				   .start = xcalloc(n + 1, sizeof(long long)),
				   .skipped = xcalloc(n + 1, sizeof(bool)) };
	for (size_t i = 0; i < n && r >= 0; i++) {
		const struct phase_runner *pr = &rs[i];
		const struct phase *p = pr->phase;
		if (!run[i])
			continue;
		if (p->run_all_siblings && (p->run || p->run_if)) {
			r = error_set(-EINVAL,
				      "phase marked as RunAllSiblings can not have Run functions %s",
				      pr->generated_name);
			break;
		}
		phase_events_start(&pe, i);
		if (p->run_if) {
			r = p->run_if(*data);
			if (r < 0) {
				phase_events_fail(&pe, r);
				r = error_wrap(r, "error execution run condition for phase %s",
					       pr->generated_name);
				break;
			}
			if (r == 0) {
				pe.skipped[i] = true;
				continue;
			}
			r = 0;
		}
		if (p->run) {
			r = p->run(*data);
			if (r < 0 && p->on_failure) {
				/* the diagnosis must not change the phase's error */
				_cleanup_free_ char *msg = xstrdup(error_message(r));
				p->on_failure(*data, pr->generated_name);
				error_set(r, "%s", msg);
			}
			if (r < 0) {
				phase_events_fail(&pe, r);
				r = error_wrap(r, "error execution phase %s", pr->generated_name);
			}
		}
	}
	phase_events_close(&pe, 0, NULL);
	free(pe.open);
	free(pe.start);
	free(pe.skipped);
	workflow_runners_free(rs, n);
	return r < 0 ? r : 0;
}
