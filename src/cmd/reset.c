/* SPDX-License-Identifier: Apache-2.0 */
/* `kubeadm reset` (cmd/kubeadm/app/cmd/reset.go): options, run data, the reset workflow. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/commands.h"
#include "config/config.h"
#include "cri/cri.h"
#include "kubeconfig/kubeconfig.h"
#include "phases/reset.h"
#include "phases/reset/reset-data.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define DEFAULT_CERT_DIR "/etc/kubernetes/pki"
#define DEFAULT_KUBECONFIG "/etc/kubernetes/admin.conf"

const struct workflow reset_workflow = { .name = "reset", .phases = phases_reset };

static const char manual_cleanup_instructions[] =
	"\n"
	"The reset process does not perform cleanup of CNI plugin configuration,\n"
	"network filtering rules and kubeconfig files.\n"
	"\n"
	"For information on how to perform this cleanup manually, please see:\n"
	"    https://k8s.io/docs/reference/setup-tools/kubeadm/kubeadm-reset/\n"
	"\n";

/* validation.ValidateMixedArguments: with --config only some flags may be set (sorted, as
 * pflag's Visit). */
static int validate_mixed_arguments(const struct flagset *fs)
{
	static const char *const allowed[] = {
		"config", "ignore-preflight-errors", "dry-run", "kubeconfig", "node-name",
		"kubeconfig-dir", "upload-certs", "print-manifest", "allow-missing-template-keys",
		"output", "show-managed-fields", "print-join-command", "rootfs", "v", "log-file",
		"yes", NULL,
	};
	if (!flagset_lookup(fs, "config") || !flagset_changed(fs, "config"))
		return 0;
	_cleanup_strv_free_ char **bad = NULL;
	for (size_t i = 0; i < fs->n; i++) {
		const char *n = fs->v[i].flag->name;
		if (!fs->v[i].changed || strv_contains((char *const *)allowed, n) ||
		    strneq(n, "skip-", 5))
			continue;
		strv_push(&bad, n);
	}
	if (!bad)
		return 0;
	strv_sort(bad);
	_cleanup_free_ char *j = strv_join(bad, " ");
	return error_set(-EINVAL, "can not mix '--config' with arguments [%s]", j);
}

static const char *flag_string_or(const struct flagset *fs, const char *name, const char *def)
{
	return flagset_lookup(fs, name) ? flagset_get_string(fs, name) : def;
}

/* cmdutil.ValueFromFlagsOrConfig for a bool. */
static bool flag_or_config(const struct flagset *fs, const char *name, bool cfg_value)
{
	if (flagset_lookup(fs, name) && flagset_changed(fs, name))
		return flagset_get_bool(fs, name);
	return cfg_value;
}

/*
 * FetchInitConfigurationFromCluster over the Kubernetes API.
 * TODO(integrator): this build has no Kubernetes API client yet (kube/ only does plain GETs);
 * once it has one, GET the kubeadm-config, kubelet-config and kube-proxy ConfigMaps, decode them
 * with config_init_from_cluster_data, fill nodeRegistration (the Node of this host) and, on a
 * control-plane node, localAPIEndpoint, then config_init_dynamic_defaults. Until then the
 * fetch fails the way an unreachable cluster does, and reset proceeds as kubeadm does then.
 */
static int reset_fetch_init_config_from_cluster(const char *kubeconfig_path,
						 struct init_config **ret)
{
	(void)kubeconfig_path;
	(void)ret;
	return error_set(-ENOSYS, "no Kubernetes API client in this build");
}

/*
 * kubeconfigutil.ClientSetFromFile + FetchInitConfigurationFromCluster as newResetData does:
 * a missing or unusable kubeconfig is only logged at -v=1; an unreachable cluster is a warning.
 */
static void fetch_init_config(struct reset_data *d)
{
	const char *path = d->kubeconfig_path;
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = fs_read_file(d->rootfd, path, 16u << 20, &data, &len);
	json_t *kc = NULL;
	if (r >= 0 && !d->dry_run)
		r = kubeconfig_parse(data, len, &kc);
	json_decref(kc);
	error_clear();
	if (r < 0) {
		log_v(1, "[reset] Could not obtain a client set from the kubeconfig file: %s", path);
		return;
	}
	log_v(1, "[reset] Loaded client set from kubeconfig file: %s", path);
	printf("[reset] Reading configuration from the \"kubeadm-config\" ConfigMap in namespace \"kube-system\"...\n");
	printf("[reset] Use 'kubeadm init phase upload-config kubeadm --config your-config-file' to re-upload it.\n");
	fflush(stdout);
	struct init_config *ic = NULL;
	r = reset_fetch_init_config_from_cluster(path, &ic);
	if (r < 0) {
		log_warning("[reset] Unable to fetch the kubeadm-config ConfigMap from cluster: failed to get config map: %s",
			    error_message(r));
		error_clear();
		return;
	}
	d->init_cfg = ic;
}

