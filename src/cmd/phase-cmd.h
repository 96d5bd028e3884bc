/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm's Runner.BindToCommand: the "phase" sub-command of a command bound to a workflow and
 * one sub-command per phase, built from the phase tree, each inheriting the command's flags
 * named by the phase.
 */
#pragma once

#include "cmd/command.h"

/* The "phase" command of c (c->workflow set). Built once, lives until exit; borrowed. */
const struct command *phase_cmd_for(const struct command *c);
