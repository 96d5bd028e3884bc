/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ckubeadm --resume (beyond-kubeadm.md §3.3): re-running a failed or killed init or join on a
 * node that holds the state of that same attempt. Switched on by --resume or CKUBEADM_RESUME=1
 * only; without them nothing here runs and a re-run fails in preflight as kubeadm's does.
 */
#pragma once

#include <stdbool.h>

#include "pki/pki.h"
#include "util/flags.h"

/* --resume given (on a command that has it), or CKUBEADM_RESUME=1 in the environment. */
bool phases_resume_wanted(const struct flagset *fs);

/*
 * R1, the identity gate, before anything is written: the node's state must belong to the
 * cluster of pki/ca.crt (its identity: the CA's sha256 SPKI pin, as the discovery hash). Every
 * leaf certificate on disk must be signed by its CA, every kubeconfig under kubeconfig_dir
 * must trust ca.crt, and none of them may exist without ca.crt; with pins (a join's discovery
 * caCertHashes, "sha256:<hex>"), ca.crt's pin must be one of them. On a mismatch: -EEXIST with
 * "this node holds state of another cluster (CA sha256:...): ...; run 'ckubeadm reset'
 * first", and nothing changed. When the state is ours (and not with dry_run), the temporary
 * files that a killed atomic write left ("<file>.tmp-<pid>" of a process that is gone) are
 * removed. Returns 0 or -errno.
 */
int phases_resume_gate(const struct pki_params *p, const char *kubeconfig_dir, char *const *pins);
