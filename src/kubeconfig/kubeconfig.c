/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "kubeconfig/kubeconfig.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/path.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#include "util/yaml.h"

#define CERT_VALIDITY (365LL * 24 * 3600)
#define KUBECONFIG_MAX (4 << 20)

const struct kubeconfig_spec kubeconfig_table[] = {
	{ "admin.conf", "admin", "kubernetes-admin", "kubeadm:cluster-admins", false,
	  "certificate embedded in the kubeconfig file for the admin to use and for kubeadm itself" },
	{ "super-admin.conf", "super-admin", "kubernetes-super-admin", "system:masters", false,
	  "certificate embedded in the kubeconfig file for the super-admin" },
	/* not renewable by kubeadm (the kubelet rotates its own certificate): no long name */
	{ "kubelet.conf", "kubelet", NULL, "system:nodes", false, NULL },
	{ "controller-manager.conf", "controller-manager", "system:kube-controller-manager", NULL,
	  true, "certificate embedded in the kubeconfig file for the controller manager to use" },
	{ "scheduler.conf", "scheduler", "system:kube-scheduler", NULL, true,
	  "certificate embedded in the kubeconfig file for the scheduler manager to use" },
};
const size_t kubeconfig_table_len = ARRAY_SIZE(kubeconfig_table);

const struct kubeconfig_spec *kubeconfig_spec_find(const char *name)
{
	for (size_t i = 0; i < kubeconfig_table_len; i++)
		if (streq(kubeconfig_table[i].file_name, name) ||
		    streq(kubeconfig_table[i].phase_name, name))
			return &kubeconfig_table[i];
	return NULL;
}

static char *join_path(const char *dir, const char *file)
{
	return path_join(dir, file); /* filepath.Join */
}

/* ---- base64 (encoding/base64.StdEncoding) ----------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *base64_encode(const char *data, size_t len)
{
	const unsigned char *d = (const unsigned char *)data;
	char *o = xmalloc((len + 2) / 3 * 4 + 1), *w = o;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)d[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)d[i + 1] << 8;
		if (i + 2 < len)
			v |= d[i + 2];
		*w++ = b64[v >> 18 & 63];
		*w++ = b64[v >> 12 & 63];
		*w++ = i + 1 < len ? b64[v >> 6 & 63] : '=';
		*w++ = i + 2 < len ? b64[v & 63] : '=';
	}
	*w = '\0';
	return o;
}

static int base64_decode(const char *s, char **ret, size_t *ret_len)
{
	size_t n = strlen(s);
	char *o = xmalloc(n / 4 * 3 + 4);
	size_t w = 0;
	unsigned v = 0, bits = 0, pad = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		const char *q = pad ? NULL : strchr(b64, c);
		if (!q || !c) {
			free(o);
			return -EBADMSG;
		}
		v = v << 6 | (unsigned)(q - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[w++] = (char)(v >> bits & 0xff);
		}
	}
	o[w] = '\0';
	*ret = o;
	*ret_len = w;
	return 0;
}

/* ---- the v1 Config document -------------------------------------------------------------- */

json_t *kubeconfig_build(const char *server, const char *cluster_name, const char *user,
			 const char *ca_pem, const char *client_key_pem,
			 const char *client_cert_pem, const char *token)
{
	_cleanup_free_ char *ctx_name = xasprintf("%s@%s", user, cluster_name);
	json_t *cluster = json_object();
	if (ca_pem && *ca_pem) {
		char *d = base64_encode(ca_pem, strlen(ca_pem));
		json_object_set_new(cluster, "certificate-authority-data", json_string(d));
		free(d);
	}
	json_object_set_new(cluster, "server", json_string(server));
	json_t *u = json_object();
	if (client_cert_pem && *client_cert_pem) {
		char *d = base64_encode(client_cert_pem, strlen(client_cert_pem));
		json_object_set_new(u, "client-certificate-data", json_string(d));
		free(d);
	}
	if (client_key_pem && *client_key_pem) {
		char *d = base64_encode(client_key_pem, strlen(client_key_pem));
		json_object_set_new(u, "client-key-data", json_string(d));
		free(d);
	}
	if (token && *token)
		json_object_set_new(u, "token", json_string(token));
	return json_pack("{s:s, s:[{s:o, s:s}], s:[{s:{s:s, s:s}, s:s}], s:s, s:s, s:[{s:s, s:o}]}",
			 "apiVersion", "v1", "clusters", "cluster", cluster, "name", cluster_name,
			 "contexts", "context", "cluster", cluster_name, "user", user, "name",
			 ctx_name, "current-context", ctx_name, "kind", "Config", "users", "name",
			 user, "user", u);
}

