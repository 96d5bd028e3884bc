/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init phase "bootstrap-token" (cmd/phases/init/bootstraptoken.go, phases/bootstraptoken/node
 * and clusterinfo): the token Secrets, the RBAC that lets bootstrap tokens join (get nodes,
 * post CSRs, CSR auto-approval, node certificate rotation, the API server's kubelet access) and
 * the cluster-info ConfigMap in kube-public with its RBAC.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "kubeconfig/kubeconfig.h"
#include "phases/init.h"
#include "phases/init/api-client.h"
#include "phases/init/bootstrap-token.h"
#include "token/token.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct kube_client *, kube_client_free);

struct cou_secret {
	struct kube_client *c;
	const json_t *secret;
	const char *name;
};

int init_update_or_create_tokens(struct kube_client *c, bool fail_if_exists,
				 const struct cfg_list *tokens)
{
	const struct cfg_token *t = tokens->items;
	for (size_t i = 0; i < tokens->n; i++) {
		struct token tok;
		int r = token_parse(strempty(t[i].token), &tok);
		if (r < 0)
			return r;
		_cleanup_free_ char *name = xasprintf(TOKEN_SECRET_PREFIX "%s", tok.id);
		_cleanup_json_ json_t *existing = NULL;
		r = kube_get(c, &kube_res_secrets, "kube-system", name, &existing);
		if (r >= 0 && fail_if_exists) {
			r = error_set(-EEXIST, "a token with id \"%s\" already exists", tok.id);
			token_wipe(&tok);
			return r;
		}
		error_clear();
		token_wipe(&tok);
		_cleanup_json_ json_t *secret = token_secret_build(&t[i], time(NULL));
		if (!secret)
			return -EINVAL;
		/* kubeadm polls CreateOrUpdate (itself polling) for the API call timeout */
		r = kube_create_or_update(c, &kube_res_secrets, secret);
		if (r < 0)
			return error_wrap(r, "failed to create or update bootstrap token with name %s",
					  name);
	}
	return 0;
}

static json_t *crb(const char *name, const char *role, const char *subject)
{
	return init_rbac_binding(name, NULL, "ClusterRole", role,
				 (const char *const[]){ subject, NULL });
}

#define NODE_GROUP "Group:system:bootstrappers:kubeadm:default-node-token"

int init_bootstrap_token_rbac(struct kube_client *c)
{
	puts("[bootstrap-token] Configured RBAC rules to allow Node Bootstrap tokens to get nodes");
	fflush(stdout);
	_cleanup_json_ json_t *cr = json_pack("{s:{s:s},s:[{s:[s],s:[s],s:[s]}]}", "metadata",
					      "name", "kubeadm:get-nodes", "rules", "verbs", "get",
					      "apiGroups", "", "resources", "nodes");
	int r = kube_create_or_update(c, &kube_res_clusterroles, cr);
	if (r >= 0) {
		_cleanup_json_ json_t *b = crb("kubeadm:get-nodes", "kubeadm:get-nodes", NODE_GROUP);
		r = kube_create_or_update(c, &kube_res_clusterrolebindings, b);
	}
	if (r < 0)
		return error_wrap(r, "error allowing bootstrap tokens to get Nodes");

	puts("[bootstrap-token] Configured RBAC rules to allow Node Bootstrap tokens to post CSRs in "
	     "order for nodes to get long term certificate credentials");
	fflush(stdout);
	_cleanup_json_ json_t *b1 = crb("kubeadm:kubelet-bootstrap", "system:node-bootstrapper",
					NODE_GROUP);
	r = kube_create_or_update(c, &kube_res_clusterrolebindings, b1);
	if (r < 0)
		return error_wrap(r, "error allowing bootstrap tokens to post CSRs");

	puts("[bootstrap-token] Configured RBAC rules to allow the csrapprover controller "
	     "automatically approve CSRs from a Node Bootstrap Token");
	fflush(stdout);
	_cleanup_json_ json_t *b2 =
		crb("kubeadm:node-autoapprove-bootstrap",
		    "system:certificates.k8s.io:certificatesigningrequests:nodeclient", NODE_GROUP);
	r = kube_create_or_update(c, &kube_res_clusterrolebindings, b2);
	if (r < 0)
		return error_wrap(r, "error auto-approving node bootstrap tokens");

	puts("[bootstrap-token] Configured RBAC rules to allow certificate rotation for all node "
	     "client certificates in the cluster");
	fflush(stdout);
	_cleanup_json_ json_t *b3 =
		crb("kubeadm:node-autoapprove-certificate-rotation",
		    "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
		    "Group:system:nodes");
	r = kube_create_or_update(c, &kube_res_clusterrolebindings, b3);
	if (r < 0)
		return r;

	puts("[bootstrap-token] Configured RBAC rules to allow the API server kubelet client "
	     "certificate to access the kubelet API");
	fflush(stdout);
	_cleanup_json_ json_t *b4 = crb("kubeadm:apiserver-kubelet-client", "system:kubelet-api-admin",
					"User:kube-apiserver-kubelet-client");
	r = kube_create_or_update(c, &kube_res_clusterrolebindings, b4);
	if (r < 0)
		return error_wrap(r, "error allowing API server to access kubelet API");
	return 0;
}

/* The cluster of kubeconfig's current context with its CA embedded (FlattenConfig). */
static int admin_cluster(const json_t *kc, json_t **ret)
{
	const char *cur = json_string_value(json_object_get(kc, "current-context"));
	const json_t *ctxs = json_object_get(kc, "contexts");
	const char *cluster_name = NULL;
	size_t i;
	json_t *e;
	json_array_foreach(ctxs, i, e) {
		const char *n = json_string_value(json_object_get(e, "name"));
		if (cur && n && streq(n, cur))
			cluster_name = json_string_value(json_get_path(e, "context.cluster"));
	}
	if (!cluster_name)
		return error_set(-EINVAL, "invalid kubeconfig");
	json_array_foreach(json_object_get(kc, "clusters"), i, e) {
		const char *n = json_string_value(json_object_get(e, "name"));
		if (!n || !streq(n, cluster_name))
			continue;
		json_t *cl = json_deep_copy(json_object_get(e, "cluster"));
		const char *ca = json_string_value(json_object_get(cl, "certificate-authority"));
		if (ca && *ca) {
			_cleanup_free_ char *pem = NULL;
			size_t len;
			int r = fs_read_file(AT_FDCWD, ca, 1 << 20, &pem, &len);
			if (r < 0) {
				json_decref(cl);
				return r;
			}
			_cleanup_free_ char *b64 = token_base64_encode(pem, len);
			json_object_del(cl, "certificate-authority");
			json_object_set_new(cl, "certificate-authority-data", json_string(b64));
		}
		*ret = cl;
		return 0;
	}
	/* a context naming a missing cluster: Go indexes a nil map entry (null cluster) */
	*ret = json_null();
	return 0;
}

int init_cluster_info(struct kube_client *c, const json_t *kubeconfig)
{
	puts("[bootstrap-token] Creating the \"cluster-info\" ConfigMap in the \"kube-public\" "
	     "namespace");
	fflush(stdout);
	json_t *cluster = NULL;
	int r = admin_cluster(kubeconfig, &cluster);
	if (r < 0)
		return r;
	log_v(1, "[bootstrap-token] copying the cluster from admin.conf to the bootstrap kubeconfig");
	_cleanup_json_ json_t *boot = json_pack("{s:s,s:[{s:o,s:s}],s:n,s:s,s:s,s:n}", "apiVersion",
						"v1", "clusters", "cluster", cluster, "name", "",
						"contexts", "current-context", "", "kind", "Config",
						"users");
	_cleanup_free_ char *yaml = kubeconfig_to_yaml(boot);
	if (!yaml)
		return -EINVAL;
	log_v(1, "[bootstrap-token] creating/updating ConfigMap in kube-public namespace");
	_cleanup_json_ json_t *cm = json_pack("{s:{s:s,s:s},s:{s:s}}", "metadata", "name",
					      "cluster-info", "namespace", "kube-public", "data",
					      "kubeconfig", yaml);
	r = kube_create_or_update(c, &kube_res_configmaps, cm);
	if (r < 0)
		return error_wrap(r, "error creating bootstrap ConfigMap");
	return init_cluster_info_rbac(c);
}

int init_cluster_info_rbac(struct kube_client *c)
{
	log_v(1, "creating the RBAC rules for exposing the cluster-info ConfigMap in the kube-public "
		 "namespace");
	_cleanup_json_ json_t *role = init_rbac_get_role("kubeadm:bootstrap-signer-clusterinfo",
							 "kube-public", "configmaps", "cluster-info");
	int r = kube_create_or_update(c, &kube_res_roles, role);
	if (r >= 0) {
		_cleanup_json_ json_t *rb = init_rbac_binding(
			"kubeadm:bootstrap-signer-clusterinfo", "kube-public", "Role",
			"kubeadm:bootstrap-signer-clusterinfo",
			(const char *const[]){ "User:system:anonymous", NULL });
		r = kube_create_or_update(c, &kube_res_rolebindings, rb);
	}
	if (r < 0)
		return error_wrap(r, "error creating clusterinfo RBAC rules");
	return 0;
}

/* The same strings, in any order. */
static bool same_set(char *const *a, char *const *b)
{
	if (strv_length(a) != strv_length(b))
		return false;
	STRV_FOREACH(x, a)
		if (!strv_contains(b, *x))
			return false;
	return true;
}

/*
 * --resume: a token that the configuration did not name (generated for this run) is replaced
 * by one that an earlier attempt of this init created (the same description, usages and groups,
 * not expired), so that a resumed init leaves one bootstrap token, as one successful run does.
 * Best effort: when the tokens cannot be listed, a new one is created as kubeadm does.
 */
static void resume_reuse_tokens(struct kube_client *c, struct cfg_list *tokens)
{
	_cleanup_json_ json_t *list = NULL;
	if (kube_list(c, &kube_res_secrets, "kube-system", NULL, "type=bootstrap.kubernetes.io/token",
		      &list) < 0) {
		error_clear();
		return;
	}
	_cleanup_strv_free_ char **taken = NULL;
	for (size_t i = 0; i < tokens->n; i++) {
		struct cfg_token *t = CFG_LIST_AT(tokens, struct cfg_token, i);
		if (!t->generated)
			continue;
		size_t k;
		json_t *s;
		json_array_foreach (json_object_get(list, "items"), k, s) {
			struct cfg_token ex = { 0 };
			time_t exp = 0;
			if (token_from_secret(s, &ex) < 0 ||
			    (ex.expires && (token_parse_rfc3339(ex.expires, &exp) < 0 ||
					    exp < time(NULL) + 60))) {
				error_clear();
				token_cfg_release(&ex);
				continue;
			}
			bool same = streq(strempty(ex.description), strempty(t->description)) &&
				    same_set(ex.usages, t->usages) && same_set(ex.groups, t->groups) &&
				    !strv_contains(taken, ex.token);
			if (same) {
				log_v(1, "[bootstrap-token] --resume: reusing the token an earlier attempt created");
				strv_push(&taken, ex.token);
				free(t->token);
				t->token = TAKE_PTR(ex.token);
			}
			token_cfg_release(&ex);
			if (same)
				break;
		}
	}
	STRV_FOREACH(x, taken)
		OPENSSL_cleanse(*x, strlen(*x));
}

int phase_init_bootstrap_token(struct run_ctx *ctx)
{
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	int r = init_api_client(ctx, &c);
	if (r < 0)
		return r;
	_cleanup_free_ char *path = init_kubeconfig_path(ctx);
	_cleanup_json_ json_t *kc = NULL;
	r = init_kubeconfig_load(path, &kc);
	if (r < 0)
		return r;
	if (ctx->resume && !ctx->dry_run)
		resume_reuse_tokens(c, &ctx->cfg->init.bootstrap_tokens);
	if (!ctx->skip_token_print) {
		_cleanup_strv_free_ char **tokens = init_tokens(ctx);
		size_t n = strv_length(tokens);
		if (n == 1) {
			printf("[bootstrap-token] Using token: %s\n", tokens[0]);
		} else if (n > 1) {
			_cleanup_free_ char *j = strv_join(tokens, " ");
			printf("[bootstrap-token] Using tokens: [%s]\n", j);
		}
	}
	puts("[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles");
	fflush(stdout);
	r = init_update_or_create_tokens(c, false, &ctx->cfg->init.bootstrap_tokens);
	if (r < 0)
		return error_wrap(r, "error updating or creating token");
	r = init_bootstrap_token_rbac(c);
	if (r < 0)
		return r;
	return init_cluster_info(c, kc);
}
