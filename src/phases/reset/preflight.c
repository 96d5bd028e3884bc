/* SPDX-License-Identifier: Apache-2.0 */
/* reset phase "preflight" (cmd/kubeadm/app/cmd/phases/reset/preflight.go). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "phases/reset.h"
#include "phases/reset/reset-data.h"
#include "preflight/preflight.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strbuf.h"

/*
 * cmdutil.InteractivelyConfirmAction: prints the question, reads one line (bufio.Scanner);
 * "y" or "yes" in any case proceeds.
 */
static int confirm(const char *action, const char *question, FILE *in)
{
	printf("[%s] %s [y/N]: ", action, question);
	fflush(stdout);
	struct strbuf line = STRBUF_INIT;
	int c;
	/* bufio.Scanner's default token limit: a longer line is an error */
	while ((c = fgetc(in)) != EOF && c != '\n') {
		if (line.len >= 64 * 1024) {
			strbuf_release(&line);
			return error_set(-E2BIG, "couldn't read from standard input: bufio.Scanner: token too long");
		}
		strbuf_addch(&line, (char)c);
	}
	if (line.len && line.buf[line.len - 1] == '\r')
		strbuf_setlen(&line, line.len - 1);
	const char *a = line.buf ? line.buf : "";
	bool yes = strcasecmp(a, "y") == 0 || strcasecmp(a, "yes") == 0;
	strbuf_release(&line);
	if (yes)
		return 0;
	return error_set(-ECANCELED,
			 "won't proceed; the user didn't answer (Y|y) in order to continue");
}

int phase_reset_preflight(struct run_ctx *ctx)
{
	struct reset_data *d = reset_data(ctx);
	if (!d->force && !d->dry_run) {
		log_warning("[reset] WARNING: Changes made to this host by 'kubeadm init' or 'kubeadm join' will be reverted.");
		int r = confirm("reset", "Are you sure you want to proceed?", d->in);
		if (r < 0)
			return r;
	}
	printf("[preflight] Running pre-flight checks\n");
	fflush(stdout);
	return preflight_run_reset_checks(d->ignore_preflight_errors);
}
