/* SPDX-License-Identifier: Apache-2.0 */
/* phases/upgrade/staticpods.go and the waits of util/apiclient/wait.go it uses. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "addons/addons.h"
#include "config/version.h"
#include "etcd/etcd.h"
#include "kubeconfig/kubeconfig.h"
#include "manifests/manifests.h"
#include "phases/cluster-config.h"
#include "phases/upgrade/compute.h"
#include "phases/upgrade/staticpods.h"
#include "pki/pki.h"
#include "util/duration.h"
#include "util/error.h"
#include "util/events.h"
#include "util/exec.h"
#include "util/fault.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/yaml.h"

#define MANIFEST_MAX (4 << 20)

/* constants.ControlPlaneComponents, in kubeadm's order */
static const char *const control_plane[] = { MANIFESTS_APISERVER, MANIFESTS_CONTROLLER_MANAGER,
					     MANIFESTS_SCHEDULER, NULL };

/* KubeStaticPodPathManager */
struct path_manager {
	const char *kubernetes_dir;
	char *real_dir;     /* <k8s>/manifests */
	char *temp_dir;     /* <k8s>/tmp/kubeadm-upgraded-manifestsNNN */
	char *backup_dir;   /* <k8s>/tmp/kubeadm-backup-manifests-<ts> */
	char *backup_etcd;  /* <k8s>/tmp/kubeadm-backup-etcd-<ts> */
	bool keep_etcd;
};

/* One run: the options, the path manager and the components registered for recovery. */
struct run {
	const struct upgrade_static_pods *o;
	struct path_manager pm;
	char **recover;     /* components whose backup a rollback moves back, in order */
	char *node;         /* nodeRegistration.name (borrowed from the config) */
	char timeout_text[32];
};

static void path_manager_release(struct path_manager *pm)
{
	free(pm->real_dir);
	free(pm->temp_dir);
	free(pm->backup_dir);
	free(pm->backup_etcd);
}

static char *real_path(const struct run *u, const char *c)
{
	return xasprintf("%s/%s.yaml", u->pm.real_dir, c);
}

static char *temp_path(const struct run *u, const char *c)
{
	return xasprintf("%s/%s.yaml", u->pm.temp_dir, c);
}

static char *backup_path(const struct run *u, const char *c)
{
	return xasprintf("%s/%s.yaml", u->pm.backup_dir, c);
}

/* constants.createTmpDir: os.MkdirTemp(<k8s>/tmp, prefix), a random decimal suffix. */
static int create_temp_dir(const char *tmp, const char *prefix, char **ret)
{
	for (int tries = 0; tries < 10000; tries++) {
		uint32_t n = 0;
		if (getrandom(&n, sizeof(n), 0) != (ssize_t)sizeof(n))
			n = (uint32_t)(time(NULL) + tries);
		_cleanup_free_ char *p = xasprintf("%s/%s%u", tmp, prefix, n);
		if (mkdir(p, 0700) == 0) {
			*ret = TAKE_PTR(p);
			return 0;
		}
		if (errno != EEXIST)
			return error_set(-errno, "failed to create directory %s: mkdir %s: %s", p, p,
					 go_strerror(errno));
	}
	return error_set(-EEXIST, "failed to create a temporary directory in %s", tmp);
}

int upgrade_create_timestamp_dir(const char *tmp, const char *name, char **ret)
{
	time_t now = time(NULL);
	struct tm tm;
	char ts[32];
	if (!localtime_r(&now, &tm) || !strftime(ts, sizeof(ts), "%Y-%m-%d-%H-%M-%S", &tm))
		return error_set(-EINVAL, "could not create timestamp directory: bad time");
	_cleanup_free_ char *p = xasprintf("%s/%s-%s", tmp, name, ts);
	if (mkdir(p, 0700) < 0)
		return error_set(-errno, "could not create timestamp directory: mkdir %s: %s", p,
				 go_strerror(errno));
	*ret = TAKE_PTR(p);
	return 0;
}

