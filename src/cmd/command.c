/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cobra v1.10 as kubeadm uses it: Command.ExecuteC/Find/execute, the default help and usage
 * functions, the help command. Quirks copied on purpose are marked "cobra:".
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd/command.h"
#include "cmd/commands.h"
#include "cmd/phase-cmd.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

char *cmd_name(const struct command *c)
{
	const char *sp = strchr(c->use, ' ');
	return sp ? xstrndup(c->use, (size_t)(sp - c->use)) : xstrdup(c->use);
}

static bool name_is(const struct command *c, const char *s)
{
	size_t n = strcspn(c->use, " ");
	return strlen(s) == n && strneq(c->use, s, n);
}

static bool has_alias(const struct command *c, const char *s)
{
	for (const char *const *a = c->aliases; a && *a; a++)
		if (streq(*a, s))
			return true;
	return false;
}

/* ---- the implicit help command (cobra's InitDefaultHelpCmd) -------------------------------- */

static int help_cmd_run(struct cmd_ctx *ctx);
static int complete_cmd_run(struct cmd_ctx *ctx);

static const char *const complete_aliases[] = { "__completeNoDesc", NULL };

/* cobra's hidden __complete command (initCompleteCmd): dynamic shell completion. */
static const struct command complete_command = {
	.use = "__complete [command-line]",
	.aliases = complete_aliases,
	.short_desc = "Request shell completion choices for the specified command-line",
	.long_desc = "__complete is a special command that is used by the shell completion logic\n"
		     "to request completion choices for the specified command-line.",
	.run = complete_cmd_run,
	.args = CMD_ARGS_MIN,
	.nargs = 1,
	.hidden = true,
	.no_flags_in_use_line = true,
	.disable_flag_parsing = true,
};

static const struct command help_command = {
	.use = "help [command]",
	.short_desc = "Help about any command",
	.long_desc = "Help provides help for any command in the application.\n"
		     "Simply type kubeadm help [path to command] for full details.",
	.run = help_cmd_run,
};

/* Children of c in this build: its table minus not-built slots, plus the bound workflow's
 * "phase" command, plus "help" at the root. Owned array of borrowed pointers. */
static const struct command **children_all(const struct command *c, bool is_root, bool all)
{
	size_t n = 0;
	for (const struct command *const *p = c->children; p && *p; p++)
		n++;
	const struct command **v = xcalloc(n + 4, sizeof(*v));
	size_t k = 0;
	for (const struct command *const *p = c->children; p && *p; p++)
		if (all || !(*p)->not_built)
			v[k++] = *p;
	if (c->workflow)
		v[k++] = phase_cmd_for(c);
	if (is_root && k)
		v[k++] = &help_command;
	if (is_root && !all)
		v[k++] = &complete_command;
	return v;
}

static const struct command **children_of(const struct command *c, bool is_root)
{
	return children_all(c, is_root, false);
}

static bool has_subcommands(const struct command *c, bool is_root)
{
	_cleanup_free_ const struct command **ch = children_of(c, is_root);
	return ch[0] != NULL;
}

static bool runnable(const struct command *c)
{
	return c->run != NULL;
}

static bool is_available(const struct command *c, bool is_root);

static bool has_available_subcommands(const struct command *c, bool is_root)
{
	_cleanup_free_ const struct command **ch = children_of(c, is_root);
	for (size_t i = 0; ch[i]; i++)
		if (is_available(ch[i], false))
			return true;
	return false;
}

static bool is_available(const struct command *c, bool is_root)
{
	if (c->deprecated || c->hidden || c == &help_command)
		return false;
	return runnable(c) || has_available_subcommands(c, is_root);
}

static bool is_help_topic(const struct command *c)
{
	if (runnable(c) || c->deprecated || c->hidden)
		return false;
	_cleanup_free_ const struct command **ch = children_of(c, false);
	for (size_t i = 0; ch[i]; i++)
		if (!is_help_topic(ch[i]))
			return false;
	return true;
}

char *cmd_path_string(const struct command *const *path, size_t depth)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < depth; i++) {
		_cleanup_free_ char *n = cmd_name(path[i]);
		if (i)
			strbuf_addch(&sb, ' ');
		strbuf_addstr(&sb, n);
	}
	return strbuf_detach(&sb, NULL);
}

char *cmd_long_text(const struct command *c)
{
	if (!c->workflow)
		return xstrdup(strempty(c->long_desc));
	/* BindToCommand: Long = Long-or-Short + "\n\n" + runner help + "\n" */
	_cleanup_free_ char *help = workflow_help(c->workflow, c->use);
	const char *base = c->long_desc && *c->long_desc ? c->long_desc : strempty(c->short_desc);
	return xasprintf("%s\n\n%s\n", base, help);
}

/* ---- flags of a command: its own, then the parents' persistent ones ----------------------- */

static const struct flag help_flag_proto = {
	.name = "help", .shorthand = 'h', .type = FLAG_BOOL,
};

struct help_flag {
	struct flag f;
	char *usage;
};

static void build_flagset(const struct command *const *path, size_t depth, struct flagset *fs,
			  const struct flag *help)
{
	const struct command *c = path[depth - 1];
	flagset_init(fs);
	flagset_add_table(fs, c->flags, true);
	flagset_add_table(fs, c->persistent_flags, true);
	if (help)
		flagset_add(fs, help, true);
	for (size_t i = depth - 1; i-- > 0;)
		flagset_add_table(fs, path[i]->persistent_flags, false);
	flagset_add_table(fs, cmd_extension_flags(path, depth), true);
}

static bool has_no_opt_def(const struct flagset *fs, const char *name)
{
	struct flag_value *fv = flagset_lookup(fs, name);
	return fv && (fv->flag->type == FLAG_BOOL || fv->flag->no_opt_def);
}

