/* SPDX-License-Identifier: Apache-2.0 */
/* reset phase "cleanup-node" (cmd/kubeadm/app/cmd/phases/reset/cleanupnode.go and
 * unmount_linux.go). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "cri/cri.h"
#include "kubelet/initsystem.h"
#include "phases/reset.h"
#include "phases/reset/clean-dir.h"
#include "phases/reset/reset-data.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define KUBERNETES_DIR "/etc/kubernetes"
#define KUBELET_RUN_DIR "/var/lib/kubelet"
#define DEFAULT_CERT_DIR "/etc/kubernetes/pki"

#ifndef UMOUNT_NOFOLLOW
#define UMOUNT_NOFOLLOW 8
#endif

/* fmt's %v of a []string: "[a b c]". */
static char *go_list(char *const *v)
{
	_cleanup_free_ char *j = strv_join(v, " ");
	return xasprintf("[%s]", strempty(j));
}

/*
 * filepath.EvalSymlinks(path): the resolved path, or kubeadm's error text naming the first
 * component that cannot be read ("lstat /var: no such file or directory").
 */
static int eval_symlinks(const char *path, char **ret)
{
	char buf[PATH_MAX];
	if (realpath(path, buf)) {
		*ret = xstrdup(buf);
		return 0;
	}
	int e = errno;
	_cleanup_free_ char *prefix = xstrdup(path);
	for (char *p = prefix + 1;; p++) {
		char c = *p;
		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		struct stat st;
		if (lstat(prefix, &st) < 0)
			return error_set(-errno, "lstat %s: %s", prefix, go_strerror(errno));
		*p = c;
		if (!c)
			break;
	}
	return error_set(-e, "lstat %s: %s", path, go_strerror(e));
}

static int unmount_flags(char *const *names)
{
	int f = 0;
	STRV_FOREACH(n, names) {
		if (streq(*n, "MNT_FORCE"))
			f |= MNT_FORCE;
		else if (streq(*n, "MNT_DETACH"))
			f |= MNT_DETACH;
		else if (streq(*n, "MNT_EXPIRE"))
			f |= MNT_EXPIRE;
		else if (streq(*n, "UMOUNT_NOFOLLOW"))
			f |= UMOUNT_NOFOLLOW;
	}
	return f;
}

/* unmountKubeletDirectory: unmounts every mount point below dir (read from /proc/mounts). */
static int unmount_kubelet_directory(const char *dir, char *const *flag_names,
				     char ***unmounted)
{
	/* kubeadm keeps the escaped text (and then fails to unmount such a path); we unescape */
	_cleanup_strv_free_ char **mps = NULL;
	int r = reset_read_mount_points("/proc/mounts", 1, &mps);
	if (r == -ENOENT)
		return error_set(r, "open /proc/mounts: no such file or directory");
	if (r < 0)
		return error_wrap(r, "open /proc/mounts");
	/* the trailing "/" keeps a mount of the directory itself out */
	_cleanup_free_ char *prefix = xasprintf("%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/");
	int flags = unmount_flags(flag_names);
	_cleanup_strv_free_ char **errs = NULL;
	int first = 0;
	STRV_FOREACH(m, mps) {
		const char *mp = *m;
		if (!strneq(mp, prefix, strlen(prefix)))
			continue;
		log_v(5, "[reset] Unmounting \"%s\"", mp);
		if (umount2(mp, flags) < 0) {
			int e = errno;
			/* a duplicate entry already gone through its shared peer */
			if (e == EINVAL) {
				log_warning("[reset] Ignoring EINVAL error while unmounting \"%s\"", mp);
				continue;
			}
			strv_consume(&errs, xasprintf("failed to unmount \"%s\": %s", mp,
						      go_strerror(e)));
			if (!first)
				first = -e;
			continue;
		}
		strv_push(unmounted, mp);
	}
	if (!errs)
		return 0;
	_cleanup_free_ char *j = strv_join(errs, ", ");
	if (strv_length(errs) == 1)
		return error_set(first, "encountered the following errors while unmounting directories in \"%s\": %s",
				 prefix, j);
	return error_set(first, "encountered the following errors while unmounting directories in \"%s\": [%s]",
			 prefix, j);
}

/* removeContainers: every pod sandbox of the runtime, stopped and removed. */
static int remove_containers(const char *cri_socket)
{
	_cleanup_(cri_client_freep) struct cri_client *c = cri_client_new(cri_socket, 0);
	int r = cri_client_connect(c);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **ids = NULL;
	r = cri_list_kube_sandboxes(c, &ids);
	if (r < 0)
		return r;
	return cri_remove_kube_sandboxes(c, ids);
}

