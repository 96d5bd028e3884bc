/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test driver for tests/conformance/upgrade/run.sh (not installed): the addon phases of
 * `upgrade apply`/`upgrade node` (addons_upgrade_coredns / addons_upgrade_proxy) from the
 * command line, until the phases are wired to the apply and node run data.
 *   addons-upgrade-probe <config.yaml> <kubeconfig> <coredns|kube-proxy> [dry-run] [worker]
 * The configuration stands in for the one those commands fetch from the cluster. Prints what
 * the phase prints; exits 1 with "error: <message>" on failure.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addons/addons.h"
#include "config/config.h"
#include "kube/client.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/macro.h"

static int run(int argc, char **argv)
{
	_cleanup_free_ char *yaml = NULL;
	size_t len = 0;
	int r = fs_read_file(AT_FDCWD, argv[1], 1u << 20, &yaml, &len);
	if (r < 0)
		return error_wrap(r, "%s", argv[1]);
	struct config_load_options lo = { .skip_cri_detect = true };
	struct init_config *cfg = NULL;
	r = config_init_from_bytes(yaml, len, NULL, &lo, &cfg);
	if (r < 0)
		return r;
	struct kube_client *c = NULL;
	r = kube_client_new_from_file(argv[2], &c);
	if (r < 0) {
		config_init_free(cfg);
		return r;
	}
	struct addons_upgrade u = { .cfg = cfg, .client = c, .control_plane = true, .out = stdout };
	for (int i = 4; i < argc; i++) {
		if (streq(argv[i], "dry-run"))
			u.dry_run = true;
		else if (streq(argv[i], "worker"))
			u.control_plane = false;
	}
	r = streq(argv[3], "coredns") ? addons_upgrade_coredns(&u) : addons_upgrade_proxy(&u);
	kube_client_free(c);
	config_init_free(cfg);
	return r;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s <config.yaml> <kubeconfig> <coredns|kube-proxy> "
				"[dry-run] [worker]\n",
			argv[0]);
		return 2;
	}
	int r = run(argc, argv);
	if (r < 0) {
		fprintf(stderr, "error: %s\n", error_message(r));
		return 1;
	}
	return 0;
}
