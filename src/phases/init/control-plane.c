/* SPDX-License-Identifier: Apache-2.0 */
/* init phase "control-plane" (cmd/kubeadm/app/cmd/phases/init/controlplane.go). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "manifests/manifests.h"
#include "phases/init.h"
#include "phases/init/manifests-glue.h"
#include "pki/pki.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"

int phase_init_control_plane(struct run_ctx *ctx)
{
	_cleanup_free_ char *dir = glue_manifest_dir(ctx);
	_cleanup_free_ char *q = glue_quote(dir);
	printf("[control-plane] Using manifest folder %s\n", q);
	fflush(stdout);
	return 0;
}

/* certphase.UsingExternalCA, errors ignored as GetStaticPodSpecs does. */
static bool using_external_ca(const struct run_ctx *ctx)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct pki_params p = {
		.cert_dir = ctx->cfg->cluster.certificates_dir,
		.rootfd = fd >= 0 ? fd : AT_FDCWD,
	};
	bool ext = false;
	if (pki_using_external_ca(&p, &ext) < 0)
		error_clear();
	if (fd >= 0)
		close(fd);
	return ext;
}

/* CreateStaticPodFiles for one component. */
static int create_static_pod(struct run_ctx *ctx, const char *component)
{
	_cleanup_free_ char *q = glue_quote(component);
	printf("[control-plane] Creating static Pod manifest for %s\n", q);
	fflush(stdout);
	_cleanup_free_ char *dir = glue_manifest_dir(ctx);
	log_v(1, "[control-plane] getting StaticPodSpecs");
	_cleanup_close_ int rootfd = glue_root_fd(ctx);
	if (rootfd < 0)
		return error_set(-errno, "open /: %s", strerror(errno));
	struct manifests_options o = { .rootfd = rootfd };
	if (streq(component, MANIFESTS_CONTROLLER_MANAGER))
		o.external_ca = using_external_ca(ctx);
	if (glue_rootless(ctx)) {
		if (!ctx->dry_run)
			return error_set(-ENOTSUP, "failed to create users and groups: the RootlessControlPlane feature gate is not supported by this build");
		printf("[control-plane] Would create users and groups for [%s] to run as non-root\n", component);
		printf("[control-plane] Would update static pod manifest for %s to run run as non-root\n", q);
	}
	json_t *pod = NULL;
	int r = manifests_pod_build(ctx->cfg, component, &o, &pod);
	if (r < 0)
		return r;
	size_t i;
	json_t *v;
	json_array_foreach(json_get_path(pod, "spec.volumes"), i, v)
		log_v(2, "[control-plane] adding volume \"%s\" for component \"%s\"",
		      json_string_value(json_object_get(v, "name")), component);
	const char *patches = glue_patches_dir(ctx);
	if (patches) {
		r = manifests_pod_patch(&pod, patches, stdout);
		fflush(stdout);
		if (r < 0) {
			json_decref(pod);
			return error_wrap(r, "failed to patch static Pod manifest file for %s", q);
		}
	}
	r = manifests_pod_write(rootfd, dir, component, pod);
	json_decref(pod);
	if (r < 0)
		return error_wrap(r, "failed to create static pod manifest file for %s", q);
	log_v(1, "[control-plane] wrote static Pod manifest for component %s to \"%s/%s.yaml\"\n", q,
	      dir, component);
	return 0;
}

int phase_init_control_plane_apiserver(struct run_ctx *ctx)
{
	return create_static_pod(ctx, MANIFESTS_APISERVER);
}

int phase_init_control_plane_controller_manager(struct run_ctx *ctx)
{
	return create_static_pod(ctx, MANIFESTS_CONTROLLER_MANAGER);
}

int phase_init_control_plane_scheduler(struct run_ctx *ctx)
{
	return create_static_pod(ctx, MANIFESTS_SCHEDULER);
}
