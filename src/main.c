/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ckubeadm: kubeadm v1.37.2 in C. The command table is src/cmd/tables.c (cmd_root and its
 * children, generated from kubeadm's own cobra tree); this file runs it and prints the error as
 * kubeadm's errors.HandleError does.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "util/error.h"
#include "util/flags.h"
#include "util/log.h"
#include "util/xalloc.h"

/* The -v level as klog sees it when the error is printed (the flag may not have been parsed). */
static int verbosity(int argc, char **argv)
{
	int64_t v = log_level;
	for (int i = 1; i < argc; i++) {
		if (streq(argv[i], "--"))
			break;
		const char *val = NULL;
		if ((streq(argv[i], "-v") || streq(argv[i], "--v")) && i + 1 < argc)
			val = argv[i + 1];
		else if (strneq(argv[i], "--v=", 4))
			val = argv[i] + 4;
		else if (strneq(argv[i], "-v=", 3))
			val = argv[i] + 3;
		if (val)
			(void)go_parse_int(val, 10, 32, &v);
	}
	return (int)v;
}

int main(int argc, char **argv)
{
	int r = cmd_execute(&cmd_root, argv + 1, (size_t)(argc > 0 ? argc - 1 : 0));
	fflush(stdout);
	if (r >= 0)
		return 0;
	_cleanup_free_ char *msg = xstrdup(error_message(r));
	/* errors.HandleError: above -v=4 the stack trace replaces the hint; ckubeadm has none */
	if (verbosity(argc, argv) > 4)
		fprintf(stderr, "error: %s\nno stack trace\n", msg);
	else
		fprintf(stderr, "error: %s\nTo see the stack trace of this error execute with --v=5 or higher\n",
			msg);
	return EXIT_GENERAL;
}
