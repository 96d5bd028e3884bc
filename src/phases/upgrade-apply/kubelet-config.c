/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upgrade apply phase "kubelet-config" (cmd/kubeadm/app/cmd/phases/upgrade/kubeletconfig.go,
 * phases/upgrade/postupgrade.go WriteKubeletConfigFiles).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kubelet/kubelet.h"
#include "phases/upgrade/apply-data.h"
#include "phases/upgrade/staticpods.h"
#include "phases/upgrade_apply.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/xalloc.h"

/* filesutil.CopyFile: the bytes and the permission bits of src. */
static int copy_file(const char *src, const char *dst)
{
	struct stat st;
	if (stat(src, &st) < 0)
		return error_set(-errno, "stat %s: %s", src, go_strerror(errno));
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = fs_read_file(AT_FDCWD, src, 64 << 20, &data, &len);
	if (r >= 0)
		r = fs_write_atomic(AT_FDCWD, dst, data, len, st.st_mode & 07777, 0700);
	return r;
}

/* dryrunutil.PrintDryRunFile(name, dir, /var/lib/kubelet) */
static int print_dry_run_file(const char *dir, const char *name)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = fs_read_file(AT_FDCWD, p, 16 << 20, &data, &len);
	if (r < 0) {
		error_clear();
		return error_set(r, "open %s: %s", p, go_strerror(-r));
	}
	printf("[dryrun] Would write file \"%s/%s\" with content:\n", KUBELET_RUN_DIR, name);
	fwrite(data, 1, len, stdout);
	fflush(stdout);
	return 0;
}

int upgrade_data_kubelet_config(const struct apply_data *d)
{
	const char *kubelet_dir = apply_data_kubelet_dir(d);
	_cleanup_free_ char *tmp = xasprintf("%s/tmp", apply_data_kubeconfig_dir(d));
	int r = fs_mkdir_p(AT_FDCWD, tmp, 0700);
	if (r < 0)
		return error_set(r, "failed to create directory \"%s\": mkdir %s: %s", tmp, tmp,
				 go_strerror(-r));
	_cleanup_free_ char *dir = NULL;
	r = upgrade_create_timestamp_dir(tmp, "kubeadm-kubelet-config", &dir);
	if (r < 0)
		return r;
	log_warning("Using temporary directory %s for kubelet config. To override it set the environment variable KUBEADM_UPGRADE_DRYRUN_DIR",
		    dir);
	_cleanup_free_ char *src = xasprintf("%s/config.yaml", kubelet_dir);
	_cleanup_free_ char *dest = xasprintf("%s/config.yaml", dir);
	if (d->dry_run) {
		printf("[dryrun] Would back up kubelet config file to %s\n", dest);
	} else {
		printf("[upgrade] Backing up kubelet config file to %s\n", dest);
		fflush(stdout);
		r = copy_file(src, dest);
		if (r < 0)
			return error_wrap(r, "error backing up the kubelet config file");
	}
	fflush(stdout);
	_cleanup_free_ char *instance = xasprintf("%s/instance-config.yaml", kubelet_dir);
	struct stat st;
	if (stat(instance, &st) < 0) {
		if (errno != ENOENT)
			return error_set(-errno, "stat error for the kubelet instance configuration file %s: stat %s: %s",
					 instance, instance, go_strerror(errno));
		log_warning("The kubelet instance configuration file %s was not found. Creating a new one with defaults. Please verify its contents!",
			    instance);
		r = kubelet_write_instance_config(d->rootfd, kubelet_dir,
						  d->init_cfg->init.node_registration.cri_socket);
		if (r < 0)
			return error_wrap(r, "error writing kubelet instance configuration");
	}
	if (d->dry_run) {
		r = print_dry_run_file(kubelet_dir, "instance-config.yaml");
		if (r < 0)
			return error_wrap(r, "error printing kubelet instance configuration file on dryrun");
	}
	r = kubelet_write_config(d->rootfd, kubelet_dir, d->init_cfg, d->patches_dir, stdout);
	if (r < 0)
		return error_wrap(r, "error writing kubelet configuration to file");
	if (d->dry_run) {
		r = print_dry_run_file(kubelet_dir, "config.yaml");
		if (r < 0)
			return error_wrap(r, "error printing kubelet configuration file on dryrun");
	}
	printf("[upgrade/kubelet-config] The kubelet configuration for this node was successfully upgraded!\n");
	fflush(stdout);
	return 0;
}

int phase_upgrade_apply_kubelet_config(struct run_ctx *ctx)
{
	return upgrade_data_kubelet_config(apply_data(ctx));
}
