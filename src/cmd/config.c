/* SPDX-License-Identifier: Apache-2.0 */
/* `kubeadm config ...` (cmd/kubeadm/app/cmd/config.go), over the contract config/config.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/commands.h"
#include "cmd/feature-gates.h"
#include "cmd/printer.h"
#include "config/config.h"
#include "preflight/preflight.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/strv.h"

const int config_defaults_init = CONFIG_DEFAULTS_INIT;
const int config_defaults_join = CONFIG_DEFAULTS_JOIN;
const int config_defaults_reset = CONFIG_DEFAULTS_RESET;
const int config_defaults_upgrade = CONFIG_DEFAULTS_UPGRADE;

int cmd_config_print_defaults(struct cmd_ctx *ctx)
{
	const int *which = ctx->cmd->data;
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	int r = config_print_defaults((enum config_defaults)*which,
				      flagset_get_strv(&ctx->flags, "component-configs"), &out);
	if (r < 0)
		return r;
	fputs(out.buf, stdout);
	return 0;
}

int cmd_config_validate(struct cmd_ctx *ctx)
{
	const char *path = flagset_get_string(&ctx->flags, "config");
	if (!*path)
		return error_set(-EINVAL, "the --config flag is mandatory");
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	int r = config_validate_file(path, flagset_get_bool(&ctx->flags, "allow-experimental-api"),
				     &out);
	if (r < 0)
		return r;
	fputs(out.buf, stdout);
	return 0;
}

int cmd_config_migrate(struct cmd_ctx *ctx)
{
	const char *old = flagset_get_string(&ctx->flags, "old-config");
	const char *new = flagset_get_string(&ctx->flags, "new-config");
	if (!*old)
		return error_set(-EINVAL, "the --old-config flag is mandatory");
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	int r = config_migrate_file(old, flagset_get_bool(&ctx->flags, "allow-experimental-api"),
				    &out);
	if (r < 0)
		return r;
	if (!*new) {
		fputs(out.buf, stdout);
		return 0;
	}
	/* os.WriteFile(newCfgPath, ..., 0644): the mode is only that of a file it creates; one
	 * that exists keeps its own (a 0600 file stays private) */
	mode_t mode = 0644;
	struct stat st;
	if (fs_stat(ctx->rootfd, new, &st) == 0 && S_ISREG(st.st_mode))
		mode = st.st_mode & 07777;
	r = fs_write_atomic(ctx->rootfd, new, out.buf, out.len, mode, 0755);
	if (r < 0)
		return error_set(r, "failed to write the new configuration to the file \"%s\": open %s: %s",
				 new, new, go_strerror(-r));
	return 0;
}

int cmd_config_images_list(struct cmd_ctx *ctx)
{
	json_t *ov = NULL;
	int r = flagset_overrides(&ctx->flags, &ov);
	if (r >= 0)
		r = cmd_feature_gates_override(&ctx->flags, ov);
	if (r < 0) {
		json_decref(ov);
		return r;
	}
	_cleanup_(printer_freep) struct printer *printer = NULL;
	r = printer_new(&ctx->flags, &printer);
	if (r < 0) {
		json_decref(ov);
		return r;
	}
	const char *cfg = flagset_get_string(&ctx->flags, "config");
	if (*cfg) {
		/* LoadOrDefaultInitConfiguration ignores the flags when a file is given */
		json_decref(ov);
		ov = NULL;
	}
	struct init_config *c = NULL;
	struct config_load_options lo = { .skip_cri_detect = true };
	r = config_load_init_opts(*cfg ? cfg : NULL, ov, &lo, &c);
	json_decref(ov);
	if (r < 0)
		return error_wrap(r, "could not convert cfg to an internal cfg");
	if (printer_is_text(printer)) {
		/* fmt.Fprintln(strings.Join(images, "\n")) */
		_cleanup_strv_free_ char **imgs = config_images(c);
		config_init_free(c);
		STRV_FOREACH(i, imgs)
			printf("%s\n", *i);
		if (!imgs || !imgs[0])
			printf("\n");
		return 0;
	}
	_cleanup_json_ json_t *o = config_images_object(c);
	config_init_free(c);
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	r = printer_print(printer, o, &out);
	fwrite(out.buf, 1, out.len, stdout);
	if (r < 0)
		return error_wrap(r, "unable to print images");
	return 0;
}

int cmd_config_images_pull(struct cmd_ctx *ctx)
{
	json_t *ov = NULL;
	int r = flagset_overrides(&ctx->flags, &ov);
	if (r >= 0)
		r = cmd_feature_gates_override(&ctx->flags, ov);
	if (r < 0) {
		json_decref(ov);
		return r;
	}
	const char *cfg = flagset_get_string(&ctx->flags, "config");
	if (*cfg) {
		/* LoadOrDefaultInitConfiguration ignores the flags when a file is given */
		json_decref(ov);
		ov = NULL;
	}
	struct init_config *c = NULL;
	struct config_load_options lo = { 0 };
	r = config_load_init_opts(*cfg ? cfg : NULL, ov, &lo, &c);
	json_decref(ov);
	if (r < 0)
		return r;
	r = preflight_pull_control_plane_images(c);
	config_init_free(c);
	return r;
}
