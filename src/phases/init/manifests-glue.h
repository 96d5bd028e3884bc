/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared bits of the etcd, control-plane and kubelet-start phases (helper "manifests"):
 * the directories kubeadm's initData hands them (ManifestDir, KubeletDir, PatchesDir).
 */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/validation.h"
#include "phases/run-ctx.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/xalloc.h"

/*
 * The dry-run directory (kubeadmconstants.GetDryRunDir): $KUBEADM_INIT_DRYRUN_DIR, else a new
 * /etc/kubernetes/tmp/kubeadm-init-dryrunNNN with kubeadm's warning. Owned.
 * TODO(integrator): kubeadm computes it once in newInitData; run_ctx should carry it.
 */
static inline char *glue_dry_run_dir(void)
{
	const char *e = getenv("KUBEADM_INIT_DRYRUN_DIR");
	if (e && *e)
		return xstrdup(e);
	(void)fs_mkdir_p(AT_FDCWD, "/etc/kubernetes/tmp", 0700);
	char tmpl[] = "/etc/kubernetes/tmp/kubeadm-init-dryrunXXXXXX";
	if (!mkdtemp(tmpl))
		return xstrdup("/etc/kubernetes/tmp");
	log_warning("Using dry-run directory %s. To override it, set the environment variable %s",
		    tmpl, "KUBEADM_INIT_DRYRUN_DIR");
	return xstrdup(tmpl);
}

/* initData.ManifestDir(). Owned. */
static inline char *glue_manifest_dir(const struct run_ctx *ctx)
{
	if (ctx->dry_run && ctx->dry_run_dir)
		return xstrdup(ctx->dry_run_dir); /* computed once by newInitData (cmd/init.c) */
	return ctx->dry_run ? glue_dry_run_dir() : xstrdup("/etc/kubernetes/manifests");
}

/* initData.KubeletDir(). Owned. */
static inline char *glue_kubelet_dir(const struct run_ctx *ctx)
{
	if (ctx->dry_run && ctx->dry_run_dir)
		return xstrdup(ctx->dry_run_dir);
	return ctx->dry_run ? glue_dry_run_dir() : xstrdup("/var/lib/kubelet");
}

/* initData.PatchesDir(): --patches, else patches.directory; NULL when none. */
static inline const char *glue_patches_dir(const struct run_ctx *ctx)
{
	if (ctx->patches_dir && *ctx->patches_dir)
		return ctx->patches_dir;
	const struct cfg_patches *p = ctx->cfg->init.patches;
	if (p && p->directory && *p->directory)
		return p->directory;
	return NULL;
}

/* features.Enabled(cfg.FeatureGates, RootlessControlPlane) */
static inline bool glue_rootless(const struct run_ctx *ctx)
{
	return json_is_true(json_object_get(ctx->cfg->cluster.feature_gates, "RootlessControlPlane"));
}

/*
 * A directory fd for the root the phases write under. util/fs resolves every path relative
 * to its fd, and AT_FDCWD would mean the current directory when --rootfs is not given:
 * open "/" instead. Owned (close it).
 */
static inline int glue_root_fd(const struct run_ctx *ctx)
{
	if (ctx->rootfd != AT_FDCWD)
		return fcntl(ctx->rootfd, F_DUPFD_CLOEXEC, 3);
	return open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* %q for console lines. Owned. */
static inline char *glue_quote(const char *s)
{
	return cfg_go_quote(s);
}
