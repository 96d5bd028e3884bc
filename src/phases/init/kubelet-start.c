/* SPDX-License-Identifier: Apache-2.0 */
/* init phase "kubelet-start" (cmd/kubeadm/app/cmd/phases/init/kubelet.go). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kubelet/kubelet.h"
#include "phases/init.h"
#include "phases/init/manifests-glue.h"
#include "util/error.h"
#include "util/log.h"

int phase_init_kubelet_start(struct run_ctx *ctx)
{
	const struct init_config *cfg = ctx->cfg;
	if (!ctx->dry_run) {
		log_v(1, "Stopping the kubelet");
		kubelet_try_stop();
	}
	_cleanup_free_ char *dir = glue_kubelet_dir(ctx);
	_cleanup_close_ int rootfd = glue_root_fd(ctx);
	if (rootfd < 0)
		return error_set(-errno, "open /: %s", strerror(errno));
	int r = kubelet_write_env_file(rootfd, dir, &cfg->init.node_registration);
	if (r < 0)
		return error_wrap(r, "error writing a dynamic environment file for the kubelet");
	r = kubelet_write_instance_config(rootfd, dir, cfg->init.node_registration.cri_socket);
	if (r < 0)
		return error_wrap(r, "error writing instance kubelet configuration to disk");
	r = kubelet_write_config(rootfd, dir, cfg, glue_patches_dir(ctx), stdout);
	fflush(stdout);
	if (r < 0)
		return error_wrap(r, "error writing kubelet configuration to disk");
	if (!ctx->dry_run) {
		printf("[kubelet-start] Starting the kubelet\n");
		fflush(stdout);
		kubelet_try_start();
	}
	return 0;
}
