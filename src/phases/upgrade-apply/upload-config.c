/* SPDX-License-Identifier: Apache-2.0 */
/* upgrade apply phase "upload-config" (cmd/kubeadm/app/cmd/phases/upgrade/apply/uploadconfig.go). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addons/addons.h"
#include "phases/init/upload-config.h"
#include "phases/upgrade/apply-data.h"
#include "phases/upgrade_apply.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strv.h"

int phase_upgrade_apply_upload_config_kubeadm(struct run_ctx *ctx)
{
	struct apply_data *d = apply_data(ctx);
	if (d->dry_run) {
		printf("[dryrun] Would upload the kubeadm ClusterConfiguration to a ConfigMap\n");
		fflush(stdout);
		return 0;
	}
	log_v(1, "[upgrade/upload-config] Uploading the kubeadm ClusterConfiguration to a ConfigMap");
	int r = init_upload_configuration(d->init_cfg, d->client);
	if (r < 0)
		return error_wrap(r, "error uploading the kubeadm ClusterConfiguration");
	return 0;
}

/*
 * componentconfigs' IsUserSupplied for the kubelet config fetched from the cluster: its
 * ConfigMap is kubeadm-generated when VerifyConfigMapSignature holds (the
 * component-config.hash annotation is the checksum of its data).
 */
static bool kubelet_user_supplied(struct kube_client *c)
{
	_cleanup_json_ json_t *cm = NULL;
	if (kube_get(c, &kube_res_configmaps, "kube-system", "kubelet-config", &cm) < 0) {
		error_clear();
		return true;
	}
	const char *sig = json_string_value(json_object_get(
		json_get_path(cm, "metadata.annotations"), "kubeadm.kubernetes.io/component-config.hash"));
	if (!sig)
		return true;
	_cleanup_free_ char *sum = addons_configmap_checksum(cm);
	return !streq(sig, sum);
}

int phase_upgrade_apply_upload_config_kubelet(struct run_ctx *ctx)
{
	struct apply_data *d = apply_data(ctx);
	if (d->dry_run) {
		printf("[dryrun] Would upload the kubelet configuration to a ConfigMap\n");
		printf("[dryrun] Would write the CRISocket annotation for the control-plane node\n");
		fflush(stdout);
		return 0;
	}
	log_v(1, "[upgrade/upload-config] Uploading the kubelet configuration to a ConfigMap");
	int r = init_create_kubelet_configmap(d->init_cfg, d->client, kubelet_user_supplied(d->client));
	if (r < 0)
		return error_wrap(r, "error creating kubelet configuration ConfigMap");
	return 0;
}
