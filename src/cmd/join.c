/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm join (cmd/kubeadm/app/cmd/join.go): flags and JoinConfiguration into the join run
 * data (newJoinData), the join workflow, and the closing message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmdutil.h"
#include "cmd/commands.h"
#include "config/config.h"
#include "kubeconfig/kubeconfig.h"
#include "phases/join.h"
#include "phases/join/join-data.h"
#include "pki/pki.h"
#include "token/token.h"
#include "phases/resume.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/strv.h"
#include "util/xalloc.h"

const struct workflow join_workflow = { .name = "join", .phases = phases_join };

static const char join_worker_done_msg[] =
	"\n"
	"This node has joined the cluster:\n"
	"* Certificate signing request was sent to apiserver and a response was received.\n"
	"* The Kubelet was informed of the new secure connection details.\n"
	"\n"
	"Run 'kubectl get nodes' on the control-plane to see this node join the cluster.\n"
	"\n";

/*
 * The public JoinConfiguration the flags describe (newJoinOptions + newJoinData's flag
 * handling), as overrides for config_load_join. Only used without --config.
 */
static json_t *flag_overrides(struct cmd_ctx *ctx, bool discovery_flags)
{
	const struct flagset *fs = &ctx->flags;
	json_t *jc = json_object();
	const char *token = flagset_get_string(fs, "token");
	const char *tls_token = flagset_get_string(fs, "tls-bootstrap-token");
	const char *disc_token = flagset_get_string(fs, "discovery-token");
	if (*token) {
		if (!*tls_token)
			tls_token = token;
		if (!*disc_token)
			disc_token = token;
	}
	json_t *disc = json_object();
	if (*tls_token)
		json_object_set_new(disc, "tlsBootstrapToken", json_string(tls_token));
	const char *file = flagset_get_string(fs, "discovery-file");
	if (discovery_flags && *file)
		json_object_set_new(disc, "file", json_pack("{s:s}", "kubeConfigPath", file));
	if (discovery_flags && ctx->args && ctx->args[0]) {
		json_t *bt = json_object();
		if (*disc_token)
			json_object_set_new(bt, "token", json_string(disc_token));
		json_object_set_new(bt, "apiServerEndpoint", json_string(ctx->args[0]));
		char *const *hashes = flagset_lookup(fs, "discovery-token-ca-cert-hash")
					      ? flagset_get_strv(fs, "discovery-token-ca-cert-hash")
					      : NULL;
		if (hashes && hashes[0]) {
			json_t *a = json_array();
			STRV_FOREACH(h, hashes)
				json_array_append_new(a, json_string(*h));
			json_object_set_new(bt, "caCertHashes", a);
		}
		if (flagset_get_bool(fs, "discovery-token-unsafe-skip-ca-verification"))
			json_object_set_new(bt, "unsafeSkipCAVerification", json_true());
		json_object_set_new(disc, "bootstrapToken", bt);
	}
	json_object_set_new(jc, "discovery", disc);
	json_t *nr = json_object();
	if (*flagset_get_string(fs, "node-name"))
		json_object_set_new(nr, "name", json_string(flagset_get_string(fs, "node-name")));
	if (*flagset_get_string(fs, "cri-socket"))
		json_object_set_new(nr, "criSocket", json_string(flagset_get_string(fs, "cri-socket")));
	json_object_set_new(jc, "nodeRegistration", nr);
	if (flagset_get_bool(fs, "control-plane")) {
		json_t *cp = json_object();
		if (*flagset_get_string(fs, "certificate-key"))
			json_object_set_new(cp, "certificateKey", json_string(flagset_get_string(fs, "certificate-key")));
		json_t *ep = json_object();
		if (*flagset_get_string(fs, "apiserver-advertise-address"))
			json_object_set_new(ep, "advertiseAddress",
					    json_string(flagset_get_string(fs, "apiserver-advertise-address")));
		if (flagset_lookup(fs, "apiserver-bind-port"))
			json_object_set_new(ep, "bindPort",
					    json_integer(flagset_get_int(fs, "apiserver-bind-port")));
		json_object_set_new(cp, "localAPIEndpoint", ep);
		json_object_set_new(jc, "controlPlane", cp);
	}
	return json_pack("{s:o}", "JoinConfiguration", jc);
}