static bool short_has_no_opt_def(const struct flagset *fs, const char *name)
{
	if (!*name)
		return false;
	struct flag_value *fv = flagset_lookup_shorthand(fs, name[0]);
	return fv && (fv->flag->type == FLAG_BOOL || fv->flag->no_opt_def);
}

/* cobra: stripFlags (the help flag is not defined yet at Find time: "--help x" eats x) */
static char **strip_flags(char *const *args, size_t n, const struct flagset *fs)
{
	char **out = xcalloc(1, sizeof(char *));
	for (size_t i = 0; i < n;) {
		const char *s = args[i++];
		if (streq(s, "--"))
			break;
		if (strneq(s, "--", 2) && !strchr(s, '=') && !has_no_opt_def(fs, s + 2)) {
			if (n - i <= 1)
				break;
			i++;
			continue;
		}
		if (s[0] == '-' && !strchr(s, '=') && strlen(s) == 2 &&
		    !short_has_no_opt_def(fs, s + 1)) {
			if (n - i <= 1)
				break;
			i++;
			continue;
		}
		if (*s && s[0] != '-')
			strv_push(&out, s);
	}
	return out;
}

/* cobra: argsMinusFirstX */
static void args_minus_first(char **args, size_t *n, const char *x, const struct flagset *fs)
{
	for (size_t pos = 0; pos < *n; pos++) {
		const char *s = args[pos];
		if (streq(s, "--"))
			break;
		if (strneq(s, "--", 2) && !strchr(s, '=') && !has_no_opt_def(fs, s + 2)) {
			pos++;
			continue;
		}
		if (s[0] == '-' && !strchr(s, '=') && strlen(s) == 2 &&
		    !short_has_no_opt_def(fs, s + 1)) {
			pos++;
			continue;
		}
		if (s[0] != '-' && streq(s, x)) {
			memmove(&args[pos], &args[pos + 1], (*n - pos - 1) * sizeof(char *));
			(*n)--;
			args[*n] = NULL;
			return;
		}
	}
}

static const struct command *find_next(const struct command *c, bool is_root, const char *next)
{
	_cleanup_free_ const struct command **ch = children_of(c, is_root);
	for (size_t i = 0; ch[i]; i++)
		if (name_is(ch[i], next) || has_alias(ch[i], next))
			return ch[i];
	return NULL;
}

/* cobra: Levenshtein distance, case-insensitive */
static size_t ld(const char *s, const char *t)
{
	size_t ls = strlen(s), lt = strlen(t);
	_cleanup_free_ size_t *d = xcalloc((ls + 1) * (lt + 1), sizeof(size_t));
#define D(i, j) d[(i) * (lt + 1) + (j)]
	for (size_t i = 0; i <= ls; i++)
		D(i, 0) = i;
	for (size_t j = 0; j <= lt; j++)
		D(0, j) = j;
	for (size_t j = 1; j <= lt; j++)
		for (size_t i = 1; i <= ls; i++) {
			if (tolower((unsigned char)s[i - 1]) == tolower((unsigned char)t[j - 1])) {
				D(i, j) = D(i - 1, j - 1);
			} else {
				size_t m = D(i - 1, j);
				if (D(i, j - 1) < m)
					m = D(i, j - 1);
				if (D(i - 1, j - 1) < m)
					m = D(i - 1, j - 1);
				D(i, j) = m + 1;
			}
		}
	size_t r = D(ls, lt);
#undef D
	return r;
}

static void suggestions(const struct command *c, const char *typed, struct strbuf *out)
{
	_cleanup_free_ const struct command **ch = children_of(c, true);
	_cleanup_strv_free_ char **found = NULL;
	for (size_t i = 0; ch[i]; i++) {
		if (!is_available(ch[i], false))
			continue;
		_cleanup_free_ char *name = cmd_name(ch[i]);
		bool prefix = strncasecmp(name, typed, strlen(typed)) == 0;
		if (ld(typed, name) <= 2 || prefix)
			strv_push(&found, name);
	}
	if (!found)
		return;
	strbuf_addstr(out, "\n\nDid you mean this?\n");
	STRV_FOREACH(s, found)
		strbuf_addf(out, "\t%s\n", *s);
}

static int cmp_fv_name(const void *a, const void *b)
{
	const struct flag_value *const *x = a, *const *y = b;
	return strcmp((*x)->flag->name, (*y)->flag->name);
}

/* ---- help and usage ------------------------------------------------------------------------ */

static int cmp_cmd(const void *a, const void *b)
{
	const struct command *const *x = a, *const *y = b;
	_cleanup_free_ char *nx = cmd_name(*x), *ny = cmd_name(*y);
	return strcmp(nx, ny);
}

static void rpad(struct strbuf *sb, const char *s, size_t pad)
{
	strbuf_addstr(sb, s);
	if (strlen(s) < pad)
		strbuf_addchars(sb, ' ', pad - strlen(s));
}

