/* SPDX-License-Identifier: Apache-2.0 */
/* join phase "kubelet-start" (cmd/kubeadm/app/cmd/phases/join/kubelet.go, runKubeletStartJoinPhase). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discovery/discovery.h"
#include "kubeconfig/kubeconfig.h"
#include "kubelet/kubelet.h"
#include "phases/cluster-config.h"
#include "phases/join.h"
#include "phases/join/join-data.h"
#include "token/token.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strv.h"
#include "util/xalloc.h"

static void kube_client_freep(struct kube_client **p)
{
	kube_client_free(*p);
}

/* GetNodeNameAndHostname: hostname < nodeRegistration.name < hostname-override */
static char *node_name(const struct cfg_node_registration *nr)
{
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) < 0)
		host[0] = '\0';
	for (char *p = host; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	const char *name = host;
	if (nr->name && *nr->name)
		name = nr->name;
	const struct cfg_arg *args = nr->kubelet_extra_args.items;
	for (size_t i = nr->kubelet_extra_args.n; i > 0; i--)
		if (args[i - 1].name && streq(args[i - 1].name, "hostname-override")) {
			name = strempty(args[i - 1].value);
			break;
		}
	return xstrdup(name);
}

/* one file of PrintDryRunFiles; a read error is added to errs (the aggregate's messages) */
static void print_file(const char *real, const char *shown, char ***errs)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = fs_read_file(AT_FDCWD, real, 16 << 20, &data, &len);
	if (r < 0) {
		error_clear();
		strv_consume(errs, xasprintf("open %s: %s", real, go_strerror(-r)));
		return;
	}
	printf("[dryrun] Would write file \"%s\" with content:\n", shown);
	fwrite(data, 1, len, stdout);
}

/* dryrunutil.PrintFilesIfDryRunning(needPrintManifest, manifestDir): the read errors as
 * utilerrors.NewAggregate prints them (one: itself; more: "[a, b]") */
static int print_files_if_dry_running(bool manifests, const char *dir)
{
	_cleanup_strv_free_ char **errs = NULL;
	if (manifests) {
		static const char *const comps[] = { "kube-apiserver", "kube-controller-manager",
						     "kube-scheduler" };
		printf("[dryrun] Wrote certificates, kubeconfig files and control plane manifests to the \"%s\" directory\n",
		       dir);
		printf("[dryrun] The certificates or kubeconfig files would not be printed due to their sensitive nature\n");
		printf("[dryrun] Please examine the \"%s\" directory for details about what would be written\n",
		       dir);
		for (size_t i = 0; i < 3; i++) {
			_cleanup_free_ char *real = xasprintf("%s/%s.yaml", dir, comps[i]);
			_cleanup_free_ char *shown =
				xasprintf("/etc/kubernetes/manifests/%s.yaml", comps[i]);
			print_file(real, shown, &errs);
		}
	} else {
		printf("[dryrun] Wrote certificates and kubeconfig files to the \"%s\" directory\n", dir);
		printf("[dryrun] The certificates or kubeconfig files would not be printed due to their sensitive nature\n");
		printf("[dryrun] Please examine the \"%s\" directory for details about what would be written\n",
		       dir);
	}
	static const char *const files[] = { "config.yaml", "kubeadm-flags.env" };
	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *real = xasprintf("%s/%s", dir, files[i]);
		_cleanup_free_ char *shown = xasprintf("/var/lib/kubelet/%s", files[i]);
		print_file(real, shown, &errs);
	}
	fflush(stdout);
	size_t n = strv_length(errs);
	if (n == 0)
		return 0;
	if (n == 1)
		return error_set(-ENOENT, "%s", errs[0]);
	_cleanup_free_ char *joined = strv_join(errs, ", ");
	return error_set(-ENOENT, "[%s]", joined);
}

static bool node_is_ready(const json_t *node)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(json_object_get(node, "status"), "conditions"), i, c) {
		const char *t = json_string_value(json_object_get(c, "type"));
		const char *s = json_string_value(json_object_get(c, "status"));
		if (t && s && streq(t, "Ready") && streq(s, "True"))
			return true;
	}
	return false;
}