void join_workflow_free(struct run_ctx *data)
{
	join_data_free(join_data(data));
}

/* newJoinData + the runner's data initializer in newCmdJoin. */
int join_workflow_init(struct cmd_ctx *ctx, struct workflow_options *opts, struct run_ctx **ret)
{
	const struct flagset *fs = &ctx->flags;
	int r = cmd_validate_mixed_arguments(fs);
	if (r < 0)
		return r;
	const char *cfg_path = flagset_get_string(fs, "config");
	size_t nargs = strv_length(ctx->args);
	if (nargs > 1 && !*cfg_path) {
		_cleanup_free_ char *j = strv_join(ctx->args, " ");
		log_warning("[preflight] WARNING: More than one API server endpoint supplied on command line [%s]. Using the first one.",
			    j);
	}
	bool control_plane = flagset_get_bool(fs, "control-plane");
	if (!control_plane) {
		/* other control-plane flags differ from SetDefaults_JoinControlPlane's values */
		bool other = *flagset_get_string(fs, "certificate-key") || *flagset_get_string(fs, "apiserver-advertise-address") ||
			     (flagset_lookup(fs, "apiserver-bind-port") &&
			      flagset_get_int(fs, "apiserver-bind-port") != 6443);
		if (other)
			log_warning("[preflight] WARNING: --control-plane is also required when passing control-plane related flags such as [certificate-key, apiserver-advertise-address, apiserver-bind-port]");
	}
	struct stat st;
	_cleanup_(json_decrefp) json_t *admin_cfg = NULL;
	if (control_plane && stat(JOIN_ADMIN_KUBECONFIG, &st) == 0) {
		/* admin.conf stands in for the discovered kubeconfig (phases run one by one) */
		log_v(1, "[preflight] found %s. Use it for skipping discovery", JOIN_ADMIN_KUBECONFIG);
		_cleanup_free_ char *text = NULL;
		size_t len = 0;
		r = fs_read_file(AT_FDCWD, JOIN_ADMIN_KUBECONFIG, 16 << 20, &text, &len);
		if (r >= 0)
			r = kubeconfig_parse(text, len, &admin_cfg);
		if (r < 0)
			return error_wrap(r, "Error loading %s", JOIN_ADMIN_KUBECONFIG);
	}
	if (!*flagset_get_string(fs, "node-name"))
		log_v(1, "[preflight] found NodeName empty; using OS hostname as NodeName");
	if (control_plane && !*flagset_get_string(fs, "apiserver-advertise-address"))
		log_v(1, "[preflight] found advertiseAddress empty; using default interface's IP address as advertiseAddress");

	bool discovery_flags = flagset_lookup(fs, "discovery-file") != NULL;
	_cleanup_(json_decrefp) json_t *ov = flag_overrides(ctx, discovery_flags);
	if (!discovery_flags) {
		/* phases without discovery flags use admin.conf as the discovery file */
		if (stat(JOIN_ADMIN_KUBECONFIG, &st) < 0 && errno == ENOENT)
			return error_set(-ENOENT, "File %s does not exists. Please use 'kubeadm join phase control-plane-prepare' subcommands to generate it.",
					 JOIN_ADMIN_KUBECONFIG);
		log_v(1, "[preflight] found discovery flags missing for this command. using FileDiscovery: %s",
		      JOIN_ADMIN_KUBECONFIG);
		json_object_set_new(json_object_get(json_object_get(ov, "JoinConfiguration"), "discovery"),
				    "file", json_pack("{s:s}", "kubeConfigPath", JOIN_ADMIN_KUBECONFIG));
	}
	struct config_load_options lo = { .skip_cri_detect = !flagset_lookup(fs, "cri-socket") };
	struct join_config *cfg = NULL;
	r = config_load_join(*cfg_path ? cfg_path : NULL, ov, &lo, &cfg);
	if (r < 0)
		return r;

	struct join_data *d = xnew0(struct join_data);
	d->cfg = cfg;
	d->flags = fs;
	d->rootfd = ctx->rootfd;
	d->tls_bootstrap_cfg = TAKE_PTR(admin_cfg);
	char *const *cli_ignore = flagset_lookup(fs, "ignore-preflight-errors")
					  ? flagset_get_strv(fs, "ignore-preflight-errors")
					  : NULL;
	r = config_ignore_preflight_errors(cli_ignore, cfg->join.node_registration.ignore_preflight_errors,
					   &d->ignore_preflight_errors);
	if (r < 0) {
		join_data_free(d);
		return r;
	}
	strv_free(cfg->join.node_registration.ignore_preflight_errors);
	cfg->join.node_registration.ignore_preflight_errors = strv_copy(d->ignore_preflight_errors);

	/* --node-name and --cri-socket override the file */
	if (*flagset_get_string(fs, "node-name")) {
		free(cfg->join.node_registration.name);
		cfg->join.node_registration.name = xstrdup(flagset_get_string(fs, "node-name"));
	}
	if (*flagset_get_string(fs, "cri-socket")) {
		free(cfg->join.node_registration.cri_socket);
		cfg->join.node_registration.cri_socket = xstrdup(flagset_get_string(fs, "cri-socket"));
	}
	if (cfg->join.control_plane) {
		r = config_verify_apiserver_bind_address(
			strempty(cfg->join.control_plane->local_api_endpoint.advertise_address));
		if (r < 0) {
			join_data_free(d);
			return r;
		}
	}
	bool flag_dry = flagset_get_bool(fs, "dry-run");
	if (flag_dry || cfg->join.dry_run) {
		r = cmd_dry_run_dir("KUBEADM_JOIN_DRYRUN_DIR", "kubeadm-join-dryrun", &d->dry_run_dir);
		if (r < 0) {
			join_data_free(d);
			return error_wrap(r, "could not create a temporary directory on dryrun");
		}
	}
	d->dry_run = cmd_flag_bool_or_config(fs, "dry-run", cfg->join.dry_run);
	d->resume = phases_resume_wanted(fs);
	if (d->resume) {
		/* the identity gate on what an earlier join left: ca.crt (pinned by discovery),
		 * the kubeconfigs and the control plane's certificates */
		const char *ca = cfg->join.ca_cert_path ? cfg->join.ca_cert_path : "/etc/kubernetes/pki/ca.crt";
		const char *slash = strrchr(ca, '/');
		_cleanup_free_ char *cert_dir = slash && slash != ca ? xstrndup(ca, (size_t)(slash - ca)) : xstrdup("/");
		const struct cfg_bootstrap_token_discovery *bt = cfg->join.discovery.bootstrap_token;
		struct pki_params p = { .cert_dir = cert_dir, .rootfd = d->rootfd, .dry_run = d->dry_run };
		r = phases_resume_gate(&p, JOIN_KUBERNETES_DIR,
				       bt && !bt->unsafe_skip_ca_verification ? bt->ca_cert_hashes : NULL);
		if (r < 0) {
			join_data_free(d);
			return r;
		}
		fs_set_converge(!d->dry_run);
	}
	const char *patches = flagset_get_string(fs, "patches");
	d->patches_flag = *patches ? xstrdup(patches) : NULL;

	if (!opts->skip || !opts->skip[0]) {
		strv_free(opts->skip);
		opts->skip = strv_copy(cfg->join.skip_phases);
	}
	*ret = (struct run_ctx *)(void *)d;
	return 0;
}

