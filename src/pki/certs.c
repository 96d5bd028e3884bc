/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm's certificate table and the phases/certs logic over it: configs per row (SANs,
 * subjects, validity), creation and reuse of files, external CA detection, CSRs, the sa key
 * pair, the certificate key, expiration data and renewal.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "pki/pki-internal.h"
#include "pki/pki.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define CERT_VALIDITY (365LL * 24 * 3600)
#define CA_CERT_VALIDITY (10LL * 365 * 24 * 3600)
#define CERTIFICATE_BACKDATE (5 * 60)

enum { SRV = PKI_USAGE_SERVER_AUTH, CLI = PKI_USAGE_CLIENT_AUTH };

const struct pki_cert_spec pki_cert_table[] = {
	{ "ca", "self-signed Kubernetes CA to provision identities for other Kubernetes components",
	  "ca", NULL, "kubernetes", 0, PKI_ALT_NONE, false },
	{ "apiserver", "certificate for serving the Kubernetes API", "apiserver", "ca",
	  "kube-apiserver", SRV, PKI_ALT_APISERVER, false },
	{ "apiserver-kubelet-client", "certificate for the API server to connect to kubelet",
	  "apiserver-kubelet-client", "ca", "kube-apiserver-kubelet-client", CLI, PKI_ALT_NONE,
	  false },
	{ "front-proxy-ca", "self-signed CA to provision identities for front proxy",
	  "front-proxy-ca", NULL, "front-proxy-ca", 0, PKI_ALT_NONE, false },
	{ "front-proxy-client", "certificate for the front proxy client", "front-proxy-client",
	  "front-proxy-ca", "front-proxy-client", CLI, PKI_ALT_NONE, false },
	{ "etcd-ca", "self-signed CA to provision identities for etcd", "etcd/ca", NULL, "etcd-ca",
	  0, PKI_ALT_NONE, true },
	{ "etcd-server", "certificate for serving etcd", "etcd/server", "etcd-ca", NULL, SRV | CLI,
	  PKI_ALT_ETCD_SERVER, true },
	{ "etcd-peer", "certificate for etcd nodes to communicate with each other", "etcd/peer",
	  "etcd-ca", NULL, SRV | CLI, PKI_ALT_ETCD_PEER, true },
	{ "etcd-healthcheck-client", "certificate for liveness probes to healthcheck etcd",
	  "etcd/healthcheck-client", "etcd-ca", "kube-etcd-healthcheck-client", CLI, PKI_ALT_NONE,
	  true },
	{ "apiserver-etcd-client", "certificate the apiserver uses to access etcd",
	  "apiserver-etcd-client", "etcd-ca", "kube-apiserver-etcd-client", CLI, PKI_ALT_NONE,
	  true },
};
const size_t pki_cert_table_len = ARRAY_SIZE(pki_cert_table);

const struct pki_cert_spec *pki_cert_spec_find(const char *name)
{
	for (size_t i = 0; i < pki_cert_table_len; i++)
		if (streq(pki_cert_table[i].name, name) || streq(pki_cert_table[i].base_name, name))
			return &pki_cert_table[i];
	return NULL;
}

const struct pki_cert_spec *pki_cert_spec_ca(const struct pki_cert_spec *s)
{
	return s->ca_name ? pki_cert_spec_find(s->ca_name) : NULL;
}

static const char *read_dir(const struct pki_params *p)
{
	return p->cert_dir;
}

const char *pki_params_write_dir(const struct pki_params *p)
{
	return p->write_dir && *p->write_dir ? p->write_dir : p->cert_dir;
}

void pki_params_printf(const struct pki_params *p, const char *fmt, ...)
{
	if (!p->out)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
	fflush(p->out);
}

/* kubeadmutil.StartTimeUTC(): one start time per process, fixed at first use. */
time_t pki_params_start(const struct pki_params *p)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static time_t start;
	if (p && p->start_time)
		return p->start_time;
	pthread_mutex_lock(&lock);
	if (!start)
		start = time(NULL);
	time_t t = start;
	pthread_mutex_unlock(&lock);
	return t;
}

/*
 * CheckCertificatePeriodValidity: warns once per name per process (kubeadm keeps the same
 * cache in a package variable).
 */
static void check_period(const char *name, const struct pki_cert *c)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static char **seen;
	pthread_mutex_lock(&lock);
	bool done = strv_contains(seen, name);
	if (!done)
		strv_push(&seen, name);
	pthread_mutex_unlock(&lock);
	if (done)
		return;
	log_v(5, "validating certificate period for %s certificate", name);
	int r = pki_cert_validate_period(c, 0);
	if (r < 0) {
		log_warning("WARNING: could not validate bounds for certificate %s: %s", name,
			    error_message(r));
		error_clear();
	}
}

/* ---- names ------------------------------------------------------------------------------ */

/* validation.IsDNS1123Subdomain / IsWildcardDNS1123Subdomain */
static bool dns1123_label_chars(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (alnum)
			continue;
		if (c == '-' && i > 0 && i < n - 1)
			continue;
		return false;
	}
	return true;
}

static bool is_dns1123_subdomain(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 253)
		return false;
	const char *p = s;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		if (!dns1123_label_chars(p, l))
			return false;
		if (!dot)
			return true;
		p = dot + 1;
	}
}

static bool is_wildcard_dns1123_subdomain(const char *s)
{
	return strlen(s) <= 253 && strneq(s, "*.", 2) && is_dns1123_subdomain(s + 2);
}

/* kubeadmutil.ParseHostPort. */
int pki_parse_host_port(const char *hostport, char **ret_host, char **ret_port)
{
	_cleanup_free_ char *host = NULL, *port = NULL;
	const char *hp = hostport;
	/* net.SplitHostPort; on failure the whole string is the host. */
	if (hp[0] == '[') {
		const char *end = strchr(hp, ']');
		if (end && end[1] == ':' && !strchr(end + 2, ':') && !strchr(end + 2, '[') &&
		    !strchr(end + 2, ']')) {
			host = xstrndup(hp + 1, (size_t)(end - hp - 1));
			port = xstrdup(end + 2);
		}
	} else {
		const char *colon = strrchr(hp, ':');
		if (colon && strchr(hp, ':') == colon && !strchr(hp, '[') && !strchr(hp, ']')) {
			host = xstrndup(hp, (size_t)(colon - hp));
			port = xstrdup(colon + 1);
		}
	}
	if (!host) {
		host = xstrdup(hp);
		free(port);
		port = xstrdup("");
	}
	if (*port) {
		bool ok = strlen(port) <= 5;
		unsigned v = 0;
		for (const char *s = port; ok && *s; s++) {
			ok = *s >= '0' && *s <= '9';
			v = v * 10 + (unsigned)(*s - '0');
		}
		if (!ok || v < 1 || v > 65535)
			return error_set(-EINVAL,
					 "hostport %s: port %s must be a valid number between 1 and "
					 "65535, inclusive",
					 hostport, port);
	}
	unsigned char ip[16];
	size_t len;
	if (!pki_ip_parse(host, ip, &len) && !is_dns1123_subdomain(host))
		return error_set(-EINVAL,
				 "hostport %s: host '%s' must be a valid IP address or a valid "
				 "RFC-1123 DNS subdomain",
				 hostport, host);
	*ret_host = TAKE_PTR(host);
	*ret_port = TAKE_PTR(port);
	return 0;
}

