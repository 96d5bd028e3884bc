/* SPDX-License-Identifier: Apache-2.0 */
/* `kubeadm reset` (cmd/kubeadm/app/cmd/reset.go): options, run data, the reset workflow. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmdutil.h"
#include "cmd/commands.h"
#include "config/config.h"
#include "cri/cri.h"
#include "kube/client.h"
#include "phases/cluster-config.h"
#include "phases/reset.h"
#include "phases/reset/clean-dir.h"
#include "phases/reset/reset-data.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define DEFAULT_CERT_DIR "/etc/kubernetes/pki"
#define DEFAULT_KUBECONFIG "/etc/kubernetes/admin.conf"

const struct workflow reset_workflow = { .name = "reset", .phases = phases_reset };

static void kube_client_freep(struct kube_client **p)
{
	kube_client_free(*p);
}

static const char manual_cleanup_instructions[] =
	"\n"
	"The reset process does not perform cleanup of CNI plugin configuration,\n"
	"network filtering rules and kubeconfig files.\n"
	"\n"
	"For information on how to perform this cleanup manually, please see:\n"
	"    https://k8s.io/docs/reference/setup-tools/kubeadm/kubeadm-reset/\n"
	"\n";

static long api_call_timeout_ms(const struct reset_config *cfg)
{
	const struct cfg_timeouts *t = cfg->reset.timeouts;
	if (t && t->kubernetes_api_call.set && t->kubernetes_api_call.ns > 0)
		return (long)(t->kubernetes_api_call.ns / 1000000);
	return 60000;
}

/*
 * newResetData's client and fetch: a kubeconfig that cannot be loaded is only logged at -v=1
 * (in dry-run: a missing file); a cluster that cannot be read is a warning and reset goes on
 * without the InitConfiguration.
 */
static void fetch_init_config(struct reset_data *d)
{
	const char *path = d->kubeconfig_path;
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	int r;
	if (d->dry_run) {
		struct stat st;
		r = stat(path, &st) < 0 ? -errno : 0;
		if (r >= 0)
			r = kube_client_new_dry_run_from_file(path, stdout,
							      KUBE_DRYRUN_KUBEADM_CONFIG |
								      KUBE_DRYRUN_KUBELET_CONFIG |
								      KUBE_DRYRUN_KUBEPROXY_CONFIG |
								      /* reset.go AppendReactor()s them */
								      KUBE_DRYRUN_APPEND,
							      &c);
	} else {
		r = kube_client_new_from_file(path, &c);
	}
	if (r < 0) {
		error_clear();
		log_v(1, "[reset] Could not obtain a client set from the kubeconfig file: %s", path);
		return;
	}
	log_v(1, "[reset] Loaded client set from kubeconfig file: %s", path);
	long timeout = api_call_timeout_ms(d->cfg);
	kube_client_set_api_call_timeout(c, timeout, 0);
	struct init_config *ic = NULL;
	struct stat st;
	const struct phases_fetch_options fo = {
		.log_prefix = "reset",
		.node_registration = true,
		/* staticpodutil.IsControlPlaneNode */
		.api_endpoint = !(stat("/etc/kubernetes/manifests/kube-apiserver.yaml", &st) < 0 &&
				  errno == ENOENT),
		.component_configs = true,
		.api_timeout_ms = timeout,
		.rootfd = d->rootfd,
	};
	r = phases_fetch_init_config(c, &fo, &ic);
	if (r < 0) {
		log_warning("[reset] Unable to fetch the kubeadm-config ConfigMap from cluster: %s",
			    error_message(r));
		error_clear();
		return;
	}
	d->init_cfg = ic;
	d->client = TAKE_PTR(c);
}

void reset_workflow_free(struct run_ctx *ctx)
{
	struct reset_data *d = reset_data(ctx);
	if (!d)
		return;
	config_reset_free(d->cfg);
	config_init_free(d->init_cfg);
	kube_client_free(d->client);
	free(d->cert_dir);
	free(d->cri_socket);
	free(d->kubeconfig_path);
	strv_free(d->ignore_preflight_errors);
	free(d->removed_etcd_member);
	strv_free(d->unmounted);
	free(d);
}

/* newResetData + the runner's data initializer in newCmdReset. */
int reset_workflow_init(struct cmd_ctx *ctx, struct workflow_options *opts, struct run_ctx **ret)
{
	const struct flagset *fs = &ctx->flags;
	int r = cmd_validate_mixed_arguments(fs);
	if (r < 0)
		return r;

	const char *cfg_path = cmd_flag_string_or(fs, "config", "");
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
	d->kubeconfig_path = xstrdup(cmd_flag_string_or(fs, "kubeconfig", DEFAULT_KUBECONFIG));
	d->dry_run = cmd_flag_bool_or_config(fs, "dry-run", cfg->reset.dry_run);

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

	const char *sock = cmd_flag_string_or(fs, "cri-socket", "");
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

	if (flagset_changed(fs, "cert-dir"))
		d->cert_dir = xstrdup(flagset_get_string(fs, "cert-dir"));
	else if (cfg->reset.certificates_dir && *cfg->reset.certificates_dir)
		d->cert_dir = xstrdup(cfg->reset.certificates_dir);
	else if (d->init_cfg && d->init_cfg->cluster.certificates_dir &&
		 *d->init_cfg->cluster.certificates_dir)
		d->cert_dir = xstrdup(d->init_cfg->cluster.certificates_dir);
	else
		d->cert_dir = xstrdup(DEFAULT_CERT_DIR);
	/* stricter than kubeadm, which would empty a certificatesDir of "/" or "/etc": refused
	 * before any phase runs */
	r = reset_check_clean_dir(d->cert_dir, "the certificates directory");
	if (r < 0) {
		reset_workflow_free((struct run_ctx *)(void *)d);
		return r;
	}

	d->force = cmd_flag_bool_or_config(fs, "force", cfg->reset.force);
	d->cleanup_tmp_dir = cmd_flag_bool_or_config(fs, "cleanup-tmp-dir", cfg->reset.cleanup_tmp_dir);

	/* an empty --skip-phases takes the configuration's skipPhases */
	if (!opts->skip || !opts->skip[0]) {
		strv_free(opts->skip);
		opts->skip = strv_copy(cfg->reset.skip_phases);
	}
	*ret = (struct run_ctx *)(void *)d;
	return 0;
}

/*
 * The fields of ResetResult (beyond-kubeadm.md §1.3): the etcd member removed, the mount
 * points unmounted, and after a successful reset, as data, what the manual-cleanup notice
 * says reset leaves behind.
 */
static json_t *reset_result(const struct reset_data *d, int r)
{
	json_t *o = json_pack("{s:b}", "dryRun", d->dry_run);
	if (d->removed_etcd_member) {
		char id[24];
		snprintf(id, sizeof(id), "%llx", (unsigned long long)d->removed_etcd_member_id);
		json_object_set_new(o, "removedEtcdMember",
				    json_pack("{s:s,s:s}", "id", id, "peerURL", d->removed_etcd_member));
	}
	json_object_set_new(o, "unmounted", json_from_strv(d->unmounted));
	if (r >= 0)
		json_object_set_new(
			o, "leftovers",
			json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "kind", "CNIConfiguration", "path",
				  "/etc/cni/net.d", "kind", "NetworkFilteringRules", "description",
				  "iptables, nftables and IPVS rules", "kind", "KubeConfig", "path",
				  "$HOME/.kube/config"));
	return o;
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
	if (data && ctx->ext.result_wanted)
		ctx->ext.result = reset_result(reset_data(data), r);
	reset_workflow_free(data);
	strv_free(opts.skip);
	return r;
}
