/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init phase "upload-certs" (cmd/phases/init/uploadcerts.go, phases/copycerts): the shared
 * control-plane certificates and keys, AES-256-GCM encrypted with the certificate key, in the
 * kubeadm-certs Secret owned by a 2-hour bootstrap token, and the RBAC to read it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "phases/init.h"
#include "phases/init/api-client.h"
#include "phases/init/bootstrap-token.h"
#include "token/token.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct kube_client *, kube_client_free);

#define CERT_TOKEN_TTL_NS (2LL * 3600 * 1000000000LL) /* DefaultCertTokenDuration */

/* createShortLivedBootstrapToken: returns the token id in id (7 bytes). */
static int short_lived_token(struct kube_client *c, char id[TOKEN_ID_LEN + 1])
{
	struct token t;
	int r = token_generate(&t);
	if (r < 0)
		return error_wrap(r, "error generating token to upload certs");
	char buf[TOKEN_BUF];
	struct cfg_token bt = {
		.token = token_format(&t, buf, sizeof(buf)),
		.description = "Proxy for managing TTL for the kubeadm-certs secret",
		.ttl = { .set = true, .ns = CERT_TOKEN_TTL_NS },
	};
	struct cfg_list l = { .n = 1, .items = &bt };
	r = init_update_or_create_tokens(c, true, &l);
	memcpy(id, t.id, sizeof(t.id));
	token_wipe(&t);
	OPENSSL_cleanse(buf, sizeof(buf));
	if (r < 0)
		return error_wrap(r, "error creating token");
	return 0;
}

/* certsToTransfer: secret key name -> path */
struct transfer {
	char *name;
	char *path;
};

static size_t certs_to_transfer(const struct run_ctx *ctx, struct transfer out[9])
{
	const struct cfg_cluster_configuration *cc = &ctx->cfg->cluster;
	const char *dir = strempty(cc->certificates_dir);
	static const char *const base[] = { "ca.crt", "ca.key", "front-proxy-ca.crt",
					    "front-proxy-ca.key", "sa.pub", "sa.key" };
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(base); i++, n++) {
		out[n].name = xstrdup(base[i]);
		out[n].path = xasprintf("%s/%s", dir, base[i]);
	}
	if (!cc->etcd.external) {
		out[n].name = xstrdup("etcd-ca.crt");
		out[n++].path = xasprintf("%s/etcd/ca.crt", dir);
		out[n].name = xstrdup("etcd-ca.key");
		out[n++].path = xasprintf("%s/etcd/ca.key", dir);
	} else {
		out[n].name = xstrdup("external-etcd-ca.crt");
		out[n++].path = xstrdup(strempty(cc->etcd.external->ca_file));
		out[n].name = xstrdup("external-etcd.crt");
		out[n++].path = xstrdup(strempty(cc->etcd.external->cert_file));
		out[n].name = xstrdup("external-etcd.key");
		out[n++].path = xstrdup(strempty(cc->etcd.external->key_file));
	}
	return n;
}

static int secret_data(const struct run_ctx *ctx, const unsigned char key[32], json_t **ret)
{
	struct transfer tr[9];
	size_t n = certs_to_transfer(ctx, tr);
	json_t *data = json_object();
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		if (r >= 0) {
			_cleanup_free_ char *raw = NULL;
			size_t len = 0;
			int k = fs_read_file(AT_FDCWD, tr[i].path, 1 << 20, &raw, &len);
			if (k == -ENOENT) {
				/* a missing file uploads as a nil []byte */
				json_object_set_new(data, tr[i].name, json_null());
				error_clear();
			} else if (k < 0) {
				r = error_set(k, "open %s: %s", tr[i].path, strerror(-k));
			} else {
				unsigned char *enc = NULL;
				size_t elen = 0;
				r = token_encrypt(key, raw, len, &enc, &elen);
				OPENSSL_cleanse(raw, len);
				if (r >= 0) {
					_cleanup_free_ char *b64 = token_base64_encode(enc, elen);
					json_object_set_new(data, tr[i].name, json_string(b64));
					free(enc);
				}
			}
		}
		free(tr[i].name);
		free(tr[i].path);
	}
	if (r < 0) {
		json_decref(data);
		return r;
	}
	*ret = data;
	return 0;
}