char *kubeconfig_to_yaml(const json_t *cfg)
{
	return yaml_from_json(cfg);
}

int kubeconfig_parse(const char *data, size_t len, json_t **ret)
{
	/* clientcmd reads JSON kubeconfigs through the YAML reader too (same errors) */
	json_t *j = NULL;
	int r = yaml_to_json(data, len, 0, &j);
	if (r < 0)
		return r;
	if (!json_is_object(j)) {
		json_decref(j);
		j = json_object(); /* an empty or scalar document is an empty Config */
	}
	*ret = j;
	return 0;
}

int kubeconfig_write(int rootfd, const char *dir, const char *file, const json_t *cfg)
{
	_cleanup_free_ char *path = join_path(dir, file);
	char *y = kubeconfig_to_yaml(cfg);
	if (!y)
		return error_set(-EINVAL, "failed to serialize kubeconfig %s", path);
	size_t len = strlen(y);
	int r = fs_write_atomic(rootfd, path, y, len, 0600, 0755);
	pki_secret_free(y, len);
	return r;
}

/* ---- reading a v1 Config ----------------------------------------------------------------- */

static json_t *named(const json_t *list, const char *name, const char *field)
{
	size_t i;
	json_t *it;
	json_array_foreach(list, i, it) {
		const char *n = json_string_value(json_object_get(it, "name"));
		if (n && streq(n, name))
			return json_object_get(it, field);
	}
	return NULL;
}

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int load_kubeconfig(const struct pki_params *p, const char *path, json_t **ret)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r = fs_read_file(p->rootfd, path, KUBECONFIG_MAX, &data, &len);
	if (r < 0)
		return error_set(r, "open %s: %s", path,
				 r == -ENOENT ? "no such file or directory" : strerror(-r));
	return kubeconfig_parse(data, len, ret);
}

static char *trim_dup(const char *s, size_t len)
{
	while (len > 0 && strchr(" \t\r\n", *s)) {
		s++;
		len--;
	}
	while (len > 0 && strchr(" \t\r\n", s[len - 1]))
		len--;
	return xstrndup(s, len);
}

/*
 * validateKubeConfig: -ENOENT when the file does not exist (the caller writes it); an error
 * with kubeadm's text when it cannot be reused; 0 when it can.
 */
