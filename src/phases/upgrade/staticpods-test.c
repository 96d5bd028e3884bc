/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "kube/client.h"
#include "kube/test-server.h"
#include "manifests/manifests.h"
#include "phases/upgrade/staticpods.h"
#include "util/error.h"
#include "util/events.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static void write_text(const char *dir, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static bool equal(const char *dir, const char *a, const char *b, int *ret_r)
{
	char *pa = xasprintf("%s/%s", dir, a), *pb = xasprintf("%s/%s", dir, b);
	bool eq = false;
	*ret_r = upgrade_manifest_files_equal(pa, pb, &eq);
	free(pa);
	free(pb);
	return eq;
}

/* ManifestFilesAreEqual compares Pods, not bytes: order of keys and YAML style do not count,
 * a value does; a missing file is ReadStaticPodFromDisk's error. */
static void test_manifest_files_equal(void **state)
{
	(void)state;
	struct testing_env t;
	testing_env_init(&t, "staticpods-test");
	write_text(t.dir, "a.yaml",
		   "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\n"
		   "spec:\n  containers:\n  - command:\n    - kube-apiserver\n    - --v=2\n    image: x:1\n    name: kube-apiserver\n");
	write_text(t.dir, "b.yaml",
		   "kind: Pod\napiVersion: v1\nspec:\n  containers:\n    - name: kube-apiserver\n      image: \"x:1\"\n"
		   "      command: [kube-apiserver, --v=2]\nmetadata: {namespace: kube-system, name: kube-apiserver}\n");
	write_text(t.dir, "c.yaml",
		   "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\n"
		   "spec:\n  containers:\n  - command:\n    - kube-apiserver\n    - --v=3\n    image: x:1\n    name: kube-apiserver\n");
	int r;
	assert_true(equal(t.dir, "a.yaml", "b.yaml", &r));
	assert_int_equal(r, 0);
	assert_false(equal(t.dir, "a.yaml", "c.yaml", &r));
	assert_int_equal(r, 0);
	equal(t.dir, "a.yaml", "missing.yaml", &r);
	assert_int_equal(r, -ENOENT);
	char *want = xasprintf("failed to read manifest for \"%s/missing.yaml\": open %s/missing.yaml: no such file or directory",
			       t.dir, t.dir);
	assert_string_equal(error_message(r), want);
	free(want);
	error_clear();
	testing_env_release(&t);
}