int phase_join_kubelet_start(struct run_ctx *ctx)
{
	struct join_data *d = join_data(ctx);
	const struct cfg_join_configuration *cfg = &d->cfg->join;
	struct init_config *ic = NULL;
	int r = join_data_init_cfg(d, &ic);
	if (r < 0)
		return r;
	json_t *tls = NULL;
	r = join_data_tls_bootstrap_cfg(d, &tls);
	if (r < 0)
		return r;

	struct kube_client *client = NULL;
	_cleanup_(kube_client_freep) struct kube_client *own = NULL;
	if (d->dry_run) {
		r = join_data_client(d, &client);
		if (r < 0)
			return r;
	} else {
		r = kube_client_new_from_config(tls, &own);
		if (r < 0) {
			error_clear();
			return error_set(-EINVAL, "could not create client from bootstrap kubeconfig");
		}
		client = own;
	}

	/* a joining control plane's kubelet talks to its own API server */
	if (cfg->control_plane) {
		/* GetLocalAPIEndpoint */
		_cleanup_free_ char *server = phases_local_api_url(&cfg->control_plane->local_api_endpoint);
		size_t i;
		json_t *e;
		json_array_foreach(json_object_get(tls, "clusters"), i, e)
			json_object_set_new(json_object_get(e, "cluster"), "server", json_string(server));
	}

	const char *kdir = join_data_kubeconfig_dir(d);
	_cleanup_free_ char *bootstrap_path = xasprintf("%s/bootstrap-kubelet.conf", kdir);
	log_v(1, "[kubelet-start] writing bootstrap kubelet config file at %s", bootstrap_path);
	r = kubeconfig_write(d->rootfd, kdir, "bootstrap-kubelet.conf", tls);
	if (r < 0)
		return error_wrap(r, "couldn't save bootstrap-kubelet.conf to disk");

	/* the CA for the kubelet, unless present */
	_cleanup_free_ char *ca_path = d->dry_run ? xasprintf("%s/ca.crt", d->dry_run_dir)
						  : xstrdup(strempty(cfg->ca_cert_path));
	struct stat st;
	if (stat(ca_path, &st) < 0 && errno == ENOENT) {
		log_v(1, "[kubelet-start] writing CA certificate at %s", ca_path);
		const char *cn;
		json_t *cl;
		r = discovery_kubeconfig_cluster(tls, &cn, &cl);
		unsigned char *ca = NULL;
		size_t ca_len = 0;
		const char *b64 = json_string_value(json_object_get(cl, "certificate-authority-data"));
		if (r >= 0)
			r = token_base64_decode(b64 ? b64 : "", &ca, &ca_len);
		if (r >= 0)
			r = fs_write_atomic(d->rootfd, ca_path, ca, ca_len, 0644, 0755);
		free(ca);
		if (r < 0)
			return error_wrap(r, "couldn't save the CA certificate to disk");
	}

	_cleanup_free_ char *name = node_name(&cfg->node_registration);
	log_v(1, "[kubelet-start] Checking for an existing Node in the cluster with name \"%s\" and status \"Ready\"",
	      name);
	_cleanup_json_ json_t *node = NULL;
	r = kube_get(client, &kube_res_nodes, NULL, name, &node);
	if (r < 0 && r != -ENOENT)
		return error_wrap(r, "cannot get Node \"%s\"", name);
	error_clear();
	if (node && node_is_ready(node))
		return error_set(-EEXIST, "a Node with name \"%s\" and status \"Ready\" already exists in the cluster. You must delete the existing Node or change the name of this new joining Node",
				 name);

	if (!d->dry_run) {
		log_v(1, "[kubelet-start] Stopping the kubelet");
		kubelet_try_stop();
	} else {
		printf("[kubelet-start] Would stop the kubelet\n");
		fflush(stdout);
	}
	const char *kubelet_dir = join_data_kubelet_dir(d);
	r = kubelet_write_instance_config(d->rootfd, kubelet_dir, cfg->node_registration.cri_socket);
	if (r < 0)
		return error_wrap(r, "error writing instance kubelet configuration to disk");
	r = kubelet_write_config(d->rootfd, kubelet_dir, ic, join_data_patches_dir(d), stdout);
	fflush(stdout);
	if (r < 0)
		return r;
	/* a worker registers its taints through --register-with-taints; a control plane's are set
	 * by mark-control-plane */
	r = kubelet_write_dynamic_env_file(d->rootfd, kubelet_dir, &ic->init.node_registration,
					   cfg->control_plane == NULL);
	if (r < 0)
		return r;
	if (d->dry_run) {
		printf("[kubelet-start] Would start the kubelet\n");
		fflush(stdout);
		r = print_files_if_dry_running(cfg->control_plane != NULL, join_data_manifest_dir(d));
		if (r < 0)
			return error_wrap(r, "error printing files on dryrun");
		return 0;
	}
	printf("[kubelet-start] Starting the kubelet\n");
	fflush(stdout);
	kubelet_try_start();
	return 0;
}