static void usage_string(const struct command *const *path, size_t depth,
			 const struct flagset *fs, struct strbuf *w)
{
	const struct command *c = path[depth - 1];
	bool is_root = depth == 1;
	_cleanup_free_ char *cpath = cmd_path_string(path, depth);
	_cleanup_free_ const struct command **ch = children_of(c, is_root);
	size_t nch = 0;
	while (ch[nch])
		nch++;
	qsort(ch, nch, sizeof(*ch), cmp_cmd);
	bool avail_sub = has_available_subcommands(c, is_root);

	strbuf_addstr(w, "Usage:");
	if (runnable(c)) {
		/* UseLine: parent path + use, " [flags]" when the command has flags */
		_cleanup_free_ char *ppath = cmd_path_string(path, depth - 1);
		struct strbuf ul = STRBUF_INIT;
		if (depth > 1)
			strbuf_addf(&ul, "%s %s", ppath, c->use);
		else
			strbuf_addstr(&ul, c->use);
		if (fs->n && !c->no_flags_in_use_line && !strstr(ul.buf, "[flags]"))
			strbuf_addstr(&ul, " [flags]");
		strbuf_addf(w, "\n  %s", ul.buf);
		strbuf_release(&ul);
	}
	if (avail_sub)
		strbuf_addf(w, "\n  %s [command]", cpath);
	if (c->aliases && c->aliases[0]) {
		_cleanup_free_ char *name = cmd_name(c);
		strbuf_addf(w, "\n\nAliases:\n  %s", name);
		for (const char *const *a = c->aliases; *a; a++)
			strbuf_addf(w, ", %s", *a);
	}
	if (c->example && *c->example)
		strbuf_addf(w, "\n\nExamples:\n%s", c->example);
	if (avail_sub) {
		size_t namepad = 11, pathpad = 11;
		for (size_t i = 0; i < nch; i++) {
			_cleanup_free_ char *n = cmd_name(ch[i]);
			if (strlen(n) > namepad)
				namepad = strlen(n);
			if (strlen(cpath) + 1 + strlen(n) > pathpad)
				pathpad = strlen(cpath) + 1 + strlen(n);
		}
		(void)pathpad;
		strbuf_addstr(w, "\n\nAvailable Commands:");
		for (size_t i = 0; i < nch; i++) {
			_cleanup_free_ char *n = cmd_name(ch[i]);
			if ((!is_available(ch[i], false) && !streq(n, "help")) || ch[i]->unlisted)
				continue;
			strbuf_addstr(w, "\n  ");
			rpad(w, n, namepad);
			strbuf_addf(w, " %s", strempty(ch[i]->short_desc));
		}
	}
	if (flagset_has_available(fs, true)) {
		strbuf_addstr(w, "\n\nFlags:\n");
		flagset_usages(fs, true, w);
	}
	if (flagset_has_available(fs, false)) {
		strbuf_addstr(w, "\n\nGlobal Flags:\n");
		flagset_usages(fs, false, w);
	}
	bool topics = false;
	for (size_t i = 0; i < nch; i++)
		topics = topics || is_help_topic(ch[i]);
	if (topics) {
		size_t pathpad = 11;
		for (size_t i = 0; i < nch; i++) {
			_cleanup_free_ char *n = cmd_name(ch[i]);
			if (strlen(cpath) + 1 + strlen(n) > pathpad)
				pathpad = strlen(cpath) + 1 + strlen(n);
		}
		strbuf_addstr(w, "\n\nAdditional help topics:");
		for (size_t i = 0; i < nch; i++) {
			if (!is_help_topic(ch[i]))
				continue;
			_cleanup_free_ char *n = cmd_name(ch[i]);
			_cleanup_free_ char *p = xasprintf("%s %s", cpath, n);
			strbuf_addstr(w, "\n  ");
			rpad(w, p, pathpad);
			strbuf_addf(w, " %s", strempty(ch[i]->short_desc));
		}
	}
	if (avail_sub)
		strbuf_addf(w, "\n\nUse \"%s [command] --help\" for more information about a command.",
			    cpath);
	strbuf_addch(w, '\n');
}

static void help_string(const struct command *const *path, size_t depth,
			const struct flagset *fs, struct strbuf *w)
{
	const struct command *c = path[depth - 1];
	_cleanup_free_ char *lng = cmd_long_text(c);
	struct strbuf u = STRBUF_INIT;
	strbuf_addstr(&u, *lng ? lng : strempty(c->short_desc));
	strbuf_rtrim(&u);
	if (u.len)
		strbuf_addf(w, "%s\n\n", u.buf);
	strbuf_release(&u);
	if (runnable(c) || has_subcommands(c, depth == 1))
		usage_string(path, depth, fs, w);
}

static struct flag *make_help_flag(const struct command *c)
{
	struct flag *f = xnew0(struct flag);
	_cleanup_free_ char *n = cmd_name(c);
	*f = help_flag_proto;
	f->usage = xasprintf("help for %s", n);
	return f;
}

static void free_help_flag(struct flag *f)
{
	if (f)
		free((char *)f->usage);
	free(f);
}

void cmd_print_help(struct cmd_ctx *ctx)
{
	struct strbuf w = STRBUF_INIT;
	help_string(ctx->path, ctx->depth, &ctx->flags, &w);
	fputs(w.buf, stdout);
	fflush(stdout);
	strbuf_release(&w);
}

int cmd_require_subcommand(struct cmd_ctx *ctx)
{
	cmd_print_help(ctx);
	return error_set(-EINVAL, "\nerror: subcommand is required");
}

/* ---- Find / execute --------------------------------------------------------------------------- */

struct found {
	const struct command *path[CMD_MAX_DEPTH];
	size_t depth;
	const char *called_as; /* borrowed from argv */
	char **args; /* owned, remaining args (flags and positionals) */
	size_t nargs;
};

