/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ckubeadm: kubeadm v1.37.2 in C. The command table is src/cmd/tables.c (cmd_root and its
 * children, generated from kubeadm's own cobra tree); this file runs it and prints the error as
 * kubeadm's errors.HandleError does.
 */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cmd/commands.h"
#include "config/version.h"
#include "kube/http.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xalloc.h"

int main(int argc, char **argv)
{
	/*
	 * A peer that hangs up (API server, etcd, CRI) must give an error, not kill the process:
	 * Go ignores SIGPIPE on sockets too (kube/transport writes TLS records with write(2)).
	 */
	signal(SIGPIPE, SIG_IGN);
	/*
	 * One malloc arena for every thread: the key generators and health checkers allocate
	 * little, and a arena each would keep its freed pages to itself (peak RSS, issue 6).
	 */
	mallopt(M_ARENA_MAX, 1);
	/*
	 * OpenSSL without the system's openssl.cnf (kubeadm, a Go program, does not read it
	 * either, so the same PKI and TLS come out everywhere) and without its atexit cleanup
	 * (1 ms of freeing what the process exit frees anyway).
	 */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT, NULL);
	/* version labels (stable-1, latest-1.37, ...) are resolved over HTTPS, as kubeadm does */
	kube_version_set_fetcher(kube_version_fetch);
	int r = cmd_execute(&cmd_root, argv + 1, (size_t)(argc > 0 ? argc - 1 : 0));
	fflush(stdout);
	/* every file written by the command reaches the disk before we report (util/fs.h) */
	int s = fs_sync_all();
	if (s < 0)
		log_warning("could not flush the files written to disk: %s", strerror(-s));
	if (r >= 0)
		return 0;
	_cleanup_free_ char *msg = xstrdup(error_message(r));
	/* errors.HandleError: above -v=4 the stack trace replaces the hint; ckubeadm has none */
	if (log_level > 4)
		fprintf(stderr, "error: %s\nno stack trace\n", msg);
	else
		fprintf(stderr, "error: %s\nTo see the stack trace of this error execute with --v=5 or higher\n",
			msg);
	return EXIT_GENERAL;
}
