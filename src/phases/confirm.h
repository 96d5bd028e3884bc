/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdio.h>

/*
 * cmdutil.InteractivelyConfirmAction: prints "[<action>] <question> [y/N]: ", reads one line
 * of in; "y" or "yes" in any case returns 0, anything else -ECANCELED with kubeadm's "won't
 * proceed; the user didn't answer (Y|y) in order to continue".
 */
int phases_confirm(const char *action, const char *question, FILE *in);
