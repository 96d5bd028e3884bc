/* SPDX-License-Identifier: Apache-2.0 */
/*
 * k8s.io/system-validators@v1.12.1 as kubeadm's SystemVerification check runs it on Linux:
 * the kernel validator (release, kernel config), the OS validator and the cgroups validator
 * (v1/v2 rules for the kubelet version), against DefaultSysSpec.
 */
#pragma once

#include "util/strbuf.h"

/*
 * Runs the validators for kubelet_version ("1.37.2"; "" = unknown). The StreamReporter's lines
 * (with their colour codes) are appended to report; warnings and errors are appended to the
 * strv *warnings / *errors in the validators' order.
 */
void sysverify_run(const char *kubelet_version, struct strbuf *report, char ***warnings,
		   char ***errors);

/* Parses kernel config text (CONFIG_X=y|m|n lines); returns the value for name or 0. */
char sysverify_kconfig_lookup(const char *config, const char *name);

/*
 * getUnifiedMountpoint over the text of a mounts file: 0 with *ret_v2 set, or -ENOENT.
 * memory_is_dir tells whether /sys/fs/cgroup/memory is a directory (for the tmpfs case).
 */
int sysverify_cgroup_mode(const char *mounts, bool memory_is_dir, char **ret_mountpoint,
			  bool *ret_v2);