static int validate_kubeconfig(const struct pki_params *p, const char *dir, const char *file,
			       const char *expected_server, struct pki_cert *const *expected_cas)
{
	_cleanup_free_ char *path = join_path(dir, file);
	struct stat st;
	int se = fs_stat(p->rootfd, path, &st);
	if (se < 0) {
		if (se == -ENOENT)
			return -ENOENT;
		return error_set(se, "stat %s: %s", path, strerror(-se));
	}
	json_t *cur = NULL;
	int r = load_kubeconfig(p, path, &cur);
	if (r < 0)
		return error_wrap(r, "failed to load kubeconfig file %s that already exists on disk",
				  path);
	const char *cc = str(cur, "current-context");
	json_t *ctx = named(json_object_get(cur, "contexts"), cc, "context");
	if (!ctx) {
		json_decref(cur);
		return error_set(-EINVAL,
				 "failed to find CurrentContext in Contexts of the kubeconfig file %s",
				 path);
	}
	json_t *cluster = named(json_object_get(cur, "clusters"), str(ctx, "cluster"), "cluster");
	if (!cluster) {
		json_decref(cur);
		return error_set(-EINVAL,
				 "failed to find the given CurrentContext Cluster in Clusters of the "
				 "kubeconfig file %s",
				 path);
	}
	_cleanup_free_ char *ca = NULL;
	size_t calen = 0;
	const char *cad = str(cluster, "certificate-authority-data");
	if (*cad) {
		char *dec = NULL;
		if (base64_decode(cad, &dec, &calen) >= 0) {
			ca = trim_dup(dec, calen);
			free(dec);
		}
	}
	if ((!ca || !*ca) && *str(cluster, "certificate-authority")) {
		const char *f = str(cluster, "certificate-authority");
		_cleanup_free_ char *d = NULL;
		size_t dl;
		if (fs_read_file(p->rootfd, f, KUBECONFIG_MAX, &d, &dl) < 0) {
			log_warning("failed to load CA cert from \"%s\" for kubeconfig \"%s\", open %s: "
				    "no such file or directory",
				    f, path, f);
		} else {
			free(ca);
			ca = trim_dup(d, dl);
		}
	}
	_cleanup_free_ char *server = xstrdup(str(cluster, "server"));
	json_decref(cur);
	_cleanup_(pki_certs_freep) struct pki_cert **cas = NULL;
	if (!ca || pki_certs_from_pem(ca, strlen(ca), &cas) < 0)
		return error_set(-EINVAL, "the kubeconfig file \"%s\" contains an invalid CA cert",
				 path);
	error_clear();
	bool found = false;
	for (struct pki_cert *const *e = expected_cas; e && *e && !found; e++)
		found = pki_cert_equal(*e, cas[0]);
	if (!found) {
		size_t n = 0;
		while (cas[n])
			n++;
		return error_set(-EINVAL,
				 "a kubeconfig file \"%s\" exists but does not contain a trusted CA "
				 "in its current context's cluster. Total CA certificates found: %zu",
				 path, n);
	}
	if (expected_server && !streq(server, expected_server))
		log_warning("a kubeconfig file \"%s\" exists already but has an unexpected API Server "
			    "URL: expected: %s, got: %s",
			    path, expected_server, server);
	return 0;
}

/* ---- creation ---------------------------------------------------------------------------- */

struct ca_pair {
	struct pki_cert *cert;
	struct pki_key *key;
};

static void ca_pair_release(struct ca_pair *c)
{
	pki_cert_free(c->cert);
	pki_key_free(c->key);
}

/* getKubeConfigSpecs' CA load. */
static int load_ca(const struct pki_params *p, struct ca_pair *ret)
{
	const char *dir = pki_params_write_dir(p);
	int r = pki_load_cert_and_key(p->rootfd, dir, "ca", &ret->cert, &ret->key);
	/*
	 * kubeadm's "the CA files do not exist, please run `kubeadm init phase certs ca`" branch
	 * tests os.IsNotExist on a wrapped error and never fires: the generic text is what prints.
	 */
	if (r < 0)
		return error_wrap(r, "couldn't create a kubeconfig; the CA files couldn't be loaded");
	if (pki_cert_validate_period(ret->cert, 0) < 0) {
		log_warning("WARNING: could not validate bounds for certificate ca: %s",
			    error_message(-EINVAL));
		error_clear();
	}
	return 0;
}

static char *spec_client_name(const struct kubeconfig_spec *s, const struct pki_params *p)
{
	if (s->client_name)
		return xstrdup(s->client_name);
	return xasprintf("system:node:%s", strempty(p->node_name));
}

/* getKubeConfigSpecsBase computes both URLs for every file (and warns about the port each time). */
static int spec_server(const struct kubeconfig_spec *s, const struct pki_params *p, char **ret)
{
	_cleanup_free_ char *cpe = NULL, *local = NULL;
	int r = pki_control_plane_url(p, &cpe);
	if (r < 0)
		return r;
	r = pki_local_api_url(p, &local);
	if (r < 0)
		return r;
	*ret = s->local_endpoint ? TAKE_PTR(local) : TAKE_PTR(cpe);
	return 0;
}