/* NewKubeStaticPodPathManagerUsingTempDirs (GetPathManagerForUpgrade) */
static int path_manager_init(struct path_manager *pm, const char *k8s, bool keep_etcd)
{
	memset(pm, 0, sizeof(*pm));
	pm->kubernetes_dir = k8s;
	pm->real_dir = xasprintf("%s/manifests", k8s);
	pm->keep_etcd = keep_etcd;
	_cleanup_free_ char *tmp = xasprintf("%s/tmp", k8s);
	int r = fs_mkdir_p(AT_FDCWD, tmp, 0700);
	if (r < 0)
		return error_set(r, "failed to create directory \"%s\": mkdir %s: %s", tmp, tmp,
				 go_strerror(-r));
	r = create_temp_dir(tmp, "kubeadm-upgraded-manifests", &pm->temp_dir);
	if (r >= 0)
		r = upgrade_create_timestamp_dir(tmp, "kubeadm-backup-manifests", &pm->backup_dir);
	if (r >= 0)
		r = upgrade_create_timestamp_dir(tmp, "kubeadm-backup-etcd", &pm->backup_etcd);
	return r;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT ? -1 : 0;
}

/* os.RemoveAll */
static int remove_all(const char *dir)
{
	if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
		return error_set(-errno, "unlinkat %s: %s", dir, go_strerror(errno));
	return 0;
}

/* CleanupDirs: the temporary dir always; the manifest backups are kept (keepManifestDir). */
static int path_manager_cleanup(const struct path_manager *pm)
{
	int r = remove_all(pm->temp_dir);
	if (r >= 0 && !pm->keep_etcd)
		r = remove_all(pm->backup_etcd);
	return r;
}

/* filesutil.CopyDir: `cp -r src dst`; *out gets cp's combined output. */
static int copy_dir(const char *src, const char *dst, struct strbuf *out)
{
	_cleanup_free_ char *cp = exec_look_path("cp");
	if (!cp)
		return error_set(-ENOENT, "exec: \"cp\": executable file not found in $PATH");
	char *const argv[] = { (char *)"cp", (char *)"-r", (char *)src, (char *)dst, NULL };
	_cleanup_strbuf_ struct strbuf err = STRBUF_INIT;
	int r = exec_run(cp, argv, true, out, 65536, &err);
	if (r != 0)
		return error_set(r < 0 ? r : -EIO, "%s", err.buf);
	return 0;
}

/* os.Rename, as pathMgr.MoveFile */
static int move_file(const char *from, const char *to)
{
	int f = fault_inject_errno(FAULT_RENAME, to);
	if (f < 0)
		return error_set(f, "rename %s %s: %s", from, to, go_strerror(-f));
	if (rename(from, to) < 0)
		return error_set(-errno, "rename %s %s: %s", from, to, go_strerror(errno));
	return 0;
}

/* ReadStaticPodFromDisk */
static int read_pod(const char *path, json_t **ret)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = fs_read_file(AT_FDCWD, path, MANIFEST_MAX, &data, &len);
	if (r < 0) {
		error_clear();
		return error_set(r, "failed to read manifest for \"%s\": open %s: %s", path, path,
				 go_strerror(-r));
	}
	r = yaml_to_json(data, len, 0, ret);
	if (r < 0)
		return error_wrap(r, "failed to unmarshal manifest for \"%s\"", path);
	return 0;
}

