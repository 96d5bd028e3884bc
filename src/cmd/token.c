/* SPDX-License-Identifier: Apache-2.0 */
/* `kubeadm token create|list|delete|generate` (cmd/kubeadm/app/cmd/token.go). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "build-config.h"
#include "cmd/cmdutil.h"
#include "cmd/commands.h"
#include "cmd/printer.h"
#include "config/config.h"
#include "config/duration.h"
#include "kube/client.h"
#include "phases/init/bootstrap-token.h"
#include "phases/init/show-join-command.h"
#include "token/token.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct kube_client *, kube_client_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct init_config *, config_init_free);

/* getClientForTokenCommands */
static int token_client(struct cmd_ctx *ctx, const char *path, struct kube_client **ret)
{
	if (flagset_get_bool(&ctx->flags, "dry-run")) {
		fflush(stdout);
		return kube_client_new_dry_run_from_file(path, stdout, KUBE_DRYRUN_DELETE_TOKEN, ret);
	}
	struct kube_client *c = NULL;
	int r = kube_client_new_from_file(path, &c);
	if (r < 0) {
		/* kubeconfigutil.ClientSetFromFile */
		if (r == -ENOENT || r == -EACCES || r == -EBADMSG)
			return error_wrap(r, "failed to load admin kubeconfig");
		return error_wrap(r, "failed to create API client configuration from kubeconfig");
	}
	*ret = c;
	return 0;
}

static json_t *strv_json(char *const *v)
{
	json_t *a = json_array();
	for (char *const *p = v; p && *p; p++)
		json_array_append_new(a, json_string(*p));
	return a;
}

/* The bootstrap token of the flags as an InitConfiguration override (bto.ApplyTo). */
static int token_overrides(struct cmd_ctx *ctx, json_t **ret)
{
	const struct flagset *fs = &ctx->flags;
	json_t *bt = json_object();
	if (ctx->args && ctx->args[0]) {
		struct token t;
		int r = token_parse(ctx->args[0], &t);
		if (r < 0) {
			json_decref(bt);
			return r;
		}
		token_wipe(&t);
		json_object_set_new(bt, "token", json_string(ctx->args[0]));
	}
	const char *desc = flagset_get_string(fs, "description");
	if (*desc)
		json_object_set_new(bt, "description", json_string(desc));
	char buf[DURATION_BUF];
	json_object_set_new(bt, "ttl",
			    json_string(duration_format(flagset_get_duration(fs, "ttl"), buf,
							sizeof(buf))));
	char *const *usages = flagset_get_strv(fs, "usages");
	if (usages && *usages)
		json_object_set_new(bt, "usages", strv_json(usages));
	char *const *groups = flagset_get_strv(fs, "groups");
	if (groups && *groups)
		json_object_set_new(bt, "groups", strv_json(groups));
	/* RunCreateToken defaults a ClusterConfiguration at constants.CurrentKubernetesVersion
	 * (no version lookup on the internet) */
	_cleanup_free_ char *version = xasprintf("v%s.%s.0", KUBE_GIT_MAJOR, KUBE_GIT_MINOR);
	*ret = json_pack("{s:{s:[o]},s:{s:s}}", "InitConfiguration", "bootstrapTokens", bt,
			 "ClusterConfiguration", "kubernetesVersion", version);
	return 0;
}

/* The join command on one line, as token create prints it. */
static void print_one_line(const char *cmd)
{
	struct strbuf sb = STRBUF_INIT;
	for (const char *p = cmd; *p; p++) {
		if (p[0] == '\\' && p[1] == '\n') {
			p++;
			continue;
		}
		if (*p == '\t')
			continue;
		strbuf_addch(&sb, *p);
	}
	printf("%s\n", sb.buf);
	strbuf_release(&sb);
}

int cmd_token_create(struct cmd_ctx *ctx)
{
	const struct flagset *fs = &ctx->flags;
	log_v(1, "[token] validating mixed arguments");
	int r = cmd_validate_mixed_arguments(fs);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *ov = NULL;
	r = token_overrides(ctx, &ov);
	if (r < 0)
		return r;
	log_v(1, "[token] getting Clientsets from kubeconfig file");
	_cleanup_free_ char *kubeconfig = cmd_kubeconfig_path(fs);
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	r = token_client(ctx, kubeconfig, &c);
	if (r < 0)
		return r;
	const char *cfg_path = flagset_get_string(fs, "config");
	struct config_load_options opts = { .skip_cri_detect = true };
	_cleanup_(config_init_freep) struct init_config *cfg = NULL;
	log_v(1, "[token] loading configurations");
	r = config_load_init_opts(*cfg_path ? cfg_path : NULL, ov, &opts, &cfg);
	if (r < 0)
		return r;
	log_v(1, "[token] creating token");
	r = init_update_or_create_tokens(c, true, &cfg->init.bootstrap_tokens);
	if (r < 0)
		return r;
	const struct cfg_token *tokens = cfg->init.bootstrap_tokens.items;
	const char *token = cfg->init.bootstrap_tokens.n ? strempty(tokens[0].token) : "";
	const char *key = flagset_get_string(fs, "certificate-key");
	if (flagset_get_bool(fs, "print-join-command")) {
		_cleanup_free_ char *cmd = NULL;
		r = init_join_command(kubeconfig, token, key, *key != 0, false, false, &cmd);
		if (r < 0)
			return error_wrap(r, "failed to get join command");
		print_one_line(cmd);
	} else {
		if (*key)
			return error_set(-EINVAL,
					 "cannot use --certificate-key without --print-join-command");
		printf("%s\n", token);
	}
	fflush(stdout);
	return 0;
}

