/* SPDX-License-Identifier: Apache-2.0 */
/* `kubeadm token create|list|delete|generate` (cmd/kubeadm/app/cmd/token.go). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
#include "util/tabwriter.h"
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
		json_object_set_new(bt, "usages", json_from_strv(usages));
	char *const *groups = flagset_get_strv(fs, "groups");
	if (groups && *groups)
		json_object_set_new(bt, "groups", json_from_strv(groups));
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

static json_t *output_token(const struct cfg_token *t);

/*
 * ckubeadm's JoinCommand (beyond-kubeadm.md §1.3, `token create --print-join-command -o
 * json`): the join commands as argv arrays, the token as output.kubeadm.k8s.io/v1alpha3
 * BootstrapToken (its ttl added), the CA pins. join.controlPlane only with --certificate-key,
 * as kubeadm then prints the control-plane command. Owned.
 */
static int join_command_object(const char *kubeconfig, const struct cfg_token *t, const char *key,
			       json_t **ret)
{
	_cleanup_strv_free_ char **worker = NULL, **cp = NULL, **hashes = NULL;
	int r = init_join_argv(kubeconfig, strempty(t->token), NULL, false, &worker, &hashes);
	if (r >= 0 && *key)
		r = init_join_argv(kubeconfig, strempty(t->token), key, true, &cp, NULL);
	if (r < 0)
		return error_wrap(r, "failed to get join command");
	json_t *bt = output_token(t);
	if (t->ttl.set) {
		char buf[DURATION_BUF];
		json_object_set_new(bt, "ttl", json_string(duration_format(t->ttl.ns, buf, sizeof(buf))));
	}
	json_t *join = json_pack("{s:o}", "worker", json_from_strv(worker));
	if (cp)
		json_object_set_new(join, "controlPlane", json_from_strv(cp));
	*ret = json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "apiVersion", "ckubeadm.io/v1alpha1", "kind",
			 "JoinCommand", "apiServerEndpoint", worker[2], "discoveryTokenCACertHashes",
			 json_from_strv(hashes), "bootstrapToken", bt, "join", join);
	return 0;
}

/* -o json|yaml|...: kubectl's convention, the object on stdout and the text on stderr. */
struct object_output {
	struct printer *printer;
	int stdout_fd;
};

static int object_output_start(struct object_output *o)
{
	fflush(stdout);
	o->stdout_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (o->stdout_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		return error_set(-errno, "redirect the output to stderr: %s", go_strerror(errno));
	return 0;
}

/* Restores stdout and prints obj there (when not NULL). */
static int object_output_finish(struct object_output *o, const json_t *obj)
{
	int r = 0;
	if (o->stdout_fd >= 0) {
		fflush(stdout);
		dup2(o->stdout_fd, STDOUT_FILENO);
		close(o->stdout_fd);
		o->stdout_fd = -1;
	}
	if (obj) {
		/* the object holds the token: the printed copy is wiped */
		_cleanup_(strbuf_release_secure) struct strbuf sb = STRBUF_INIT;
		r = printer_print(o->printer, obj, &sb);
		if (r >= 0)
			fwrite(sb.buf, 1, sb.len, stdout);
		fflush(stdout);
	}
	o->printer = printer_free(o->printer);
	return r;
}

static int token_create(struct cmd_ctx *ctx, struct object_output *out, json_t **ret_obj);

int cmd_token_create(struct cmd_ctx *ctx)
{
	const struct flagset *fs = &ctx->flags;
	struct object_output out = { .stdout_fd = -1 };
	if (flagset_lookup(fs, "output")) {
		int r = printer_new(fs, &out.printer);
		if (r < 0)
			return r;
		if (printer_is_text(out.printer))
			out.printer = printer_free(out.printer);
	}
	if (out.printer && !flagset_get_bool(fs, "print-join-command")) {
		printer_free(out.printer);
		return error_set(-EINVAL, "--output %s needs --print-join-command",
				 flagset_get_string(fs, "output"));
	}
	if (out.printer) {
		int r = object_output_start(&out);
		if (r < 0) {
			object_output_finish(&out, NULL);
			return r;
		}
	}
	_cleanup_json_ json_t *obj = NULL;
	int r = token_create(ctx, &out, &obj);
	int p = object_output_finish(&out, r >= 0 ? obj : NULL);
	return r < 0 ? r : p;
}

static int token_create(struct cmd_ctx *ctx, struct object_output *out, json_t **ret_obj)
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
	if (out->printer) {
		if (!cfg->init.bootstrap_tokens.n)
			return error_set(-EINVAL, "no bootstrap token");
		return join_command_object(kubeconfig, &tokens[0], key, ret_obj);
	}
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

/* The lines (NULL-terminated) through kubeadm's tabwriter, flushed to stdout. */
static void tabwrite(char **lines)
{
	_cleanup_free_ char *text = strv_join(lines, "\n");
	_cleanup_free_ char *with_nl = xasprintf("%s\n", text);
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	tabwriter_write(&out, with_nl);
	fputs(out.buf, stdout);
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
		json_object_set_new(o, "usages", json_from_strv(t->usages));
	if (t->groups)
		json_object_set_new(o, "groups", json_from_strv(t->groups));
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