/* buildKubeConfigFromSpec with client certificate auth. */
static int build_with_cert(const struct pki_params *p, const struct ca_pair *ca,
			   const char *server, const char *client, char *const *orgs,
			   time_t not_after, json_t **ret)
{
	struct pki_cert_config cfg = { 0 };
	cfg.common_name = xstrdup(client);
	cfg.organizations = strv_copy(orgs);
	cfg.usages = PKI_USAGE_CLIENT_AUTH;
	cfg.not_after = not_after;
	cfg.algo = p->algo;
	_cleanup_(pki_key_freep) struct pki_key *k = NULL;
	int r = pki_keypool_take(p->pool, p->algo, &k);
	_cleanup_(pki_cert_freep) struct pki_cert *c = NULL;
	if (r >= 0)
		r = pki_cert_sign(&cfg, k, ca->cert, ca->key, false, &c);
	pki_cert_config_release(&cfg);
	if (r < 0)
		return error_wrap(r, "failure while creating %s client certificate", client);
	_cleanup_free_ char *ca_pem = NULL, *cert_pem = NULL;
	char *key_pem = NULL;
	size_t key_len = 0;
	pki_cert_to_pem(ca->cert, &ca_pem, NULL);
	pki_cert_to_pem(c, &cert_pem, NULL);
	r = pki_key_to_pem(k, &key_pem, &key_len);
	if (r < 0)
		return error_wrap(r, "failed to marshal private key to PEM");
	*ret = kubeconfig_build(server, p->cluster_name ? p->cluster_name : "kubernetes", client,
				ca_pem, key_pem, cert_pem, NULL);
	pki_secret_free(key_pem, key_len);
	return 0;
}

static time_t client_not_after(const struct pki_params *p, int64_t validity)
{
	return pki_params_start(p) + (validity > 0 ? validity : CERT_VALIDITY);
}

int kubeconfig_create_file(const struct pki_params *p, const char *dir, const char *file)
{
	const struct kubeconfig_spec *s = kubeconfig_spec_find(file);
	if (!s)
		return error_set(-EINVAL, "couldn't retrieve KubeConfigSpec for %s", file);
	log_v(1, "creating kubeconfig file for %s", s->file_name);
	_cleanup_(ca_pair_release) struct ca_pair ca = { 0 };
	int r = load_ca(p, &ca);
	if (r < 0)
		return r;
	_cleanup_free_ char *server = NULL;
	r = spec_server(s, p, &server);
	if (r < 0)
		return r;
	struct pki_cert *expected[2] = { ca.cert, NULL };
	r = validate_kubeconfig(p, dir, s->file_name, server, expected);
	_cleanup_free_ char *path = join_path(dir, s->file_name);
	if (r >= 0) {
		pki_params_printf(p, "[kubeconfig] Using existing kubeconfig file: \"%s\"\n", path);
		return 0;
	}
	if (r != -ENOENT)
		return r;
	error_clear();
	_cleanup_free_ char *client = spec_client_name(s, p);
	char *orgs[2] = { (char *)s->organization, NULL };
	json_t *cfg = NULL;
	r = build_with_cert(p, &ca, server, client, s->organization ? orgs : NULL,
			    client_not_after(p, p->cert_validity), &cfg);
	if (r < 0)
		return r;
	pki_params_printf(p, "[kubeconfig] Writing \"%s\" kubeconfig file\n", s->file_name);
	r = kubeconfig_write(p->rootfd, dir, s->file_name, cfg);
	json_decref(cfg);
	if (r < 0)
		return error_wrap(r, "failed to save kubeconfig file \"%s\" on disk", path);
	return 0;
}

void kubeconfig_print_dir(const struct pki_params *p, const char *dir)
{
	pki_params_printf(p, "[kubeconfig] Using kubeconfig folder \"%s\"\n", dir);
}