/* resetConfigDir: the contents of dirs, then kubeadm's kubeconfig files. */
static void reset_config_dir(char *const *dirs, bool dry_run)
{
	_cleanup_free_ char *dl = go_list(dirs);
	if (!dry_run) {
		printf("[reset] Deleting contents of directories: %s\n", dl);
		fflush(stdout);
		STRV_FOREACH(dir, dirs) {
			int r = reset_clean_dir(*dir);
			if (r < 0) {
				log_warning("[reset] Failed to delete contents of \"%s\" directory: %s",
					    *dir, error_message(r));
				error_clear();
			}
		}
	} else {
		printf("[dryrun] Would delete contents of directories: %s\n", dl);
	}
	static const char *const files[] = {
		KUBERNETES_DIR "/admin.conf",
		KUBERNETES_DIR "/super-admin.conf",
		KUBERNETES_DIR "/kubelet.conf",
		KUBERNETES_DIR "/bootstrap-kubelet.conf",
		KUBERNETES_DIR "/controller-manager.conf",
		KUBERNETES_DIR "/scheduler.conf",
		NULL,
	};
	_cleanup_free_ char *fl = go_list((char *const *)files);
	if (!dry_run) {
		printf("[reset] Deleting files: %s\n", fl);
		fflush(stdout);
		for (const char *const *p = files; *p; p++) {
			int r = reset_remove_all(*p);
			if (r < 0) {
				log_warning("[reset] Failed to remove file: \"%s\" [%s]", *p,
					    error_message(r));
				error_clear();
			}
		}
	} else {
		printf("[dryrun] Would delete files: %s\n", fl);
	}
	fflush(stdout);
}

int phase_reset_cleanup_node(struct run_ctx *ctx)
{
	struct reset_data *d = reset_data(ctx);
	_cleanup_strv_free_ char **dirs = NULL;
	strv_push(&dirs, KUBERNETES_DIR "/manifests");

	log_v(1, "[reset] Getting init system");
	enum initsystem_kind is;
	int r = initsystem_detect(&is);
	error_clear();
	if (r < 0) {
		log_warning("[reset] The kubelet service could not be stopped by kubeadm. Unable to detect a supported init system!");
		log_warning("[reset] Please ensure kubelet is stopped manually");
	} else if (!d->dry_run) {
		printf("[reset] Stopping the kubelet service\n");
		fflush(stdout);
		r = initsystem_service_stop(is, "kubelet");
		if (r < 0) {
			log_warning("[reset] The kubelet service could not be stopped by kubeadm: [%s]",
				    error_message(r));
			log_warning("[reset] Please ensure kubelet is stopped manually");
			error_clear();
		}
	} else {
		printf("[dryrun] Would stop the kubelet service\n");
	}

	if (!d->dry_run) {
		/* /var/lib/kubelet may be a symlink: resolve it (an error if it does not exist) */
		_cleanup_free_ char *run_dir = NULL;
		r = eval_symlinks(KUBELET_RUN_DIR, &run_dir);
		if (r < 0) {
			log_warning("[reset] Skipping unmount of directories in \"%s\": %s",
				    KUBELET_RUN_DIR, error_message(r));
			error_clear();
		} else {
			printf("[reset] Unmounting mounted directories in \"%s\"\n", KUBELET_RUN_DIR);
			fflush(stdout);
			r = unmount_kubelet_directory(run_dir, d->cfg->reset.unmount_flags, &d->unmounted);
			if (r < 0)
				return r;
			strv_push(&dirs, run_dir);
		}
	} else {
		printf("[dryrun] Would unmount mounted directories in \"%s\"\n", KUBELET_RUN_DIR);
	}

	if (!d->dry_run) {
		log_v(1, "[reset] Removing Kubernetes-managed containers");
		r = remove_containers(d->cri_socket);
		if (r < 0) {
			log_warning("[reset] Failed to remove containers: %s", error_message(r));
			error_clear();
		}
	} else {
		printf("[dryrun] Would remove Kubernetes-managed containers\n");
	}
	fflush(stdout);

	if (!streq(d->cert_dir, DEFAULT_CERT_DIR))
		log_warning("[reset] WARNING: Cleaning a non-default certificates directory: \"%s\"",
			    d->cert_dir);
	strv_push(&dirs, d->cert_dir);
	if (d->cleanup_tmp_dir)
		strv_push(&dirs, KUBERNETES_DIR "/tmp");
	reset_config_dir(dirs, d->dry_run);

	if (d->init_cfg &&
	    json_is_true(json_object_get(d->init_cfg->cluster.feature_gates, "RootlessControlPlane"))) {
		if (!d->dry_run) {
			log_v(1, "[reset] Removing users and groups created for rootless control-plane");
			/* TODO(integrator): users.RemoveUsersAndGroups (kubeadm-etcd, kubeadm-kas, ...)
			 * once a users layer exists; unreachable until the configuration can be fetched */
			log_warning("[reset] Failed to remove users and groups: not implemented in this build");
		} else {
			printf("[dryrun] Would remove users and groups created for rootless control-plane\n");
			fflush(stdout);
		}
	}
	return 0;
}
