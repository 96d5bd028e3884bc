/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upgrade apply's hidden phase "kubeconfig" (cmd/kubeadm/app/cmd/phases/upgrade/apply/
 * kubeconfig.go, phases/upgrade/postupgrade.go UpdateKubeletKubeconfigServer).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kubeconfig/kubeconfig.h"
#include "kubelet/kubelet.h"
#include "phases/cluster-config.h"
#include "phases/upgrade/apply-data.h"
#include "phases/upgrade_apply.h"
#include "pki/pki.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"

#define KUBELET_CONF "/etc/kubernetes/kubelet.conf"

/*
 * UpdateKubeletKubeconfigServer: kubelet.conf pointing at the controlPlaneEndpoint (when that
 * differs from this node's own API server) is pointed at the local API server.
 */
static int update_kubelet_kubeconfig_server(const struct apply_data *d)
{
	struct stat st;
	if (stat(KUBELET_CONF, &st) < 0) {
		if (errno == ENOENT) {
			log_v(2, "Could not mutate the Server URL in %s: stat %s: no such file or directory",
			      KUBELET_CONF, KUBELET_CONF);
			return 0;
		}
		return error_set(-errno, "stat %s: %s", KUBELET_CONF, go_strerror(errno));
	}
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	_cleanup_json_ json_t *kc = NULL;
	int r = fs_read_file(AT_FDCWD, KUBELET_CONF, 16 << 20, &text, &len);
	if (r >= 0)
		r = kubeconfig_parse(text, len, &kc);
	if (r < 0)
		return r;
	const char *cur = json_string_value(json_object_get(kc, "current-context"));
	json_t *context = NULL, *cluster = NULL;
	size_t i;
	json_t *e;
	json_array_foreach (json_object_get(kc, "contexts"), i, e)
		if (cur && streq(strempty(json_string_value(json_object_get(e, "name"))), cur))
			context = json_object_get(e, "context");
	if (!context)
		return error_set(-EINVAL, "cannot find cluster for active context in kubeconfig \"%s\"",
				 KUBELET_CONF);
	const char *cname = strempty(json_string_value(json_object_get(context, "cluster")));
	json_array_foreach (json_object_get(kc, "clusters"), i, e)
		if (streq(strempty(json_string_value(json_object_get(e, "name"))), cname))
			cluster = json_object_get(e, "cluster");
	struct pki_params p;
	phases_pki_params(d->init_cfg, &p);
	_cleanup_free_ char *local = NULL, *cpe = NULL;
	r = pki_local_api_url(&p, &local);
	if (r >= 0)
		r = pki_control_plane_url(&p, &cpe);
	if (r < 0)
		return r;
	const char *server = strempty(json_string_value(json_object_get(cluster, "server")));
	if (!streq(server, cpe) || streq(cpe, local)) {
		log_v(2, "Skipping update of the Server URL in %s, because it's already not equal to \"%s\" or already matches the localAPIEndpoint",
		      KUBELET_CONF, cpe);
		return 0;
	}
	if (d->dry_run) {
		printf("[dryrun] Would change the Server URL from \"%s\" to \"%s\" in %s and try to restart kubelet\n",
		       server, local, KUBELET_CONF);
		fflush(stdout);
		return 0;
	}
	log_v(1, "Changing the Server URL from \"%s\" to \"%s\" in %s", server, local, KUBELET_CONF);
	json_object_set_new(cluster, "server", json_string(local));
	r = kubeconfig_write(AT_FDCWD, "/etc/kubernetes", "kubelet.conf", kc);
	if (r < 0)
		return r;
	kubelet_try_restart();
	return 0;
}

int upgrade_data_kubeconfig(const struct apply_data *d)
{
	int r = update_kubelet_kubeconfig_server(d);
	if (r < 0)
		return error_wrap(r, "failed to update kubelet local mode");
	printf("[upgrade/kubeconfig] The kubeconfig files for this node were successfully upgraded!\n");
	fflush(stdout);
	return 0;
}

int phase_upgrade_apply_kubeconfig(struct run_ctx *ctx)
{
	return upgrade_data_kubeconfig(apply_data(ctx));
}
