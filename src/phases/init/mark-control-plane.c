/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init phase "mark-control-plane" (phases/markcontrolplane): the control-plane labels and the
 * configured taints on this node's Node object, by a strategic merge patch (PatchNode).
 */
#include <errno.h>
#include <stdio.h>

#include "phases/init.h"
#include "phases/init/api-client.h"
#include "phases/mark-control-plane.h"
#include "util/error.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct kube_client *, kube_client_free);

int phase_init_mark_control_plane(struct run_ctx *ctx)
{
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	int r = init_api_client(ctx, &c);
	if (r < 0)
		return r;
	const struct cfg_node_registration *nr = &ctx->cfg->init.node_registration;
	return phases_mark_control_plane(c, strempty(nr->name), &nr->taints);
}
