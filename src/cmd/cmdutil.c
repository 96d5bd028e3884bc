/* SPDX-License-Identifier: Apache-2.0 */
/* Flag plumbing shared by the kubeadm commands (see cmdutil.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmdutil.h"
#include "cmd/command.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/path.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

int cmd_validate_mixed_arguments(const struct flagset *fs)
{
	/* validation.isAllowedFlag */
	static const char *const allowed[] = {
		"config", "ignore-preflight-errors", "dry-run", "kubeconfig", "node-name",
		"kubeconfig-dir", "upload-certs", "print-manifest", "allow-missing-template-keys",
		"output", "show-managed-fields", "print-join-command", "rootfs", "v", "log-file",
		"yes", "resume" /* ckubeadm --resume: the same attempt again */, NULL,
	};
	/* ckubeadm's own flags (cmd/extensions.c) say where to report, not what to do: they go
	 * with --config as kubeadm's --dry-run and -o do */
	static const char *const extensions[] = { "events", "result-file", NULL };
	if (!flagset_changed(fs, "config"))
		return 0;
	_cleanup_strv_free_ char **bad = NULL;
	for (size_t i = 0; i < fs->n; i++) {
		const char *n = fs->v[i].flag->name;
		if (!fs->v[i].changed || strv_contains((char *const *)allowed, n) ||
		    strneq(n, "skip-", 5) || strv_contains((char *const *)extensions, n))
			continue;
		strv_push(&bad, n);
	}
	if (!bad)
		return 0;
	strv_sort(bad);
	_cleanup_free_ char *j = strv_join(bad, " ");
	return error_set(-EINVAL, "can not mix '--config' with arguments [%s]", j);
}

int cmd_dry_run_dir(const char *env_var, const char *dir_name, char **ret)
{
	const char *env = getenv(env_var);
	if (env && *env) {
		*ret = xstrdup(env);
		return 0;
	}
	int r = fs_mkdir_p(AT_FDCWD, "/etc/kubernetes/tmp", 0700);
	if (r < 0)
		return error_set(r, "failed to create directory \"/etc/kubernetes/tmp\": mkdir /etc/kubernetes/tmp: %s",
				 go_strerror(-r));
	/*
	 * os.MkdirTemp: the name plus a random uint32 in decimal, tried again while it exists.
	 * kubeadm's createTmpDir reassigns its tempDir to "" on failure, which its message shows.
	 */
	_cleanup_free_ char *tmpl = NULL;
	for (int try = 0;; try++) {
		uint32_t rnd = 0;
		if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return error_set(-EIO, "could not create a temporary directory in \"\": no randomness");
		free(tmpl);
		tmpl = xasprintf("/etc/kubernetes/tmp/%s%" PRIu32, dir_name, rnd);
		if (mkdir(tmpl, 0700) == 0)
			break;
		int e = errno;
		if (e == EEXIST && try + 1 < 10000)
			continue;
		if (e == EEXIST)
			return error_set(-e, "could not create a temporary directory in \"\": mkdirtemp /etc/kubernetes/tmp/%s*: file already exists",
					 dir_name);
		return error_set(-e, "could not create a temporary directory in \"\": mkdir %s: %s", tmpl,
				 go_strerror(e));
	}
	log_warning("Using dry-run directory %s. To override it, set the environment variable %s",
		    tmpl, env_var);
	*ret = TAKE_PTR(tmpl);
	return 0;
}

const char *cmd_flag_string_or(const struct flagset *fs, const char *name, const char *def)
{
	return flagset_lookup(fs, name) ? flagset_get_string(fs, name) : def;
}

bool cmd_flag_bool_or_config(const struct flagset *fs, const char *name, bool cfg_value)
{
	return flagset_changed(fs, name) ? flagset_get_bool(fs, name) : cfg_value;
}

char *cmd_kubeconfig_path(const struct flagset *fs)
{
	const char *file = flagset_get_string(fs, "kubeconfig");
	if (flagset_changed(fs, "kubeconfig") && *file)
		return xstrdup(file);
	/*
	 * clientcmd.NewDefaultClientConfigLoadingRules: the files of $KUBECONFIG (each once), else
	 * $HOME/.kube/config; kubeadm adds admin.conf. The first that exists, else the first.
	 */
	_cleanup_strv_free_ char **chain = NULL;
	const char *env = getenv("KUBECONFIG");
	if (env && *env) {
		_cleanup_strv_free_ char **list = strv_split(env, ':', false);
		STRV_FOREACH(f, list)
			if (!strv_contains(chain, *f))
				strv_push(&chain, *f);
	} else {
		/* filepath.Join(homedir.HomeDir(), ".kube", "config") */
		const char *home = getenv("HOME");
		strv_consume(&chain, path_join(home ? home : "", ".kube/config"));
	}
	strv_push(&chain, "/etc/kubernetes/admin.conf");
	const char *pick = chain[0];
	STRV_FOREACH(f, chain)
		if (access(*f, F_OK) == 0) {
			pick = *f;
			break;
		}
	log_v(1, "Using kubeconfig file: %s", pick);
	return xstrdup(pick);
}