/* CreateTimestampDir: <name>-YYYY-MM-DD-HH-MM-SS, 0700; the same second twice is an error. */
static void test_timestamp_dir(void **state)
{
	(void)state;
	struct testing_env t;
	testing_env_init(&t, "staticpods-test");
	char *a = NULL, *b = NULL;
	int r = 0;
	/* two calls in the same second: retry the pair if the clock ticked in between */
	for (int i = 0; i < 3; i++) {
		free(a);
		a = NULL;
		assert_int_equal(upgrade_create_timestamp_dir(t.dir, "kubeadm-backup-manifests", &a), 0);
		r = upgrade_create_timestamp_dir(t.dir, "kubeadm-backup-manifests", &b);
		if (r < 0)
			break;
		free(b);
		b = NULL;
	}
	assert_int_equal(r, -EEXIST);
	assert_non_null(strstr(error_message(r), "could not create timestamp directory: mkdir "));
	error_clear();
	char *pattern = xasprintf("^%s/kubeadm-backup-manifests-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}$",
				  t.dir);
	regex_t re;
	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	assert_int_equal(regexec(&re, a, 0, NULL, 0), 0);
	regfree(&re);
	struct stat st;
	assert_int_equal(stat(a, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	free(pattern);
	free(a);
	testing_env_release(&t);
}

/*
 * A fake API server for the engine: every GET of a mirror pod answers its config.hash, which
 * for kube-apiserver-n1 turns from "h1" to "h2" after hash_flip_after GETs of it (never when
 * 0); a LIST of pods answers one Running pod. Records "METHOD PATH" lines in s->log.
 */
static int apiserver_gets, hash_flip_after;

static bool answer(struct test_server *s, int c, const char *req, size_t head_len,
		   size_t body_len, const char *unused)
{
	(void)body_len;
	(void)unused;
	const char *sp = memchr(req, ' ', head_len);
	const char *sp2 = sp ? memchr(sp + 1, ' ', head_len - (size_t)(sp + 1 - req)) : NULL;
	if (!sp2)
		return false;
	char path[512];
	snprintf(path, sizeof(path), "%.*s", (int)(sp2 - sp - 1), sp + 1);
	strbuf_add(&s->log, req, (size_t)(sp2 - req));
	strbuf_addch(&s->log, '\n');
	char body[512];
	const char *pods = "/api/v1/namespaces/kube-system/pods";
	if (strncmp(path, pods, strlen(pods)) == 0 && path[strlen(pods)] == '/') {
		const char *name = path + strlen(pods) + 1;
		const char *hash = "h0";
		if (strncmp(name, "kube-apiserver-n1", 17) == 0) {
			apiserver_gets++;
			hash = hash_flip_after && apiserver_gets > hash_flip_after ? "h2" : "h1";
		}
		snprintf(body, sizeof(body),
			 "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\",\"annotations\":{\"kubernetes.io/config.hash\":\"%s\"}}}",
			 hash);
	} else {
		snprintf(body, sizeof(body),
			 "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"items\":[{\"metadata\":{\"name\":\"p\"},\"status\":{\"phase\":\"Running\"}}]}");
	}
	char head[256];
	int hl = snprintf(head, sizeof(head),
			  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
			  "Content-Length: %zu\r\n\r\n",
			  strlen(body));
	if (write(c, head, (size_t)hl) < 0 || write(c, body, strlen(body)) < 0)
		return false;
	return false;
}

static const char *const many[4096] = { "" };

struct engine_env {
	struct testing_env t;
	struct test_server s;
	struct kube_client *client;
	struct init_config *cfg;
	char *k8s;
};

static char *read_text(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(fs_read_file(AT_FDCWD, path, 1 << 20, &data, &len), 0);
	return data;
}

/* A control plane of node n1 with external etcd whose manifests are what the configuration
 * makes, but kube-apiserver's, which has one flag more (so that it is upgraded). */
static void engine_env_init(struct engine_env *e)
{
	testing_env_init(&e->t, "staticpods-engine");
	e->k8s = xasprintf("%s/k", e->t.dir);
	char *cfgpath = xasprintf("%s/init.yaml", e->t.dir);
	write_text(e->t.dir, "init.yaml",
		   "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"
		   "nodeRegistration: {name: n1, criSocket: unix:///run/containerd/containerd.sock}\n"
		   "localAPIEndpoint: {advertiseAddress: 10.0.0.1, bindPort: 6443}\n---\n"
		   "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.37.2\n"
		   "etcd: {external: {endpoints: [\"https://10.0.0.2:2379\"], caFile: /e/ca.crt, certFile: /e/c.crt, keyFile: /e/c.key}}\n");
	struct config_load_options lo = { .skip_cri_detect = true };
	assert_int_equal(config_load_init_opts(cfgpath, NULL, &lo, &e->cfg), 0);
	free(cfgpath);
	char *dir = xasprintf("%s/manifests", e->k8s);
	const char *components[] = { MANIFESTS_APISERVER, MANIFESTS_CONTROLLER_MANAGER,
				     MANIFESTS_SCHEDULER };
	for (size_t i = 0; i < 3; i++) {
		struct manifests_options o = { .rootfd = AT_FDCWD };
		json_t *pod = NULL;
		assert_int_equal(manifests_pod_build(e->cfg, components[i], &o, &pod), 0);
		if (i == 0)
			json_array_append_new(json_get_path(json_array_get(json_get_path(pod, "spec.containers"), 0), "command"),
					      json_string("--v=9"));
		assert_int_equal(manifests_pod_write(AT_FDCWD, dir, components[i], pod), 0);
		json_decref(pod);
	}
	free(dir);
	test_server_start(&e->s, many, 4096, answer);
	char *srv = xasprintf("http://127.0.0.1:%d", e->s.port);
	json_t *kc = json_pack("{s:s,s:[{s:s,s:{s:s}}],s:[{s:s,s:{s:s,s:s}}],s:[{s:s,s:{s:s}}]}",
			       "current-context", "c", "clusters", "name", "k", "cluster", "server", srv,
			       "contexts", "name", "c", "context", "cluster", "k", "user", "u", "users",
			       "name", "u", "user", "token", "abc");
	assert_int_equal(kube_client_new_from_config(kc, &e->client), 0);
	json_decref(kc);
	free(srv);
	apiserver_gets = 0;
}

static void engine_env_release(struct engine_env *e)
{
	test_server_stop(&e->s);
	kube_client_free(e->client);
	config_init_free(e->cfg);
	free(e->k8s);
	testing_env_release(&e->t);
}

static int run_engine(struct engine_env *e)
{
	const struct upgrade_static_pods o = {
		.cfg = e->cfg,
		.client = e->client,
		.kubernetes_dir = e->k8s,
		.etcd_upgrade = true,
		.renew_certs = false,
		.timeout_ms = 300,
		.api_timeout_ms = 1000,
		.etcd_timeout_ms = 1000,
		.etcd_retry_interval_ms = 10,
		.poll_ms = 20,
	};
	fflush(stdout);
	return upgrade_static_pod_upgrade(&o);
}

/* The one dir of <k8s>/tmp whose name starts with prefix (asserted to be at most one), its
 * path; NULL when there is none. Owned. */
static char *tmp_dir(const struct engine_env *e, const char *prefix)
{
	_cleanup_free_ char *tmp = xasprintf("%s/tmp", e->k8s);
	DIR *d = opendir(tmp);
	if (!d)
		return NULL;
	char *got = NULL;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0) {
			assert_null(got);
			got = xasprintf("%s/%s", tmp, de->d_name);
		}
	closedir(d);
	return got;
}

/* The kubelet never restarts kube-apiserver (its hash stays h1): after the timeout the old
 * manifest is moved back, kubeadm's rollback error, the temporary dir kept. */
/* The states of the recorded Wait events of target, joined by spaces. Owned. */
static char *wait_states(const char *target)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	json_t *e;
	json_array_foreach (events_recorded(), i, e) {
		if (!streq(json_string_value(json_object_get(e, "type")), "Wait") ||
		    !streq(json_string_value(json_object_get(e, "target")), target))
			continue;
		strbuf_addf(&sb, "%s%s", sb.len ? " " : "",
			    json_string_value(json_object_get(e, "state")));
	}
	return strbuf_detach(&sb, NULL);
}

