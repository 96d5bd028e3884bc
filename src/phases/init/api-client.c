/* SPDX-License-Identifier: Apache-2.0 */
/* The API client of the init phases and the RBAC objects they share (see api-client.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>

#include "kubeconfig/kubeconfig.h"
#include "phases/cluster-config.h"
#include "phases/init/api-client.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strv.h"
#include "util/xalloc.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct kube_client *, kube_client_free);

char *init_kubeconfig_path(const struct run_ctx *ctx)
{
	if (ctx->dry_run)
		return xasprintf("%s/admin.conf", strempty(ctx->dry_run_dir));
	return xstrdup(ctx->kubeconfig_path ? ctx->kubeconfig_path : "/etc/kubernetes/admin.conf");
}

int init_kubeconfig_load(const char *path, json_t **ret)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = fs_read_file(AT_FDCWD, path, 16 << 20, &data, &len);
	if (r < 0) {
		_cleanup_free_ char *msg = xstrdup(strerror(-r));
		msg[0] = (char)tolower((unsigned char)msg[0]);
		return error_set(r, "open %s: %s", path, msg);
	}
	return kubeconfig_parse(data, len, ret);
}

char **init_tokens(const struct run_ctx *ctx)
{
	char **v = NULL;
	const struct cfg_list *l = &ctx->cfg->init.bootstrap_tokens;
	const struct cfg_token *t = l->items;
	for (size_t i = 0; i < l->n; i++)
		strv_push(&v, strempty(t[i].token));
	return v;
}

static void set_timeout(const struct run_ctx *ctx, struct kube_client *c)
{
	const struct cfg_timeouts *t = ctx->cfg->init.timeouts;
	if (t && t->kubernetes_api_call.set)
		kube_client_set_api_call_timeout(c, (long)(t->kubernetes_api_call.ns / 1000000), -1);
}

/* PointKubeConfigToLocalAPIEndpoint */
static void point_to_local(json_t *kc, const struct run_ctx *ctx)
{
	_cleanup_free_ char *server = phases_local_api_url(&ctx->cfg->init.local_api_endpoint);
	size_t i;
	json_t *cl;
	json_array_foreach(json_object_get(kc, "clusters"), i, cl) {
		json_t *c = json_object_get(cl, "cluster");
		if (json_is_object(c))
			json_object_set_new(c, "server", json_string(server));
	}
}

struct crb_try {
	struct kube_client *c;
	const json_t *crb;
	bool exists;
	bool super;
};

static int crb_admin_attempt(void *p)
{
	struct crb_try *a = p;
	int r = kube_create(a->c, &kube_res_clusterrolebindings, a->crb, NULL);
	if (r == -EPERM)
		return 1;
	if (r == -EEXIST || r >= 0) {
		a->exists = true;
		return 1;
	}
	error_wrap(r, "unable to create ClusterRoleBinding");
	return -EAGAIN;
}

static int crb_super_attempt(void *p)
{
	struct crb_try *a = p;
	int r = kube_create(a->c, &kube_res_clusterrolebindings, a->crb, NULL);
	if (r >= 0 || r == -EEXIST)
		return 1;
	return -EAGAIN;
}

