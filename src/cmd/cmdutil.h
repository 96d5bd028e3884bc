/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flag plumbing shared by the kubeadm commands (init, join, reset, token): the pieces kubeadm
 * keeps in validation.ValidateMixedArguments and kubeadmconstants.GetDryRunDir.
 */
#pragma once

#include <stdbool.h>

#include "util/flags.h"

/*
 * validation.ValidateMixedArguments: when --config was given, every other flag that was set
 * must be one kubeadm allows beside it (--skip-* included). Returns 0, or -EINVAL with
 * "can not mix '--config' with arguments [a b]" (names sorted, as pflag's Visit).
 */
int cmd_validate_mixed_arguments(const struct flagset *fs);

/*
 * kubeadmconstants.GetDryRunDir(env_var, dir_name, klog.Warningf): $env_var if set and not
 * empty, else a new directory /etc/kubernetes/tmp/<dir_name>XXXXXX (created 0700, the warning
 * naming env_var printed). *ret (owned by the caller) is written only on success; errors are
 * -errno with kubeadm's message.
 */
int cmd_dry_run_dir(const char *env_var, const char *dir_name, char **ret);

/*
 * The value of string flag name, or def when the command does not have that flag (a phase
 * sub-command inherits only some of its workflow's flags). Borrowed from fs.
 */
const char *cmd_flag_string_or(const struct flagset *fs, const char *name, const char *def);

/* cmdutil.ValueFromFlagsOrConfig for a bool: the flag's value if it was set, else cfg_value. */
bool cmd_flag_bool_or_config(const struct flagset *fs, const char *name, bool cfg_value);

/*
 * cmdutil.GetKubeConfigPath for a command's --kubeconfig flag whose shown default is
 * admin.conf but whose value is empty: the flag's value if set and not empty, else the first
 * existing of $KUBECONFIG's files (or $HOME/.kube/config) and /etc/kubernetes/admin.conf, else
 * the first of them (the -v1 line "Using kubeconfig file: ..." printed). Owned by the caller.
 */
char *cmd_kubeconfig_path(const struct flagset *fs);
