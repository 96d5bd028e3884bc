/* SPDX-License-Identifier: Apache-2.0 */
/* join phase "control-plane-prepare" (cmd/kubeadm/app/cmd/phases/join/controlplaneprepare.go,
 * phases/copycerts DownloadCerts). Worker joins skip every sub-phase, as kubeadm does. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kubeconfig/kubeconfig.h"
#include "manifests/manifests.h"
#include "phases/join.h"
#include "phases/join/join-data.h"
#include "pki/pki.h"
#include "token/token.h"
#include "phases/cluster-config.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/path.h"
#include "util/xalloc.h"

static void kube_client_freep(struct kube_client **p)
{
	kube_client_free(*p);
}

/* data.CertificateWriteDir(): the dry-run dir, else certificatesDir */
static const char *cert_write_dir(const struct join_data *d, const struct init_config *ic)
{
	return d->dry_run ? d->dry_run_dir : ic->cluster.certificates_dir;
}

void join_data_pki_params(const struct join_data *d, const struct init_config *ic,
			  struct pki_params *ret)
{
	phases_pki_params(ic, ret);
	ret->cert_dir = cert_write_dir(d, ic);
	ret->dry_run = d->dry_run;
	ret->rootfd = d->rootfd;
	ret->resume = d->resume;
}

int join_manifest_write(struct join_data *d, const struct init_config *ic, const char *component,
			const struct manifests_options *o, json_t **ret_pod)
{
	_cleanup_json_ json_t *pod = NULL;
	int r = manifests_pod_build(ic, component, o, &pod);
	if (r < 0)
		return r;
	const char *patches = join_data_patches_dir(d);
	if (patches) {
		r = manifests_pod_patch(&pod, patches, stdout);
		fflush(stdout);
		if (r < 0)
			return error_wrap(r, "failed to patch static Pod manifest file for \"%s\"",
					  component);
	}
	r = manifests_pod_write(d->rootfd, join_data_manifest_dir(d), component, pod);
	if (r < 0)
		return error_wrap(r, "failed to create static pod manifest file for \"%s\"", component);
	if (ret_pod)
		*ret_pod = TAKE_PTR(pod);
	return 0;
}

/* bootstrapClient: the dry-run client, or the TLS bootstrap identity. *ret_own owns it. */
static int bootstrap_client(struct join_data *d, struct kube_client **ret,
			    struct kube_client **ret_own)
{
	*ret_own = NULL;
	if (d->dry_run)
		return join_data_client(d, ret);
	json_t *tls = NULL;
	int r = join_data_tls_bootstrap_cfg(d, &tls);
	if (r < 0)
		return error_wrap(r, "unable to access the cluster");
	r = kube_client_new_from_config(tls, ret_own);
	if (r < 0)
		return error_wrap(r, "unable to access the cluster");
	*ret = *ret_own;
	return 0;
}

/* One file of certsToTransfer: its name in the Secret (with "/" as "-"), where it goes, and
 * its decrypted content (NULL when the Secret holds it empty). */
struct transfer {
	const char *name;
	char *path;
	unsigned char *plain;
	size_t len;
	bool written;  /* by this download: undone if a later file cannot be written */
	char *old;     /* the file it replaced (NULL: there was none) */
	size_t old_len;
	mode_t old_mode;
};

static void transfers_release(struct transfer *tr, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(tr[i].path);
		if (tr[i].plain)
			explicit_bzero(tr[i].plain, tr[i].len);
		free(tr[i].plain);
		if (tr[i].old)
			explicit_bzero(tr[i].old, tr[i].old_len);
		free(tr[i].old);
	}
}

/* one entry of the Secret, decrypted into t; a present but empty entry (a file missing at
 * upload, e.g. an insecure external etcd) is left NULL, to be skipped */
static int decrypt_one(const json_t *data, const unsigned char key[32], struct transfer *t)
{
	_cleanup_free_ char *sname = xstrdup(t->name);
	for (char *p = sname; *p; p++)
		if (*p == '/')
			*p = '-';
	json_t *v = json_object_get(data, sname);
	if (!v)
		return error_set(-ENOENT, "the Secret does not include the required certificate or key - name: %s, path: %s",
				 t->name, t->path);
	const char *b64 = json_string_value(v);
	unsigned char *enc = NULL, *plain = NULL;
	size_t enc_len = 0, plain_len = 0;
	int r = token_base64_decode(b64 ? b64 : "", &enc, &enc_len);
	if (r >= 0 && enc_len > 0)
		r = token_decrypt(key, enc, enc_len, &plain, &plain_len);
	free(enc);
	if (r < 0)
		return error_wrap(r, "error decoding secret data with provided key");
	if (plain_len == 0) {
		free(plain);
		return 0;
	}
	t->plain = plain;
	t->len = plain_len;
	return 0;
}

