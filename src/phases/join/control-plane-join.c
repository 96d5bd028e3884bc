/* SPDX-License-Identifier: Apache-2.0 */
/* join phase "control-plane-join" (cmd/kubeadm/app/cmd/phases/join/controlplanejoin.go,
 * runMarkControlPlanePhase; phases/markcontrolplane). The node patch is shared with init
 * (src/phases/mark-control-plane.c). */
#include <errno.h>
#include <stdio.h>

#include "phases/join.h"
#include "phases/join/join-data.h"
#include "phases/mark-control-plane.h"
#include "util/error.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

int phase_join_control_plane_join_mark_control_plane(struct run_ctx *ctx)
{
	struct join_data *d = join_data(ctx);
	struct kube_client *c = NULL;
	struct init_config *ic = NULL;
	int r = join_data_control_plane_client(d, &c, &ic);
	if (r <= 0)
		return r;
	const struct cfg_node_registration *nr = &ic->init.node_registration;
	const char *name = strempty(nr->name);
	if (d->dry_run) {
		printf("[control-plane-join] Would mark node %s as a control-plane\n", name);
		fflush(stdout);
		return 0;
	}
	r = phases_mark_control_plane(c, name, &nr->taints);
	if (r < 0)
		return error_wrap(r, "error applying control-plane label and taints");
	return 0;
}