static char *url_for(const char *host, const char *port)
{
	if (strchr(host, ':'))
		return xasprintf("https://[%s]:%s", host, port);
	return xasprintf("https://%s:%s", host, port);
}

static char *canonical_ip(const char *s);

int pki_local_api_url(const struct pki_params *p, char **ret)
{
	if (p->bind_port < 1 || p->bind_port > 65535)
		return error_set(-EINVAL,
				 "invalid value \"%d\" given for api.bindPort: port must be a valid "
				 "number between 1 and 65535, inclusive",
				 p->bind_port);
	_cleanup_free_ char *ip = canonical_ip(strempty(p->advertise_address));
	if (!ip)
		return error_set(-EINVAL, "invalid value `%s` given for api.advertiseAddress",
				 strempty(p->advertise_address));
	char port[16];
	snprintf(port, sizeof(port), "%d", p->bind_port);
	*ret = url_for(ip, port);
	return 0;
}

int pki_control_plane_url(const struct pki_params *p, char **ret)
{
	_cleanup_free_ char *local = NULL;
	int r = pki_local_api_url(p, &local);
	if (r < 0)
		return r;
	if (!p->control_plane_endpoint || !*p->control_plane_endpoint) {
		*ret = TAKE_PTR(local);
		return 0;
	}
	_cleanup_free_ char *host = NULL, *port = NULL;
	r = pki_parse_host_port(p->control_plane_endpoint, &host, &port);
	if (r < 0)
		return error_wrap(r, "invalid value \"%s\" given for controlPlaneEndpoint",
				  p->control_plane_endpoint);
	char bind[16];
	snprintf(bind, sizeof(bind), "%d", p->bind_port);
	if (*port) {
		if (!streq(port, bind))
			log_warning("[endpoint] WARNING: port specified in controlPlaneEndpoint "
				    "overrides bindPort in the controlplane address");
	} else {
		free(port);
		port = xstrdup(bind);
	}
	*ret = url_for(host, port);
	return 0;
}

static char *canonical_ip(const char *s)
{
	unsigned char ip[16];
	size_t len;
	char buf[64];
	if (!pki_ip_parse(s, ip, &len))
		return NULL;
	return xstrdup(pki_ip_format(ip, len, buf, sizeof(buf)));
}

/* appendSANsToAltNames, with kubeadm's warning for unusable entries. */
static void append_sans(struct pki_cert_config *c, char *const *sans, const char *cert_name)
{
	STRV_FOREACH(s, sans) {
		char *ip = canonical_ip(*s);
		if (ip)
			strv_consume(&c->ips, ip);
		else if (is_dns1123_subdomain(*s) || is_wildcard_dns1123_subdomain(*s))
			strv_push(&c->dns_names, *s);
		else
			log_warning("[certificates] WARNING: '%s' was not added to the '%s' SAN, "
				    "because it is not a valid IP or RFC-1123 compliant DNS entry",
				    *s, cert_name);
	}
}

static int advertise_ip(const struct pki_params *p, char **ret)
{
	char *ip = canonical_ip(strempty(p->advertise_address));
	if (!ip)
		return error_set(-EINVAL,
				 "error parsing LocalAPIEndpoint AdvertiseAddress %s: is not a valid "
				 "textual representation of an IP address",
				 strempty(p->advertise_address));
	*ret = ip;
	return 0;
}

static int apiserver_altnames(const struct pki_params *p, struct pki_cert_config *c)
{
	_cleanup_free_ char *adv = NULL, *vip = NULL;
	int r = advertise_ip(p, &adv);
	if (r < 0)
		return r;
	r = pki_service_vip(p->service_subnet, &vip);
	if (r < 0)
		return error_wrap(r, "unable to get first IP address from the given CIDR: %s",
				  strempty(p->service_subnet));
	if (p->node_name && *p->node_name)
		strv_push(&c->dns_names, p->node_name);
	strv_push(&c->dns_names, "kubernetes");
	strv_push(&c->dns_names, "kubernetes.default");
	strv_push(&c->dns_names, "kubernetes.default.svc");
	if (p->dns_domain && *p->dns_domain)
		strv_consume(&c->dns_names, xasprintf("kubernetes.default.svc.%s", p->dns_domain));
	strv_consume(&c->ips, TAKE_PTR(vip));
	strv_consume(&c->ips, TAKE_PTR(adv));
	if (p->control_plane_endpoint && *p->control_plane_endpoint) {
		_cleanup_free_ char *host = NULL, *port = NULL;
		r = pki_parse_host_port(p->control_plane_endpoint, &host, &port);
		if (r < 0)
			return error_wrap(r, "error parsing cluster controlPlaneEndpoint \"%s\"",
					  p->control_plane_endpoint);
		char *ip = canonical_ip(host);
		if (ip)
			strv_consume(&c->ips, ip);
		else
			strv_push(&c->dns_names, host);
	}
	append_sans(c, p->cert_sans, "apiserver.crt");
	return 0;
}

static int etcd_altnames(const struct pki_params *p, bool server, struct pki_cert_config *c)
{
	_cleanup_free_ char *adv = NULL;
	int r = advertise_ip(p, &adv);
	if (r < 0)
		return r;
	if (p->node_name && *p->node_name)
		strv_push(&c->dns_names, p->node_name);
	strv_push(&c->dns_names, "localhost");
	strv_consume(&c->ips, TAKE_PTR(adv));
	strv_push(&c->ips, "127.0.0.1");
	strv_push(&c->ips, "::1");
	if (p->local_etcd) {
		if (server)
			append_sans(c, p->etcd_server_sans, "etcd/server.crt");
		else
			append_sans(c, p->etcd_peer_sans, "etcd/peer.crt");
	}
	return 0;
}

