/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ckubeadm-gen-doc: the man pages and the fish completion of ckubeadm, made at build time from
 * the command and flag tables that drive `--help` (src/cmd/tables.c walked by cmd_walk), so the
 * two never drift. Not installed; meson runs it (see src/cmd/meson.build).
 *   ckubeadm-gen-doc man DIR    one page per documented command: DIR/ckubeadm[-path].1
 *   ckubeadm-gen-doc fish FILE  completions for fish (kubeadm's `completion` has bash and zsh)
 * The pages follow cobra's doc.GenManTree layout (NAME, SYNOPSIS, DESCRIPTION, OPTIONS, OPTIONS
 * INHERITED FROM PARENT COMMANDS, EXAMPLE, SEE ALSO), with the program called ckubeadm.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "build-config.h"
#include "cmd/commands.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define PROGRAM "ckubeadm"

/* Appends s as roff text: backslashes and hyphens escaped, control characters at a line's
 * start neutralised. */
static void roff(struct strbuf *out, const char *s)
{
	bool bol = true;
	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			strbuf_addstr(out, "\\&");
		if (*s == '\\')
			strbuf_addstr(out, "\\e");
		else if (*s == '-')
			strbuf_addstr(out, "\\-");
		else
			strbuf_addch(out, *s);
		bol = *s == '\n';
	}
}

/* A text block kept as written (kubeadm's help texts are laid out by hand). */
static void roff_block(struct strbuf *out, const char *s)
{
	struct strbuf t = STRBUF_INIT;
	while (*s == '\n')
		s++;
	strbuf_addstr(&t, s);
	strbuf_rtrim(&t);
	strbuf_addstr(out, ".PP\n.nf\n");
	roff(out, t.buf);
	strbuf_addstr(out, "\n.fi\n");
	strbuf_release(&t);
}

/* "ckubeadm init phase" for path[0..depth) (the root's name replaced by the program's). */
static char *program_path(const struct command *const *path, size_t depth, char sep)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, PROGRAM);
	for (size_t i = 1; i < depth; i++) {
		_cleanup_free_ char *n = cmd_name(path[i]);
		strbuf_addf(&sb, "%c%s", sep, n);
	}
	return strbuf_detach(&sb, NULL);
}

static void man_flags(struct strbuf *out, const struct flagset *fs, bool local, const char *title)
{
	_cleanup_free_ const struct flag_value **v = NULL;
	size_t n = flagset_listed(fs, local, &v);
	if (!n)
		return;
	strbuf_addf(out, ".SH %s\n", title);
	for (size_t i = 0; i < n; i++) {
		_cleanup_strbuf_ struct strbuf line = STRBUF_INIT, usage = STRBUF_INIT;
		flag_usage_parts(v[i]->flag, &line, &usage);
		const char *head = line.buf;
		while (*head == ' ')
			head++;
		strbuf_addstr(out, ".TP\n\\fB");
		roff(out, head);
		strbuf_addstr(out, "\\fP\n");
		roff(out, usage.buf);
		strbuf_addch(out, '\n');
	}
}

struct gen {
	const char *dir;
	struct strbuf fish;
	int r;
};

static void write_file(struct gen *g, const char *p, const struct strbuf *text)
{
	_cleanup_fclose_ FILE *f = fopen(p, "we");
	if (!f || fwrite(text->buf, 1, text->len, f) != text->len || fflush(f) != 0) {
		fprintf(stderr, "ckubeadm-gen-doc: %s: %s\n", p, strerror(errno));
		g->r = -EIO;
	}
}

