/* SPDX-License-Identifier: Apache-2.0 */
/* reset phase "preflight" (cmd/kubeadm/app/cmd/phases/reset/preflight.go). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "phases/confirm.h"
#include "phases/reset.h"
#include "phases/reset/reset-data.h"
#include "preflight/preflight.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strbuf.h"

int phase_reset_preflight(struct run_ctx *ctx)
{
	struct reset_data *d = reset_data(ctx);
	if (!d->force && !d->dry_run) {
		log_warning("[reset] WARNING: Changes made to this host by 'kubeadm init' or 'kubeadm join' will be reverted.");
		int r = phases_confirm("reset", "Are you sure you want to proceed?", d->in);
		if (r < 0)
			return r;
	}
	printf("[preflight] Running pre-flight checks\n");
	fflush(stdout);
	return preflight_run_reset_checks(d->ignore_preflight_errors);
}