void reset_workflow_free(struct run_ctx *ctx)
{
	struct reset_data *d = reset_data(ctx);
	if (!d)
		return;
	config_reset_free(d->cfg);
	config_init_free(d->init_cfg);
	free(d->cert_dir);
	free(d->cri_socket);
	free(d->kubeconfig_path);
	strv_free(d->ignore_preflight_errors);
	free(d);
}

/* newResetData + the runner's data initializer in newCmdReset. */
int reset_workflow_init(struct cmd_ctx *ctx, struct workflow_options *opts, struct run_ctx **ret)
{
	const struct flagset *fs = &ctx->flags;
	int r = validate_mixed_arguments(fs);
	if (r < 0)
		return r;

	const char *cfg_path = flag_string_or(fs, "config", "");
	_cleanup_(json_decrefp) json_t *ov = NULL;
	r = flagset_overrides(fs, &ov);
	if (r < 0)
		return r;
	/* phases without --cri-socket do not depend on it: skip CRI detection */
	struct config_load_options lo = { .allow_experimental = true,
					  .skip_cri_detect = !flagset_lookup(fs, "cri-socket") };
	struct reset_config *cfg = NULL;
	r = config_load_reset(*cfg_path ? cfg_path : NULL, ov, &lo, &cfg);
	if (r < 0)
		return r;

	struct reset_data *d = xnew0(struct reset_data);
	d->cfg = cfg;
	d->flags = fs;
	d->rootfd = ctx->rootfd;
	d->in = stdin;
	d->kubeconfig_path = xstrdup(flag_string_or(fs, "kubeconfig", DEFAULT_KUBECONFIG));
	d->dry_run = flag_or_config(fs, "dry-run", cfg->reset.dry_run);

	fetch_init_config(d);

	char *const *cli_ignore = flagset_lookup(fs, "ignore-preflight-errors")
					  ? flagset_get_strv(fs, "ignore-preflight-errors")
					  : NULL;
	r = config_ignore_preflight_errors(cli_ignore, cfg->reset.ignore_preflight_errors,
					   &d->ignore_preflight_errors);
	if (r < 0) {
		reset_workflow_free((struct run_ctx *)(void *)d);
		return r;
	}
	if (d->init_cfg) {
		strv_free(d->init_cfg->init.node_registration.ignore_preflight_errors);
		d->init_cfg->init.node_registration.ignore_preflight_errors =
			strv_copy(d->ignore_preflight_errors);
	}

	const char *sock = flag_string_or(fs, "cri-socket", "");
	if (*sock) {
		d->cri_socket = xstrdup(sock);
	} else {
		/* resetDetectCRISocket */
		if (cfg->reset.cri_socket && *cfg->reset.cri_socket)
			d->cri_socket = xstrdup(cfg->reset.cri_socket);
		else if (d->init_cfg && d->init_cfg->init.node_registration.cri_socket &&
			 *d->init_cfg->init.node_registration.cri_socket)
			d->cri_socket = xstrdup(d->init_cfg->init.node_registration.cri_socket);
		else
			r = cri_detect_socket(d->rootfd, &d->cri_socket);
		if (r < 0) {
			reset_workflow_free((struct run_ctx *)(void *)d);
			return r;
		}
		log_v(1, "[reset] Using specified CRI socket: %s", d->cri_socket);
	}

	if (flagset_lookup(fs, "cert-dir") && flagset_changed(fs, "cert-dir"))
		d->cert_dir = xstrdup(flagset_get_string(fs, "cert-dir"));
	else if (cfg->reset.certificates_dir && *cfg->reset.certificates_dir)
		d->cert_dir = xstrdup(cfg->reset.certificates_dir);
	else if (d->init_cfg && d->init_cfg->cluster.certificates_dir &&
		 *d->init_cfg->cluster.certificates_dir)
		d->cert_dir = xstrdup(d->init_cfg->cluster.certificates_dir);
	else
		d->cert_dir = xstrdup(DEFAULT_CERT_DIR);

	d->force = flag_or_config(fs, "force", cfg->reset.force);
	d->cleanup_tmp_dir = flag_or_config(fs, "cleanup-tmp-dir", cfg->reset.cleanup_tmp_dir);

	/* an empty --skip-phases takes the configuration's skipPhases */
	if (!opts->skip || !opts->skip[0]) {
		strv_free(opts->skip);
		opts->skip = strv_copy(cfg->reset.skip_phases);
	}
	*ret = (struct run_ctx *)(void *)d;
	return 0;
}

int cmd_reset(struct cmd_ctx *ctx)
{
	struct workflow_options opts = {
		.skip = strv_copy(flagset_get_strv(&ctx->flags, "skip-phases")),
	};
	struct run_ctx *data = NULL;
	int r = reset_workflow_init(ctx, &opts, &data);
	if (r >= 0)
		r = workflow_run(&reset_workflow, &opts, NULL, NULL, &data);
	if (r >= 0) {
		fputs(manual_cleanup_instructions, stdout);
		fflush(stdout);
	}
	reset_workflow_free(data);
	strv_free(opts.skip);
	return r;
}