int cmd_token_generate(struct cmd_ctx *ctx)
{
	struct token t;
	log_v(1, "[token] generating random token");
	int r = token_generate(&t);
	if (r < 0)
		return r;
	char buf[TOKEN_BUF];
	printf("%s\n", token_format(&t, buf, sizeof(buf)));
	token_wipe(&t);
	fflush(stdout);
	return 0;
}

/* duration.ShortHumanDuration of d nanoseconds (Go truncates each unit toward zero) */
static void short_human_duration(int64_t d, char *buf, size_t size)
{
	int64_t seconds = d / 1000000000LL;
	if (seconds < -1)
		snprintf(buf, size, "<invalid>");
	else if (seconds < 0)
		snprintf(buf, size, "0s");
	else if (seconds < 60)
		snprintf(buf, size, "%llds", (long long)seconds);
	else if (seconds / 60 < 60)
		snprintf(buf, size, "%lldm", (long long)(seconds / 60));
	else if (seconds / 3600 < 24)
		snprintf(buf, size, "%lldh", (long long)(seconds / 3600));
	else if (seconds / 3600 < 24 * 365)
		snprintf(buf, size, "%lldd", (long long)(seconds / 3600 / 24));
	else
		snprintf(buf, size, "%lldy", (long long)(seconds / 3600 / 24 / 365));
}

/* text/tabwriter (minwidth 10, tabwidth 4, padding 3, ' ', no flags) over tab-terminated
 * cells; the text after a line's last tab is not aligned. */
static void tabwrite(char **lines)
{
	size_t widths[16] = { 0 };
	for (char **l = lines; *l; l++) {
		size_t col = 0;
		const char *start = *l;
		for (const char *p = *l; *p && col < 16; p++) {
			if (*p != '\t')
				continue;
			/* text/tabwriter counts runes */
			size_t w = 0;
			for (const char *q = start; q < p; q++)
				w += ((unsigned char)*q & 0xc0) != 0x80;
			if (w + 3 > widths[col])
				widths[col] = w + 3;
			col++;
			start = p + 1;
		}
	}
	for (size_t i = 0; i < 16; i++)
		if (widths[i] && widths[i] < 10)
			widths[i] = 10;
	for (char **l = lines; *l; l++) {
		size_t col = 0;
		const char *start = *l;
		for (const char *p = *l;; p++) {
			if (*p == '\t') {
				size_t w = 0;
				for (const char *q = start; q < p; q++)
					w += ((unsigned char)*q & 0xc0) != 0x80;
				fwrite(start, 1, (size_t)(p - start), stdout);
				for (size_t k = w; k < widths[col]; k++)
					putchar(' ');
				col++;
				start = p + 1;
			} else if (!*p) {
				fputs(start, stdout);
				putchar('\n');
				break;
			}
		}
	}
}

/* outputapiv1alpha3.BootstrapToken as JSON (field order of the Go struct). */
static json_t *output_token(const struct cfg_token *t)
{
	json_t *o = json_pack("{s:s,s:s,s:s}", "kind", "BootstrapToken", "apiVersion",
			      "output.kubeadm.k8s.io/v1alpha3", "token", strempty(t->token));
	if (t->description && *t->description)
		json_object_set_new(o, "description", json_string(t->description));
	if (t->expires) {
		time_t e;
		char buf[40];
		if (token_parse_rfc3339(t->expires, &e) >= 0)
			json_object_set_new(o, "expires",
					    json_string(token_format_rfc3339(e, buf, sizeof(buf))));
		error_clear();
	}
	if (t->usages)
		json_object_set_new(o, "usages", strv_json(t->usages));
	if (t->groups)
		json_object_set_new(o, "groups", strv_json(t->groups));
	return o;
}