int pki_cert_config_for(const struct pki_cert_spec *s, const struct pki_params *p,
			struct pki_cert_config *ret)
{
	struct pki_cert_config c = { 0 };
	int r = 0;
	switch (s->alt) {
	case PKI_ALT_APISERVER:
		r = apiserver_altnames(p, &c);
		break;
	case PKI_ALT_ETCD_SERVER:
		r = etcd_altnames(p, true, &c);
		break;
	case PKI_ALT_ETCD_PEER:
		r = etcd_altnames(p, false, &c);
		break;
	case PKI_ALT_NONE:
		break;
	}
	if (r < 0) {
		pki_cert_config_release(&c);
		return r;
	}
	c.common_name = xstrdup(s->common_name ? s->common_name : strempty(p->node_name));
	c.usages = s->usages;
	time_t start = pki_params_start(p);
	c.not_before = start - CERTIFICATE_BACKDATE;
	if (s->ca_name)
		c.not_after = start + (p->cert_validity > 0 ? p->cert_validity : CERT_VALIDITY);
	else
		c.not_after =
			start + (p->ca_cert_validity > 0 ? p->ca_cert_validity : CA_CERT_VALIDITY);
	c.algo = p->algo;
	*ret = c;
	return 0;
}

char *pki_cert_san_description(const struct pki_cert_spec *s)
{
	/* kubeadm defaults only an InitConfiguration here: no service subnet, no node name */
	struct pki_params p = { .advertise_address = "127.0.0.1", .local_etcd = false };
	struct pki_cert_config cfg;
	if (pki_cert_config_for(s, &p, &cfg) < 0) {
		error_clear();
		return xstrdup("");
	}
	struct strbuf sb = STRBUF_INIT;
	STRV_FOREACH(d, cfg.dns_names) {
		if (!**d)
			continue;
		strbuf_addstr(&sb, sb.len ? ", " : "\n\nDefault SANs are ");
		strbuf_addstr(&sb, *d);
	}
	STRV_FOREACH(i, cfg.ips) {
		strbuf_addstr(&sb, sb.len ? ", " : "\n\nDefault SANs are ");
		strbuf_addstr(&sb, *i);
	}
	pki_cert_config_release(&cfg);
	return strbuf_detach(&sb, NULL);
}

/* ---- creation and reuse ------------------------------------------------------------------ */

static int take_key(const struct pki_params *p, struct pki_key **ret)
{
	return pki_keypool_take(p->pool, p->algo, ret);
}

static void print_serving(const struct pki_params *p, const char *base, const struct pki_cert *c)
{
	if (!(pki_cert_usages(c) & PKI_USAGE_SERVER_AUTH))
		return;
	_cleanup_strv_free_ char **dns = pki_cert_dns_names(c);
	_cleanup_strv_free_ char **ips = pki_cert_ips(c);
	_cleanup_free_ char *d = strv_join(dns, " ");
	_cleanup_free_ char *i = strv_join(ips, " ");
	pki_params_printf(p, "[certs] %s serving cert is signed for DNS names [%s] and IPs [%s]\n",
			  base, strempty(d), strempty(i));
}

/* writeCertificateAuthorityFilesIfNotExist; the key is generated only when needed. */
static int write_ca_if_not_exist(const struct pki_params *p, const char *dir,
				 const struct pki_cert_spec *ca, const struct pki_cert_config *cfg,
				 struct pki_cert **ret_cert, struct pki_key **ret_key)
{
	const char *base = ca->base_name;
	if (pki_cert_or_key_exists(p->rootfd, dir, base)) {
		_cleanup_(pki_cert_freep) struct pki_cert *c = NULL;
		_cleanup_(pki_key_freep) struct pki_key *k = NULL;
		int r = pki_load_cert_and_key(p->rootfd, dir, base, &c, &k);
		if (r < 0)
			return error_wrap(r, "failure loading %s certificate", base);
		check_period(base, c);
		if (!pki_cert_is_ca(c))
			return error_set(-EINVAL, "certificate %s is not a CA", base);
		pki_params_printf(p, "[certs] Using the existing \"%s\" certificate and key\n",
				  base);
		if (ret_cert)
			*ret_cert = TAKE_PTR(c);
		if (ret_key)
			*ret_key = TAKE_PTR(k);
		return 0;
	}
	_cleanup_(pki_key_freep) struct pki_key *k = NULL;
	int r = take_key(p, &k);
	if (r < 0)
		return error_wrap(r, "unable to create private key while generating CA certificate");
	_cleanup_(pki_cert_freep) struct pki_cert *c = NULL;
	r = pki_cert_new_ca(cfg, k, &c);
	if (r < 0)
		return r;
	pki_params_printf(p, "[certs] Generating \"%s\" certificate and key\n", base);
	r = pki_write_cert_and_key(p->rootfd, dir, base, c, k);
	if (r < 0)
		return error_wrap(r, "failure while saving %s certificate and key", base);
	if (ret_cert)
		*ret_cert = TAKE_PTR(c);
	if (ret_key)
		*ret_key = TAKE_PTR(k);
	return 0;
}

/* validateCertificateWithConfig */
static int validate_with_config(const struct pki_cert *c, const char *base,
				const struct pki_cert_config *cfg)
{
	STRV_FOREACH(d, cfg->dns_names) {
		int r = pki_cert_verify_hostname(c, *d);
		if (r < 0)
			return error_wrap(r, "certificate %s is invalid", base);
	}
	STRV_FOREACH(i, cfg->ips) {
		int r = pki_cert_verify_hostname(c, *i);
		if (r < 0)
			return error_wrap(r, "certificate %s is invalid", base);
	}
	return 0;
}

