/* SPDX-License-Identifier: Apache-2.0 */
/* `kubeadm completion bash|zsh` (cmd/kubeadm/app/cmd/completion.go). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "cmd/completion-text.h"
#include "util/log.h"
#include "util/error.h"
#include "util/strv.h"

int cmd_completion(struct cmd_ctx *ctx)
{
	size_t n = strv_length(ctx->args);
	if (n == 0)
		return error_set(-EINVAL, "shell not specified");
	if (n > 1)
		return error_set(-EINVAL, "too many arguments. expected only the shell type");
	if (!streq(ctx->args[0], "bash") && !streq(ctx->args[0], "zsh")) {
		_cleanup_strbuf_ struct strbuf q = STRBUF_INIT;
		go_quote(ctx->args[0], &q);
		return error_set(-EINVAL,
				 "unsupported shell type %s, the supported shell types are [bash zsh]",
				 q.buf);
	}
	log_v(1, "[completion] writing completion code for %s", streq(ctx->args[0], "bash") ? "Bash" : "Zsh");
	struct strbuf out = STRBUF_INIT;
	strbuf_addstr(&out, completion_boilerplate);
	if (streq(ctx->args[0], "zsh"))
		strbuf_addstr(&out, completion_zsh_init);
	strbuf_addstr(&out, completion_bash_preamble);
	cmd_gen_bash_completion(ctx->path[0], ctx->cmd, &out);
	strbuf_addstr(&out, completion_bash_postscript);
	if (streq(ctx->args[0], "zsh"))
		strbuf_addstr(&out, completion_zsh_tail);
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	return 0;
}