static int write_one(struct transfer *t)
{
	if (!t->plain) {
		log_v(1, "[download-certs] Not saving \"%s\" to disk, since it is empty in the \"kubeadm-certs\" Secret\n",
		      t->name);
		return 0;
	}
	/* keyutil.WriteKey (0600) for a private key, certutil.WriteCert (0644) otherwise;
	 * os.WriteFile keeps the mode of a file that exists */
	bool private = memmem(t->plain, t->len, "PRIVATE KEY-----", 16) != NULL;
	mode_t mode = private ? 0600 : 0644;
	struct stat st;
	if (stat(t->path, &st) == 0 && S_ISREG(st.st_mode)) {
		mode = st.st_mode & 07777;
		/* kept to be put back if a later file fails (a CA file is small) */
		if (fs_read_file(AT_FDCWD, t->path, 1u << 20, &t->old, &t->old_len) < 0)
			error_clear();
		t->old_mode = mode;
	}
	int r = fs_write_atomic(AT_FDCWD, t->path, t->plain, t->len, mode, 0755);
	if (r < 0)
		return error_set(r, "open %s: %s", t->path, go_strerror(-r));
	t->written = true;
	return 0;
}

/* Puts back what the files written so far replaced (or removes them): a failed download
 * leaves no mix of two clusters' certificates. Best effort; the error at hand is kept. */
static void undo_writes(struct transfer *tr, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!tr[i].written)
			continue;
		int r = tr[i].old ? fs_write_atomic(AT_FDCWD, tr[i].path, tr[i].old, tr[i].old_len,
						    tr[i].old_mode, 0755)
				  : fs_unlink(AT_FDCWD, tr[i].path);
		if (r < 0)
			log_warning("[download-certs] could not put back %s: %s", tr[i].path,
				    go_strerror(-r));
	}
}

int join_certs_save(const json_t *secret, const unsigned char key[32], const char *dir,
		    const struct cfg_external_etcd *ext)
{
	/* certsToTransfer: with an external etcd its client files go to the paths the cluster
	 * configuration names, absolute, in a dry run too (as kubeadm) */
	static const char *const base[] = { "ca.crt", "ca.key", "front-proxy-ca.crt",
					    "front-proxy-ca.key", "sa.pub", "sa.key" };
	struct transfer tr[9] = { 0 };
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(base); i++, n++) {
		tr[n].name = base[i];
		tr[n].path = path_join(dir, base[i]);
	}
	if (!ext) {
		tr[n].name = "etcd/ca.crt";
		tr[n++].path = path_join(dir, "etcd/ca.crt");
		tr[n].name = "etcd/ca.key";
		tr[n++].path = path_join(dir, "etcd/ca.key");
	} else {
		tr[n].name = "external-etcd-ca.crt";
		tr[n++].path = xstrdup(strempty(ext->ca_file));
		tr[n].name = "external-etcd.crt";
		tr[n++].path = xstrdup(strempty(ext->cert_file));
		tr[n].name = "external-etcd.key";
		tr[n++].path = xstrdup(strempty(ext->key_file));
	}
	json_t *data = json_object_get(secret, "data");
	int r = 0;
	for (size_t i = 0; i < n && r >= 0; i++)
		r = decrypt_one(data, key, &tr[i]);
	/* stricter than kubeadm, which writes whatever decrypts: every file is checked to be the
	 * certificate or key its name says before the first is written */
	if (r >= 0) {
		struct pki_transfer_file files[ARRAY_SIZE(tr)];
		for (size_t i = 0; i < n; i++)
			files[i] = (struct pki_transfer_file){ .name = tr[i].name,
							       .data = (const char *)tr[i].plain,
							       .len = tr[i].len };
		r = pki_transfer_files_check(files, n);
		if (r < 0)
			r = error_wrap(r, "the \"kubeadm-certs\" Secret holds a file that is not what its name says; nothing was written");
	}
	for (size_t i = 0; i < n && r >= 0; i++)
		r = write_one(&tr[i]);
	if (r < 0) {
		/* the error message is the write's; putting back does not replace it */
		_cleanup_free_ char *msg = xstrdup(error_message(r));
		undo_writes(tr, n);
		r = error_set(r, "%s", msg);
	}
	transfers_release(tr, n);
	return r < 0 ? r : 0;
}