/* KubeadmCert.CreateFromCA + writeCertificateFilesIfNotExist. */
static int create_from_ca(const struct pki_params *p, const char *dir,
			  const struct pki_cert_spec *s, const struct pki_cert *ca,
			  const struct pki_key *ca_key)
{
	struct pki_cert_config cfg;
	int r = pki_cert_config_for(s, p, &cfg);
	if (r < 0)
		return error_wrap(r, "couldn't create \"%s\" certificate", s->name);
	if (pki_cert_or_key_exists(p->rootfd, dir, s->base_name)) {
		_cleanup_(pki_key_freep) struct pki_key *k = NULL;
		struct pki_cert **chain = NULL;
		r = pki_load_key(p->rootfd, dir, s->base_name, &k);
		if (r < 0)
			r = error_wrap(r, "failure loading %s key", s->base_name);
		if (r >= 0) {
			r = pki_load_cert_chain(p->rootfd, dir, s->base_name, &chain);
			if (r < 0)
				r = error_wrap(r, "failure loading %s certificate", s->base_name);
		}
		if (r >= 0) {
			check_period(s->base_name, chain[0]);
			if (pki_cert_verify_chain(chain[0], chain + 1, ca) < 0)
				r = error_set(-EINVAL, "certificate %s is not signed by corresponding CA",
					      s->base_name);
		}
		if (r >= 0)
			r = validate_with_config(chain[0], s->base_name, &cfg);
		pki_certs_free(chain);
		pki_cert_config_release(&cfg);
		if (r < 0)
			return error_wrap(r, "failed to write or validate certificate \"%s\"", s->name);
		pki_params_printf(p, "[certs] Using the existing \"%s\" certificate and key\n",
				  s->base_name);
		return 0;
	}
	if (!cfg.usages) {
		pki_cert_config_release(&cfg);
		return error_set(-EINVAL, "must specify at least one ExtKeyUsage");
	}
	_cleanup_(pki_key_freep) struct pki_key *k = NULL;
	r = take_key(p, &k);
	if (r < 0) {
		pki_cert_config_release(&cfg);
		return error_wrap(r, "unable to create private key");
	}
	_cleanup_(pki_cert_freep) struct pki_cert *c = NULL;
	r = pki_cert_sign(&cfg, k, ca, ca_key, false, &c);
	pki_cert_config_release(&cfg);
	if (r < 0)
		return r;
	pki_params_printf(p, "[certs] Generating \"%s\" certificate and key\n", s->base_name);
	r = pki_write_cert_and_key(p->rootfd, dir, s->base_name, c, k);
	if (r < 0) {
		error_wrap(r, "failure while saving %s certificate and key", s->base_name);
		return error_wrap(r, "failed to write or validate certificate \"%s\"", s->name);
	}
	print_serving(p, s->base_name, c);
	return 0;
}

int pki_load_ca(const struct pki_params *p, const char *base, struct pki_cert **ret_cert,
		struct pki_key **ret_key)
{
	const char *dir = pki_params_write_dir(p);
	if (!pki_cert_or_key_exists(p->rootfd, dir, base))
		return error_set(-ENOENT, "couldn't load %s certificate authority from %s", base, dir);
	_cleanup_(pki_cert_freep) struct pki_cert *c = NULL;
	_cleanup_(pki_key_freep) struct pki_key *k = NULL;
	int r = pki_load_cert_and_key(p->rootfd, dir, base, &c, &k);
	if (r < 0)
		return error_wrap(r, "failure loading %s certificate authority", base);
	check_period(base, c);
	if (!pki_cert_is_ca(c))
		return error_set(-EINVAL, "%s certificate is not a certificate authority", base);
	*ret_cert = TAKE_PTR(c);
	*ret_key = TAKE_PTR(k);
	return 0;
}

int pki_create_ca_files(const struct pki_params *p, const struct pki_cert_spec *ca)
{
	if (ca->ca_name)
		return error_set(-EINVAL,
				 "this function should only be used for CAs, but cert %s has CA %s",
				 ca->name, ca->ca_name);
	log_v(1, "creating a new certificate authority for %s", ca->name);
	struct pki_cert_config cfg;
	int r = pki_cert_config_for(ca, p, &cfg);
	if (r < 0)
		return r;
	r = write_ca_if_not_exist(p, pki_params_write_dir(p), ca, &cfg, NULL, NULL);
	pki_cert_config_release(&cfg);
	return r;
}

int pki_create_cert_files_with_ca(const struct pki_params *p, const struct pki_cert_spec *leaf)
{
	const struct pki_cert_spec *ca = pki_cert_spec_ca(leaf);
	if (!ca)
		return error_set(-EINVAL, "certificate %s has no CA", leaf->name);
	_cleanup_(pki_cert_freep) struct pki_cert *cac = NULL;
	_cleanup_(pki_key_freep) struct pki_key *cak = NULL;
	int r = pki_load_ca(p, ca->base_name, &cac, &cak);
	if (r < 0)
		return error_wrap(r, "couldn't load CA certificate %s", ca->name);
	return create_from_ca(p, pki_params_write_dir(p), leaf, cac, cak);
}

static int copy_file(int rootfd, const char *from, const char *to, mode_t mode)
{
	char *data = NULL;
	size_t len = 0;
	int r = pki_read_file(rootfd, from, &data, &len);
	if (r < 0)
		return r;
	r = fs_write_atomic(rootfd, to, data, len, mode, 0700);
	pki_secret_free(data, len);
	return r;
}

/*
 * --resume: a key without its certificate is what a run killed between the two writes
 * leaves (kubeadm refuses it: "failure loading ... certificate"). Nothing can have been
 * signed by or trusted in a key whose certificate was never written: it is removed and both
 * are made again. Returns 0 or -errno.
 */
static int drop_lone_key(const struct pki_params *p, const char *base)
{
	if (!p->resume || p->dry_run)
		return 0;
	_cleanup_free_ char *crt = pki_path(read_dir(p), base, ".crt");
	_cleanup_free_ char *key = pki_path(read_dir(p), base, ".key");
	if (fs_exists(p->rootfd, crt) || !fs_exists(p->rootfd, key))
		return 0;
	pki_params_printf(p, "[certs] Removing %s: its certificate was never written (--resume)\n",
			  key);
	int r = fs_unlink(p->rootfd, key);
	return r < 0 ? error_set(r, "remove %s: %s", key, go_strerror(-r)) : 0;
}

int pki_phase_ca(const struct pki_params *p, const struct pki_cert_spec *ca)
{
	if (!p->local_etcd && streq(ca->name, "etcd-ca")) {
		pki_params_printf(p,
				  "[certs] External etcd mode: Skipping %s certificate authority generation\n",
				  ca->base_name);
		return 0;
	}
	_cleanup_(pki_cert_freep) struct pki_cert *c = NULL;
	int dr = drop_lone_key(p, ca->base_name);
	if (dr < 0)
		return dr;
	if (pki_load_cert(p->rootfd, read_dir(p), ca->base_name, &c) >= 0) {
		check_period(ca->base_name, c);
		_cleanup_free_ char *src_crt = pki_path(read_dir(p), ca->base_name, ".crt");
		_cleanup_free_ char *src_key = pki_path(read_dir(p), ca->base_name, ".key");
		_cleanup_free_ char *dst_crt = pki_path(pki_params_write_dir(p), ca->base_name,
							".crt");
		_cleanup_free_ char *dst_key = pki_path(pki_params_write_dir(p), ca->base_name,
							".key");
		if (p->dry_run && copy_file(p->rootfd, src_crt, dst_crt, 0644) < 0)
			return error_wrap(-EIO, "could not copy %s.crt to dry run directory %s",
					  ca->base_name, pki_params_write_dir(p));
		_cleanup_(pki_key_freep) struct pki_key *k = NULL;
		if (pki_load_key(p->rootfd, read_dir(p), ca->base_name, &k) >= 0) {
			if (p->dry_run && copy_file(p->rootfd, src_key, dst_key, 0600) < 0)
				return error_wrap(-EIO,
						  "could not copy %s.key to dry run directory %s",
						  ca->base_name, pki_params_write_dir(p));
			pki_params_printf(p, "[certs] Using existing %s certificate authority\n",
					  ca->base_name);
			error_clear();
			return 0;
		}
		pki_params_printf(p, "[certs] Using existing %s keyless certificate authority\n",
				  ca->base_name);
		error_clear();
		return 0;
	}
	error_clear();
	return pki_create_ca_files(p, ca);
}

