/* SPDX-License-Identifier: Apache-2.0 */
/* init phase "etcd" (cmd/kubeadm/app/cmd/phases/init/etcd.go). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "manifests/manifests.h"
#include "phases/init.h"
#include "phases/init/manifests-glue.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"

/* Go's syscall errno texts for mkdir. */
/* prepareAndWriteEtcdStaticPod for an empty initial cluster. */
static int write_etcd_manifest(struct run_ctx *ctx, int rootfd, const char *dir)
{
	json_t *pod = NULL;
	struct manifests_options o = { .rootfd = rootfd };
	int r = manifests_pod_build(ctx->cfg, MANIFESTS_ETCD, &o, &pod);
	if (r < 0)
		return r;
	if (glue_rootless(ctx)) {
		if (!ctx->dry_run) {
			json_decref(pod);
			return error_set(-ENOTSUP, "failed to create users and groups: the RootlessControlPlane feature gate is not supported by this build");
		}
		printf("[etcd] Would create users and groups for \"etcd\" to run as non-root\n");
		printf("[etcd] Would update static pod manifest for \"etcd\" to run run as non-root\n");
	}
	const char *patches = glue_patches_dir(ctx);
	if (patches) {
		fflush(stdout);
		r = manifests_pod_patch(&pod, patches, stdout);
		fflush(stdout);
		if (r < 0) {
			json_decref(pod);
			return error_wrap(r, "failed to patch static Pod manifest file for \"etcd\"");
		}
	}
	r = manifests_pod_write(rootfd, dir, MANIFESTS_ETCD, pod);
	if (r < 0) {
		json_decref(pod);
		return error_wrap(r, "failed to create static pod manifest file for \"etcd\"");
	}
	if (ctx->dry_run) {
		_cleanup_free_ char *yaml = manifests_pod_yaml(pod);
		printf("[dryrun] Would write file \"/etc/kubernetes/manifests/etcd.yaml\" with content:\n%s", yaml);
		fflush(stdout);
	}
	json_decref(pod);
	log_v(1, "[etcd] wrote Static Pod manifest for a local etcd member to \"%s/etcd.yaml\"\n", dir);
	return 0;
}

int phase_init_etcd_local(struct run_ctx *ctx)
{
	const struct cfg_cluster_configuration *c = &ctx->cfg->cluster;
	if (c->etcd.external) {
		log_v(1, "[etcd] External etcd mode. Skipping the creation of a manifest for local etcd");
		return 0;
	}
	const char *data_dir = c->etcd.local && c->etcd.local->data_dir ? c->etcd.local->data_dir : "";
	_cleanup_close_ int rootfd = glue_root_fd(ctx);
	if (rootfd < 0)
		return error_set(-errno, "open /: %s", strerror(errno));
	_cleanup_free_ char *qdata = glue_quote(data_dir);
	if (!ctx->dry_run) {
		int r = fs_mkdir_p(rootfd, data_dir, 0700);
		if (r < 0)
			return error_set(r, "failed to create the etcd data directory: %s: mkdir %s: %s",
					 qdata, data_dir, go_strerror(-r));
	} else {
		printf("[etcd] Would ensure that %s directory is present\n", qdata);
	}
	_cleanup_free_ char *dir = glue_manifest_dir(ctx);
	_cleanup_free_ char *qdir = glue_quote(dir);
	printf("[etcd] Creating static Pod manifest for local etcd in %s\n", qdir);
	fflush(stdout);
	int r = write_etcd_manifest(ctx, rootfd, dir);
	if (r < 0)
		return error_wrap(r, "error creating local etcd static pod manifest file");
	return 0;
}
