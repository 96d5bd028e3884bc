/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init phase "show-join-command" (cmd/phases/init/showjoincommand.go, cmd/util/join.go): the
 * closing message of init with the join commands for control-plane and worker nodes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "phases/init.h"
#include "phases/init/api-client.h"
#include "phases/init/show-join-command.h"
#include "token/token.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* The CA certificates' PEM of the default cluster (GetClusterFromKubeConfig). */
static int cluster_ca(const json_t *kc, const char *path, char **ret_server, char **ret_pem,
		      size_t *ret_len)
{
	const json_t *cluster = NULL;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(kc, "clusters"), i, e) {
		const char *n = json_string_value(json_object_get(e, "name"));
		if (n && !*n)
			cluster = json_object_get(e, "cluster");
	}
	if (!cluster) {
		const char *cur = strempty(json_string_value(json_object_get(kc, "current-context")));
		const char *cname = NULL;
		json_array_foreach(json_object_get(kc, "contexts"), i, e) {
			const char *n = json_string_value(json_object_get(e, "name"));
			if (n && streq(n, cur))
				cname = strempty(json_string_value(json_get_path(e, "context.cluster")));
		}
		if (!cname)
			return error_set(-EINVAL, "malformed kubeconfig file: %s: the current context is "
						  "invalid: %s",
					 path, cur);
		json_array_foreach(json_object_get(kc, "clusters"), i, e) {
			const char *n = json_string_value(json_object_get(e, "name"));
			if (n && streq(n, cname))
				cluster = json_object_get(e, "cluster");
		}
		if (!cluster)
			return error_set(-EINVAL, "malformed kubeconfig file: %s: no matching cluster "
						  "for the current context: %s",
					 path, cur);
	}
	const char *data = json_string_value(json_object_get(cluster, "certificate-authority-data"));
	const char *file = json_string_value(json_object_get(cluster, "certificate-authority"));
	int r;
	if (data && *data) {
		unsigned char *pem = NULL;
		r = token_base64_decode(data, &pem, ret_len);
		if (r < 0)
			return error_wrap(r, "failed to parse CA certificate from kubeconfig");
		*ret_pem = (char *)pem;
	} else if (file && *file) {
		r = fs_read_file(AT_FDCWD, file, 1 << 20, ret_pem, ret_len);
		if (r < 0)
			return error_set(r, "failed to load CA certificate referenced by kubeconfig: "
					    "open %s: %s",
					 file, strerror(-r));
	} else {
		return error_set(-EINVAL, "no CA certificates found in kubeconfig");
	}
	*ret_server = xstrdup(strempty(json_string_value(json_object_get(cluster, "server"))));
	return 0;
}

/* Every certificate of a PEM bundle pinned, in order. */
static int pins(const char *pem, size_t len, char ***ret)
{
	char **v = NULL;
	const char *p = pem, *end = pem + len;
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	while ((p = memmem(p, (size_t)(end - p), begin, sizeof(begin) - 1))) {
		const char *q = memmem(p, (size_t)(end - p), "-----END CERTIFICATE-----", 25);
		if (!q)
			break;
		q += 25;
		char *pin = NULL;
		int r = token_ca_pin(p, (size_t)(q - p), &pin);
		if (r < 0) {
			strv_free(v);
			return error_wrap(r, "failed to parse CA certificate from kubeconfig");
		}
		strv_consume(&v, pin);
		p = q;
	}
	if (!v)
		return error_set(-EINVAL, "failed to parse CA certificate from kubeconfig: data does "
					  "not contain any valid RSA or ECDSA certificates");
	*ret = v;
	return 0;
}

/* The API server's host:port and the CA pins of the kubeconfig's default cluster. */
static int join_target(const char *kubeconfig_path, char **ret_hostport, char ***ret_hashes)
{
	_cleanup_json_ json_t *kc = NULL;
	int r = init_kubeconfig_load(kubeconfig_path, &kc);
	if (r < 0)
		return error_wrap(r, "failed to load kubeconfig");
	_cleanup_free_ char *server = NULL, *pem = NULL;
	size_t len = 0;
	r = cluster_ca(kc, kubeconfig_path, &server, &pem, &len);
	if (r < 0)
		return r;
	r = pins(pem, len, ret_hashes);
	if (r < 0)
		return r;
	struct strbuf sb = STRBUF_INIT;
	/* strings.Replace(server, "https://", "", -1) */
	for (const char *s = server; *s;) {
		if (strneq(s, "https://", 8))
			s += 8;
		else
			strbuf_addch(&sb, *s++);
	}
	*ret_hostport = strbuf_detach(&sb, NULL);
	return 0;
}