static int upload_certs(struct run_ctx *ctx, struct kube_client *c, const char *hexkey)
{
	puts("[upload-certs] Storing the certificates in Secret \"kubeadm-certs\" in the "
	     "\"kube-system\" Namespace");
	fflush(stdout);
	unsigned char key[32];
	int r = token_certificate_key_decode(hexkey, key);
	if (r < 0)
		return error_wrap(r, "error decoding certificate key");
	char id[TOKEN_ID_LEN + 1];
	r = short_lived_token(c, id);
	if (r >= 0) {
		/* the Secret (and so the key) lives as long as its token: the result reports it */
		ctx->certificate_key_expires = (long long)time(NULL) + CERT_TOKEN_TTL_NS / 1000000000LL;
		_cleanup_json_ json_t *data = NULL;
		r = secret_data(ctx, key, &data);
		OPENSSL_cleanse(key, sizeof(key));
		if (r < 0)
			return r;
		_cleanup_free_ char *tname = xasprintf(TOKEN_SECRET_PREFIX "%s", id);
		_cleanup_json_ json_t *tok = NULL;
		r = kube_get(c, &kube_res_secrets, "kube-system", tname, &tok);
		if (r < 0)
			return error_wrap(r, "error to get token reference");
		/* metav1.NewControllerRef(secret, v1 Secret) */
		json_t *ref = json_pack("{s:s,s:s,s:s,s:s,s:b,s:b}", "apiVersion", "v1", "kind",
					"Secret", "name",
					strempty(json_string_value(json_get_path(tok, "metadata.name"))),
					"uid",
					strempty(json_string_value(json_get_path(tok, "metadata.uid"))),
					"controller", 1, "blockOwnerDeletion", 1);
		_cleanup_json_ json_t *secret = json_pack(
			"{s:{s:s,s:s,s:[o]},s:O}", "metadata", "name", "kubeadm-certs", "namespace",
			"kube-system", "ownerReferences", ref, "data", data);
		r = kube_create_or_update(c, &kube_res_secrets, secret);
		if (r < 0)
			return r;
	} else {
		OPENSSL_cleanse(key, sizeof(key));
		return r;
	}
	_cleanup_json_ json_t *role =
		init_rbac_get_role("kubeadm:kubeadm-certs", "kube-system", "secrets", "kubeadm-certs");
	r = kube_create_or_update(c, &kube_res_roles, role);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *rb = init_rbac_binding(
		"kubeadm:kubeadm-certs", "kube-system", "Role", "kubeadm:kubeadm-certs",
		(const char *const[]){ "Group:system:bootstrappers:kubeadm:default-node-token", NULL });
	return kube_create_or_update(c, &kube_res_rolebindings, rb);
}

int phase_init_upload_certs(struct run_ctx *ctx)
{
	if (!ctx->upload_certs) {
		puts("[upload-certs] Skipping phase. Please see --upload-certs");
		fflush(stdout);
		return 0;
	}
	_cleanup_(kube_client_freep) struct kube_client *c = NULL;
	int r = init_api_client(ctx, &c);
	if (r < 0)
		return r;
	char **key = &ctx->cfg->init.certificate_key;
	if (!*key || !**key) {
		char *k = NULL;
		r = token_certificate_key_generate(&k);
		if (r < 0)
			return r;
		free(*key);
		*key = k; /* data.SetCertificateKey: show-join-command prints it */
	}
	r = upload_certs(ctx, c, *key);
	if (r < 0)
		return error_wrap(r, "error uploading certs");
	if (!ctx->skip_certificate_key_print)
		printf("[upload-certs] Using certificate key:\n%s\n", *key);
	fflush(stdout);
	return 0;
}