static void test_engine_rollback(void **state)
{
	(void)state;
	struct engine_env e;
	engine_env_init(&e);
	hash_flip_after = 0;
	char *real = xasprintf("%s/manifests/kube-apiserver.yaml", e.k8s);
	char *before = read_text(real);
	/* the event stream records the wait on the hash: it never changes */
	assert_int_equal(events_open(NULL, "upgrade apply", true), 0);
	int r = run_engine(&e);
	char *states = wait_states("kube-apiserver");
	assert_string_equal(states, "Waiting TimedOut");
	free(states);
	events_close();
	assert_true(r < 0);
	assert_string_equal(error_message(r),
			    "couldn't upgrade control plane. kubeadm has tried to recover everything into the earlier state. "
			    "Errors faced: static Pod hash for component kube-apiserver on Node n1 did not change after 300ms: context deadline exceeded");
	error_clear();
	char *after = read_text(real);
	assert_string_equal(after, before);
	char *upgraded = tmp_dir(&e, "kubeadm-upgraded-manifests");
	assert_non_null(upgraded);
	char *kept = xasprintf("%s/kube-controller-manager.yaml", upgraded);
	assert_true(fs_exists(AT_FDCWD, kept));
	/* kubeadm creates the etcd backup dir on every run; a failed run does not clean up */
	char *etcd = tmp_dir(&e, "kubeadm-backup-etcd-");
	assert_non_null(etcd);
	free(etcd);
	free(kept);
	free(upgraded);
	free(after);
	free(before);
	free(real);
	engine_env_release(&e);
}

/* The hash changes and the pods run: kube-apiserver's new manifest is in place, the old one in
 * the backup dir, the equal ones untouched, the temporary dir removed. */