int pki_phase_cert(const struct pki_params *p, const struct pki_cert_spec *leaf)
{
	const struct pki_cert_spec *ca = pki_cert_spec_ca(leaf);
	if (!ca)
		return pki_phase_ca(p, leaf);
	if (!p->local_etcd && streq(leaf->ca_name, "etcd-ca")) {
		pki_params_printf(p,
				  "[certs] External etcd mode: Skipping %s certificate generation\n",
				  leaf->base_name);
		return 0;
	}
	struct pki_cert **chain = NULL;
	int dr = drop_lone_key(p, leaf->base_name);
	if (dr < 0)
		return dr;
	if (pki_load_cert_chain(p->rootfd, read_dir(p), leaf->base_name, &chain) >= 0) {
		_cleanup_(pki_certs_freep) struct pki_cert **v = chain;
		check_period(leaf->base_name, v[0]);
		_cleanup_(pki_cert_freep) struct pki_cert *cac = NULL;
		int r = pki_load_cert(p->rootfd, read_dir(p), ca->base_name, &cac);
		if (r < 0)
			return error_wrap(r, "couldn't load CA certificate %s", ca->name);
		check_period(ca->base_name, cac);
		r = pki_cert_verify_chain(v[0], v + 1, cac);
		if (r < 0)
			return error_wrap(r, "[certs] certificate %s not signed by CA certificate %s",
					  leaf->base_name, ca->base_name);
		pki_params_printf(p, "[certs] Using existing %s certificate and key on disk\n",
				  leaf->base_name);
		return 0;
	}
	error_clear();
	return pki_create_cert_files_with_ca(p, leaf);
}

int pki_create_sa_files(const struct pki_params *p)
{
	log_v(1, "creating new public/private key files for signing service account users");
	const char *dir = pki_params_write_dir(p);
	_cleanup_free_ char *path = pki_path(dir, "sa", ".key");
	char *data = NULL;
	size_t len = 0;
	int r = fs_read_file(p->rootfd, path, 4 << 20, &data, &len);
	if (r >= 0) {
		struct pki_key *k = NULL;
		r = pki_key_from_pem(data, len, &k);
		pki_secret_free(data, len);
		if (r >= 0) {
			_cleanup_(pki_key_freep) struct pki_key *sk = k;
			pki_params_printf(p, "[certs] Using the existing \"sa\" key\n");
			/* kubeadm keeps a lone sa.key as it is; --resume writes the sa.pub that a
			 * killed run did not */
			_cleanup_free_ char *pub = pki_path(dir, "sa", ".pub");
			if (p->resume && !p->dry_run && !fs_exists(p->rootfd, pub))
				return pki_write_public_key(p->rootfd, dir, "sa", sk);
			return 0;
		}
		error_wrap(r, "error reading private key file %s", path);
		return error_wrap(r, "file sa.key existed but it could not be loaded properly");
	}
	if (r != -ENOENT) {
		pki_read_file(p->rootfd, path, &data, &len); /* sets Go's "open ..." text */
		return error_wrap(r, "file sa.key existed but it could not be loaded properly");
	}
	_cleanup_(pki_key_freep) struct pki_key *k = NULL;
	r = take_key(p, &k);
	if (r < 0)
		return r;
	pki_params_printf(p, "[certs] Generating \"sa\" key and public key\n");
	r = pki_write_key(p->rootfd, dir, "sa", k);
	if (r < 0)
		return r;
	return pki_write_public_key(p->rootfd, dir, "sa", k);
}

int pki_phase_sa(const struct pki_params *p, bool external_ca)
{
	if (external_ca) {
		pki_params_printf(p, "[certs] Using existing sa keys\n");
		return 0;
	}
	return pki_create_sa_files(p);
}

void pki_print_cert_dir(const struct pki_params *p)
{
	pki_params_printf(p, "[certs] Using certificateDir folder \"%s\"\n",
			  pki_params_write_dir(p));
}

int pki_phase_all(const struct pki_params *p, bool external_ca)
{
	pki_print_cert_dir(p);
	for (size_t i = 0; i < pki_cert_table_len; i++) {
		const struct pki_cert_spec *s = &pki_cert_table[i];
		int r = s->ca_name ? pki_phase_cert(p, s) : pki_phase_ca(p, s);
		if (r < 0)
			return r;
	}
	return pki_phase_sa(p, external_ca);
}

/* ---- external CA checks ------------------------------------------------------------------ */

struct loc {
	const char *ca_base;
	const char *base;
	const char *ux;
};

static int validate_ca_cert(const struct pki_params *p, const struct loc *l)
{
	_cleanup_(pki_cert_freep) struct pki_cert *c = NULL;
	int r = pki_load_cert(p->rootfd, p->cert_dir, l->ca_base, &c);
	if (r < 0)
		return error_wrap(r, "failure loading certificate for %s", l->ux);
	check_period(l->ux, c);
	if (!pki_cert_is_ca(c))
		return error_set(-EINVAL, "certificate %s is not a CA", l->ux);
	return 0;
}

static int validate_signed_with_ca(const struct pki_params *p, const struct loc *l,
				   const struct pki_cert *ca)
{
	_cleanup_(pki_key_freep) struct pki_key *k = NULL;
	int r = pki_load_key(p->rootfd, p->cert_dir, l->base, &k);
	if (r < 0)
		return error_wrap(r, "failure loading key for %s", l->base);
	_cleanup_(pki_certs_freep) struct pki_cert **chain = NULL;
	r = pki_load_cert_chain(p->rootfd, p->cert_dir, l->base, &chain);
	if (r < 0)
		return error_wrap(r, "failure loading certificate for %s", l->ux);
	check_period(l->ux, chain[0]);
	r = pki_cert_verify_chain(chain[0], chain + 1, ca);
	if (r < 0)
		return error_wrap(r, "certificate %s is not signed by corresponding CA", l->ux);
	return 0;
}

