/* SPDX-License-Identifier: Apache-2.0 */
/* cmdutil.InteractivelyConfirmAction, for the phases that ask (reset, upgrade apply). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "phases/confirm.h"
#include "util/error.h"
#include "util/strbuf.h"

/*
 * cmdutil.InteractivelyConfirmAction: prints the question, reads one line (bufio.Scanner);
 * "y" or "yes" in any case proceeds.
 */
int phases_confirm(const char *action, const char *question, FILE *in)
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
