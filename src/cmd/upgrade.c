/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kubeadm upgrade` (cmd/kubeadm/app/cmd/upgrade): what apply and plan share
 * (common.go enforceRequirements, the UpgradeConfiguration) and `upgrade plan` (plan.go).
 * apply and node (apply.go, node.go: their data initializers); diff lives in upgrade-diff.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmdutil.h"
#include "cmd/commands.h"
#include "cmd/printer.h"
#include "config/config.h"
#include "kube/client.h"
#include "phases/cluster-config.h"
#include "phases/upgrade/apply-data.h"
#include "phases/upgrade/cluster.h"
#include "phases/upgrade/compute.h"
#include "phases/upgrade/staticpods.h"
#include "preflight/preflight.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct upgrade_config *, config_upgrade_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct kube_client *, kube_client_free)

/* What enforceRequirements hands the commands. */
struct upgrade_requirements {
	struct upgrade_config *cfg;   /* the UpgradeConfiguration (file or defaults) */
	struct kube_client *client;
	struct init_config *init_cfg; /* fetched from the cluster */
	char **ignore;                /* the ignored preflight errors (flag and config) */
	const char *version;          /* the target: argument, else the config's; borrowed */
};

static void requirements_release(struct upgrade_requirements *q)
{
	q->cfg = config_upgrade_free(q->cfg);
	q->client = kube_client_free(q->client);
	q->init_cfg = config_init_free(q->init_cfg);
	q->ignore = strv_free(q->ignore);
}

/* The active timeouts after loading (prepareStaticVariables): kubernetesAPICall in ms. */
static long api_call_timeout_ms(const struct upgrade_config *cfg)
{
	const struct cfg_timeouts *t = cfg->upgrade.timeouts;
	if (t && t->kubernetes_api_call.set && t->kubernetes_api_call.ns > 0)
		return (long)(t->kubernetes_api_call.ns / 1000000);
	return 60000;
}

/* kubeconfigutil.ClientSetFromFile, wrapped as getClient's caller does. */
static int upgrade_client(const char *path, struct kube_client **ret)
{
	int r = kube_client_new_from_file(path, ret);
	if (r < 0) {
		if (r == -ENOENT || r == -EACCES || r == -EBADMSG || r == -EISDIR)
			r = error_wrap(r, "failed to load admin kubeconfig");
		else
			r = error_wrap(r, "failed to create API client configuration from kubeconfig");
		return error_wrap(r, "couldn't create a Kubernetes client from file \"%s\"", path);
	}
	return 0;
}

/*
 * getClient with dry-run: the dry-run client (writes printed and faked; HealthCheckJobReactor,
 * PatchNodeReactor) over
 * the real server of the kubeconfig when the file exists, whose version it asks for. Without
 * the file kubeadm fakes the cluster with more reactors, which this build does not have.
 */
static int upgrade_dry_run_client(const char *path, struct kube_client **ret)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		if (errno != ENOENT)
			return error_set(-errno, "couldn't create a Kubernetes client from file \"%s\": could not create a client from \"%s\": stat %s: %s",
					 path, path, path, go_strerror(errno));
		printf("[dryrun] Dryrunning without a real client\n");
		fflush(stdout);
		return error_set(-ENOSYS, "dry-run without the kubeconfig file \"%s\" is not implemented in this build",
				 path);
	}
	printf("[dryrun] Creating a real client from \"%s\"\n", path);
	fflush(stdout);
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	int r = kube_client_new_dry_run_from_file(
		path, stdout, KUBE_DRYRUN_HEALTH_CHECK_JOB | KUBE_DRYRUN_PATCH_NODE, &c);
	if (r < 0)
		return error_wrap(r, "couldn't create a Kubernetes client from file \"%s\"", path);
	long status = 0;
	_cleanup_free_ char *body = NULL;
	r = kube_get_raw(c, "/version", 0, &status, &body);
	if (r >= 0 && status != 200)
		r = error_set(-EIO, "the server responded with the status code %ld", status);
	if (r < 0)
		return error_wrap(error_wrap(r, "failed to get server version"),
				  "couldn't create a Kubernetes client from file \"%s\"", path);
	*ret = TAKE_PTR(c);
	return 0;
}

/* staticpodutil.IsControlPlaneNode */
static bool is_control_plane_node(void)
{
	struct stat st;
	return !(stat("/etc/kubernetes/manifests/kube-apiserver.yaml", &st) < 0 && errno == ENOENT);
}

/* features.CheckDeprecatedFlags over InitFeatureGates (RootlessControlPlane is alpha, not
 * deprecated): only unknown gates give a message. Sorted (kubeadm walks a Go map). */
static void print_deprecated_gates(const struct init_config *ic, FILE *out)
{
	size_t n = 0;
	_cleanup_free_ const char **keys = json_object_sorted_keys(ic->cluster.feature_gates, &n);
	for (size_t i = 0; i < n; i++)
		if (!streq(keys[i], "RootlessControlPlane") && out)
			fprintf(out, "[upgrade/config] Unknown feature gate flag: %s\n", keys[i]);
}

/* printConfiguration */
static void print_configuration(const struct init_config *ic, FILE *out)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	if (!out || config_cluster_marshal(ic, &sb) < 0) {
		error_clear();
		return;
	}
	fprintf(out, "[upgrade/config] Configuration used:\n");
	_cleanup_strv_free_ char **lines = strv_split(sb.buf, '\n', false);
	size_t n = strv_length(lines);
	/* bufio.Scanner: no empty token after the final newline */
	if (n && !*lines[n - 1])
		n--;
	for (size_t i = 0; i < n; i++)
		fprintf(out, "\t%s\n", lines[i]);
}

/*
 * enforceRequirements for `upgrade plan` (upgradeApply false; apply is not built yet): the
 * configuration, the client, the preflight and cluster health checks, the cluster's
 * configuration, --print-config. out: where printer.Printf goes (NULL for a structured
 * printer). On error the requirements are released.
 */
static int enforce_requirements(struct cmd_ctx *ctx, FILE *out, struct upgrade_requirements *q)
{
	const struct flagset *fs = &ctx->flags;
	memset(q, 0, sizeof(*q));
	const char *cfg_path = flagset_get_string(fs, "config");
	int r = config_load_upgrade(cfg_path, NULL, NULL, &q->cfg);
	if (r < 0)
		return error_wrap(r, "[upgrade/upgrade config] FATAL");
	const char *kubeconfig = flagset_get_string(fs, "kubeconfig");
	r = upgrade_client(kubeconfig, &q->client);
	if (r >= 0)
		r = config_ignore_preflight_errors(flagset_get_strv(fs, "ignore-preflight-errors"),
						   q->cfg->upgrade.plan.ignore_preflight_errors,
						   &q->ignore);
	if (r < 0) {
		requirements_release(q);
		return r;
	}
	long timeout = api_call_timeout_ms(q->cfg);
	kube_client_set_api_call_timeout(q->client, timeout, 0);

	log_v(1, "running preflight checks");
	if (out) {
		fprintf(out, "[preflight] Running pre-flight checks.\n");
		fflush(out);
	}
	r = preflight_run_root_check(q->ignore);
	if (r >= 0)
		r = upgrade_coredns_migration_check(q->client, q->ignore);
	if (r < 0) {
		requirements_release(q);
		return r;
	}

	const struct phases_fetch_options fo = {
		.log_prefix = out ? "upgrade/config" : NULL,
		.node_registration = true,
		.api_endpoint = is_control_plane_node(),
		.component_configs = true,
		.api_timeout_ms = timeout,
		.configmap_poll_ms = timeout,
		.rootfd = ctx->rootfd,
	};
	r = phases_fetch_init_config(q->client, &fo, &q->init_cfg);
	if (r < 0) {
		requirements_release(q);
		return error_wrap(r, "[upgrade/init config] FATAL");
	}
	q->version = q->cfg->upgrade.plan.kubernetes_version;
	if (strv_length(ctx->args) == 1)
		q->version = ctx->args[0];

	r = upgrade_check_cluster_health(q->client, q->init_cfg, q->ignore, false, out);
	if (r < 0) {
		requirements_release(q);
		return error_wrap(r, "[upgrade/health] FATAL");
	}
	print_deprecated_gates(q->init_cfg, out);
	if (cmd_flag_bool_or_config(fs, "print-config", q->cfg->upgrade.plan.print_config.v))
		print_configuration(q->init_cfg, out ? stdout : NULL);
	return 0;
}

int cmd_upgrade_plan(struct cmd_ctx *ctx)
{
	_cleanup_(printer_freep) struct printer *p = NULL;
	int r = printer_new(&ctx->flags, &p);
	if (r < 0)
		return r;
	r = cmd_validate_mixed_arguments(&ctx->flags);
	if (r < 0)
		return r;
	FILE *out = printer_is_text(p) ? stdout : NULL;
	log_v(1, "[upgrade/plan] verifying health of cluster");
	log_v(1, "[upgrade/plan] retrieving configuration from cluster");
	struct upgrade_requirements q;
	r = enforce_requirements(ctx, out, &q);
	if (r < 0)
		return r;
	const struct cfg_upgrade_configuration *u = &q.cfg->upgrade;
	log_v(1, "[upgrade/plan] computing upgrade possibilities");
	bool rc = cmd_flag_bool_or_config(&ctx->flags, "allow-release-candidate-upgrades",
					  u->plan.allow_rc_upgrades.v);
	bool exp = cmd_flag_bool_or_config(&ctx->flags, "allow-experimental-upgrades",
					   u->plan.allow_experimental_upgrades.v);
	struct upgrade_version_getter g;
	upgrade_kube_version_getter(q.client, q.version, &g);
	struct upgrade_list l = { 0 };
	r = upgrade_available_upgrades(&g, exp, rc, out, &l);
	if (r < 0) {
		requirements_release(&q);
		return error_wrap(r, "[upgrade/versions] FATAL");
	}
	log_v(1, "[upgrade/plan] analysing component config version states");
	_cleanup_json_ json_t *states = NULL;
	r = upgrade_component_config_states(q.client, &states);
	if (r < 0) {
		upgrade_list_release(&l);
		requirements_release(&q);
		return error_wrap(r, "[upgrade/versions] FATAL");
	}
	if (l.n == 0) {
		log_v(1, "[upgrade/plan] Awesome, you're up-to-date! Enjoy!");
		upgrade_list_release(&l);
		requirements_release(&q);
		return 0;
	}
	bool etcd = cmd_flag_bool_or_config(&ctx->flags, "etcd-upgrade", u->plan.etcd_upgrade.v);
	_cleanup_json_ json_t *plan = upgrade_plan_object(&l, states, etcd);
	upgrade_list_release(&l);
	requirements_release(&q);
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	r = out ? upgrade_plan_print_text(plan, &sb) : printer_print(p, plan, &sb);
	fwrite(sb.buf, 1, sb.len, stdout);
	return r;
}

/* cmdutil.ValidateExactArgNumber (empty arguments do not count) */
static int validate_exact_arg_number(char *const *args, const char *supported)
{
	size_t valid = 0;
	STRV_FOREACH(a, args)
		if (**a && ++valid > 1)
			return error_set(-EINVAL, "too many arguments. Required arguments: [%s]", supported);
	if (valid < 1)
		return error_set(-EINVAL,
				 "missing one or more required arguments. Required arguments: [%s]",
				 supported);
	return 0;
}

static long timeout_ms(const struct cfg_dur *d, long def)
{
	return d->set && d->ns > 0 ? (long)(d->ns / 1000000) : def;
}

void upgrade_apply_workflow_free(struct run_ctx *data);

/*
 * What newApplyData and newNodeData share, in their order: the dry-run directory
 * (GetDryRunDir(dir_name)), the run data owning *cfg (taken) with its timeouts, the client
 * (getClient). *ret owned; on error nothing is left but the dry-run directory, as in kubeadm.
 */
static int run_data_new(struct cmd_ctx *ctx, struct upgrade_config **cfg, bool dry_run,
			const char *dir_name, const char *kubeconfig, struct apply_data **ret)
{
	_cleanup_free_ char *dry_run_dir = NULL;
	if (dry_run) {
		int r = upgrade_get_dry_run_dir(dir_name, &dry_run_dir);
		if (r < 0)
			return error_wrap(r, "could not create a temporary directory on dryrun");
	}
	struct apply_data *d = xnew0(struct apply_data);
	d->cfg = TAKE_PTR(*cfg);
	d->dry_run = dry_run;
	d->dry_run_dir = TAKE_PTR(dry_run_dir);
	d->flags = &ctx->flags;
	d->rootfd = ctx->rootfd;
	const struct cfg_timeouts *t = d->cfg->upgrade.timeouts;
	static const struct cfg_dur none;
	d->api_timeout_ms = timeout_ms(t ? &t->kubernetes_api_call : &none, 60000);
	d->upgrade_timeout_ms = timeout_ms(t ? &t->upgrade_manifests : &none, 300000);
	d->etcd_timeout_ms = timeout_ms(t ? &t->etcd_api_call : &none, 120000);
	int r = dry_run ? upgrade_dry_run_client(kubeconfig, &d->client)
			: upgrade_client(kubeconfig, &d->client);
	if (r < 0) {
		upgrade_apply_workflow_free((struct run_ctx *)(void *)d);
		return r;
	}
	kube_client_set_api_call_timeout(d->client, d->api_timeout_ms, 0);
	*ret = d;
	return 0;
}

/* FetchInitConfigurationFromCluster(client, "upgrade", node registration, api_endpoint,
 * component configs) into d->init_cfg; errors unwrapped. */
static int run_data_fetch(struct apply_data *d, bool api_endpoint)
{
	const struct phases_fetch_options fo = {
		.log_prefix = "upgrade",
		.node_registration = true,
		.api_endpoint = api_endpoint,
		.component_configs = true,
		.api_timeout_ms = d->api_timeout_ms,
		.configmap_poll_ms = d->api_timeout_ms,
		.rootfd = d->rootfd,
	};
	return phases_fetch_init_config(d->client, &fo, &d->init_cfg);
}

/* The patches directory: --patches, else <section>.patches.directory when set. Owned or NULL. */
static char *patches_dir(const struct flagset *fs, const struct cfg_patches *p)
{
	const char *patches = cmd_flag_string_or(fs, "patches", "");
	if (!flagset_changed(fs, "patches") && p && p->directory)
		patches = p->directory;
	return *patches ? xstrdup(patches) : NULL;
}

/* The runner's SkipPhases: the flag's, else the configuration's. */
static void default_skip_phases(struct workflow_options *opts, char *const *skip)
{
	if (!opts->skip || !opts->skip[0]) {
		strv_free(opts->skip);
		opts->skip = strv_copy(skip);
	}
}

void upgrade_apply_workflow_free(struct run_ctx *data)
{
	struct apply_data *d = apply_data(data);
	if (!d)
		return;
	config_upgrade_free(d->cfg);
	config_init_free(d->init_cfg);
	kube_client_free(d->client);
	free(d->dry_run_dir);
	free(d->patches_dir);
	strv_free(d->ignore);
	free(d);
}

/*
 * newApplyData and the runner's data initializer: the UpgradeConfiguration, the version
 * argument, the flags-or-config values, the client, the cluster's configuration (prefix
 * "[upgrade]") with the target version and apply's image pull policy, --print-config.
 */
int upgrade_apply_workflow_init(struct cmd_ctx *ctx, struct workflow_options *opts,
				struct run_ctx **ret)
{
	const struct flagset *fs = &ctx->flags;
	_cleanup_(config_upgrade_freep) struct upgrade_config *cfg = NULL;
	int r = config_load_upgrade(cmd_flag_string_or(fs, "config", ""), NULL, NULL, &cfg);
	if (r < 0)
		return r;
	const char *version = cfg->upgrade.apply.kubernetes_version;
	if (!version || !*version) {
		r = validate_exact_arg_number(ctx->args, "version");
		if (r < 0)
			return r;
	}
	if (strv_length(ctx->args) == 1)
		version = ctx->args[0];
	_cleanup_strv_free_ char **ignore = NULL;
	char *const *cli_ignore = flagset_lookup(fs, "ignore-preflight-errors")
					  ? flagset_get_strv(fs, "ignore-preflight-errors")
					  : NULL;
	r = config_ignore_preflight_errors(cli_ignore, cfg->upgrade.apply.ignore_preflight_errors,
					   &ignore);
	if (r < 0)
		return r;
	bool dry_run = cmd_flag_bool_or_config(fs, "dry-run", cfg->upgrade.apply.dry_run.v);
	const char *kubeconfig = cmd_flag_string_or(fs, "kubeconfig", "/etc/kubernetes/admin.conf");
	struct apply_data *d = NULL;
	r = run_data_new(ctx, &cfg, dry_run, "kubeadm-upgrade-apply-dryrun", kubeconfig, &d);
	if (r < 0)
		return r;
	const struct cfg_upgrade_configuration *u = &d->cfg->upgrade;
	d->ignore = TAKE_PTR(ignore);
	d->control_plane = true; /* apply's addon phases count it as a control plane */
	d->non_interactive = flagset_lookup(fs, "yes") && flagset_get_bool(fs, "yes");
	d->force = cmd_flag_bool_or_config(fs, "force", u->apply.force_upgrade.v);
	d->etcd_upgrade = cmd_flag_bool_or_config(fs, "etcd-upgrade", u->apply.etcd_upgrade.v);
	d->renew_certs = cmd_flag_bool_or_config(fs, "certificate-renewal",
						 u->apply.certificate_renewal.v);
	d->allow_experimental = cmd_flag_bool_or_config(fs, "allow-experimental-upgrades",
							u->apply.allow_experimental_upgrades.v);
	d->allow_rc = cmd_flag_bool_or_config(fs, "allow-release-candidate-upgrades",
					      u->apply.allow_rc_upgrades.v);
	d->print_config = cmd_flag_bool_or_config(fs, "print-config", u->apply.print_config.v);
	log_v(1, "[upgrade] retrieving configuration from cluster");
	r = run_data_fetch(d, true);
	if (r == -ENOENT) {
		error_clear();
		printf("[upgrade] In order to upgrade, a ConfigMap called \"kubeadm-config\" in the \"kube-system\" namespace must exist.\n");
		printf("[upgrade/config] Use 'kubeadm init phase upload-config kubeadm --config your-config-file' to re-upload it.\n");
		fflush(stdout);
		r = error_set(-ENOENT, "the ConfigMap \"kubeadm-config\" in the \"kube-system\" namespace was not found");
	}
	if (r < 0) {
		upgrade_apply_workflow_free((struct run_ctx *)(void *)d);
		return error_wrap(r, "[upgrade] FATAL");
	}
	struct cfg_node_registration *nr = &d->init_cfg->init.node_registration;
	strv_free(nr->ignore_preflight_errors);
	nr->ignore_preflight_errors = strv_copy(d->ignore);
	free(nr->image_pull_policy);
	nr->image_pull_policy = u->apply.image_pull_policy ? xstrdup(u->apply.image_pull_policy) : NULL;
	nr->image_pull_serial = u->apply.image_pull_serial;
	free(d->init_cfg->cluster.kubernetes_version);
	d->init_cfg->cluster.kubernetes_version = xstrdup(version);

	d->patches_dir = patches_dir(fs, u->apply.patches);
	if (d->print_config)
		print_configuration(d->init_cfg, stdout);
	default_skip_phases(opts, u->apply.skip_phases);
	*ret = (struct run_ctx *)(void *)d;
	return 0;
}

/*
 * The RunE apply and node share: ValidateMixedArguments, the data initializer, the runner, and
 * with dry-run kubeadm's "[upgrade/successful] Finished dryrunning successfully!". *data and
 * opts->skip are the caller's to free.
 */
static int run_workflow(struct cmd_ctx *ctx, const struct workflow *wf,
			int (*init)(struct cmd_ctx *, struct workflow_options *, struct run_ctx **),
			struct workflow_options *opts, struct run_ctx **data)
{
	int r = cmd_validate_mixed_arguments(&ctx->flags);
	if (r < 0)
		return r;
	opts->skip = strv_copy(flagset_get_strv(&ctx->flags, "skip-phases"));
	r = init(ctx, opts, data);
	if (r >= 0)
		r = workflow_run(wf, opts, NULL, NULL, data);
	if (r >= 0 && apply_data(*data)->dry_run) {
		printf("[upgrade/successful] Finished dryrunning successfully!\n");
		fflush(stdout);
	}
	return r;
}

/*
 * `upgrade apply`: newCmdApply's RunE: ValidateMixedArguments, the workflow (data initializer
 * above), then kubeadm's SUCCESS message.
 */
int cmd_upgrade_apply(struct cmd_ctx *ctx)
{
	struct workflow_options opts = { 0 };
	struct run_ctx *data = NULL;
	int r = run_workflow(ctx, &upgrade_apply_workflow, upgrade_apply_workflow_init, &opts, &data);
	if (r >= 0 && !apply_data(data)->dry_run) {
		printf("\n[upgrade] SUCCESS! A control plane node of your cluster was upgraded to \"%s\".\n\n",
		       apply_data(data)->init_cfg->cluster.kubernetes_version);
		printf("[upgrade] Now please proceed with upgrading the rest of the nodes by following the right order.\n");
		fflush(stdout);
	}
	if (data && ctx->ext.result_wanted) {
		/* UpgradeResult (beyond-kubeadm.md §1.3): the target version and the options */
		const struct apply_data *d = apply_data(data);
		json_t *o = json_pack("{s:b,s:b,s:b}", "dryRun", d->dry_run, "etcdUpgrade",
				      d->etcd_upgrade, "certificateRenewal", d->renew_certs);
		if (d->init_cfg && d->init_cfg->cluster.kubernetes_version)
			json_object_set_new(o, "to",
					    json_string(d->init_cfg->cluster.kubernetes_version));
		ctx->ext.result = o;
	}
	upgrade_apply_workflow_free(data);
	strv_free(opts.skip);
	return r;
}

/*
 * newNodeData and the node runner's data initializer: the control-plane test, the kubeconfig
 * (admin.conf on a control plane, else kubelet.conf, unless --kubeconfig is given), the
 * UpgradeConfiguration's node section or the flags, the client, the cluster's configuration
 * (prefix "[upgrade]", the API endpoint only on a control plane). No version is checked: the
 * target is the kubeadm-config ConfigMap's kubernetesVersion (written by `upgrade apply`).
 */
int upgrade_node_workflow_init(struct cmd_ctx *ctx, struct workflow_options *opts,
			       struct run_ctx **ret)
{
	const struct flagset *fs = &ctx->flags;
	bool cp = is_control_plane_node();
	const char *kubeconfig = cp ? "/etc/kubernetes/admin.conf" : "/etc/kubernetes/kubelet.conf";
	if (flagset_changed(fs, "kubeconfig") && *flagset_get_string(fs, "kubeconfig"))
		kubeconfig = flagset_get_string(fs, "kubeconfig");
	_cleanup_(config_upgrade_freep) struct upgrade_config *cfg = NULL;
	int r = config_load_upgrade(cmd_flag_string_or(fs, "config", ""), NULL, NULL, &cfg);
	if (r < 0)
		return r;
	bool dry_run = cmd_flag_bool_or_config(fs, "dry-run", cfg->upgrade.node.dry_run.v);
	struct apply_data *d = NULL;
	r = run_data_new(ctx, &cfg, dry_run, "kubeadm-upgrade-node-dryrun", kubeconfig, &d);
	if (r < 0)
		return r;
	const struct cfg_upgrade_configuration *u = &d->cfg->upgrade;
	d->node = true;
	d->control_plane = cp;
	d->etcd_upgrade = cmd_flag_bool_or_config(fs, "etcd-upgrade", u->node.etcd_upgrade.v);
	d->renew_certs = cmd_flag_bool_or_config(fs, "certificate-renewal",
						 u->node.certificate_renewal.v);
	r = run_data_fetch(d, cp);
	if (r < 0) {
		upgrade_apply_workflow_free((struct run_ctx *)(void *)d);
		return error_wrap(r, "unable to fetch the kubeadm-config ConfigMap");
	}
	char *const *cli_ignore = flagset_lookup(fs, "ignore-preflight-errors")
					  ? flagset_get_strv(fs, "ignore-preflight-errors")
					  : NULL;
	r = config_ignore_preflight_errors(cli_ignore, u->node.ignore_preflight_errors, &d->ignore);
	if (r < 0) {
		upgrade_apply_workflow_free((struct run_ctx *)(void *)d);
		return r;
	}
	struct cfg_node_registration *nr = &d->init_cfg->init.node_registration;
	strv_free(nr->ignore_preflight_errors);
	nr->ignore_preflight_errors = strv_copy(d->ignore);

	d->patches_dir = patches_dir(fs, u->node.patches);
	default_skip_phases(opts, u->node.skip_phases);
	*ret = (struct run_ctx *)(void *)d;
	return 0;
}

/*
 * `upgrade node`: newCmdNode's RunE: ValidateMixedArguments, the workflow; no message of its
 * own on success (dry-run: "[upgrade/successful] Finished dryrunning successfully!").
 */
int cmd_upgrade_node(struct cmd_ctx *ctx)
{
	struct workflow_options opts = { 0 };
	struct run_ctx *data = NULL;
	int r = run_workflow(ctx, &upgrade_node_workflow, upgrade_node_workflow_init, &opts, &data);
	upgrade_apply_workflow_free(data);
	strv_free(opts.skip);
	return r;
}