int upgrade_manifest_files_equal(const char *a, const char *b, bool *ret_equal)
{
	_cleanup_json_ json_t *pa = NULL, *pb = NULL;
	int r = read_pod(a, &pa);
	if (r >= 0)
		r = read_pod(b, &pb);
	if (r < 0)
		return r;
	*ret_equal = json_equal(pa, pb);
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* getStaticPodSingleHash. *ret owned. */
static int pod_hash(struct run *u, const char *component, char **ret)
{
	_cleanup_free_ char *name = xasprintf("%s-%s", component, u->node);
	_cleanup_json_ json_t *pod = NULL;
	int r = kube_get(u->o->client, &kube_res_pods, "kube-system", name, &pod);
	if (r < 0)
		return error_wrap(r, "failed to obtain static Pod hash for component %s on Node %s",
				  component, u->node);
	const char *h = json_string_value(
		json_object_get(json_get_path(pod, "metadata.annotations"), "kubernetes.io/config.hash"));
	*ret = xstrdup(strempty(h));
	return 0;
}

/* WaitForStaticPodSingleHash: polled until one GET succeeds; the last error on timeout. */
static int wait_single_hash(struct run *u, const char *component, char **ret)
{
	int64_t end = now_ms() + u->o->timeout_ms;
	for (;;) {
		int r = pod_hash(u, component, ret);
		if (r >= 0 || now_ms() >= end)
			return r;
		error_clear();
		sleep_ms(u->o->poll_ms);
	}
}

/* WaitForStaticPodHashChange */
static int wait_hash_change(struct run *u, const char *component, const char *before)
{
	int64_t end = now_ms() + u->o->timeout_ms;
	int last = 0;
	/* the event stream's Wait: the target is the component, its "url" the pod whose hash
	 * must change */
	_cleanup_free_ char *what = xasprintf("pod %s-%s config.hash", component, u->node);
	struct events_waiter ew;
	events_wait_begin(&ew, component, what);
	for (;;) {
		_cleanup_free_ char *h = NULL;
		int r = pod_hash(u, component, &h);
		if (r < 0) {
			last = r;
		} else {
			last = 0;
			if (!streq(h, before)) {
				events_wait_end(&ew, true, true, NULL);
				return 0;
			}
		}
		events_wait_retry(&ew, r < 0 ? error_message(r) : "the hash has not changed");
		if (now_ms() >= end)
			break;
		if (r < 0)
			error_clear();
		sleep_ms(u->o->poll_ms);
	}
	events_wait_end(&ew, false, true,
			last < 0 ? error_message(last) : "the hash has not changed");
	if (last < 0)
		return last;
	return error_set(-ETIMEDOUT,
			 "static Pod hash for component %s on Node %s did not change after %s: context deadline exceeded",
			 component, u->node, u->timeout_text);
}

/* WaitForPodsWithLabel("component=<c>"): every matching kube-system pod Running. */
static int wait_pods_with_label(struct run *u, const char *component)
{
	_cleanup_free_ char *sel = xasprintf("component=%s", component);
	int64_t end = now_ms() + u->o->timeout_ms;
	long last_count = -1;
	_cleanup_free_ char *what = xasprintf("pods kube-system/%s", sel);
	struct events_waiter ew;
	events_wait_begin(&ew, component, what);
	for (;;) {
		_cleanup_json_ json_t *list = NULL;
		int r = kube_list(u->o->client, &kube_res_pods, "kube-system", sel, NULL, &list);
		if (r < 0) {
			printf("[apiclient] Error getting Pods with label selector \"%s\" [%s]\n", sel,
			       error_message(r));
			events_wait_retry(&ew, error_message(r));
			error_clear();
		} else {
			json_t *items = json_object_get(list, "items");
			long n = (long)json_array_size(items);
			if (n != last_count) {
				printf("[apiclient] Found %ld Pods for label selector %s\n", n, sel);
				last_count = n;
			}
			bool running = n > 0;
			size_t i;
			json_t *pod;
			json_array_foreach (items, i, pod)
				if (!streq(strempty(json_string_value(json_get_path(pod, "status.phase"))),
					   "Running"))
					running = false;
			if (running) {
				events_wait_end(&ew, true, true, NULL);
				return 0;
			}
			events_wait_retry(&ew, "not every pod is Running");
		}
		fflush(stdout);
		if (now_ms() >= end) {
			events_wait_end(&ew, false, true, "context deadline exceeded");
			return error_set(-ETIMEDOUT, "context deadline exceeded");
		}
		sleep_ms(u->o->poll_ms);
	}
}

/* rollbackOldManifests: always returns the wrapped aggregate of err and the move errors. */
static int rollback(struct run *u, int err, bool restore_etcd)
{
	_cleanup_strv_free_ char **errs = NULL;
	strv_push(&errs, error_message(err));
	error_clear();
	STRV_FOREACH(c, u->recover) {
		if (streq(*c, MANIFESTS_ETCD) && !restore_etcd)
			continue;
		_cleanup_free_ char *b = backup_path(u, *c), *rp = real_path(u, *c);
		int r = move_file(b, rp);
		if (r < 0) {
			strv_push(&errs, error_message(r));
			error_clear();
		}
	}
	_cleanup_free_ char *joined = strv_join(errs, ", ");
	if (strv_length(errs) == 1)
		return error_set(err, "couldn't upgrade control plane. kubeadm has tried to recover everything into the earlier state. Errors faced: %s",
				 joined);
	return error_set(err, "couldn't upgrade control plane. kubeadm has tried to recover everything into the earlier state. Errors faced: [%s]",
			 joined);
}

/* Renewal manager's RenewUsingLocalCA for a certificate or kubeconfig file name. */
static int renew(struct run *u, const char *name, bool *ret_renewed)
{
	struct pki_params p;
	phases_pki_params(u->o->cfg, &p);
	p.out = NULL;
	if (strlen(name) > 5 && streq(name + strlen(name) - 5, ".conf"))
		return kubeconfig_renew(&p, u->o->kubernetes_dir, name, ret_renewed);
	return pki_renew_cert(&p, name, ret_renewed);
}

/* renewCertsByComponent */
static int renew_certs_by_component(struct run *u, const char *component)
{
	bool local = u->o->cfg->cluster.etcd.local && !u->o->cfg->cluster.etcd.external;
	const char *certs[5] = { 0 };
	if (streq(component, MANIFESTS_ETCD) && local) {
		certs[0] = "etcd-server";
		certs[1] = "etcd-peer";
		certs[2] = "etcd-healthcheck-client";
	} else if (streq(component, MANIFESTS_APISERVER)) {
		certs[0] = "apiserver";
		certs[1] = "apiserver-kubelet-client";
		certs[2] = "front-proxy-client";
		if (local)
			certs[3] = "apiserver-etcd-client";
	} else if (streq(component, MANIFESTS_CONTROLLER_MANAGER)) {
		certs[0] = "controller-manager.conf";
	} else if (streq(component, MANIFESTS_SCHEDULER)) {
		certs[0] = "scheduler.conf";
	}
	for (size_t i = 0; certs[i]; i++) {
		printf("[upgrade/staticpods] Renewing %s certificate\n", certs[i]);
		fflush(stdout);
		bool renewed = false;
		int r = renew(u, certs[i], &renewed);
		if (r < 0)
			return r;
		if (!renewed)
			printf("[upgrade/staticpods] External CA detected, %s certificate can't be renewed\n",
			       certs[i]);
	}
	return 0;
}

/* upgradeComponent */
static int upgrade_component(struct run *u, const char *component, const char *before_hash)
{
	bool recover_etcd = false, apiserver_upgrade = false;
	if (streq(component, MANIFESTS_ETCD)) {
		recover_etcd = true;
		_cleanup_free_ char *ra = real_path(u, MANIFESTS_APISERVER),
				    *ta = temp_path(u, MANIFESTS_APISERVER);
		bool eq = false;
		int r = upgrade_manifest_files_equal(ra, ta, &eq);
		if (r < 0)
			return r;
		apiserver_upgrade = !eq;
	}
	printf("[upgrade/staticpods] Preparing for \"%s\" upgrade\n", component);
	fflush(stdout);
	_cleanup_free_ char *cur = real_path(u, component), *new = temp_path(u, component),
			    *bak = backup_path(u, component);
	strv_push(&u->recover, component);
	bool equal = false;
	int r = upgrade_manifest_files_equal(cur, new, &equal);
	if (r < 0)
		return r;
	if (equal) {
		if (!apiserver_upgrade) {
			printf("[upgrade/staticpods] Current and new manifests of %s are equal, skipping upgrade\n",
			       component);
			fflush(stdout);
			return 0;
		}
		log_v(4, "[upgrade/staticpods] Current and new manifests of %s are equal, but %s will be upgraded",
		      component, MANIFESTS_APISERVER);
	}
	if (u->o->renew_certs) {
		r = renew_certs_by_component(u, component);
		if (r < 0)
			return rollback(u, error_wrap(r, "failed to renew certificates for component \"%s\"",
						      component),
					recover_etcd);
	}
	if (equal && u->o->renew_certs)
		printf("[upgrade/staticpods] Restarting the %s static pod and backing up its manifest to \"%s\"\n",
		       component, bak);
	else
		printf("[upgrade/staticpods] Moving new manifest to \"%s\" and backing up old manifest to \"%s\"\n",
		       cur, bak);
	fflush(stdout);
	r = move_file(cur, bak);
	if (r >= 0)
		r = move_file(new, cur);
	if (r < 0)
		return rollback(u, r, recover_etcd);
	printf("[upgrade/staticpods] Waiting for the kubelet to restart the component\n");
	printf("[upgrade/staticpods] This can take up to %s\n", u->timeout_text);
	fflush(stdout);
	if (!equal) {
		r = wait_hash_change(u, component, before_hash);
		if (r < 0)
			return rollback(u, r, recover_etcd);
	}
	r = wait_pods_with_label(u, component);
	if (r < 0)
		return rollback(u, r, recover_etcd);
	printf("[upgrade/staticpods] Component \"%s\" upgraded successfully!\n", component);
	fflush(stdout);
	return 0;
}

/* CreateStaticPodFiles / prepareAndWriteEtcdStaticPod into the temporary directory. */
static int write_manifest(struct run *u, const char *component)
{
	struct manifests_options o = { .rootfd = AT_FDCWD };
	if (streq(component, MANIFESTS_CONTROLLER_MANAGER)) {
		struct pki_params p = { .cert_dir = u->o->cfg->cluster.certificates_dir,
					.rootfd = AT_FDCWD };
		if (pki_using_external_ca(&p, &o.external_ca) < 0) {
			error_clear();
			o.external_ca = false;
		}
	}
	_cleanup_json_ json_t *pod = NULL;
	int r = manifests_pod_build(u->o->cfg, component, &o, &pod);
	if (r < 0)
		return r;
	if (u->o->patches_dir) {
		fflush(stdout);
		r = manifests_pod_patch(&pod, u->o->patches_dir, stdout);
		fflush(stdout);
		if (r < 0)
			return error_wrap(r, "failed to patch static Pod manifest file for \"%s\"", component);
	}
	r = manifests_pod_write(AT_FDCWD, u->pm.temp_dir, component, pod);
	if (r < 0 && !streq(component, MANIFESTS_ETCD))
		return error_wrap(r, "failed to create static pod manifest file for \"%s\"", component);
	return r;
}

/* The tag of the etcd manifest's image, "_" read as "+" (GetEtcdImageTagFromStaticPod). */
static int current_etcd_version(struct run *u, char **ret)
{
	_cleanup_free_ char *p = real_path(u, MANIFESTS_ETCD);
	_cleanup_json_ json_t *pod = NULL;
	int r = read_pod(p, &pod);
	if (r < 0)
		return r;
	const char *image = json_string_value(
		json_object_get(json_array_get(json_get_path(pod, "spec.containers"), 0), "image"));
	char *tag = xstrdup(addons_image_tag(strempty(image)));
	for (char *c = tag; *c; c++)
		if (*c == '_')
			*c = '+';
	*ret = tag;
	return 0;
}

/* rollbackEtcdData: `cp -r <backup> <dataDir>` (kubeadm's copy into the existing dir). */
static int rollback_etcd_data(struct run *u, const char *data_dir)
{
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	int r = copy_dir(u->pm.backup_etcd, data_dir, &out);
	if (r < 0)
		return error_set(r, "couldn't recover etcd database with error, the location of etcd backup: %s, output: \"%s\": %s",
				 u->pm.backup_etcd, strempty(out.buf), error_message(r));
	return 0;
}

/*
 * The old etcd is waited for after a failure; its data restored from the backup when it does
 * not come back. Returns the fatal error of performEtcdStaticPodUpgrade's failure branch.
 */
static int recover_old_etcd(struct run *u, struct etcd_client *old, int err, const char *data_dir)
{
	int ret = error_wrap(err, "fatal error when trying to upgrade the etcd cluster, rolled the state back to pre-upgrade state");
	_cleanup_free_ char *msg = xstrdup(error_message(ret));
	error_clear();
	long iv = u->o->etcd_retry_interval_ms;
	printf("[upgrade/etcd] Waiting for previous etcd to become available\n");
	fflush(stdout);
	int r = etcd_wait_for_cluster_available(old, 10, iv);
	if (r < 0) {
		printf("[upgrade/etcd] Failed to healthcheck previous etcd: %s\n", error_message(r));
		error_clear();
		printf("[upgrade/etcd] Rolling back etcd data\n");
		fflush(stdout);
		r = rollback_etcd_data(u, data_dir);
		if (r < 0)
			return error_set(r, "fatal error rolling back local etcd cluster datadir: %s, the backup of etcd database is stored here:(%s)",
					 error_message(r), u->pm.backup_etcd);
		printf("[upgrade/etcd] Etcd data rollback successful\n");
		printf("[upgrade/etcd] Waiting for previous etcd to become available\n");
		fflush(stdout);
		r = etcd_wait_for_cluster_available(old, 10, iv);
		if (r < 0) {
			printf("[upgrade/etcd] Failed to healthcheck previous etcd: %s\n", error_message(r));
			return error_wrap(r, "fatal error rolling back local etcd cluster manifest, the backup of etcd database is stored here:(%s)",
					  u->pm.backup_etcd);
		}
	}
	printf("[upgrade/etcd] Etcd was rolled back and is now available\n");
	fflush(stdout);
	return error_set(ret, "%s", msg);
}

/* performEtcdStaticPodUpgrade: 0, or -errno with *ret_fatal telling kubeadm's fatal flag. */
static int etcd_upgrade(struct run *u, struct etcd_client *old, bool *ret_fatal)
{
	const struct init_config *cfg = u->o->cfg;
	*ret_fatal = true;
	int r = etcd_check_cluster_health(old);
	if (r < 0)
		return error_wrap(r, "etcd cluster is not healthy");
	const char *data_dir = strempty(cfg->cluster.etcd.local->data_dir);
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	r = copy_dir(data_dir, u->pm.backup_etcd, &out);
	if (r < 0)
		return error_set(r, "failed to back up etcd data, output: \"%s\": %s", strempty(out.buf),
				 error_message(r));
	struct semver desired, current;
	_cleanup_free_ char *desired_text = NULL;
	const char *tag = cfg->cluster.etcd.local->image_tag;
	if (tag && *tag) {
		desired_text = xstrdup(tag);
		for (char *c = desired_text; *c; c++)
			if (*c == '_')
				*c = '+';
		r = semver_parse(desired_text, &desired);
		if (r < 0)
			return error_wrap(r, "failed to parse tag \"%s\" as a semantic version", tag);
	} else {
		struct semver kv;
		if (semver_parse(cfg->cluster.kubernetes_version, &kv) < 0)
			return error_wrap(-EINVAL, "failed to retrieve an etcd version for the target Kubernetes version");
		if (kv.minor < UPGRADE_ETCD_MIN_MINOR || kv.minor > UPGRADE_ETCD_MAX_MINOR)
			log_v(1, "[upgrade/etcd] WARNING: could not find officially supported version of etcd for Kubernetes %s, falling back to the nearest etcd version (%s)",
			      cfg->cluster.kubernetes_version, UPGRADE_ETCD_VERSION);
		desired_text = xstrdup(UPGRADE_ETCD_VERSION);
		r = semver_parse(desired_text, &desired);
		if (r < 0)
			return r;
	}
	_cleanup_free_ char *cur = NULL;
	r = current_etcd_version(u, &cur);
	if (r < 0)
		return error_wrap(r, "failed to retrieve the current etcd version");
	r = semver_parse(cur, &current);
	if (r < 0)
		return error_wrap(r, "failed comparing the current etcd version \"%s\" to the desired one \"%s\"",
				  cur, desired_text);
	if (semver_cmp(&desired, &current) < 0) {
		*ret_fatal = false;
		return error_set(-EINVAL, "the desired etcd version \"%s\" is older than the currently installed \"%s\". Skipping etcd upgrade",
				 desired_text, cur);
	}
	_cleanup_free_ char *before = NULL;
	r = wait_single_hash(u, MANIFESTS_ETCD, &before);
	if (r < 0)
		return r;
	r = write_manifest(u, MANIFESTS_ETCD);
	if (r < 0)
		return error_wrap(r, "error creating local etcd static pod manifest file");
	r = upgrade_component(u, MANIFESTS_ETCD, before);
	if (r < 0) {
		printf("[upgrade/etcd] Failed to upgrade etcd: %s\n", error_message(r));
		fflush(stdout);
		return recover_old_etcd(u, old, r, data_dir);
	}
	_cleanup_(etcd_client_freep) struct etcd_client *nc = NULL;
	r = etcd_client_new_from_cluster(u->o->client, cfg->cluster.certificates_dir,
					 u->o->api_timeout_ms, u->o->etcd_timeout_ms, &nc);
	if (r < 0)
		return error_wrap(r, "fatal error creating etcd client");
	printf("[upgrade/etcd] Waiting for etcd to become available\n");
	fflush(stdout);
	r = etcd_wait_for_cluster_available(nc, 10, u->o->etcd_retry_interval_ms);
	if (r >= 0) {
		*ret_fatal = false;
		return 0;
	}
	printf("[upgrade/etcd] Failed to healthcheck etcd: %s\n", error_message(r));
	_cleanup_free_ char *why = xstrdup(error_message(r));
	error_clear();
	printf("[upgrade/etcd] Rolling back etcd data\n");
	fflush(stdout);
	int e = rollback_etcd_data(u, data_dir);
	if (e < 0)
		return error_set(e, "fatal error rolling back local etcd cluster datadir, the backup of etcd database is stored here:(%s): %s",
				 u->pm.backup_etcd, error_message(e));
	printf("[upgrade/etcd] Etcd data rollback successful\n");
	printf("[upgrade/etcd] Rolling back etcd manifest\n");
	fflush(stdout);
	rollback(u, error_set(r, "%s", why), true);
	error_clear();
	printf("[upgrade/etcd] Waiting for previous etcd to become available\n");
	fflush(stdout);
	e = etcd_wait_for_cluster_available(old, 10, u->o->etcd_retry_interval_ms);
	if (e < 0) {
		printf("[upgrade/etcd] Failed to healthcheck previous etcd: %s\n", error_message(e));
		return error_wrap(e, "fatal error rolling back local etcd cluster manifest, the backup of etcd database is stored here:(%s)",
				  u->pm.backup_etcd);
	}
	printf("[upgrade/etcd] Etcd was rolled back and is now available\n");
	fflush(stdout);
	return error_set(r, "fatal error upgrading local etcd cluster, rolled the state back to pre-upgrade state: %s",
			 why);
}

/* The admin.conf / super-admin.conf renewal at the end of StaticPodControlPlane. */
static int renew_admin(struct run *u, const char *file)
{
	bool renewed = false;
	int r = renew(u, file, &renewed);
	if (r < 0)
		return rollback(u, error_wrap(r, "failed to upgrade the %s certificates", file), false);
	if (!renewed)
		printf("[upgrade/staticpods] External CA detected, %s certificate can't be renewed\n", file);
	return 0;
}

/* StaticPodControlPlane after the path manager */
static int static_pod_control_plane(struct run *u)
{
	const struct init_config *cfg = u->o->cfg;
	char *before[3] = { 0 };
	int r = 0;
	for (size_t i = 0; control_plane[i] && r >= 0; i++)
		r = wait_single_hash(u, control_plane[i], &before[i]);
	_cleanup_(etcd_client_freep) struct etcd_client *old = NULL;
	bool local = cfg->cluster.etcd.local && !cfg->cluster.etcd.external;
	if (r >= 0 && local) {
		r = etcd_client_new_from_cluster(u->o->client, cfg->cluster.certificates_dir,
						 u->o->api_timeout_ms, u->o->etcd_timeout_ms, &old);
		if (r < 0)
			r = error_wrap(r, "failed to create etcd client");
	}
	if (r >= 0) {
		printf("[upgrade/staticpods] Writing new Static Pod manifests to \"%s\"\n", u->pm.temp_dir);
		fflush(stdout);
		for (size_t i = 0; control_plane[i] && r >= 0; i++)
			r = write_manifest(u, control_plane[i]);
		if (r < 0)
			r = error_wrap(r, "error creating init static pod manifest files");
	}
	if (r >= 0 && local && u->o->etcd_upgrade) {
		bool fatal = false;
		r = etcd_upgrade(u, old, &fatal);
		if (r < 0 && !fatal) {
			printf("[upgrade/etcd] Non fatal issue encountered during upgrade: %s\n",
			       error_message(r));
			fflush(stdout);
			error_clear();
			r = 0;
		}
	}
	for (size_t i = 0; control_plane[i] && r >= 0; i++)
		r = upgrade_component(u, control_plane[i], before[i]);
	for (size_t i = 0; i < 3; i++)
		free(before[i]);
	if (r < 0)
		return r;
	if (u->o->renew_certs) {
		r = renew_admin(u, "admin.conf");
		if (r < 0)
			return r;
		_cleanup_free_ char *sa = xasprintf("%s/super-admin.conf", u->o->kubernetes_dir);
		struct stat st;
		if (stat(sa, &st) == 0) {
			r = renew_admin(u, "super-admin.conf");
			if (r < 0)
				return r;
		}
	}
	fflush(stdout);
	return path_manager_cleanup(&u->pm);
}

int upgrade_static_pod_upgrade(const struct upgrade_static_pods *o)
{
	const struct init_config *cfg = o->cfg;
	bool local = cfg->cluster.etcd.local && !cfg->cluster.etcd.external;
	struct run u = { .o = o, .node = cfg->init.node_registration.name };
	if (!u.node)
		u.node = (char *)"";
	duration_format((int64_t)o->timeout_ms * 1000000, u.timeout_text, sizeof(u.timeout_text));
	int r = path_manager_init(&u.pm, o->kubernetes_dir, o->etcd_upgrade && local);
	if (r >= 0)
		r = static_pod_control_plane(&u);
	strv_free(u.recover);
	path_manager_release(&u.pm);
	return r;
}

int upgrade_get_dry_run_dir(const char *name, char **ret)
{
	const char *env = getenv("KUBEADM_UPGRADE_DRYRUN_DIR");
	if (env && *env) {
		*ret = xstrdup(env);
		return 0;
	}
	const char *tmp = "/etc/kubernetes/tmp";
	int r = fs_mkdir_p(AT_FDCWD, tmp, 0700);
	if (r < 0)
		return error_set(r, "failed to create directory \"%s\": mkdir %s: %s", tmp, tmp,
				 go_strerror(-r));
	char *dir = NULL;
	r = create_temp_dir(tmp, name, &dir);
	if (r < 0)
		return error_wrap(r, "could not create a temporary directory in \"%s\"", tmp);
	log_warning("Using dry-run directory %s. To override it, set the environment variable KUBEADM_UPGRADE_DRYRUN_DIR",
		    dir);
	*ret = dir;
	return 0;
}

int upgrade_static_pod_dry_run(const struct init_config *cfg, const char *patches_dir)
{
	static const char *const comps[] = { MANIFESTS_APISERVER, MANIFESTS_CONTROLLER_MANAGER,
					     MANIFESTS_SCHEDULER };
	const struct upgrade_static_pods o = { .cfg = cfg, .patches_dir = patches_dir };
	struct run u = { .o = &o };
	int r = upgrade_get_dry_run_dir("kubeadm-upgrade-dryrun", &u.pm.temp_dir);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(comps) && r >= 0; i++)
		r = write_manifest(&u, comps[i]);
	/* PrintDryRunFiles: every file that can be read, then the read errors aggregated */
	_cleanup_strv_free_ char **errs = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(comps) && r >= 0; i++) {
		_cleanup_free_ char *p = temp_path(&u, comps[i]);
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		int k = fs_read_file(AT_FDCWD, p, 16 << 20, &data, &len);
		if (k < 0) {
			strv_consume(&errs, xasprintf("open %s: %s", p, go_strerror(-k)));
			error_clear();
			continue;
		}
		printf("[dryrun] Would write file \"/etc/kubernetes/manifests/%s.yaml\" with content:\n",
		       comps[i]);
		fwrite(data, 1, len, stdout);
	}
	fflush(stdout);
	/* kubeadm's deferred os.RemoveAll, even of a KUBEADM_UPGRADE_DRYRUN_DIR it was given */
	int k = remove_all(u.pm.temp_dir);
	if (k < 0)
		error_clear();
	path_manager_release(&u.pm);
	if (r >= 0 && errs) {
		_cleanup_free_ char *j = strv_join(errs, ", ");
		r = strv_length(errs) > 1 ? error_set(-ENOENT, "[%s]", j) : error_set(-ENOENT, "%s", j);
	}
	return r;
}