static void text_row(struct strbuf *sb, const struct cfg_token *t)
{
	char ttl[32] = "<forever>";
	const char *expires = "<never>";
	if (t->expires) {
		time_t e = 0;
		if (token_parse_rfc3339(t->expires, &e) >= 0) {
			/* time.Until: nanoseconds, so a token made this second is "23h", not "1d" */
			struct timespec now;
			clock_gettime(CLOCK_REALTIME, &now);
			int64_t d = ((int64_t)e - (int64_t)now.tv_sec) * 1000000000LL - now.tv_nsec;
			short_human_duration(d, ttl, sizeof(ttl));
		}
		error_clear();
		expires = t->expires;
	}
	_cleanup_free_ char *usages = t->usages ? strv_join(t->usages, ",") : xstrdup("");
	_cleanup_free_ char *groups = t->groups ? strv_join(t->groups, ",") : xstrdup("");
	const char *desc = t->description && *t->description ? t->description : "<none>";
	strbuf_addf(sb, "%s\t%-9s\t%s\t%-22s\t%-56s\t%s", strempty(t->token), ttl, expires,
		    *usages ? usages : "<none>", desc, *groups ? groups : "<none>");
}

int cmd_token_list(struct cmd_ctx *ctx)
{
	const struct flagset *fs = &ctx->flags;
	_cleanup_free_ char *kubeconfig = cmd_kubeconfig_path(fs);
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	int r = token_client(ctx, kubeconfig, &c);
	if (r < 0)
		return r;
	_cleanup_(printer_freep) struct printer *printer = NULL;
	r = printer_new(fs, &printer);
	if (r < 0)
		return r;
	log_v(1, "[token] preparing selector for bootstrap token");
	log_v(1, "[token] retrieving list of bootstrap tokens");
	_cleanup_json_ json_t *list = NULL;
	r = kube_list(c, &kube_res_secrets, "kube-system", NULL, "type=bootstrap.kubernetes.io/token",
		      &list);
	if (r < 0)
		return error_wrap(r, "failed to list bootstrap tokens");
	size_t i;
	json_t *s;
	bool header = false;
	json_array_foreach(json_object_get(list, "items"), i, s) {
		struct cfg_token t = { 0 };
		r = token_from_secret(s, &t);
		if (r < 0) {
			fputs(error_message(r), stderr);
			error_clear();
			continue;
		}
		if (printer_is_text(printer)) {
			struct strbuf row = STRBUF_INIT;
			text_row(&row, &t);
			char *lines[3] = { NULL };
			size_t n = 0;
			if (!header) {
				lines[n++] = "TOKEN\tTTL\tEXPIRES\tUSAGES\tDESCRIPTION\tEXTRA GROUPS";
				header = true;
			}
			lines[n++] = row.buf;
			tabwrite(lines);
			strbuf_release(&row);
		} else {
			_cleanup_json_ json_t *o = output_token(&t);
			_cleanup_(strbuf_releasep) struct strbuf out = STRBUF_INIT;
			r = printer_print(printer, o, &out);
			fwrite(out.buf, 1, out.len, stdout);
			if (r < 0) {
				/* errors.Wrapf(err, "unable to print token %s", token.Token) */
				r = error_wrap(r, "unable to print token %s", strempty(t.token));
				token_cfg_release(&t);
				fflush(stdout);
				return r;
			}
		}
		token_cfg_release(&t);
	}
	fflush(stdout);
	return 0;
}

int cmd_token_delete(struct cmd_ctx *ctx)
{
	if (!ctx->args || !ctx->args[0])
		return error_set(-EINVAL,
				 "missing argument; 'token delete' is missing token of form \"%s\" or "
				 "\"%s\"",
				 TOKEN_PATTERN_QUOTED, TOKEN_ID_PATTERN_QUOTED);
	_cleanup_free_ char *kubeconfig = cmd_kubeconfig_path(&ctx->flags);
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	int r = token_client(ctx, kubeconfig, &c);
	if (r < 0)
		return r;
	for (char **a = ctx->args; *a; a++) {
		char id[TOKEN_ID_LEN + 1];
		log_v(1, "[token] parsing token");
		if (token_id_is_valid(*a)) {
			memcpy(id, *a, sizeof(id));
		} else {
			struct token t;
			if (token_parse(*a, &t) < 0)
				return error_set(-EINVAL, "given token didn't match pattern \"%s\" or \"%s\"",
						 TOKEN_PATTERN_QUOTED, TOKEN_ID_PATTERN_QUOTED);
			memcpy(id, t.id, sizeof(id));
			token_wipe(&t);
		}
		_cleanup_free_ char *name = xasprintf(TOKEN_SECRET_PREFIX "%s", id);
		log_v(1, "[token] deleting token \"%s\"", id);
		r = kube_delete(c, &kube_res_secrets, "kube-system", name, false);
		if (r < 0)
			return error_wrap(r, "failed to delete bootstrap token \"%s\"", id);
		printf("bootstrap token \"%s\" deleted\n", id);
		fflush(stdout);
	}
	return 0;
}