#define KUBELET_CLIENT_CERT "/var/lib/kubelet/pki/kubelet-client-current.pem"

/* {path, notAfter} of the kubelet's client certificate the TLS bootstrap left, or NULL. */
static json_t *kubelet_client_certificate(int rootfd)
{
	_cleanup_free_ char *pem = NULL;
	size_t len = 0;
	if (fs_read_file(rootfd, KUBELET_CLIENT_CERT, 1 << 20, &pem, &len) < 0) {
		error_clear();
		return NULL;
	}
	/* the file holds the key too: only the certificate is parsed, the copy is wiped */
	struct pki_cert **certs = NULL;
	int r = pki_certs_from_pem(pem, len, &certs);
	explicit_bzero(pem, len);
	if (r < 0) {
		error_clear();
		return NULL;
	}
	char buf[40];
	json_t *o = json_pack("{s:s,s:s}", "path", KUBELET_CLIENT_CERT, "notAfter",
			      token_format_rfc3339(pki_cert_not_after(certs[0]), buf, sizeof(buf)));
	pki_certs_free(certs);
	return o;
}

/*
 * The fields of JoinResult (beyond-kubeadm.md §1.3): the configuration's, whether discovery
 * pinned the CA, and after a successful join the etcd member it added (promoted: no longer a
 * learner) and the kubelet's client certificate.
 */