/* copycerts.DownloadCerts */
static int download_certs(struct kube_client *c, const struct init_config *ic, const char *dir,
			  const char *key_hex)
{
	printf("[download-certs] Downloading the certificates in Secret \"kubeadm-certs\" in the \"kube-system\" Namespace\n");
	fflush(stdout);
	unsigned char key[32];
	int r = token_certificate_key_decode(key_hex, key);
	if (r < 0)
		return error_wrap(r, "error decoding certificate key");
	_cleanup_json_ json_t *secret = NULL;
	r = kube_get(c, &kube_res_secrets, "kube-system", "kubeadm-certs", &secret);
	if (r == -ENOENT)
		r = error_set(r, "Secret \"kubeadm-certs\" was not found in the \"kube-system\" Namespace. This Secret might have expired. Please, run `kubeadm init phase upload-certs --upload-certs` on a control plane to generate a new one");
	if (r < 0) {
		explicit_bzero(key, sizeof(key));
		return error_wrap(r, "error downloading the secret");
	}
	printf("[download-certs] Saving the certificates to the folder: \"%s\"\n", dir);
	fflush(stdout);
	r = join_certs_save(secret, key, dir, ic->cluster.etcd.external);
	explicit_bzero(key, sizeof(key));
	return r;
}

int phase_join_control_plane_prepare_download_certs(struct run_ctx *ctx)
{
	struct join_data *d = join_data(ctx);
	const struct cfg_join_control_plane *cp = d->cfg->join.control_plane;
	if (!cp || !cp->certificate_key || !*cp->certificate_key) {
		log_v(1, "[download-certs] Skipping certs download");
		return 0;
	}
	struct init_config *ic = NULL;
	int r = join_data_init_cfg(d, &ic);
	if (r < 0)
		return r;
	struct kube_client *c = NULL;
	_cleanup_(kube_client_freep) struct kube_client *own = NULL;
	r = bootstrap_client(d, &c, &own);
	if (r < 0)
		return r;
	r = download_certs(c, ic, cert_write_dir(d, ic), cp->certificate_key);
	if (r < 0)
		return error_wrap(r, "error downloading certs");
	return 0;
}

int phase_join_control_plane_prepare_certs(struct run_ctx *ctx)
{
	struct join_data *d = join_data(ctx);
	struct init_config *ic = NULL;
	int r = join_data_control_plane_init_cfg(d, &ic);
	if (r <= 0)
		return r;
	printf("[certs] Using certificateDir folder \"%s\"\n", ic->cluster.certificates_dir);
	fflush(stdout);
	struct pki_params p;
	join_data_pki_params(d, ic, &p);
	r = pki_create_pki_assets(&p);
	fflush(stdout);
	return r;
}

int phase_join_control_plane_prepare_kubeconfig(struct run_ctx *ctx)
{
	struct join_data *d = join_data(ctx);
	struct init_config *ic = NULL;
	int r = join_data_control_plane_init_cfg(d, &ic);
	if (r <= 0)
		return r;
	printf("[kubeconfig] Generating kubeconfig files\n");
	printf("[kubeconfig] Using kubeconfig folder \"%s\"\n", join_data_kubeconfig_dir(d));
	fflush(stdout);
	struct pki_params p;
	join_data_pki_params(d, ic, &p);
	r = kubeconfig_create_join_control_plane_files(&p, join_data_kubeconfig_dir(d));
	fflush(stdout);
	if (r < 0)
		return error_wrap(r, "error generating kubeconfig files");
	return 0;
}

int phase_join_control_plane_prepare_control_plane(struct run_ctx *ctx)
{
	struct join_data *d = join_data(ctx);
	struct init_config *ic = NULL;
	int r = join_data_control_plane_init_cfg(d, &ic);
	if (r <= 0)
		return r;
	const char *dir = join_data_manifest_dir(d);
	printf("[control-plane] Using manifest folder \"%s\"\n", dir);
	fflush(stdout);
	if (d->dry_run) {
		free(ic->cluster.certificates_dir);
		ic->cluster.certificates_dir = xstrdup("/etc/kubernetes/pki");
	}
	static const char *const comps[] = { MANIFESTS_APISERVER, MANIFESTS_CONTROLLER_MANAGER,
					     MANIFESTS_SCHEDULER };
	for (size_t i = 0; i < 3; i++) {
		printf("[control-plane] Creating static Pod manifest for \"%s\"\n", comps[i]);
		fflush(stdout);
		/* RootlessControlPlane: the dry run's lines as kubeadm's; a real run needs
		 * users.AddUsersAndGroups, which this build does not have (as init) */
		if (json_is_true(json_object_get(ic->cluster.feature_gates, "RootlessControlPlane"))) {
			if (!d->dry_run)
				return error_set(-ENOTSUP, "%s", "failed to create users and groups: the RootlessControlPlane feature gate is not supported by this build");
			printf("[control-plane] Would create users and groups for [%s] to run as non-root\n",
			       comps[i]);
			printf("[control-plane] Would update static pod manifest for \"%s\" to run run as non-root\n",
			       comps[i]);
			fflush(stdout);
		}
		struct manifests_options o = { .rootfd = d->rootfd };
		r = join_manifest_write(d, ic, comps[i], &o, NULL);
		if (r < 0)
			return r;
	}
	return 0;
}