static int find(const struct command *root, char *const *argv, size_t argc, struct found *f)
{
	f->path[0] = root;
	f->depth = 1;
	f->args = xcalloc(argc + 1, sizeof(char *));
	for (size_t i = 0; i < argc; i++)
		f->args[i] = xstrdup(argv[i]);
	f->nargs = argc;
	for (;;) {
		struct flagset fs;
		build_flagset(f->path, f->depth, &fs, NULL);
		_cleanup_strv_free_ char **words = strip_flags(f->args, f->nargs, &fs);
		const struct command *next = NULL;
		if (words[0] && f->depth < CMD_MAX_DEPTH)
			next = find_next(f->path[f->depth - 1], f->depth == 1, words[0]);
		/* ckubeadm's own commands, under names kubeadm does not use (beyond-kubeadm.md C4) */
		if (!next && f->depth == 1 && words[0] && streq(words[0], cmd_ckubeadm_diagnose.use))
			next = &cmd_ckubeadm_diagnose;
		if (!next) {
			flagset_release(&fs);
			break;
		}
		for (size_t i = 0; i < argc; i++)
			if (streq(argv[i], words[0]))
				f->called_as = argv[i];
		char *removed = NULL;
		for (size_t i = 0; i < f->nargs; i++)
			if (streq(f->args[i], words[0]))
				removed = f->args[i];
		args_minus_first(f->args, &f->nargs, words[0], &fs);
		/* args_minus_first drops the pointer; free the string it dropped */
		bool still = false;
		for (size_t i = 0; i < f->nargs; i++)
			if (f->args[i] == removed)
				still = true;
		if (!still)
			free(removed);
		flagset_release(&fs);
		f->path[f->depth++] = next;
	}
	/* cobra: legacyArgs for commands without Args */
	const struct command *c = f->path[f->depth - 1];
	if (c->args == CMD_ARGS_LEGACY && f->depth == 1) {
		struct flagset fs;
		build_flagset(f->path, f->depth, &fs, NULL);
		_cleanup_strv_free_ char **words = strip_flags(f->args, f->nargs, &fs);
		flagset_release(&fs);
		if (words[0] && has_subcommands(c, true)) {
			_cleanup_strbuf_ struct strbuf sug = STRBUF_INIT;
			_cleanup_free_ char *p = cmd_path_string(f->path, f->depth);
			suggestions(c, words[0], &sug);
			return error_set(-EINVAL, "unknown command \"%s\" for \"%s\"%s", words[0], p,
					 sug.buf);
		}
	}
	return 0;
}

static int validate_args(struct cmd_ctx *ctx)
{
	const struct command *c = ctx->cmd;
	size_t n = strv_length(ctx->args);
	switch (c->args) {
	case CMD_ARGS_NONE:
		if (n > 0) {
			_cleanup_free_ char *p = cmd_path_string(ctx->path, ctx->depth);
			return error_set(-EINVAL, "unknown command \"%s\" for \"%s\"", ctx->args[0], p);
		}
		return 0;
	case CMD_ARGS_EXACT:
		if (n != (size_t)c->nargs)
			return error_set(-EINVAL, "accepts %d arg(s), received %zu", c->nargs, n);
		return 0;
	case CMD_ARGS_MAX:
		if (n > (size_t)c->nargs)
			return error_set(-EINVAL, "accepts at most %d arg(s), received %zu", c->nargs, n);
		return 0;
	case CMD_ARGS_MIN:
		if (n < (size_t)c->nargs)
			return error_set(-EINVAL, "requires at least %d arg(s), only received %zu",
					 c->nargs, n);
		return 0;
	case CMD_ARGS_FUNC:
		return c->args_fn ? c->args_fn(ctx) : 0;
	default:
		return 0;
	}
}

static void set_log_level(const struct flagset *fs)
{
	struct flag_value *v = flagset_lookup(fs, "v");
	int64_t lvl = 0;
	if (v && v->changed && go_parse_int(v->value, 10, 32, &lvl) >= 0)
		log_level = (int)lvl;
}

/* The root's PersistentPreRunE: --rootfs chroots before any command runs. */
static int persistent_pre_run(struct cmd_ctx *ctx)
{
	const char *rootfs = flagset_get_string(&ctx->flags, "rootfs");
	if (rootfs && *rootfs) {
		fs_sync_init(); /* /proc/meminfo stays readable inside the new root (util/fs.h) */
		if (chroot(rootfs) < 0) {
			int e = errno;
			return error_set(-e, "unable to chroot to %s: %s", rootfs, go_strerror(e));
		}
		if (chdir("/") < 0) {
			int e = errno;
			return error_set(-e, "unable to chdir to /: %s", go_strerror(e));
		}
	}
	return 0;
}

static int help_cmd_run(struct cmd_ctx *ctx)
{
	const struct command *root = ctx->path[0];
	/* ckubeadm's own topic (beyond-kubeadm.md §0 C7); kubeadm has no command of that name */
	if (strv_length(ctx->args) == 1 && streq(ctx->args[0], "extensions")) {
		fputs(cmd_extensions_help, stdout);
		return 0;
	}
	struct found f = { 0 };
	int r = find(root, ctx->args, strv_length(ctx->args), &f);
	if (r < 0) {
		/* cobra: c.Printf("Unknown help topic %#q\n", args) then root usage, on stderr */
		error_clear();
		struct strbuf w = STRBUF_INIT;
		strbuf_addstr(&w, "Unknown help topic [");
		STRV_FOREACH(a, ctx->args) {
			if (a != ctx->args)
				strbuf_addch(&w, ' ');
			if (strchr(*a, '`'))
				go_quote(*a, &w);
			else
				strbuf_addf(&w, "`%s`", *a);
		}
		strbuf_addstr(&w, "]\n");
		/* cobra: the root never ran, so it has no help flag yet */
		struct flagset fs;
		const struct command *p[1] = { root };
		build_flagset(p, 1, &fs, NULL);
		usage_string(p, 1, &fs, &w);
		flagset_release(&fs);
		fflush(stdout);
		fputs(w.buf, stderr);
		strbuf_release(&w);
		strv_free(f.args);
		return 0;
	}
	struct cmd_ctx hctx = { .depth = f.depth, .cmd = f.path[f.depth - 1] };
	memcpy(hctx.path, f.path, sizeof(f.path));
	struct flag *hf = make_help_flag(hctx.cmd);
	build_flagset(hctx.path, hctx.depth, &hctx.flags, hf);
	cmd_print_help(&hctx);
	flagset_release(&hctx.flags);
	free_help_flag(hf);
	strv_free(f.args);
	return 0;
}