static int validate_signed(const struct pki_params *p, const struct loc *l)
{
	_cleanup_(pki_cert_freep) struct pki_cert *ca = NULL;
	int r = pki_load_cert(p->rootfd, p->cert_dir, l->ca_base, &ca);
	if (r < 0)
		return error_wrap(r, "failure loading certificate authority for %s", l->ux);
	check_period(l->ux, ca);
	return validate_signed_with_ca(p, l, ca);
}

static int using_external(const struct pki_params *p, const char *ca_base, const char *ca_ux,
			  const struct loc *leaves, size_t n, bool *ret)
{
	struct loc cal = { ca_base, "", ca_ux };
	*ret = false;
	int r = validate_ca_cert(p, &cal);
	if (r < 0)
		return r;
	_cleanup_free_ char *key = pki_path(p->cert_dir, ca_base, ".key");
	struct stat st;
	if (fs_stat(p->rootfd, key, &st) != -ENOENT)
		return 0;
	*ret = true;
	for (size_t i = 0; i < n; i++) {
		r = validate_signed(p, &leaves[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

int pki_using_external_ca(const struct pki_params *p, bool *ret)
{
	static const struct loc l[] = {
		{ "ca", "apiserver", "API server" },
		{ "ca", "apiserver-kubelet-client", "API server kubelet client" },
	};
	return using_external(p, "ca", "CA", l, ARRAY_SIZE(l), ret);
}

int pki_using_external_front_proxy_ca(const struct pki_params *p, bool *ret)
{
	static const struct loc l[] = {
		{ "front-proxy-ca", "front-proxy-client", "front-proxy client" },
	};
	return using_external(p, "front-proxy-ca", "front-proxy CA", l, ARRAY_SIZE(l), ret);
}

int pki_using_external_etcd_ca(const struct pki_params *p, bool *ret)
{
	static const struct loc l[] = {
		{ "etcd/ca", "apiserver-etcd-client", "apiserver etcd client" },
		{ "etcd/ca", "etcd/server", "etcd server" },
		{ "etcd/ca", "etcd/peer", "etcd peer" },
		{ "etcd/ca", "etcd/healthcheck-client", "etcd health-check client" },
	};
	return using_external(p, "etcd/ca", "etcd CA", l, ARRAY_SIZE(l), ret);
}

static int validate_ca_cert_and_key(const struct pki_params *p, const char *base, const char *ux)
{
	struct loc l = { base, "", ux };
	int r = validate_ca_cert(p, &l);
	if (r < 0)
		return r;
	_cleanup_(pki_key_freep) struct pki_key *k = NULL;
	r = pki_load_key(p->rootfd, p->cert_dir, base, &k);
	if (r < 0) {
		log_warning("assuming external key for %s: %s", ux, error_message(r));
		error_clear();
	}
	return 0;
}

/* TryLoadPrivatePublicKeyFromDisk for sa. */
static int validate_sa(const struct pki_params *p)
{
	_cleanup_(pki_key_freep) struct pki_key *k = NULL;
	int r = pki_load_key(p->rootfd, p->cert_dir, "sa", &k);
	if (r < 0)
		return error_wrap(r, "failure loading key for service account");
	_cleanup_free_ char *pub = pki_path(p->cert_dir, "sa", ".pub");
	_cleanup_free_ char *data = NULL;
	size_t len;
	r = pki_read_file(p->rootfd, pub, &data, &len);
	if (r < 0) {
		error_wrap(r, "couldn't load the public key file %s", pub);
		return error_wrap(r, "failure loading key for service account");
	}
	_cleanup_(BIO_freep) BIO *b = BIO_new_mem_buf(data, (int)len);
	EVP_PKEY *pk = b ? PEM_read_bio_PUBKEY(b, NULL, pki_no_passphrase, NULL) : NULL;
	ERR_clear_error();
	if (!pk) {
		error_set(-EBADMSG, "error reading public key file %s: data does not contain any "
				    "valid RSA or ECDSA public keys",
			  pub);
		error_wrap(-EBADMSG, "couldn't load the public key file %s", pub);
		return error_wrap(-EBADMSG, "failure loading key for service account");
	}
	_cleanup_free_ char *priv = pki_path(p->cert_dir, "sa", ".key");
	const char *kt = EVP_PKEY_is_a(k->pkey, "RSA") ? "RSA" : "ECDSA";
	bool same = EVP_PKEY_is_a(pk, EVP_PKEY_is_a(k->pkey, "RSA") ? "RSA" : "EC");
	EVP_PKEY_free(pk);
	if (!same) {
		error_set(-EINVAL,
			  "the private key file %s is in %s format but the public key file %s is "
			  "not in %s format",
			  priv, kt, pub, kt);
		return error_wrap(-EINVAL, "failure loading key for service account");
	}
	return 0;
}

int pki_shared_certificates_exist(const struct pki_params *p)
{
	struct strbuf errs = STRBUF_INIT;
	int n = 0, first = 0;
#define COLLECT(expr)                                                                              \
	do {                                                                                       \
		int _r = (expr);                                                                   \
		if (_r < 0) {                                                                      \
			if (n++)                                                                   \
				strbuf_addstr(&errs, ", ");                                        \
			else                                                                       \
				first = _r;                                                        \
			strbuf_addstr(&errs, error_message(_r));                                   \
			error_clear();                                                             \
		}                                                                                  \
	} while (0)
	COLLECT(validate_ca_cert_and_key(p, "ca", "CA"));
	COLLECT(validate_sa(p));
	COLLECT(validate_ca_cert_and_key(p, "front-proxy-ca", "front-proxy CA"));
	if (p->local_etcd)
		COLLECT(validate_ca_cert_and_key(p, "etcd/ca", "etcd CA"));
#undef COLLECT
	int r = 0;
	/* utilerrors.NewAggregate: one error as is, several as "[a, b]". */
	if (n == 1)
		r = error_set(first, "%s", errs.buf);
	else if (n > 1)
		r = error_set(first, "[%s]", errs.buf);
	strbuf_release(&errs);
	return r;
}

/* ---- CreatePKIAssets --------------------------------------------------------------------- */

static int create_tree_for_ca(const struct pki_params *p, const struct pki_cert_spec *ca)
{
	const char *dir = pki_params_write_dir(p);
	struct pki_cert_config cfg;
	int r = pki_cert_config_for(ca, p, &cfg);
	if (r < 0)
		return r;
	_cleanup_(pki_cert_freep) struct pki_cert *cac = NULL;
	_cleanup_(pki_key_freep) struct pki_key *cak = NULL;
	if (pki_load_cert(p->rootfd, dir, ca->base_name, &cac) >= 0) {
		check_period(ca->base_name, cac);
		if (!pki_cert_is_ca(cac)) {
			pki_cert_config_release(&cfg);
			return error_set(-EINVAL, "certificate \"%s\" is not a CA", ca->name);
		}
		if (pki_load_key(p->rootfd, dir, ca->base_name, &cak) < 0) {
			error_clear();
			pki_cert_config_release(&cfg);
			for (size_t i = 0; i < pki_cert_table_len; i++) {
				const struct pki_cert_spec *s = &pki_cert_table[i];
				if (!s->ca_name || !streq(s->ca_name, ca->name) ||
				    (s->etcd && !p->local_etcd))
					continue;
				struct pki_params q = *p;
				q.cert_dir = dir;
				struct loc l = { ca->base_name, s->base_name, s->name };
				r = validate_signed_with_ca(&q, &l, cac);
				if (r < 0)
					return error_wrap(r,
							  "could not load expected certificate \"%s\" "
							  "or validate the existence of key \"%s\" for it",
							  s->name, ca->name);
			}
			return 0;
		}
		log_v(1, "[certs] Using the existing CA certificate \"%s/%s.crt\" and key \"%s/%s.key\"",
		      dir, ca->base_name, dir, ca->base_name);
	} else {
		error_clear();
		r = write_ca_if_not_exist(p, dir, ca, &cfg, &cac, &cak);
		if (r < 0) {
			pki_cert_config_release(&cfg);
			return r;
		}
	}
	pki_cert_config_release(&cfg);
	for (size_t i = 0; i < pki_cert_table_len; i++) {
		const struct pki_cert_spec *s = &pki_cert_table[i];
		if (!s->ca_name || !streq(s->ca_name, ca->name) || (s->etcd && !p->local_etcd))
			continue;
		r = create_from_ca(p, dir, s, cac, cak);
		if (r < 0)
			return r;
	}
	return 0;
}

int pki_create_pki_assets(const struct pki_params *p)
{
	log_v(1, "creating PKI assets");
	for (size_t i = 0; i < pki_cert_table_len; i++) {
		const struct pki_cert_spec *s = &pki_cert_table[i];
		if (s->ca_name || (s->etcd && !p->local_etcd))
			continue;
		int r = create_tree_for_ca(p, s);
		if (r < 0)
			return error_wrap(r, "error creating PKI assets");
	}
	pki_params_printf(p, "[certs] Valid certificates and keys now exist in \"%s\"\n",
			  pki_params_write_dir(p));
	return pki_create_sa_files(p);
}

/* ---- generate-csr ------------------------------------------------------------------------ */

int pki_create_default_keys_and_csrs(const struct pki_params *p, FILE *o)
{
	const char *dir = p->cert_dir;
	if (o)
		fprintf(o, "generating keys and CSRs in %s\n", dir);
	for (size_t i = 0; i < pki_cert_table_len; i++) {
		const struct pki_cert_spec *s = &pki_cert_table[i];
		if (!s->ca_name)
			continue;
		if (pki_csr_or_key_exists(p->rootfd, dir, s->base_name))
			return error_set(-EEXIST, "file already exists: key or CSR %s/%s", dir,
					 s->base_name);
		struct pki_cert_config cfg;
		int r = pki_cert_config_for(s, p, &cfg);
		if (r < 0)
			return r;
		_cleanup_(pki_key_freep) struct pki_key *k = NULL;
		r = take_key(p, &k);
		if (r < 0) {
			pki_cert_config_release(&cfg);
			return error_wrap(r, "unable to create private key");
		}
		_cleanup_free_ char *csr = NULL;
		size_t len;
		r = pki_csr_new(&cfg, k, &csr, &len);
		pki_cert_config_release(&cfg);
		if (r < 0)
			return error_wrap(r, "unable to generate CSR");
		r = pki_write_key(p->rootfd, dir, s->base_name, k);
		if (r < 0)
			return r;
		r = pki_write_csr(p->rootfd, dir, s->base_name, csr, len);
		if (r < 0)
			return r;
		if (o)
			fprintf(o, "  %s\n", s->base_name);
	}
	return 0;
}

/* ---- certificate key --------------------------------------------------------------------- */

int pki_certificate_key_new(char **ret)
{
	unsigned char b[32];
	if (RAND_bytes(b, sizeof(b)) != 1)
		return error_set(pki_openssl_error(-EIO, "RAND_bytes"),
				 "failed to generate a certificate key");
	char *s = xmalloc(2 * sizeof(b) + 1);
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof(b); i++) {
		s[2 * i] = hex[b[i] >> 4];
		s[2 * i + 1] = hex[b[i] & 15];
	}
	s[2 * sizeof(b)] = '\0';
	OPENSSL_cleanse(b, sizeof(b));
	*ret = s;
	return 0;
}

/* ---- expiration and renewal -------------------------------------------------------------- */

void pki_expiration_release(struct pki_expiration *e)
{
	free(e->name);
	free(e->ca_name);
	memset(e, 0, sizeof(*e));
}

void pki_expirations_free(struct pki_expiration *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pki_expiration_release(&v[i]);
	free(v);
}

char *pki_residual_time(time_t not_after, time_t now)
{
	int64_t secs = (int64_t)not_after - (int64_t)now;
	if (secs < -1)
		return xstrdup("<invalid>");
	if (secs < 0)
		return xstrdup("0s");
	if (secs < 120)
		return xasprintf("%llds", (long long)secs);
	int64_t minutes = secs / 60;
	if (minutes < 10) {
		int64_t s = secs % 60;
		return s ? xasprintf("%lldm%llds", (long long)minutes, (long long)s)
			 : xasprintf("%lldm", (long long)minutes);
	}
	if (minutes < 180)
		return xasprintf("%lldm", (long long)minutes);
	int64_t hours = secs / 3600;
	if (hours < 8) {
		int64_t m = minutes % 60;
		return m ? xasprintf("%lldh%lldm", (long long)hours, (long long)m)
			 : xasprintf("%lldh", (long long)hours);
	}
	if (hours < 48)
		return xasprintf("%lldh", (long long)hours);
	if (hours < 24 * 8) {
		int64_t h = hours % 24;
		return h ? xasprintf("%lldd%lldh", (long long)(hours / 24), (long long)h)
			 : xasprintf("%lldd", (long long)(hours / 24));
	}
	if (hours < 24 * 365 * 2)
		return xasprintf("%lldd", (long long)(hours / 24));
	if (hours < 24 * 365 * 8) {
		int64_t dy = (hours / 24) % 365;
		return dy ? xasprintf("%lldy%lldd", (long long)(hours / 24 / 365), (long long)dy)
			  : xasprintf("%lldy", (long long)(hours / 24 / 365));
	}
	return xasprintf("%lldy", (long long)(hours / 24 / 365));
}

static int externally_managed(const struct pki_params *p, const char *ca_base, bool *ret)
{
	int r;
	if (streq(ca_base, "ca"))
		r = pki_using_external_ca(p, ret);
	else if (streq(ca_base, "front-proxy-ca"))
		r = pki_using_external_front_proxy_ca(p, ret);
	else if (streq(ca_base, "etcd/ca"))
		r = pki_using_external_etcd_ca(p, ret);
	else
		return error_set(-EINVAL, "unknown certificate authority %s", ca_base);
	if (r < 0)
		return error_wrap(r, "Error checking external CA condition for %s certificate "
				     "authority",
				  ca_base);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pki_expiration *)a)->name,
		      ((const struct pki_expiration *)b)->name);
}