/* kube_poll's contract lives in kube/; this local loop keeps the phases independent of it. */
static int poll(const atomic_bool *abort_wait, long interval_ms, long timeout_ms,
		int (*fn)(void *), void *p)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	int last = -ETIMEDOUT;
	for (;;) {
		int r = fn(p);
		if (r > 0)
			return 0;
		last = r == -EAGAIN ? -EIO : r;
		if (r != -EAGAIN)
			return r;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long el = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (el >= timeout_ms || (abort_wait && atomic_load(abort_wait)))
			return last;
		long s = timeout_ms - el < interval_ms ? timeout_ms - el : interval_ms;
		struct timespec ts = { .tv_sec = s / 1000, .tv_nsec = (s % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
}

static long api_timeout_ms(const struct run_ctx *ctx)
{
	const struct cfg_timeouts *t = ctx->cfg->init.timeouts;
	return t && t->kubernetes_api_call.set ? (long)(t->kubernetes_api_call.ns / 1000000) : 60000;
}

/* EnsureAdminClusterRoleBinding (phases/kubeconfig) */
static int ensure_admin_crb(struct run_ctx *ctx, struct kube_client **ret)
{
	_cleanup_json_ json_t *kc = NULL;
	int r = init_kubeconfig_load("/etc/kubernetes/admin.conf", &kc);
	if (r < 0)
		return r;
	point_to_local(kc, ctx);
	_cleanup_(kube_client_freep) struct kube_client *admin = NULL;
	r = kube_client_new_from_config(kc, &admin);
	if (r < 0)
		return r;
	set_timeout(ctx, admin);
	_cleanup_json_ json_t *crb = init_rbac_binding(
		"kubeadm:cluster-admins", NULL, "ClusterRole", "cluster-admin",
		(const char *const[]){ "Group:kubeadm:cluster-admins", NULL });
	struct crb_try a = { .c = admin, .crb = crb };
	r = poll(ctx->wait_abort, KUBE_RETRY_INTERVAL_MS, api_timeout_ms(ctx), crb_admin_attempt, &a);
	if (r < 0)
		return r;
	if (!a.exists) {
		const char *sp = "/etc/kubernetes/super-admin.conf";
		if (!fs_exists(AT_FDCWD, sp))
			return error_set(-ENOENT, "the ClusterRoleBinding for the kubeadm:cluster-admins "
						  "Group is missing but there is no super-admin.conf to "
						  "create it");
		_cleanup_json_ json_t *skc = NULL;
		r = init_kubeconfig_load(sp, &skc);
		if (r < 0)
			return r;
		point_to_local(skc, ctx);
		_cleanup_(kube_client_freep) struct kube_client *super = NULL;
		r = kube_client_new_from_config(skc, &super);
		if (r < 0)
			return r;
		struct crb_try s = { .c = super, .crb = crb };
		r = poll(ctx->wait_abort, KUBE_RETRY_INTERVAL_MS, api_timeout_ms(ctx), crb_super_attempt,
			 &s);
		if (r < 0)
			return error_wrap(r, "unable to create the kubeadm:cluster-admins "
					     "ClusterRoleBinding by using super-admin.conf");
	}
	*ret = TAKE_PTR(admin);
	return 0;
}

int init_api_client(struct run_ctx *ctx, struct kube_client **ret)
{
	struct kube_client *c = NULL;
	int r;
	if (ctx->dry_run) {
		_cleanup_free_ char *path = init_kubeconfig_path(ctx);
		_cleanup_json_ json_t *kc = NULL;
		r = init_kubeconfig_load(path, &kc);
		if (r < 0)
			return r;
		fflush(stdout);
		r = kube_client_new_dry_run(kc, stdout, KUBE_DRYRUN_INIT, &c);
		if (r < 0)
			return r;
		/* the dry-run client's real GETs must not hang on a server that is not there */
		kube_client_set_request_timeout(c, 10000);
	} else if (ctx->kubeconfig_path && streq(ctx->kubeconfig_path, "/etc/kubernetes/admin.conf")) {
		r = ensure_admin_crb(ctx, &c);
		if (r < 0)
			return error_wrap(r, "could not bootstrap the admin user in file admin.conf");
	} else {
		r = kube_client_new_from_file(ctx->kubeconfig_path, &c);
		if (r < 0)
			return r;
	}
	set_timeout(ctx, c);
	*ret = c;
	return 0;
}

json_t *init_rbac_get_role(const char *name, const char *ns, const char *resource,
			   const char *resource_name)
{
	json_t *meta = json_pack("{s:s}", "name", name);
	if (ns)
		json_object_set_new(meta, "namespace", json_string(ns));
	json_t *rule = json_pack("{s:[s],s:[s],s:[s]}", "verbs", "get", "apiGroups", "", "resources",
				 resource);
	if (resource_name)
		json_object_set_new(rule, "resourceNames", json_pack("[s]", resource_name));
	return json_pack("{s:o,s:[o]}", "metadata", meta, "rules", rule);
}

json_t *init_rbac_binding(const char *name, const char *ns, const char *role_kind,
			  const char *role, const char *const *subjects)
{
	json_t *meta = json_pack("{s:s}", "name", name);
	if (ns)
		json_object_set_new(meta, "namespace", json_string(ns));
	json_t *subs = json_array();
	for (const char *const *s = subjects; s && *s; s++) {
		const char *colon = strchr(*s, ':');
		_cleanup_free_ char *kind = xstrndup(*s, (size_t)(colon - *s));
		json_t *sub = json_pack("{s:s,s:s}", "kind", kind, "name", colon + 1);
		/* rbac.Subject: apiGroup is omitempty and kubeadm leaves it empty */
		json_array_append_new(subs, sub);
	}
	return json_pack("{s:o,s:{s:s,s:s,s:s},s:o}", "metadata", meta, "roleRef", "apiGroup",
			 "rbac.authorization.k8s.io", "kind", role_kind, "name", role, "subjects",
			 subs);
}