int cmd_execute(const struct command *root, char *const *argv, size_t argc)
{
	struct found f = { 0 };
	int r = find(root, argv, argc, &f);
	if (r < 0) {
		strv_free(f.args);
		return r;
	}
	struct cmd_ctx ctx = { .depth = f.depth, .cmd = f.path[f.depth - 1], .rootfd = AT_FDCWD,
			       .ext = { .result_dirfd = -1, .stdout_fd = -1 } };
	memcpy(ctx.path, f.path, sizeof(f.path));
	const struct command *c = ctx.cmd;

	if (c->deprecated) {
		_cleanup_free_ char *n = cmd_name(c);
		fprintf(stderr, "Command \"%s\" is deprecated, %s\n", n, c->deprecated);
	}
	ctx.called_as = f.called_as;
	struct flag *hf = make_help_flag(c);
	build_flagset(ctx.path, ctx.depth, &ctx.flags, hf);
	if (c->disable_flag_parsing) {
		ctx.flags.args = xcalloc(f.nargs + 1, sizeof(char *));
		for (size_t i = 0; i < f.nargs; i++)
			ctx.flags.args[i] = xstrdup(f.args[i]);
		r = 0;
	} else {
		r = flagset_parse(&ctx.flags, f.args, f.nargs);
	}
	strv_free(f.args);
	/* klog's -v takes effect as soon as it is parsed, even when a later flag fails */
	set_log_level(&ctx.flags);
	if (r == 0 && ctx.flags.warnings.len) {
		fflush(stdout);
		fputs(ctx.flags.warnings.buf, stderr);
	}
	if (r < 0) {
		flagset_release(&ctx.flags);
		free_help_flag(hf);
		return r;
	}
	ctx.args = ctx.flags.args;
	if (flagset_get_bool(&ctx.flags, "help") || r == 1 || !runnable(c)) {
		cmd_print_help(&ctx);
		flagset_release(&ctx.flags);
		free_help_flag(hf);
		return 0;
	}
	r = validate_args(&ctx);
	if (r >= 0)
		r = cmd_extensions_start(&ctx, argv, argc);
	if (r >= 0)
		r = persistent_pre_run(&ctx);
	if (r >= 0)
		r = c->run(&ctx);
	fflush(stdout);
	cmd_extensions_finish(&ctx, r);
	flagset_release(&ctx.flags);
	free_help_flag(hf);
	return r < 0 ? r : 0;
}

int cmd_not_built(struct cmd_ctx *ctx)
{
	_cleanup_free_ char *p = cmd_path_string(ctx->path, ctx->depth);
	return error_set(-ENOSYS, "\"%s\" is not implemented in this build", p);
}

/* ---- cobra's GenBashCompletion (bash_completions.go) ------------------------------------------ */

static void bash_flag(struct strbuf *b, const struct flag *f)
{
	bool noopt = f->type == FLAG_BOOL || f->no_opt_def;
	strbuf_addf(b, "    flags+=(\"--%s%s\")\n", f->name, noopt ? "" : "=");
	if (!noopt)
		strbuf_addf(b, "    two_word_flags+=(\"--%s\")\n", f->name);
	if (f->shorthand)
		strbuf_addf(b, "    %sflags+=(\"-%c\")\n", noopt ? "" : "two_word_", f->shorthand);
}