int pki_expiration_list(const struct pki_params *p, const char *kubeconfig_dir,
			struct pki_expiration **ret_certs, size_t *ret_ncerts,
			struct pki_expiration **ret_cas, size_t *ret_ncas)
{
	(void)kubeconfig_dir; /* kubeconfig rows are added by the kubeconfig layer */
	struct pki_expiration *certs = xcalloc(pki_cert_table_len, sizeof(*certs));
	struct pki_expiration *cas = xcalloc(pki_cert_table_len, sizeof(*cas));
	size_t nc = 0, na = 0;
	int r = 0;
	for (size_t i = 0; i < pki_cert_table_len && r >= 0; i++) {
		const struct pki_cert_spec *s = &pki_cert_table[i];
		if (s->etcd && !p->local_etcd)
			continue;
		const struct pki_cert_spec *ca = s->ca_name ? pki_cert_spec_ca(s) : s;
		struct pki_expiration *e = s->ca_name ? &certs[nc++] : &cas[na++];
		e->name = xstrdup(s->name);
		e->ca_name = s->ca_name ? xstrdup(s->ca_name) : NULL;
		_cleanup_free_ char *crt = pki_path(p->cert_dir, s->base_name, ".crt");
		struct stat st;
		if (fs_stat(p->rootfd, crt, &st) < 0 || S_ISDIR(st.st_mode)) {
			e->missing = true;
			continue;
		}
		r = externally_managed(p, ca->base_name, &e->externally_managed);
		if (r < 0)
			break;
		_cleanup_(pki_cert_freep) struct pki_cert *c = NULL;
		r = pki_load_cert(p->rootfd, p->cert_dir, s->base_name, &c);
		if (r < 0) {
			r = error_wrap(r, "failed to load existing certificate %s", s->base_name);
			break;
		}
		e->not_after = pki_cert_not_after(c);
	}
	if (r < 0) {
		pki_expirations_free(certs, nc);
		pki_expirations_free(cas, na);
		return r;
	}
	qsort(certs, nc, sizeof(*certs), name_cmp);
	qsort(cas, na, sizeof(*cas), name_cmp);
	*ret_certs = certs;
	*ret_ncerts = nc;
	*ret_cas = cas;
	*ret_ncas = na;
	return 0;
}