static void man_page(const struct command *const *path, size_t depth, const char *long_text,
		     const struct flagset *fs, const struct command *const *children,
		     void *userdata)
{
	struct gen *g = userdata;
	const struct command *c = path[depth - 1];
	_cleanup_free_ char *page = program_path(path, depth, '-');
	_cleanup_free_ char *words = program_path(path, depth, ' ');
	_cleanup_strbuf_ struct strbuf m = STRBUF_INIT;
	_cleanup_free_ char *upper = xstrdup(page);
	for (char *p = upper; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	/* the date of the Kubernetes release it reproduces: the same pages for every build */
	strbuf_addf(&m, ".TH \"");
	roff(&m, upper);
	strbuf_addf(&m, "\" \"1\" \"%.10s\" \"ckubeadm %s (kubeadm %s)\" \"ckubeadm Manual\"\n",
		    KUBE_BUILD_DATE, CKUBEADM_VERSION, KUBE_GIT_VERSION);
	strbuf_addstr(&m, ".nh\n.ad l\n.SH NAME\n");
	roff(&m, page);
	strbuf_addstr(&m, " \\- ");
	roff(&m, c->short_desc ? c->short_desc : "");
	strbuf_addstr(&m, "\n.SH SYNOPSIS\n.PP\n\\fB");
	roff(&m, words);
	strbuf_addstr(&m, "\\fP");
	/* cobra's UseLine: the use line's arguments, " [flags]" when there are flags */
	const char *args = strchr(c->use, ' ');
	if (args)
		roff(&m, args);
	if (fs->n && !c->no_flags_in_use_line && !strstr(c->use, "[flags]"))
		strbuf_addstr(&m, " [flags]");
	if (children[0]) {
		strbuf_addstr(&m, "\n.br\n\\fB");
		roff(&m, words);
		strbuf_addstr(&m, "\\fP [command]");
	}
	strbuf_addstr(&m, "\n.SH DESCRIPTION\n");
	roff_block(&m, *long_text ? long_text : (c->short_desc ? c->short_desc : ""));
	man_flags(&m, fs, true, "OPTIONS");
	man_flags(&m, fs, false, "OPTIONS INHERITED FROM PARENT COMMANDS");
	if (c->example && *c->example) {
		strbuf_addstr(&m, ".SH EXAMPLE\n");
		roff_block(&m, c->example);
	}
	strbuf_addstr(&m, ".SH SEE ALSO\n.PP\n");
	bool first = true;
	if (depth > 1) {
		_cleanup_free_ char *parent = program_path(path, depth - 1, '-');
		strbuf_addstr(&m, "\\fB");
		roff(&m, parent);
		strbuf_addstr(&m, "(1)\\fP");
		first = false;
	}
	for (size_t i = 0; children[i]; i++) {
		_cleanup_free_ char *n = cmd_name(children[i]);
		strbuf_addf(&m, "%s\\fB", first ? "" : ", ");
		roff(&m, page);
		strbuf_addstr(&m, "\\-");
		roff(&m, n);
		strbuf_addstr(&m, "(1)\\fP");
		first = false;
	}
	strbuf_addch(&m, '\n');
	_cleanup_free_ char *file = xasprintf("%s/%s.1", g->dir, page);
	write_file(g, file, &m);
}

/* Appends s inside fish single quotes: its first line, \ and ' escaped. */
static void fish_quoted(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '\'');
	for (; *s && *s != '\n'; s++) {
		if (*s == '\\' || *s == '\'')
			strbuf_addch(out, '\\');
		strbuf_addch(out, *s);
	}
	strbuf_addch(out, '\'');
}

static void fish_command(const struct command *const *path, size_t depth, const char *long_text,
			 const struct flagset *fs, const struct command *const *children,
			 void *userdata)
{
	struct gen *g = userdata;
	struct strbuf *f = &g->fish;
	_cleanup_strbuf_ struct strbuf at = STRBUF_INIT;
	strbuf_addstr(&at, "__ckubeadm_at");
	for (size_t i = 1; i < depth; i++) {
		_cleanup_free_ char *n = cmd_name(path[i]);
		strbuf_addf(&at, " %s", n);
	}
	for (size_t i = 0; children[i]; i++) {
		_cleanup_free_ char *n = cmd_name(children[i]);
		strbuf_addf(f, "complete -c %s -f -n '%s' -a %s -d ", PROGRAM, at.buf, n);
		fish_quoted(f, children[i]->short_desc ? children[i]->short_desc : "");
		strbuf_addch(f, '\n');
	}
	for (int local = 1; local >= 0; local--) {
		_cleanup_free_ const struct flag_value **v = NULL;
		size_t n = flagset_listed(fs, local, &v);
		for (size_t i = 0; i < n; i++) {
			const struct flag *fl = v[i]->flag;
			strbuf_addf(f, "complete -c %s -n '%s' -l %s", PROGRAM, at.buf, fl->name);
			if (fl->shorthand && !fl->shorthand_deprecated)
				strbuf_addf(f, " -s %c", fl->shorthand);
			if (fl->type != FLAG_BOOL && !fl->no_opt_def)
				strbuf_addstr(f, " -r");
			strbuf_addstr(f, " -d ");
			fish_quoted(f, fl->usage);
			strbuf_addch(f, '\n');
		}
	}
}

static const char fish_head[] =
	"# fish completion for ckubeadm (and kubeadm, the same program), made from its command\n"
	"# tables by ckubeadm-gen-doc: do not edit.\n"
	"\n"
	"# The sub-command words typed so far (the words that are not flags), space-separated.\n"
	"function __ckubeadm_words\n"
	"    set -l words (commandline -opc)\n"
	"    set -e words[1]\n"
	"    string join ' ' -- (string match -v -- '-*' $words)\n"
	"end\n"
	"\n"
	"# True when the sub-command typed so far is exactly the arguments.\n"
	"function __ckubeadm_at\n"
	"    set -l w (__ckubeadm_words)\n"
	"    test \"$w\" = \"$argv\"\n"
	"end\n"
	"\n"
	"complete -c kubeadm -w ckubeadm\n";

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "man") != 0 && strcmp(argv[1], "fish") != 0)) {
		fprintf(stderr, "usage: ckubeadm-gen-doc man DIR | fish FILE\n");
		return 2;
	}
	struct gen g = { .dir = argv[2], .fish = STRBUF_INIT };
	if (strcmp(argv[1], "man") == 0) {
		if (mkdir(g.dir, 0755) < 0 && errno != EEXIST) {
			fprintf(stderr, "ckubeadm-gen-doc: %s: %s\n", g.dir, strerror(errno));
			return 1;
		}
		cmd_walk(&cmd_root, man_page, &g);
	} else {
		strbuf_addstr(&g.fish, fish_head);
		cmd_walk(&cmd_root, fish_command, &g);
		write_file(&g, argv[2], &g.fish);
	}
	strbuf_release(&g.fish);
	return g.r < 0 ? 1 : 0;
}
