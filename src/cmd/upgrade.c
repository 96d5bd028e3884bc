/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kubeadm upgrade` (cmd/kubeadm/app/cmd/upgrade): what apply and plan share
 * (common.go enforceRequirements, the UpgradeConfiguration) and `upgrade plan` (plan.go).
 * apply and node are not built yet; diff lives in upgrade-diff.c.
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
#include "phases/upgrade/cluster.h"
#include "phases/upgrade/compute.h"
#include "preflight/preflight.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct upgrade_config *, config_upgrade_free)

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

/*
 * The start of apply's and node's RunE and data initializer: ValidateMixedArguments, then
 * LoadOrDefaultUpgradeConfiguration (its errors unwrapped). *ret owned.
 */
static int mixed_arguments_and_config(struct cmd_ctx *ctx, struct upgrade_config **ret)
{
	int r = cmd_validate_mixed_arguments(&ctx->flags);
	if (r < 0)
		return r;
	return config_load_upgrade(flagset_get_string(&ctx->flags, "config"), NULL, NULL, ret);
}

/*
 * `upgrade apply`: newCmdApply's RunE and newApplyData as far as they read only the command
 * line and the UpgradeConfiguration (--config mixing, the file, the version argument unless
 * apply.kubernetesVersion is set, the ignored preflight errors), with kubeadm's errors. The
 * upgrade itself is not built: past that, "not implemented in this build", nothing changed.
 */
int cmd_upgrade_apply(struct cmd_ctx *ctx)
{
	_cleanup_(config_upgrade_freep) struct upgrade_config *cfg = NULL;
	int r = mixed_arguments_and_config(ctx, &cfg);
	if (r < 0)
		return r;
	const char *v = cfg->upgrade.apply.kubernetes_version;
	if (!v || !*v) {
		r = validate_exact_arg_number(ctx->args, "version");
		if (r < 0)
			return r;
	}
	_cleanup_strv_free_ char **ignore = NULL;
	r = config_ignore_preflight_errors(flagset_get_strv(&ctx->flags, "ignore-preflight-errors"),
					   cfg->upgrade.apply.ignore_preflight_errors, &ignore);
	if (r < 0)
		return r;
	return cmd_not_built(ctx);
}

/* `upgrade node`: as apply, the command line and the UpgradeConfiguration only. */
int cmd_upgrade_node(struct cmd_ctx *ctx)
{
	_cleanup_(config_upgrade_freep) struct upgrade_config *cfg = NULL;
	int r = mixed_arguments_and_config(ctx, &cfg);
	if (r < 0)
		return r;
	return cmd_not_built(ctx);
}
