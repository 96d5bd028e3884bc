/* SPDX-License-Identifier: Apache-2.0 */
/* join phase "preflight" (cmd/kubeadm/app/cmd/phases/join/preflight.go). */
#include <errno.h>
#include <stdio.h>

#include "phases/join.h"
#include "phases/join/join-data.h"
#include "preflight/preflight.h"
#include "util/error.h"
#include "util/log.h"

int phase_join_preflight(struct run_ctx *ctx)
{
	struct join_data *d = join_data(ctx);
	printf("[preflight] Running pre-flight checks\n");
	fflush(stdout);
	log_v(1, "[preflight] Running general checks");
	int r = preflight_run_root_check(d->ignore_preflight_errors);
	if (r < 0)
		return r;
	r = preflight_run_join_checks(d->cfg, d->ignore_preflight_errors);
	if (r < 0)
		return r;
	struct init_config *ic = NULL;
	r = join_data_init_cfg(d, &ic);
	if (r < 0)
		return r;
	log_v(1, "[preflight] Running configuration dependant checks");
	if (d->cfg->join.control_plane)
		return error_set(-ENOSYS, "joining a control-plane node is not implemented in this build (phase preflight: checkIfReadyForAdditionalControlPlane, RunInitNodeChecks, image pull)");
	return 0;
}