int pki_renew_from(const struct pki_params *p, const struct pki_cert *old,
		   const struct pki_cert *ca, const struct pki_key *ca_key,
		   struct pki_cert **ret_cert, struct pki_key **ret_key)
{
	struct pki_cert_config cfg;
	pki_cert_to_config(old, &cfg);
	cfg.algo = p->algo;
	time_t start = pki_params_start(p);
	cfg.not_before = start - CERTIFICATE_BACKDATE;
	cfg.not_after = start + (p->cert_validity > 0 ? p->cert_validity : CERT_VALIDITY);
	int r = 0;
	if (!cfg.usages)
		r = error_set(-EINVAL, "must specify at least one ExtKeyUsage");
	_cleanup_(pki_key_freep) struct pki_key *k = NULL;
	if (r >= 0) {
		r = take_key(p, &k);
		if (r < 0)
			r = error_wrap(r, "unable to create private key");
	}
	_cleanup_(pki_cert_freep) struct pki_cert *c = NULL;
	if (r >= 0)
		r = pki_cert_sign(&cfg, k, ca, ca_key, false, &c);
	pki_cert_config_release(&cfg);
	if (r < 0)
		return r;
	*ret_cert = TAKE_PTR(c);
	*ret_key = TAKE_PTR(k);
	return 0;
}

int pki_renew_cert(const struct pki_params *p, const char *name, bool *ret_renewed)
{
	const struct pki_cert_spec *s = pki_cert_spec_find(name);
	if (!s || !s->ca_name || (s->etcd && !p->local_etcd))
		return error_set(-EINVAL, "%s is not a valid certificate for this cluster", name);
	const struct pki_cert_spec *ca = pki_cert_spec_ca(s);
	bool external = false;
	int r = externally_managed(p, ca->base_name, &external);
	if (r < 0)
		return r;
	if (external) {
		*ret_renewed = false;
		return 0;
	}
	_cleanup_(pki_cert_freep) struct pki_cert *old = NULL;
	r = pki_load_cert(p->rootfd, p->cert_dir, s->base_name, &old);
	if (r < 0)
		return error_wrap(r, "failed to load existing certificate %s", s->base_name);
	struct pki_params q = *p;
	q.write_dir = NULL;
	_cleanup_(pki_cert_freep) struct pki_cert *cac = NULL;
	_cleanup_(pki_key_freep) struct pki_key *cak = NULL;
	r = pki_load_ca(&q, ca->base_name, &cac, &cak);
	if (r < 0)
		return r;
	_cleanup_(pki_cert_freep) struct pki_cert *nc = NULL;
	_cleanup_(pki_key_freep) struct pki_key *nk = NULL;
	r = pki_renew_from(p, old, cac, cak, &nc, &nk);
	if (r < 0)
		return error_wrap(r, "failed to renew certificate %s", s->name);
	r = pki_write_cert_and_key(p->rootfd, p->cert_dir, s->base_name, nc, nk);
	if (r < 0)
		return error_wrap(r, "failed to write new certificate %s", s->base_name);
	*ret_renewed = true;
	return 0;
}