int kubeconfig_phase(const struct pki_params *p, const char *dir, const char *file,
		     bool external_ca)
{
	const struct kubeconfig_spec *s = kubeconfig_spec_find(file);
	if (!s)
		return error_set(-EINVAL, "couldn't retrieve KubeConfigSpec for %s", file);
	if (external_ca) {
		pki_params_printf(p, "[kubeconfig] External CA mode: Using user provided %s\n",
				  s->file_name);
		if (p->dry_run) {
			_cleanup_free_ char *from = join_path("/etc/kubernetes", s->file_name);
			_cleanup_free_ char *data = NULL;
			size_t len;
			int r = fs_read_file(p->rootfd, from, KUBECONFIG_MAX, &data, &len);
			if (r >= 0) {
				_cleanup_free_ char *to = join_path(dir, s->file_name);
				r = fs_write_atomic(p->rootfd, to, data, len, 0600, 0755);
			}
			if (r < 0)
				return error_set(r, "could not copy %s to dry run directory %s: %s",
						 s->file_name, dir, strerror(-r));
		}
		return 0;
	}
	struct pki_params q = *p;
	/* runKubeConfigFile: kubelet.conf always points at the local API endpoint. */
	if (streq(s->file_name, "kubelet.conf"))
		q.control_plane_endpoint = NULL;
	return kubeconfig_create_file(&q, dir, s->file_name);
}

int kubeconfig_phase_all(const struct pki_params *p, const char *dir, bool external_ca)
{
	kubeconfig_print_dir(p, dir);
	for (size_t i = 0; i < kubeconfig_table_len; i++) {
		int r = kubeconfig_phase(p, dir, kubeconfig_table[i].file_name, external_ca);
		if (r < 0)
			return r;
	}
	return 0;
}