static void test_engine_upgrade(void **state)
{
	(void)state;
	struct engine_env e;
	engine_env_init(&e);
	hash_flip_after = 3;
	char *real = xasprintf("%s/manifests/kube-apiserver.yaml", e.k8s);
	char *before = read_text(real);
	char *kcm = xasprintf("%s/manifests/kube-controller-manager.yaml", e.k8s);
	char *kcm_before = read_text(kcm);
	assert_int_equal(events_open(NULL, "upgrade apply", true), 0);
	assert_int_equal(run_engine(&e), 0);
	/* two waits of kube-apiserver: its hash changes, then its pods run */
	char *states = wait_states("kube-apiserver");
	assert_string_equal(states, "Waiting Healthy Waiting Healthy");
	free(states);
	events_close();
	char *after = read_text(real);
	assert_string_not_equal(after, before);
	assert_null(strstr(after, "--v=9"));
	char *backup = tmp_dir(&e, "kubeadm-backup-manifests-");
	assert_non_null(backup);
	char *old = xasprintf("%s/kube-apiserver.yaml", backup);
	char *old_text = read_text(old);
	assert_string_equal(old_text, before);
	char *kcm_after = read_text(kcm);
	assert_string_equal(kcm_after, kcm_before);
	char *upgraded = tmp_dir(&e, "kubeadm-upgraded-manifests");
	assert_null(upgraded);
	/* CleanupDirs: with external etcd the (empty) etcd backup dir is not kept */
	char *etcd = tmp_dir(&e, "kubeadm-backup-etcd-");
	assert_null(etcd);
	/* the wait asked for the mirror pod until its hash changed, then listed the pods */
	assert_non_null(strstr(e.s.log.buf, "GET /api/v1/namespaces/kube-system/pods?labelSelector=component%3Dkube-apiserver"));
	assert_true(apiserver_gets > 3);
	free(kcm_after);
	free(old_text);
	free(old);
	free(backup);
	free(after);
	free(kcm_before);
	free(kcm);
	free(before);
	free(real);
	engine_env_release(&e);
}

/* DryRunStaticPodUpgrade: the three control-plane manifests the configuration makes printed as
 * kubeadm prints them (etcd not among them), the dry-run directory removed afterwards, even one
 * named by KUBEADM_UPGRADE_DRYRUN_DIR, and /etc/kubernetes/manifests untouched. */
static void test_dry_run(void **state)
{
	(void)state;
	struct engine_env e;
	engine_env_init(&e);
	char *dry = xasprintf("%s/dry", e.t.dir);
	assert_int_equal(mkdir(dry, 0700), 0);
	setenv("KUBEADM_UPGRADE_DRYRUN_DIR", dry, 1);
	char *outpath = xasprintf("%s/out", e.t.dir);
	fflush(stdout);
	int saved = dup(1);
	int fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 1);
	close(fd);
	int r = upgrade_static_pod_dry_run(e.cfg, NULL);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	unsetenv("KUBEADM_UPGRADE_DRYRUN_DIR");
	assert_int_equal(r, 0);
	char *out = read_text(outpath);
	struct manifests_options o = { .rootfd = AT_FDCWD };
	json_t *pod = NULL;
	assert_int_equal(manifests_pod_build(e.cfg, MANIFESTS_SCHEDULER, &o, &pod), 0);
	char *manifest = xasprintf("%s/m", e.t.dir);
	assert_int_equal(manifests_pod_write(AT_FDCWD, manifest, MANIFESTS_SCHEDULER, pod), 0);
	json_decref(pod);
	char *mpath = xasprintf("%s/kube-scheduler.yaml", manifest);
	char *sched = read_text(mpath);
	char *want = xasprintf("[dryrun] Would write file \"/etc/kubernetes/manifests/kube-scheduler.yaml\" with content:\n%s",
			       sched);
	assert_non_null(strstr(out, "[dryrun] Would write file \"/etc/kubernetes/manifests/kube-apiserver.yaml\" with content:\n"));
	assert_non_null(strstr(out, "[dryrun] Would write file \"/etc/kubernetes/manifests/kube-controller-manager.yaml\" with content:\n"));
	assert_non_null(strstr(out, want));
	assert_null(strstr(out, "etcd.yaml"));
	struct stat st;
	assert_int_equal(stat(dry, &st), -1);
	/* the node's own kube-apiserver manifest (one flag more) is left as it was */
	char *real = xasprintf("%s/manifests/kube-apiserver.yaml", e.k8s);
	char *real_text = read_text(real);
	assert_non_null(strstr(real_text, "--v=9"));
	free(real_text);
	free(real);
	free(want);
	free(sched);
	free(mpath);
	free(manifest);
	free(out);
	free(outpath);
	free(dry);
	engine_env_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_files_equal),
		cmocka_unit_test(test_timestamp_dir),
		cmocka_unit_test(test_engine_rollback),
		cmocka_unit_test(test_engine_upgrade),
		cmocka_unit_test(test_dry_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
