/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The part of github.com/coredns/corefile-migration kubeadm relies on when a CoreDNS
 * ConfigMap already exists: migration.Default("", corefile), i.e. whether a Corefile is the
 * default of any CoreDNS release (fuzzy: "*" matches one token, "***" the rest of the line;
 * the order of server blocks, plugins and options does not matter).
 */
#pragma once

#include <stdbool.h>

/* The default Corefiles of every release (generated, NULL-terminated). */
extern const char *const corefile_defaults[];

/* migration.Default("", corefile). */
bool corefile_is_default(const char *corefile);