int kubeconfig_create_join_control_plane_files(const struct pki_params *p, const char *dir)
{
	static const char *const files[] = { "admin.conf", "controller-manager.conf",
					     "scheduler.conf" };
	_cleanup_free_ char *cakey = join_path(pki_params_write_dir(p), "ca.key");
	bool external = !fs_exists(p->rootfd, cakey);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		if (external) {
			pki_params_printf(p,
					  "[kubeconfig] External CA mode: Using user provided %s\n",
					  files[i]);
			continue;
		}
		int r = kubeconfig_create_file(p, dir, files[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

int kubeconfig_check_ca(const struct pki_params *p, const char *dir, const char *file,
			struct pki_cert *const *cas)
{
	return validate_kubeconfig(p, dir, file, NULL, cas);
}

int kubeconfig_validate_for_external_ca(const struct pki_params *p, const char *dir)
{
	_cleanup_(pki_certs_freep) struct pki_cert **chain = NULL;
	int r = pki_load_cert_chain(p->rootfd, p->cert_dir, "ca", &chain);
	if (r < 0)
		return error_wrap(r, "the CA file couldn't be loaded");
	_cleanup_free_ char *local = NULL, *cpe = NULL;
	r = pki_local_api_url(p, &local);
	if (r < 0)
		return r;
	static const char *const local_files[] = { "controller-manager.conf", "scheduler.conf" };
	for (size_t i = 0; i < ARRAY_SIZE(local_files); i++) {
		r = validate_kubeconfig(p, dir, local_files[i], local, chain);
		if (r == -ENOENT) {
			_cleanup_free_ char *path = join_path(dir, local_files[i]);
			error_set(r, "stat %s: no such file or directory", path);
		}
		if (r < 0)
			return error_wrap(r, "the %s file does not exists or it is not valid",
					  local_files[i]);
	}
	r = pki_control_plane_url(p, &cpe);
	if (r < 0)
		return r;
	static const char *const cpe_files[] = { "admin.conf", "super-admin.conf", "kubelet.conf" };
	for (size_t i = 0; i < ARRAY_SIZE(cpe_files); i++) {
		r = validate_kubeconfig(p, dir, cpe_files[i], cpe, chain);
		if (r == -ENOENT) {
			_cleanup_free_ char *path = join_path(dir, cpe_files[i]);
			error_set(r, "stat %s: no such file or directory", path);
		}
		if (r < 0)
			return error_wrap(r, "the %s file does not exists or it is not valid",
					  cpe_files[i]);
	}
	return 0;
}

int kubeconfig_user(const struct pki_params *p, const char *client_name, char *const *orgs,
		    const char *token, int64_t validity, FILE *o)
{
	_cleanup_(ca_pair_release) struct ca_pair ca = { 0 };
	int r = pki_load_cert_and_key(p->rootfd, p->cert_dir, "ca", &ca.cert, &ca.key);
	if (r < 0)
		return error_wrap(r, "couldn't create a kubeconfig; the CA files couldn't be loaded");
	_cleanup_free_ char *server = NULL;
	r = pki_control_plane_url(p, &server);
	if (r < 0)
		return r;
	json_t *cfg = NULL;
	if (token && *token) {
		_cleanup_free_ char *ca_pem = NULL;
		pki_cert_to_pem(ca.cert, &ca_pem, NULL);
		cfg = kubeconfig_build(server, p->cluster_name ? p->cluster_name : "kubernetes",
				       client_name, ca_pem, NULL, NULL, token);
	} else {
		r = build_with_cert(p, &ca, server, client_name, orgs,
				    client_not_after(p, validity), &cfg);
		if (r < 0)
			return r;
	}
	char *y = kubeconfig_to_yaml(cfg);
	json_decref(cfg);
	if (!y)
		return error_set(-EINVAL, "failure while serializing admin kubeconfig");
	size_t len = strlen(y);
	fputs(y, o);
	fputc('\n', o);
	pki_secret_free(y, len);
	return 0;
}

int kubeconfig_create_default_csrs(const struct pki_params *p, const char *dir, FILE *o)
{
	if (o)
		fprintf(o, "generating keys and CSRs in %s\n", dir);
	for (size_t i = 0; i < kubeconfig_table_len; i++) {
		const struct kubeconfig_spec *s = &kubeconfig_table[i];
		_cleanup_free_ char *path = join_path(dir, s->file_name);
		if (fs_exists(p->rootfd, path))
			return error_set(-EEXIST, "file already exists: kube config: %s", path);
		if (pki_csr_or_key_exists(p->rootfd, dir, s->file_name))
			return error_set(-EEXIST, "file already exists: csr: %s", path);
		_cleanup_free_ char *server = NULL;
		int r = spec_server(s, p, &server);
		if (r < 0)
			return r;
		_cleanup_free_ char *client = spec_client_name(s, p);
		struct pki_cert_config cfg = { 0 };
		cfg.common_name = xstrdup(client);
		if (s->organization)
			strv_push(&cfg.organizations, s->organization);
		cfg.usages = PKI_USAGE_CLIENT_AUTH;
		cfg.algo = p->algo;
		_cleanup_(pki_key_freep) struct pki_key *k = NULL;
		r = pki_keypool_take(p->pool, p->algo, &k);
		_cleanup_free_ char *csr = NULL;
		size_t csr_len = 0;
		if (r >= 0)
			r = pki_csr_new(&cfg, k, &csr, &csr_len);
		pki_cert_config_release(&cfg);
		if (r < 0)
			return r;
		char *key_pem = NULL;
		size_t key_len = 0;
		r = pki_key_to_pem(k, &key_pem, &key_len);
		if (r < 0)
			return r;
		json_t *kc = kubeconfig_build(server,
					      p->cluster_name ? p->cluster_name : "kubernetes",
					      client, NULL, key_pem, NULL, NULL);
		pki_secret_free(key_pem, key_len);
		r = kubeconfig_write(p->rootfd, dir, s->file_name, kc);
		json_decref(kc);
		if (r < 0)
			return r;
		r = pki_write_csr(p->rootfd, dir, s->file_name, csr, csr_len);
		if (r < 0)
			return r;
		if (o)
			fprintf(o, "  %s\n", s->file_name);
	}
	return 0;
}

/* ---- expiration and renewal -------------------------------------------------------------- */

static const char *const renewable[] = { "admin.conf", "super-admin.conf",
					 "controller-manager.conf", "scheduler.conf" };

/* kubeConfigReadWriter.Read: the current user's embedded client certificate. */
static int read_client_cert(const struct pki_params *p, const char *path, json_t **ret_cfg,
			    struct pki_cert **ret)
{
	json_t *cfg = NULL;
	int r = load_kubeconfig(p, path, &cfg);
	if (r < 0)
		return error_wrap(r, "failed to load kubeConfig file %s", path);
	const char *cc = str(cfg, "current-context");
	json_t *ctx = named(json_object_get(cfg, "contexts"), cc, "context");
	if (!ctx) {
		json_decref(cfg);
		return error_set(-EINVAL, "invalid kubeConfig file %s: missing context %s", path, cc);
	}
	const char *cn = str(ctx, "cluster");
	json_t *cluster = named(json_object_get(cfg, "clusters"), cn, "cluster");
	if (!cluster) {
		json_decref(cfg);
		return error_set(-EINVAL, "invalid kubeConfig file %s: missing cluster %s", path, cn);
	}
	if (!*str(cluster, "certificate-authority-data")) {
		json_decref(cfg);
		return error_set(-EINVAL,
				 "kubeConfig file %s does not have an embedded server certificate",
				 path);
	}
	const char *un = str(ctx, "user");
	json_t *user = named(json_object_get(cfg, "users"), un, "user");
	if (!user) {
		json_decref(cfg);
		return error_set(-EINVAL, "invalid kubeConfig file %s: missing authInfo %s", path, un);
	}
	const char *ccd = str(user, "client-certificate-data");
	if (!*ccd) {
		json_decref(cfg);
		return error_set(-EINVAL,
				 "kubeConfig file %s does not have an embedded client certificate",
				 path);
	}
	_cleanup_free_ char *pem = NULL;
	size_t len = 0;
	_cleanup_(pki_certs_freep) struct pki_cert **certs = NULL;
	r = base64_decode(ccd, &pem, &len);
	if (r >= 0)
		r = pki_certs_from_pem(pem, len, &certs);
	if (r < 0) {
		json_decref(cfg);
		return error_wrap(r, "kubeConfig file %s does not contain a valid client certificate",
				  path);
	}
	*ret = pki_cert_ref(certs[0]);
	if (ret_cfg)
		*ret_cfg = cfg;
	else
		json_decref(cfg);
	return 0;
}

int kubeconfig_expiration_list(const struct pki_params *p, const char *dir,
			       struct pki_expiration **ret_certs, size_t *ret_ncerts,
			       struct pki_expiration **ret_cas, size_t *ret_ncas)
{
	struct pki_expiration *certs = NULL, *cas = NULL;
	size_t nc = 0, na = 0;
	int r = pki_expiration_list(p, dir, &certs, &nc, &cas, &na);
	if (r < 0)
		return r;
	certs = xrealloc(certs, (nc + ARRAY_SIZE(renewable)) * sizeof(*certs));
	bool external = false;
	bool checked = false;
	for (size_t i = 0; i < ARRAY_SIZE(renewable) && r >= 0; i++) {
		struct pki_expiration *e = &certs[nc++];
		memset(e, 0, sizeof(*e));
		e->name = xstrdup(renewable[i]);
		e->ca_name = xstrdup("ca");
		_cleanup_free_ char *path = join_path(dir, renewable[i]);
		struct stat st;
		if (fs_stat(p->rootfd, path, &st) < 0 || S_ISDIR(st.st_mode)) {
			e->missing = true;
			continue;
		}
		if (!checked) {
			r = pki_using_external_ca(p, &external);
			if (r < 0) {
				r = error_wrap(r, "Error checking external CA condition for ca "
						  "certificate authority");
				break;
			}
			checked = true;
		}
		e->externally_managed = external;
		_cleanup_(pki_cert_freep) struct pki_cert *c = NULL;
		r = read_client_cert(p, path, NULL, &c);
		if (r >= 0)
			e->not_after = pki_cert_not_after(c);
	}
	if (r < 0) {
		pki_expirations_free(certs, nc);
		pki_expirations_free(cas, na);
		return r;
	}
	/* sort by name (the renewal manager's Certificates()) */
	for (size_t i = 1; i < nc; i++)
		for (size_t j = i; j > 0 && strcmp(certs[j - 1].name, certs[j].name) > 0; j--) {
			struct pki_expiration t = certs[j];
			certs[j] = certs[j - 1];
			certs[j - 1] = t;
		}
	*ret_certs = certs;
	*ret_ncerts = nc;
	*ret_cas = cas;
	*ret_ncas = na;
	return 0;
}

int kubeconfig_renew(const struct pki_params *p, const char *dir, const char *file,
		     bool *ret_renewed)
{
	bool ok = false;
	for (size_t i = 0; i < ARRAY_SIZE(renewable); i++)
		ok = ok || streq(renewable[i], file);
	if (!ok)
		return error_set(-EINVAL, "%s is not a valid certificate for this cluster", file);
	bool external = false;
	int r = pki_using_external_ca(p, &external);
	if (r < 0)
		return error_wrap(r, "Error checking external CA condition for ca certificate "
				     "authority");
	if (external) {
		*ret_renewed = false;
		return 0;
	}
	_cleanup_free_ char *path = join_path(dir, file);
	json_t *cfg = NULL;
	_cleanup_(pki_cert_freep) struct pki_cert *old = NULL;
	r = read_client_cert(p, path, &cfg, &old);
	if (r < 0)
		return r;
	struct pki_params q = *p;
	q.write_dir = NULL;
	_cleanup_(ca_pair_release) struct ca_pair ca = { 0 };
	r = pki_load_ca(&q, "ca", &ca.cert, &ca.key);
	_cleanup_(pki_cert_freep) struct pki_cert *nc = NULL;
	_cleanup_(pki_key_freep) struct pki_key *nk = NULL;
	if (r >= 0) {
		r = pki_renew_from(p, old, ca.cert, ca.key, &nc, &nk);
		if (r < 0)
			r = error_wrap(r, "failed to renew certificate %s", file);
	}
	if (r < 0) {
		json_decref(cfg);
		return r;
	}
	json_t *ctx = named(json_object_get(cfg, "contexts"), str(cfg, "current-context"),
			    "context");
	json_t *cluster = named(json_object_get(cfg, "clusters"), str(ctx, "cluster"), "cluster");
	json_t *user = named(json_object_get(cfg, "users"), str(ctx, "user"), "user");
	_cleanup_free_ char *ca_pem = NULL, *cert_pem = NULL;
	char *key_pem = NULL;
	size_t key_len = 0;
	pki_cert_to_pem(ca.cert, &ca_pem, NULL);
	pki_cert_to_pem(nc, &cert_pem, NULL);
	r = pki_key_to_pem(nk, &key_pem, &key_len);
	if (r < 0) {
		json_decref(cfg);
		return error_wrap(r, "failed to marshal private key to PEM");
	}
	char *d = base64_encode(ca_pem, strlen(ca_pem));
	json_object_set_new(cluster, "certificate-authority-data", json_string(d));
	free(d);
	d = base64_encode(cert_pem, strlen(cert_pem));
	json_object_set_new(user, "client-certificate-data", json_string(d));
	free(d);
	d = base64_encode(key_pem, key_len);
	json_object_set_new(user, "client-key-data", json_string(d));
	pki_secret_free(d, 0);
	pki_secret_free(key_pem, key_len);
	r = kubeconfig_write(p->rootfd, dir, file, cfg);
	json_decref(cfg);
	if (r < 0)
		return r;
	*ret_renewed = true;
	return 0;
}
