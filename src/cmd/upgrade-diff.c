/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kubeadm upgrade diff [version]` (cmd/kubeadm/app/cmd/upgrade/diff.go): the unified diff
 * between the control-plane static Pod manifests on disk and those the cluster's
 * configuration gives for the target version.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmdutil.h"
#include "cmd/commands.h"
#include "config/config.h"
#include "config/version.h"
#include "kube/client.h"
#include "manifests/manifests.h"
#include "phases/cluster-config.h"
#include "pki/pki.h"
#include "util/difflib.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define MANIFEST_MAX (16 << 20)

DEFINE_TRIVIAL_CLEANUP_FUNC(struct kube_client *, kube_client_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct init_config *, config_init_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct upgrade_config *, config_upgrade_free);

/* The manifests diffed, in the order printed (kubeadm ranges over a Go map: a random order
 * per run). Etcd is not diffed. */
static const struct {
	const char *component, *path;
} manifests[] = {
	{ MANIFESTS_APISERVER, "/etc/kubernetes/manifests/kube-apiserver.yaml" },
	{ MANIFESTS_CONTROLLER_MANAGER, "/etc/kubernetes/manifests/kube-controller-manager.yaml" },
	{ MANIFESTS_SCHEDULER, "/etc/kubernetes/manifests/kube-scheduler.yaml" },
};

#define N_MANIFESTS (sizeof(manifests) / sizeof(manifests[0]))

/* validateManifestsPath: each manifest exists and is not a directory. */
static int validate_manifests_path(void)
{
	for (size_t i = 0; i < N_MANIFESTS; i++) {
		const char *p = manifests[i].path;
		struct stat st;
		if (stat(p, &st) < 0) {
			int e = errno;
			if (e == ENOENT)
				return error_set(-e, "the manifest file \"%s\" does not exist: stat %s: %s",
						 p, p, go_strerror(e));
			return error_set(-e, "error obtaining stats for manifest file \"%s\": stat %s: %s",
					 p, p, go_strerror(e));
		}
		if (S_ISDIR(st.st_mode))
			return error_set(-EISDIR, "\"%s\" is a directory", p);
	}
	return 0;
}

/* certphase.UsingExternalCA for the controller-manager, errors ignored as GetStaticPodSpecs
 * does. */
static bool using_external_ca(const struct init_config *ic)
{
	struct pki_params p = { .cert_dir = ic->cluster.certificates_dir, .rootfd = AT_FDCWD };
	bool ext = false;
	if (pki_using_external_ca(&p, &ext) < 0) {
		error_clear();
		ext = false;
	}
	return ext;
}

/* The version to diff against: the cluster's kubernetesVersion, then diff.kubernetesVersion,
 * then the argument (with exactly one argument). Borrowed. */
static int target_version(const struct cmd_ctx *ctx, const struct init_config *ic,
			  const struct upgrade_config *cfg, const char **ret)
{
	const char *v = ic->cluster.kubernetes_version;
	if (cfg->upgrade.diff.kubernetes_version && *cfg->upgrade.diff.kubernetes_version)
		v = cfg->upgrade.diff.kubernetes_version;
	size_t nargs = strv_length(ctx->args);
	if (!v || !*v) {
		/* cmdutil.ValidateExactArgNumber(args, ["version"]): "" arguments do not count */
		size_t valid = 0;
		for (size_t i = 0; i < nargs; i++)
			valid += ctx->args[i][0] != '\0';
		if (valid > 1)
			return error_set(-EINVAL, "too many arguments. Required arguments: [version]");
		if (valid < 1)
			return error_set(-EINVAL,
					 "missing one or more required arguments. Required arguments: [version]");
	}
	if (nargs == 1)
		v = ctx->args[0];
	struct semver sv;
	int r = semver_parse(v ? v : "", &sv);
	if (r < 0)
		return r;
	*ret = v;
	return 0;
}

static int diff_one(const struct init_config *ic, size_t i, int context)
{
	/* GetStaticPodSpecs(cfg, endpoint, nil): no proxy environment variables */
	char *no_env[] = { NULL };
	struct manifests_options o = { .rootfd = AT_FDCWD, .environ = no_env };
	if (streq(manifests[i].component, MANIFESTS_CONTROLLER_MANAGER))
		o.external_ca = using_external_ca(ic);
	_cleanup_(json_decrefp) json_t *pod = NULL;
	int r = manifests_pod_build(ic, manifests[i].component, &o, &pod);
	if (r < 0)
		return r;
	_cleanup_free_ char *new_yaml = manifests_pod_yaml(pod);
	_cleanup_free_ char *existing = NULL;
	r = fs_read_file(AT_FDCWD, manifests[i].path, MANIFEST_MAX, &existing, NULL);
	if (r < 0)
		return error_set(r, "open %s: %s", manifests[i].path, go_strerror(-r));
	_cleanup_strv_free_ char **a = difflib_split_lines(existing);
	_cleanup_strv_free_ char **b = difflib_split_lines(new_yaml);
	const struct difflib_unified d = {
		.a = a, .b = b, .from_file = manifests[i].path, .to_file = "new manifest",
		.context = context,
	};
	_cleanup_free_ char *out = difflib_unified_diff(&d);
	fputs(out, stdout);
	fflush(stdout);
	return 0;
}

int cmd_upgrade_diff(struct cmd_ctx *ctx)
{
	const struct flagset *fs = &ctx->flags;
	int r = validate_manifests_path();
	if (r < 0)
		return r;
	r = cmd_validate_mixed_arguments(fs);
	if (r < 0)
		return r;

	/* LoadOrDefaultUpgradeConfiguration with an empty external config: no flag goes in */
	const char *cfg_path = cmd_flag_string_or(fs, "config", "");
	struct config_load_options lo = { 0 };
	_cleanup_(config_upgrade_freep) struct upgrade_config *cfg = NULL;
	r = config_load_upgrade(*cfg_path ? cfg_path : NULL, NULL, &lo, &cfg);
	if (r < 0)
		return r;

	const char *kubeconfig = cmd_flag_string_or(fs, "kubeconfig", "/etc/kubernetes/admin.conf");
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	r = kube_client_new_from_file(kubeconfig, &c);
	if (r < 0) {
		/* kubeconfigutil.ClientSetFromFile */
		if (r == -ENOENT || r == -EACCES || r == -EBADMSG)
			error_wrap(r, "failed to load admin kubeconfig");
		else
			error_wrap(r, "failed to create API client configuration from kubeconfig");
		return error_wrap(r, "couldn't create a Kubernetes client from file \"%s\"", kubeconfig);
	}
	long timeout = 60000;
	const struct cfg_timeouts *t = cfg->upgrade.timeouts;
	if (t && t->kubernetes_api_call.set)
		timeout = (long)(t->kubernetes_api_call.ns / 1000000);
	kube_client_set_api_call_timeout(c, timeout, 0);
	struct stat st;
	const struct phases_fetch_options fo = {
		.log_prefix = "upgrade/diff",
		.node_registration = true,
		/* staticpodutil.IsControlPlaneNode */
		.api_endpoint = !(stat(manifests[0].path, &st) < 0 && errno == ENOENT),
		.component_configs = false,
		.api_timeout_ms = timeout,
		.configmap_poll_ms = timeout > 0 ? timeout : 1,
		.rootfd = AT_FDCWD,
	};
	_cleanup_(config_init_freep) struct init_config *ic = NULL;
	r = phases_fetch_init_config(c, &fo, &ic);
	if (r < 0)
		return r;

	const char *version = NULL;
	r = target_version(ctx, ic, cfg, &version);
	if (r < 0)
		return r;
	char *v = xstrdup(version);
	free(ic->cluster.kubernetes_version);
	ic->cluster.kubernetes_version = v;

	/* cmdutil.ValueFromFlagsOrConfig: diff.contextLines (0 unless set) unless -c was given,
	 * so the effective default is 0 lines, not the 3 the help shows */
	int context = (int)cfg->upgrade.diff.context_lines;
	if (flagset_changed(fs, "context-lines"))
		context = (int)flagset_get_int(fs, "context-lines");
	for (size_t i = 0; i < N_MANIFESTS; i++) {
		r = diff_one(ic, i, context);
		if (r < 0)
			return r;
	}
	return 0;
}