static bool in_table(const struct flag *t, const char *name)
{
	for (; t && t->name; t++)
		if (streq(t->name, name))
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void bash_gen(const struct command **path, size_t depth, const struct command *exec_cmd,
		     struct strbuf *b)
{
	const struct command *c = path[depth - 1];
	bool is_root = depth == 1;
	_cleanup_free_ const struct command **ch = children_all(c, is_root, true);
	size_t nch = 0;
	while (ch[nch])
		nch++;
	qsort(ch, nch, sizeof(*ch), cmp_cmd);
	for (size_t i = 0; i < nch && depth < CMD_MAX_DEPTH; i++) {
		if (!is_available(ch[i], false) && ch[i] != &help_command)
			continue;
		path[depth] = ch[i];
		bash_gen(path, depth + 1, exec_cmd, b);
	}
	_cleanup_free_ char *cpath = cmd_path_string((const struct command *const *)path, depth);
	for (char *p = cpath; *p; p++)
		if (*p == ' ')
			*p = '_';
	if (is_root)
		strbuf_addf(b, "_%s_root_command()\n{\n", cpath);
	else
		strbuf_addf(b, "_%s()\n{\n", cpath);
	strbuf_addf(b, "    last_command=\"%s\"\n\n    command_aliases=()\n\n    commands=()\n", cpath);
	for (size_t i = 0; i < nch; i++) {
		if (!is_available(ch[i], false) && ch[i] != &help_command)
			continue;
		_cleanup_free_ char *n = cmd_name(ch[i]);
		strbuf_addf(b, "    commands+=(\"%s\")\n", n);
		if (ch[i]->aliases && ch[i]->aliases[0]) {
			_cleanup_strv_free_ char **al = NULL;
			for (const char *const *a = ch[i]->aliases; *a; a++)
				strv_push(&al, *a);
			qsort(al, strv_length(al), sizeof(char *), cmp_str);
			strbuf_addstr(b, "    if [[ -z \"${BASH_VERSION:-}\" || \"${BASH_VERSINFO[0]:-}\" -gt 3 ]]; then\n");
			STRV_FOREACH(a, al)
				strbuf_addf(b, "        command_aliases+=(\"%s\")\n        aliashash[\"%s\"]=\"%s\"\n",
					    *a, *a, n);
			strbuf_addstr(b, "    fi\n");
		}
	}
	strbuf_addstr(b, "\n    flags=()\n    two_word_flags=()\n    local_nonpersistent_flags=()\n"
			 "    flags_with_completion=()\n    flags_completion=()\n\n");

	struct flagset fs;
	struct flag *hf = c == exec_cmd ? make_help_flag(c) : NULL;
	build_flagset((const struct command *const *)path, depth, &fs, hf);
	_cleanup_free_ const struct flag_value **sorted = xcalloc(fs.n + 1, sizeof(*sorted));
	for (int local = 1; local >= 0; local--) {
		size_t n = 0;
		for (size_t i = 0; i < fs.n; i++)
			if (fs.v[i].local == (bool)local)
				sorted[n++] = &fs.v[i];
		qsort(sorted, n, sizeof(*sorted), cmp_fv_name);
		for (size_t i = 0; i < n; i++) {
			const struct flag *f = sorted[i]->flag;
			if (f->hidden || f->deprecated)
				continue;
			bash_flag(b, f);
			if (local && !in_table(c->persistent_flags, f->name)) {
				bool noopt = f->type == FLAG_BOOL || f->no_opt_def;
				strbuf_addf(b, "    local_nonpersistent_flags+=(\"--%s\")\n", f->name);
				if (!noopt)
					strbuf_addf(b, "    local_nonpersistent_flags+=(\"--%s=\")\n", f->name);
				if (f->shorthand)
					strbuf_addf(b, "    local_nonpersistent_flags+=(\"-%c\")\n",
						    f->shorthand);
			}
		}
	}
	strbuf_addstr(b, "\n    must_have_one_flag=()\n");
	for (size_t i = 0; i < fs.n; i++) {
		const struct flag *f = fs.v[i].flag;
		if (!fs.v[i].local || f->hidden || f->deprecated || !f->required)
			continue;
		strbuf_addf(b, "    must_have_one_flag+=(\"--%s%s\")\n", f->name,
			    f->type == FLAG_BOOL ? "" : "=");
		if (f->shorthand)
			strbuf_addf(b, "    must_have_one_flag+=(\"-%c\")\n", f->shorthand);
	}
	flagset_release(&fs);
	free_help_flag(hf);
	strbuf_addstr(b, "    must_have_one_noun=()\n");
	_cleanup_strv_free_ char **nouns = NULL;
	for (const char *const *v = c->valid_args; v && *v; v++)
		strv_push(&nouns, *v);
	if (nouns)
		qsort(nouns, strv_length(nouns), sizeof(char *), cmp_str);
	STRV_FOREACH(v, nouns)
		strbuf_addf(b, "    must_have_one_noun+=(\"%s\")\n", *v);
	if (c == &help_command)
		strbuf_addstr(b, "    has_completion_function=1\n");
	strbuf_addstr(b, "    noun_aliases=()\n}\n\n");
}

void cmd_gen_bash_completion(const struct command *root, const struct command *exec_cmd,
			     struct strbuf *out)
{
	const struct command *path[CMD_MAX_DEPTH] = { root };
	bash_gen(path, 1, exec_cmd, out);
}

/* ---- cobra's __complete (completions.go getCompletions) ---------------------------------------- */

enum {
	DIRECTIVE_DEFAULT = 0,
	DIRECTIVE_NO_SPACE = 2,
	DIRECTIVE_NO_FILE_COMP = 4,
};

static bool multi_valued(const struct flag *f)
{
	return f->type == FLAG_STRING_SLICE || f->type == FLAG_STRING_ARRAY ||
	       f->type == FLAG_STRING_TO_STRING;
}

static void flag_name_completions(const struct flag *f, const char *to_complete, char ***out)
{
	if (f->hidden || f->deprecated)
		return;
	_cleanup_free_ char *l = xasprintf("--%s", f->name);
	if (strneq(l, to_complete, strlen(to_complete)))
		strv_consume(out, xasprintf("%s\t%s", l, f->usage));
	if (f->shorthand) {
		char sh[3] = { '-', f->shorthand, 0 };
		if (strneq(sh, to_complete, strlen(to_complete)))
			strv_consume(out, xasprintf("%s\t%s", sh, f->usage));
	}
}

/* Inherited flags first, then the command's own, each sorted by name. */
static size_t sorted_flags(const struct flagset *fs, const struct flag_value **out)
{
	size_t n = 0;
	for (int local = 0; local <= 1; local++) {
		size_t start = n;
		for (size_t i = 0; i < fs->n; i++)
			if (fs->v[i].local == (bool)local)
				out[n++] = &fs->v[i];
		qsort(out + start, n - start, sizeof(*out), cmp_fv_name);
	}
	return n;
}

static void require_flag_completions(const struct flagset *fs, const char *to_complete,
				     char ***out)
{
	_cleanup_free_ const struct flag_value **v = xcalloc(fs->n + 1, sizeof(*v));
	size_t n = sorted_flags(fs, v);
	for (size_t i = 0; i < n; i++)
		if (v[i]->flag->required && !v[i]->changed)
			flag_name_completions(v[i]->flag, to_complete, out);
}

static const struct flag *find_flag_any(const struct flagset *fs, const char *name)
{
	if (strlen(name) == 1) {
		struct flag_value *fv = flagset_lookup_shorthand(fs, name[0]);
		if (fv)
			return fv->flag;
	}
	struct flag_value *fv = flagset_lookup(fs, name);
	return fv ? fv->flag : NULL;
}

static bool is_flag_arg(const char *a)
{
	size_t n = strlen(a);
	return (n >= 3 && strneq(a, "--", 2)) || (n >= 2 && a[0] == '-' && a[1] != '-');
}

static int get_completions(const struct command *root, char *const *args, size_t nargs,
			   char ***ret, int *ret_directive)
{
	const char *orig_last = args[nargs - 1];
	struct found f = { 0 };
	int r = find(root, args, nargs - 1, &f);
	if (r < 0) {
		strv_free(f.args);
		_cleanup_free_ char *list = strv_join((char **)args, " ");
		list[strlen(list) - strlen(orig_last) - (nargs > 1 ? 1 : 0)] = 0;
		return error_set(-EINVAL, "unable to find a command for arguments: [%s]", list);
	}
	const struct command *c = f.path[f.depth - 1];
	struct flag *hf = make_help_flag(c);
	struct flagset fs;
	build_flagset(f.path, f.depth, &fs, hf);

	/* checkIfFlagCompletion */
	const char *to_complete = orig_last;
	const struct flag *flag = NULL;
	_cleanup_free_ char *flag_name = NULL;
	bool with_equal = false;
	size_t nfinal = f.nargs;
	if (!c->disable_flag_parsing) {
		if (to_complete[0] == '-') {
			const char *eq = strchr(to_complete, '=');
			if (eq) {
				if (strneq(to_complete, "--", 2))
					flag_name = xstrndup(to_complete + 2, (size_t)(eq - to_complete - 2));
				else
					flag_name = xstrndup(eq - 1, 1);
				to_complete = eq + 1;
				with_equal = true;
			}
		} else if (f.nargs > 0 && is_flag_arg(f.args[f.nargs - 1]) &&
			   !strchr(f.args[f.nargs - 1], '=')) {
			const char *prev = f.args[f.nargs - 1];
			flag_name = strneq(prev, "--", 2) ? xstrdup(prev + 2)
							   : xstrdup(prev + strlen(prev) - 1);
			nfinal = f.nargs - 1;
		}
	}
	bool flag_err = false;
	if (flag_name) {
		flag = find_flag_any(&fs, flag_name);
		if (!flag) {
			flag_err = true;
			nfinal = f.nargs;
			to_complete = orig_last;
		} else if (!with_equal && (flag->type == FLAG_BOOL || flag->no_opt_def)) {
			nfinal = f.nargs;
			flag = NULL;
		}
	}

	/* parse once with a trailing "--" and once without: more args means a flag value */
	struct flagset probe;
	build_flagset(f.path, f.depth, &probe, hf);
	char **withdash = xcalloc(nfinal + 2, sizeof(char *));
	for (size_t i = 0; i < nfinal; i++)
		withdash[i] = f.args[i];
	withdash[nfinal] = (char *)"--";
	(void)flagset_parse(&probe, withdash, nfinal + 1);
	size_t new_count = strv_length(probe.args);
	free(withdash);
	flagset_release(&probe);
	r = flagset_parse(&fs, f.args, nfinal);
	if (r < 0) {
		_cleanup_free_ char *cause = xstrdup(error_message(r));
		char *keep = nfinal < f.nargs ? f.args[nfinal] : NULL;
		if (keep)
			f.args[nfinal] = NULL;
		_cleanup_free_ char *list = strv_join(f.args, " ");
		if (keep)
			f.args[nfinal] = keep;
		r = error_set(-EINVAL, "Error while parsing flags from args [%s]: %s", list, cause);
		flagset_release(&fs);
		free_help_flag(hf);
		strv_free(f.args);
		return r;
	}
	bool flag_completion = !(new_count > strv_length(fs.args));
	char **out = NULL;
	int directive = DIRECTIVE_DEFAULT;
	if (flag_err && flag_completion) {
		_cleanup_free_ char *cn = cmd_name(c);
		r = error_set(-EINVAL, "Subcommand '%s' does not support flag '%s'", cn, flag_name);
		flagset_release(&fs);
		free_help_flag(hf);
		strv_free(f.args);
		return r;
	}
	if (flagset_changed(&fs, "help")) {
		*ret = NULL;
		*ret_directive = DIRECTIVE_NO_FILE_COMP;
		flagset_release(&fs);
		free_help_flag(hf);
		strv_free(f.args);
		return 0;
	}
	size_t nargs_final = strv_length(fs.args);
	if (!flag && to_complete[0] == '-' && !strchr(to_complete, '=') && flag_completion) {
		require_flag_completions(&fs, to_complete, &out);
		if (!out) {
			_cleanup_free_ const struct flag_value **v = xcalloc(fs.n + 1, sizeof(*v));
			size_t n = sorted_flags(&fs, v);
			for (size_t i = 0; i < n; i++)
				if (!v[i]->changed || multi_valued(v[i]->flag))
					flag_name_completions(v[i]->flag, to_complete, &out);
		}
		directive = DIRECTIVE_NO_FILE_COMP;
		if (strv_length(out) == 1 && out[0][strlen(out[0]) - 1] == '=')
			directive = DIRECTIVE_NO_SPACE;
	} else if (!flag || !flag_completion) {
		bool local_np = false;
		for (size_t i = 0; i < fs.n; i++)
			if (fs.v[i].local && fs.v[i].changed &&
			    !in_table(c->persistent_flags, fs.v[i].flag->name) &&
			    !streq(fs.v[i].flag->name, "help"))
				local_np = true;
		if (!flag && nargs_final == 0 && !local_np) {
			_cleanup_free_ const struct command **ch = children_of(c, f.depth == 1);
			size_t nch = 0;
			while (ch[nch])
				nch++;
			qsort(ch, nch, sizeof(*ch), cmp_cmd);
			for (size_t i = 0; i < nch; i++) {
				if (!is_available(ch[i], false) && ch[i] != &help_command)
					continue;
				_cleanup_free_ char *n = cmd_name(ch[i]);
				if (strneq(n, to_complete, strlen(to_complete)))
					strv_consume(&out, xasprintf("%s\t%s", n,
								     strempty(ch[i]->short_desc)));
				directive = DIRECTIVE_NO_FILE_COMP;
			}
		}
		if (!flag)
			require_flag_completions(&fs, to_complete, &out);
		if (!flag && c->valid_args) {
			if (nargs_final == 0) {
				_cleanup_strv_free_ char **va = NULL;
				for (const char *const *v = c->valid_args; *v; v++)
					strv_push(&va, *v);
				STRV_FOREACH(v, va)
					if (strneq(*v, to_complete, strlen(to_complete)))
						strv_push(&out, *v);
				directive = DIRECTIVE_NO_FILE_COMP;
			}
		} else if (!flag && c == &help_command) {
			/* the help command's ValidArgsFunction */
			struct found hf2 = { 0 };
			if (find(root, fs.args, nargs_final, &hf2) >= 0) {
				const struct command *t = hf2.path[hf2.depth - 1];
				_cleanup_free_ const struct command **ch = children_of(t, hf2.depth == 1);
				size_t nch = 0;
				while (ch[nch])
					nch++;
				qsort(ch, nch, sizeof(*ch), cmp_cmd);
				for (size_t i = 0; i < nch; i++) {
					if (!is_available(ch[i], false) && ch[i] != &help_command)
						continue;
					_cleanup_free_ char *n = cmd_name(ch[i]);
					if (strneq(n, to_complete, strlen(to_complete)))
						strv_consume(&out, xasprintf("%s\t%s", n,
									     strempty(ch[i]->short_desc)));
				}
			} else {
				error_clear();
			}
			strv_free(hf2.args);
			directive = DIRECTIVE_NO_FILE_COMP;
		}
	}
	flagset_release(&fs);
	free_help_flag(hf);
	strv_free(f.args);
	*ret = out;
	*ret_directive = directive;
	return 0;
}

static void directive_string(int d, struct strbuf *sb)
{
	static const struct {
		int bit;
		const char *name;
	} names[] = {
		{ 1, "ShellCompDirectiveError" }, { 2, "ShellCompDirectiveNoSpace" },
		{ 4, "ShellCompDirectiveNoFileComp" }, { 8, "ShellCompDirectiveFilterFileExt" },
		{ 16, "ShellCompDirectiveFilterDirs" }, { 32, "ShellCompDirectiveKeepOrder" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (d & names[i].bit)
			strbuf_addf(sb, "%s%s", sb->len ? ", " : "", names[i].name);
	if (!sb->len)
		strbuf_addstr(sb, "ShellCompDirectiveDefault");
}

static int complete_cmd_run(struct cmd_ctx *ctx)
{
	char **comps = NULL;
	int directive = DIRECTIVE_DEFAULT;
	int r = get_completions(ctx->path[0], ctx->args, strv_length(ctx->args), &comps,
				&directive);
	if (r < 0) {
		fflush(stdout);
		fprintf(stderr, "[Debug] [Error] %s\n", error_message(r));
		error_clear();
	}
	bool no_desc = ctx->called_as && streq(ctx->called_as, "__completeNoDesc");
	if (!no_desc) {
		const char *e = getenv("KUBEADM_COMPLETION_DESCRIPTIONS");
		if (!e || !*e)
			e = getenv("COBRA_COMPLETION_DESCRIPTIONS");
		bool b;
		if (e && parse_bool(e, &b) >= 0)
			no_desc = !b;
	}
	STRV_FOREACH(c, comps) {
		size_t n = no_desc ? strcspn(*c, "\t") : strlen(*c);
		n = strcspn(*c, "\n") < n ? strcspn(*c, "\n") : n;
		_cleanup_free_ char *s = xstrndup(*c, n);
		char *b = s;
		while (*b && strchr(" \t\r\v\f", *b))
			b++;
		size_t l = strlen(b);
		while (l && strchr(" \t\r\v\f", b[l - 1]))
			b[--l] = 0;
		printf("%s\n", b);
	}
	printf(":%d\n", directive);
	fflush(stdout);
	struct strbuf d = STRBUF_INIT;
	directive_string(directive, &d);
	fprintf(stderr, "Completion ended with directive: %s\n", d.buf);
	strbuf_release(&d);
	strv_free(comps);
	return 0;
}

/* ---- documentation walk (the man pages and fish completion of src/cmd/gen-doc.c) ---------- */

static void walk(const struct command **path, size_t depth, cmd_walk_fn fn, void *userdata)
{
	const struct command *c = path[depth - 1];
	bool is_root = depth == 1;
	/* cobra's GenManTree: the available commands, not the additional help topics (whose
	 * help is their text alone) */
	if (!is_root && (!is_available(c, false) || is_help_topic(c) || c->unlisted))
		return;
	struct flag *help = make_help_flag(c);
	struct flagset fs;
	build_flagset(path, depth, &fs, help);
	_cleanup_free_ const struct command **ch = children_of(c, is_root);
	size_t nch = 0;
	while (ch[nch])
		nch++;
	qsort(ch, nch, sizeof(*ch), cmp_cmd);
	/* the children that the command's help lists, for the page's SEE ALSO */
	_cleanup_free_ const struct command **listed = xcalloc(nch + 1, sizeof(*listed));
	size_t nl = 0;
	for (size_t i = 0; i < nch; i++)
		if (ch[i] != &help_command && !ch[i]->unlisted && is_available(ch[i], false) &&
		    !is_help_topic(ch[i]))
			listed[nl++] = ch[i];
	_cleanup_free_ char *lng = cmd_long_text(c);
	fn(path, depth, lng, &fs, listed, userdata);
	flagset_release(&fs);
	free_help_flag(help);
	if (depth >= CMD_MAX_DEPTH)
		return;
	for (size_t i = 0; i < nl; i++) {
		path[depth] = listed[i];
		walk(path, depth + 1, fn, userdata);
	}
}

void cmd_walk(const struct command *root, cmd_walk_fn fn, void *userdata)
{
	const struct command *path[CMD_MAX_DEPTH] = { root };
	walk(path, 1, fn, userdata);
}