int init_join_command(const char *kubeconfig_path, const char *token, const char *key,
		      bool control_plane, bool skip_token_print, bool skip_key_print, char **ret)
{
	_cleanup_free_ char *hostport = NULL;
	_cleanup_strv_free_ char **hashes = NULL;
	int r = join_target(kubeconfig_path, &hostport, &hashes);
	if (r < 0)
		return r;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "kubeadm join %s --token %s \\\n\t", hostport,
		    skip_token_print ? "<value withheld>" : token);
	for (char **h = hashes; *h; h++)
		strbuf_addf(&sb, "--discovery-token-ca-cert-hash %s ", *h);
	if (control_plane) {
		strbuf_addstr(&sb, "\\\n\t--control-plane ");
		if (key && *key)
			strbuf_addf(&sb, "--certificate-key %s",
				    skip_key_print ? "<value withheld>" : key);
	}
	*ret = strbuf_detach(&sb, NULL);
	return 0;
}

int init_join_argv(const char *kubeconfig_path, const char *token, const char *key,
		   bool control_plane, char ***ret_argv, char ***ret_hashes)
{
	_cleanup_free_ char *hostport = NULL;
	_cleanup_strv_free_ char **hashes = NULL;
	int r = join_target(kubeconfig_path, &hostport, &hashes);
	if (r < 0)
		return r;
	char **v = NULL;
	strv_push(&v, "kubeadm");
	strv_push(&v, "join");
	strv_push(&v, hostport);
	strv_push(&v, "--token");
	strv_push(&v, token);
	for (char **h = hashes; *h; h++) {
		strv_push(&v, "--discovery-token-ca-cert-hash");
		strv_push(&v, *h);
	}
	if (control_plane) {
		strv_push(&v, "--control-plane");
		if (key && *key) {
			strv_push(&v, "--certificate-key");
			strv_push(&v, key);
		}
	}
	*ret_argv = v;
	if (ret_hashes)
		*ret_hashes = TAKE_PTR(hashes);
	return 0;
}

static int print_join(struct run_ctx *ctx, const char *path, const char *token)
{
	_cleanup_free_ char *cp = NULL, *worker = NULL;
	int r = init_join_command(path, token, ctx->cfg->init.certificate_key, true,
				  ctx->skip_token_print, ctx->skip_certificate_key_print, &cp);
	if (r >= 0)
		r = init_join_command(path, token, NULL, false, ctx->skip_token_print, false, &worker);
	if (r < 0)
		return error_wrap(r, "failed to print join command");
	printf("\nYour Kubernetes control-plane has initialized successfully!\n\n"
	       "To start using your cluster, you need to run the following as a regular user:\n\n"
	       "  mkdir -p $HOME/.kube\n"
	       "  sudo cp -i %s $HOME/.kube/config\n"
	       "  sudo chown $(id -u):$(id -g) $HOME/.kube/config\n\n"
	       "Alternatively, if you are the root user, you can run:\n\n"
	       "  export KUBECONFIG=/etc/kubernetes/admin.conf\n\n"
	       "You should now deploy a pod network to the cluster.\n"
	       "Run \"kubectl apply -f [podnetwork].yaml\" with one of the options listed at:\n"
	       "  https://kubernetes.io/docs/concepts/cluster-administration/addons/\n\n",
	       path);
	const char *cpe = ctx->cfg->cluster.control_plane_endpoint;
	if (cpe && *cpe) {
		if (ctx->upload_certs)
			printf("You can now join any number of control-plane nodes running the "
			       "following command on each as root:\n\n  %s\n\n"
			       "Please note that the certificate-key gives access to cluster sensitive "
			       "data, keep it secret!\n"
			       "As a safeguard, uploaded-certs will be deleted in two hours; If "
			       "necessary, you can use\n"
			       "\"kubeadm init phase upload-certs --upload-certs\" to reload certs "
			       "afterward.\n\n",
			       cp);
		else
			printf("You can now join any number of control-plane nodes by copying "
			       "certificate authorities\n"
			       "and service account keys on each node and then running the following "
			       "as root:\n\n  %s\n\n",
			       cp);
	}
	printf("Then you can join any number of worker nodes by running the following on each as "
	       "root:\n\n%s\n",
	       worker);
	fflush(stdout);
	return 0;
}

int phase_init_show_join_command(struct run_ctx *ctx)
{
	_cleanup_free_ char *path = init_kubeconfig_path(ctx);
	_cleanup_strv_free_ char **tokens = init_tokens(ctx);
	for (char **t = tokens; t && *t; t++) {
		int r = print_join(ctx, path, *t);
		if (r < 0)
			return r;
	}
	return 0;
}
