/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init phase "upload-config" (cmd/phases/init/uploadconfig.go): the kubeadm-config ConfigMap
 * with the ClusterConfiguration (phases/uploadconfig) and the kubelet-config ConfigMap
 * (phases/kubelet CreateConfigMap), each with the Role and RoleBinding that let nodes read it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "phases/init.h"
#include "phases/init/api-client.h"
#include "token/token.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "util/yaml.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct kube_client *, kube_client_free);

static int set_cluster_configuration(json_t *cm, void *userdata)
{
	json_t *data = json_object_get(cm, "data");
	if (!json_is_object(data)) {
		/* kubeadm writes into cm.Data and would panic on a nil map; be graceful */
		data = json_object();
		json_object_set_new(cm, "data", data);
	}
	json_object_set_new(data, "ClusterConfiguration", json_string(userdata));
	return 0;
}

static int upload_configuration(struct run_ctx *ctx, struct kube_client *c)
{
	printf("[upload-config] Storing the configuration used in ConfigMap \"kubeadm-config\" in the "
	       "\"kube-system\" Namespace\n");
	fflush(stdout);
	_cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
	int r = config_cluster_marshal(ctx->cfg, &sb);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *cm = json_pack("{s:{s:s,s:s},s:{s:s}}", "metadata", "name",
					      "kubeadm-config", "namespace", "kube-system", "data",
					      "ClusterConfiguration", sb.buf);
	r = kube_create_or_mutate(c, &kube_res_configmaps, cm, set_cluster_configuration, sb.buf);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *role = init_rbac_get_role(
		"kubeadm:nodes-kubeadm-config", "kube-system", "configmaps", "kubeadm-config");
	r = kube_create_or_update(c, &kube_res_roles, role);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *rb = init_rbac_binding(
		"kubeadm:nodes-kubeadm-config", "kube-system", "Role", "kubeadm:nodes-kubeadm-config",
		(const char *const[]){ "Group:system:bootstrappers:kubeadm:default-node-token",
				       "Group:system:nodes", NULL });
	return kube_create_or_update(c, &kube_res_rolebindings, rb);
}

int phase_init_upload_config_kubeadm(struct run_ctx *ctx)
{
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	int r = init_api_client(ctx, &c);
	if (r < 0)
		return r;
	log_v(1, "[upload-config] Uploading the kubeadm ClusterConfiguration to a ConfigMap");
	r = upload_configuration(ctx, c);
	if (r < 0)
		return error_wrap(r, "error uploading the kubeadm ClusterConfiguration");
	return 0;
}

/* IsUserSupplied for the kubelet: the --config file holds a kubelet.config.k8s.io document. */
static bool kubelet_user_supplied(const struct run_ctx *ctx)
{
	const char *path = ctx->flags && flagset_lookup(ctx->flags, "config")
				   ? flagset_get_string(ctx->flags, "config")
				   : NULL;
	if (!path || !*path)
		return false;
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	if (fs_read_file(AT_FDCWD, path, 16 << 20, &data, &len) < 0) {
		error_clear();
		return false;
	}
	_cleanup_strv_free_ char **docs = NULL;
	if (yaml_split_documents(data, len, &docs) < 0) {
		error_clear();
		return false;
	}
	for (char **d = docs; d && *d; d++) {
		_cleanup_json_ json_t *j = NULL;
		if (yaml_to_json(*d, strlen(*d), 0, &j) < 0) {
			error_clear();
			continue;
		}
		const char *av = json_string_value(json_object_get(j, "apiVersion"));
		if (av && strneq(av, "kubelet.config.k8s.io/", 22))
			return true;
	}
	return false;
}

static int create_kubelet_configmap(struct run_ctx *ctx, struct kube_client *c)
{
	printf("[kubelet] Creating a ConfigMap \"kubelet-config\" in namespace kube-system with the "
	       "configuration for the kubelets in the cluster\n");
	fflush(stdout);
	if (!ctx->cfg->kubelet)
		return error_set(-EINVAL, "no kubelet component config found in the active component "
					  "config set");
	_cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
	int r = config_kubelet_marshal(ctx->cfg, &sb);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *cm = json_pack("{s:{s:s,s:s},s:{s:s}}", "metadata", "name",
					      "kubelet-config", "namespace", "kube-system", "data",
					      "kubelet", sb.buf);
	if (!kubelet_user_supplied(ctx)) {
		/* SignConfigMap: sha256 over the data values in key order (one key here) */
		_cleanup_free_ char *hex = token_sha256_hex(sb.buf, sb.len);
		_cleanup_free_ char *sum = xasprintf("sha256:%s", hex);
		json_object_set_new(json_object_get(cm, "metadata"), "annotations",
				    json_pack("{s:s}", "kubeadm.kubernetes.io/component-config.hash",
					      sum));
	}
	r = kube_create_or_update(c, &kube_res_configmaps, cm);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *role = init_rbac_get_role("kubeadm:kubelet-config", "kube-system",
							 "configmaps", "kubelet-config");
	r = kube_create_or_update(c, &kube_res_roles, role);
	if (r >= 0) {
		_cleanup_json_ json_t *rb = init_rbac_binding(
			"kubeadm:kubelet-config", "kube-system", "Role", "kubeadm:kubelet-config",
			(const char *const[]){ "Group:system:nodes",
					       "Group:system:bootstrappers:kubeadm:default-node-token",
					       NULL });
		r = kube_create_or_update(c, &kube_res_rolebindings, rb);
	}
	if (r < 0)
		return error_wrap(r, "error creating kubelet configuration configmap RBAC rules");
	return 0;
}

int phase_init_upload_config_kubelet(struct run_ctx *ctx)
{
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	int r = init_api_client(ctx, &c);
	if (r < 0)
		return r;
	log_v(1, "[upload-config] Uploading the kubelet component config to a ConfigMap");
	r = create_kubelet_configmap(ctx, c);
	if (r < 0)
		return error_wrap(r, "error creating kubelet configuration ConfigMap");
	return 0;
}