static json_t *join_result(const struct join_data *d, int r)
{
	const struct cfg_join_configuration *jc = &d->cfg->join;
	json_t *o = json_pack("{s:s,s:b}", "nodeName", strempty(jc->node_registration.name),
			      "controlPlane", jc->control_plane != NULL);
	if (jc->discovery.bootstrap_token && jc->discovery.bootstrap_token->api_server_endpoint)
		json_object_set_new(o, "apiServerEndpoint",
				    json_string(jc->discovery.bootstrap_token->api_server_endpoint));
	json_object_set_new(o, "dryRun", json_boolean(d->dry_run));
	const struct cfg_bootstrap_token_discovery *bt = jc->discovery.bootstrap_token;
	json_object_set_new(o, "caPinVerified",
			    json_boolean(d->tls_bootstrap_cfg && !d->dry_run && bt &&
					 bt->ca_cert_hashes && bt->ca_cert_hashes[0]));
	if (r < 0 || d->dry_run)
		return o;
	if (d->etcd_member_name) {
		char id[24];
		/* etcd prints member IDs in hex */
		snprintf(id, sizeof(id), "%llx", (unsigned long long)d->etcd_member_id);
		json_object_set_new(o, "etcdMember",
				    json_pack("{s:s,s:s,s:s,s:b}", "id", id, "name",
					      d->etcd_member_name, "peerURL",
					      d->etcd_member_peer_url, "learner", false));
	}
	json_t *kc = kubelet_client_certificate(d->rootfd);
	if (kc)
		json_object_set_new(o, "kubeletClientCertificate", kc);
	return o;
}

int cmd_join(struct cmd_ctx *ctx)
{
	struct workflow_options opts = {
		.skip = strv_copy(flagset_get_strv(&ctx->flags, "skip-phases")),
	};
	struct run_ctx *data = NULL;
	int r = join_workflow_init(ctx, &opts, &data);
	if (r >= 0)
		r = workflow_run(&join_workflow, &opts, NULL, NULL, &data);
	if (r >= 0) {
		struct join_data *d = join_data(data);
		if (d->cfg->join.control_plane) {
			bool external = d->init_cfg && d->init_cfg->cluster.etcd.external;
			printf("\nThis node has joined the cluster and a new control plane instance was created:\n\n"
			       "* Certificate signing request was sent to apiserver and approval was received.\n"
			       "* The Kubelet was informed of the new secure connection details.\n"
			       "* Control plane label and taint were applied to the new node.\n"
			       "* The Kubernetes control plane instances scaled up.\n"
			       "%s\n\n"
			       "To start administering your cluster from this node, you need to run the following as a regular user:\n\n"
			       "\tmkdir -p $HOME/.kube\n"
			       "\tsudo cp -i %s $HOME/.kube/config\n"
			       "\tsudo chown $(id -u):$(id -g) $HOME/.kube/config\n\n"
			       "Run 'kubectl get nodes' to see this node join the cluster.\n\n",
			       external ? "" : "* A new etcd member was added to the local/stacked etcd cluster.",
			       JOIN_ADMIN_KUBECONFIG);
		} else {
			fputs(join_worker_done_msg, stdout);
		}
		fflush(stdout);
	}
	if (data && ctx->ext.result_wanted) {
		/* the command's error message survives the reads made for the result */
		_cleanup_free_ char *msg = r < 0 ? xstrdup(error_message(r)) : NULL;
		ctx->ext.result = join_result(join_data(data), r);
		if (r < 0)
			error_set(r, "%s", msg);
	}
	join_workflow_free(data);
	strv_free(opts.skip);
	return r;
}
