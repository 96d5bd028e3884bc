/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The phase trees bound to commands this build does not run yet (join, reset, upgrade apply,
 * upgrade node): bound already so that their help, `phase` sub-commands and the completion
 * script are the reference's. When a command is built, move its workflow into cmd/<name>.c
 * with its data initializer (see cmd/init.c).
 */
#include <stddef.h>

#include "cmd/commands.h"
#include "phases/reset.h"
#include "phases/upgrade_apply.h"
#include "phases/upgrade_node.h"

const struct workflow upgrade_apply_workflow = { .name = "apply", .phases = phases_upgrade_apply };
const struct workflow upgrade_node_workflow = { .name = "node", .phases = phases_upgrade_node };
